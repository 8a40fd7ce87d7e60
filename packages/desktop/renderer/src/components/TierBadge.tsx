import { resolveTier, tierColor } from "../lib/tiers";

/** The tier, by name and its one colour (never colour alone). */
export function TierBadge({ tier, score }: { tier: string | null | undefined; score?: number | null }) {
  const t = resolveTier(tier, score);
  if (!t) return <span className="badge unscored">Unscored</span>;
  return (
    <span className="badge" data-tier={t} style={{ background: tierColor(t) }}>
      {t}
    </span>
  );
}
