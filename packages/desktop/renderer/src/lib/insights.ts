/** Pure helpers of the Insights screen and the viewer's advice (tested in insights.test.ts). */
import type { Bin } from "../components/Histogram";
import type { Advice, Confidence, Insights, RecommendationType, StyleDimension } from "../api/types";

export const RECOMMENDATION_TYPES: readonly RecommendationType[] = ["strength", "weakness", "style", "growth"];

export const RECOMMENDATION_LABEL: Record<RecommendationType, string> = {
  strength: "Strengths",
  weakness: "What holds you back",
  style: "Your style",
  growth: "Room to grow",
};

export const CONFIDENCE_LABEL: Record<Confidence, string> = {
  insufficient: "Not enough photos yet",
  low: "Low confidence",
  medium: "Medium confidence",
  high: "High confidence",
};

/**
 * A −1…1 style reading as a bar from the centre line, in percent of the track:
 * −1 fills the left half, +1 the right half, 0 is an empty bar at 50%. Out-of-range and
 * non-finite values are clamped / treated as 0.
 */
export function poleBar(value: number | null | undefined): { left: number; width: number } {
  const v = value === null || value === undefined || !Number.isFinite(value) ? 0 : Math.max(-1, Math.min(1, value));
  const width = Math.abs(v) * 50;
  return { left: v < 0 ? 50 - width : 50, width };
}

/** The profile's ten-bin score histogram ([0,10) … [90,100]) as Histogram bins. */
export function histogramBins(counts: readonly number[]): Bin[] {
  const size = counts.length ? 100 / counts.length : 10;
  return counts.map((count, i) => ({ low: Math.round(i * size), high: Math.round((i + 1) * size), count }));
}

/** The five style dimensions, composition first, in the profile's order. */
export function styleDimensions(p: Insights): StyleDimension[] {
  return [...Object.values(p.composition_style), ...Object.values(p.exposure_preference)];
}

/** Recommendations grouped by type, every type present (possibly empty), in display order. */
export function groupRecommendations(p: Insights): Record<RecommendationType, Insights["recommendations"]> {
  const out = Object.fromEntries(RECOMMENDATION_TYPES.map((t) => [t, [] as Insights["recommendations"]])) as Record<
    RecommendationType,
    Insights["recommendations"]
  >;
  for (const r of p.recommendations) out[r.type]?.push(r);
  return out;
}

/** "key: value" pairs of a recommendation's evidence, numbers rounded for reading. */
export function evidenceText(evidence: Record<string, number | string>): string[] {
  return Object.entries(evidence).map(([k, v]) => {
    const shown = typeof v === "number" ? (Number.isInteger(v) ? v.toLocaleString("en-US") : String(Math.round(v * 100) / 100)) : v;
    return `${k.replace(/_/g, " ")}: ${shown}`;
  });
}

/** The advice as plain lines — the same lines as the core's ``IndividualAdvice.lines()``. */
export function adviceLines(a: Advice): string[] {
  const out = [a.message, ...a.items.map((i) => `- ${i.text}`)];
  if (a.above_typical.length) out.push(`Above your usual: ${a.above_typical.join(", ")}.`);
  if (a.critique) {
    if (a.critique.key_recommendation) out.push(`Critique: ${a.critique.key_recommendation}`);
    out.push(...a.critique.could_improve.map((p) => `  - ${p}`));
  }
  return out;
}
