/**
 * A fixed, typed personality profile and per-photo advice for the mock API (dev server and
 * tests). Shapes are the GENERATED ones, so a change of the sidecar's schema breaks here.
 */
import type { Advice, Insights, StyleDimension } from "./types";

function dim(key: string, poles: [string, string], value: number | null, label: string, n: number): StyleDimension {
  return {
    key, poles, value, label, n,
    confidence: value === null ? "insufficient" : "medium",
    share_first: value === null ? null : 0.3, share_second: value === null ? null : 0.4,
    n_first: 30, n_second: 40, mean_score_first: 58.2, mean_score_second: 63.9,
    sources: { measured: n, features: 0 }, method: "mock",
  };
}

export function mockInsights(photoCount: number, scored: number): Insights {
  const hist = [0, 1, 3, 6, 10, 14, 11, 7, 4, 1];
  const sum = hist.reduce((a, b) => a + b, 0);
  const histogram = hist.map((h) => Math.round((h * scored) / sum));
  return {
    version: "personality-1",
    photo_count: photoCount,
    scored_count: scored,
    confidence: photoCount >= 200 ? "high" : photoCount >= 50 ? "medium" : photoCount >= 20 ? "low" : "insufficient",
    summary: "You favour bright, airy frames with centred subjects; your landscapes are your strongest work.",
    notes: photoCount < 20 ? ["Fewer than 20 photos: no recommendation can be made yet."] : [],
    analyzers: { local: scored },
    composition_style: {
      centered_vs_rule_of_thirds: dim("centered_vs_rule_of_thirds", ["centered", "rule of thirds"], -0.42, "leans centered", scored),
      minimalist_vs_complex: dim("minimalist_vs_complex", ["minimalist", "complex"], 0.1, "balanced", scored),
      tight_vs_loose_framing: dim("tight_vs_loose_framing", ["tight", "loose"], null, "not enough data", 4),
    },
    exposure_preference: {
      dark_moody_vs_bright_airy: dim("dark_moody_vs_bright_airy", ["dark & moody", "bright & airy"], 0.68, "strongly bright & airy", scored),
      high_contrast_vs_flat: dim("high_contrast_vs_flat", ["high contrast", "flat"], -0.2, "balanced", scored),
    },
    subject_distribution: {
      genres: [
        { genre: "landscape", count: Math.round(photoCount * 0.45), share: 0.45, mean_score: 66.1, std_score: 9.2 },
        { genre: "portrait", count: Math.round(photoCount * 0.3), share: 0.3, mean_score: 58.4, std_score: 11.0 },
        { genre: "unknown", count: Math.round(photoCount * 0.25), share: 0.25, mean_score: null, std_score: null },
      ],
      shares: { landscape: 0.45, portrait: 0.3, unknown: 0.25 },
      classified: Math.round(photoCount * 0.75),
      unknown: Math.round(photoCount * 0.25),
    },
    score_distribution: {
      n: scored, unscorable: photoCount - scored, mean: 61.3, std: 12.4, median: 62.0, p10: 44.0, p90: 77.5,
      histogram, tiers: { Excellent: 1, Strong: 11, Competent: 25, Snapshot: 13, Flawed: 7 },
      attributes: [], top_threshold: 77.5, bottom_threshold: 44.0,
      top_10_percent_traits: ["golden hour light"], bottom_10_percent_traits: ["blur"], top_traits: [], bottom_traits: [],
    },
    recommendations: [
      { type: "strength", key: "strength.genre.landscape", title: "Landscapes are your strongest genre", message: "Your landscapes score 7.7 points above your portraits.", evidence: { gap: 7.7, n: 120 }, based_on: 120, confidence: "medium" },
      { type: "weakness", key: "weakness.attribute.sharpness", title: "Sharpness holds you back", message: "Blur appears in 18% of your photos.", evidence: { share: 0.18 }, based_on: 200, confidence: "medium" },
      { type: "style", key: "style.exposure.bright", title: "You shoot bright and airy", message: "Most of your frames sit on the bright side.", evidence: { value: 0.68 }, based_on: 200, confidence: "medium" },
      { type: "growth", key: "growth.trait.golden_hour", title: "Shoot more at golden hour", message: "Golden-hour light is 2.1× more common in your best 10%.", evidence: { lift: 2.1 }, based_on: 40, confidence: "low" },
    ],
    trends: {
      granularity: "quarter",
      points: [
        { period: "2023-Q3", n: 40, mean_score: 57.0 },
        { period: "2023-Q4", n: 55, mean_score: 60.2 },
        { period: "2024-Q1", n: 61, mean_score: 63.8 },
      ],
      dated: 156, undated: 4, left_out: 0, change: 6.8,
      summary: "Your mean score rose 6.8 points from 2023-Q3 to 2024-Q1.",
    },
  };
}

export function mockAdvice(id: string): Advice {
  return {
    image_id: id,
    analyzer: "local",
    based_on: 120,
    basis: "personal",
    message: "Sharpness is what would lift this photo most.",
    items: [
      {
        attribute: "sharpness", display_name: "Sharpness", value: 0.41, typical: 0.72, spread: 0.1, deviation: -3.1, gap: 0.31,
        basis: "personal", finding: "motion blur", advice: ["use 1/250s or faster"],
        text: "sharpness 0.41 vs your usual 0.72: motion blur — use 1/250s or faster",
      },
    ],
    above_typical: ["composition"],
    critique: null,
  };
}
