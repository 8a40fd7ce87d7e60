import { describe, expect, it } from "vitest";
import { mockAdvice, mockInsights } from "../api/mockInsights";
import { adviceLines, evidenceText, groupRecommendations, histogramBins, poleBar, styleDimensions } from "./insights";

describe("poleBar", () => {
  it("grows from the centre towards the pole", () => {
    expect(poleBar(0)).toEqual({ left: 50, width: 0 });
    expect(poleBar(1)).toEqual({ left: 50, width: 50 });
    expect(poleBar(-1)).toEqual({ left: 0, width: 50 });
    expect(poleBar(0.5)).toEqual({ left: 50, width: 25 });
    expect(poleBar(-0.5)).toEqual({ left: 25, width: 25 });
  });
  it("clamps and ignores missing readings", () => {
    expect(poleBar(3)).toEqual({ left: 50, width: 50 });
    expect(poleBar(-7)).toEqual({ left: 0, width: 50 });
    expect(poleBar(null)).toEqual({ left: 50, width: 0 });
    expect(poleBar(Number.NaN)).toEqual({ left: 50, width: 0 });
  });
});

describe("profile helpers", () => {
  it("turns ten counts into 10-point bins", () => {
    const bins = histogramBins([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(bins[0]).toEqual({ low: 0, high: 10, count: 1 });
    expect(bins[9]).toEqual({ low: 90, high: 100, count: 10 });
    expect(histogramBins([])).toEqual([]);
  });
  it("lists the five style dimensions and groups every recommendation type", () => {
    const p = mockInsights(200, 190);
    expect(styleDimensions(p).map((d) => d.key)).toEqual([
      "centered_vs_rule_of_thirds",
      "minimalist_vs_complex",
      "tight_vs_loose_framing",
      "dark_moody_vs_bright_airy",
      "high_contrast_vs_flat",
    ]);
    const g = groupRecommendations({ ...p, recommendations: p.recommendations.slice(1) });
    expect(Object.keys(g)).toEqual(["strength", "weakness", "style", "growth"]);
    expect(g.strength).toEqual([]);
    expect(g.weakness).toHaveLength(1);
  });
  it("formats evidence", () => {
    expect(evidenceText({ mean_gap: 7.6666, n: 1200, genre: "landscape" })).toEqual(["mean gap: 7.67", "n: 1,200", "genre: landscape"]);
  });
});

describe("adviceLines", () => {
  it("mirrors IndividualAdvice.lines()", () => {
    const a = mockAdvice("abc");
    expect(adviceLines(a)).toEqual([
      "Sharpness is what would lift this photo most.",
      "- sharpness 0.41 vs your usual 0.72: motion blur — use 1/250s or faster",
      "Above your usual: composition.",
    ]);
    const withCritique = { ...a, above_typical: [], critique: { summary: "s", key_recommendation: "Crop tighter.", could_improve: ["horizon"] } };
    expect(adviceLines(withCritique).slice(-2)).toEqual(["Critique: Crop tighter.", "  - horizon"]);
  });
});
