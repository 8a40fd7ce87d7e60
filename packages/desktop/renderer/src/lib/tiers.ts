/**
 * The one tier table (DESIGN §4) and the one colour per tier. Every surface — grid badges,
 * viewer, histogram, tier counts, config preview — takes its tier colour from here, so a
 * tier never changes colour between screens (an upstream bug, research/upstream.md §5.4).
 */

export const TIERS = ["Excellent", "Strong", "Competent", "Snapshot", "Flawed"] as const;
export type TierName = (typeof TIERS)[number];

/** Inclusive lower bound of each tier, best first: 85–100, 70–84, 50–69, 30–49, 0–29. */
export const TIER_MIN: Record<TierName, number> = {
  Excellent: 85,
  Strong: 70,
  Competent: 50,
  Snapshot: 30,
  Flawed: 0,
};

/** The CSS custom property holding each tier's colour (defined once, in styles.css). */
export const TIER_COLOR_VAR: Record<TierName, string> = {
  Excellent: "--tier-excellent",
  Strong: "--tier-strong",
  Competent: "--tier-competent",
  Snapshot: "--tier-snapshot",
  Flawed: "--tier-flawed",
};

export function isTier(name: unknown): name is TierName {
  return typeof name === "string" && (TIERS as readonly string[]).includes(name);
}

/**
 * The tier of a 0–100 score, taken from the score as displayed (2 decimals), like the
 * engine: 84.99 is Strong, 85.00 Excellent. Null for a missing or out-of-range score.
 */
export function tierFor(score: number | null | undefined): TierName | null {
  if (score === null || score === undefined || !Number.isFinite(score)) return null;
  const shown = Math.round(score * 100) / 100;
  if (shown < 0 || shown > 100) return null;
  for (const tier of TIERS) if (shown >= TIER_MIN[tier]) return tier;
  return null;
}

/** The tier to display: the server's name when it is one of ours, else from the score. */
export function resolveTier(name: string | null | undefined, score?: number | null): TierName | null {
  return isTier(name) ? name : tierFor(score);
}

/** `var(--tier-…)` for a tier; a neutral colour for an unscored photo. */
export function tierColor(tier: TierName | null): string {
  return tier ? `var(${TIER_COLOR_VAR[tier]})` : "var(--unscored)";
}

/** "85–100", "70–84", … for legends. */
export function tierRange(tier: TierName): string {
  const i = TIERS.indexOf(tier);
  const high = i === 0 ? 100 : TIER_MIN[TIERS[i - 1] as TierName] - 1;
  return `${TIER_MIN[tier]}–${high}`;
}
