import { describe, expect, it } from "vitest";
import { DEFAULT_WEIGHTS } from "../api/mock";
import { asWeights, burstGap, effectiveShare, formatGap, loadDraft, rankChanges, sameConfig, storeDraft, withBurstGap, withCategory, withPenalty, withWeight } from "./configDraft";

describe("config draft", () => {
  it("edits without mutating the saved config", () => {
    const d = withWeight(DEFAULT_WEIGHTS, "aesthetic", "composition", 0.9);
    expect(d.weights.aesthetic.composition).toBe(0.9);
    expect(DEFAULT_WEIGHTS.weights.aesthetic.composition).toBe(0.4);
    expect(sameConfig(d, DEFAULT_WEIGHTS)).toBe(false);
    expect(sameConfig(withWeight(d, "aesthetic", "composition", 0.4), DEFAULT_WEIGHTS)).toBe(true);
    expect(withCategory(DEFAULT_WEIGHTS, "technical", 0.1).category_weights).toEqual({ aesthetic: 0.6, technical: 0.1 });
    expect(withPenalty(DEFAULT_WEIGHTS, "sharpness", "below", 0.3).penalties[0]?.below).toBe(0.3);
  });

  it("edits the burst window, which the engine defaults to 2 s", () => {
    expect(burstGap(DEFAULT_WEIGHTS)).toBe(2);
    const wide = withBurstGap(DEFAULT_WEIGHTS, 30);
    expect(burstGap(wide)).toBe(30);
    expect(sameConfig(wide, DEFAULT_WEIGHTS)).toBe(false);
    expect(sameConfig(withBurstGap(DEFAULT_WEIGHTS, 2), DEFAULT_WEIGHTS)).toBe(true);
    expect([2, 30, 60, 90, 600].map(formatGap)).toEqual(["2 s", "30 s", "1 min", "1 min 30 s", "10 min"]);
  });

  it("computes each attribute's share of the final score after renormalising", () => {
    expect(effectiveShare(DEFAULT_WEIGHTS, "aesthetic", "composition")).toBeCloseTo(0.24);
    const doubled = withWeight(withWeight(withWeight(DEFAULT_WEIGHTS, "technical", "sharpness", 0.8), "technical", "exposure_balance", 0.7), "technical", "noise_level", 0.5);
    expect(effectiveShare(doubled, "technical", "sharpness")).toBeCloseTo(0.16);
    expect(effectiveShare(withCategory(withCategory(DEFAULT_WEIGHTS, "aesthetic", 0), "technical", 0), "aesthetic", "composition")).toBe(0);
  });

  it("reads the slider parts of a parsed API config", () => {
    expect(asWeights({ ...DEFAULT_WEIGHTS, tiers: [] })).not.toBeNull();
    expect(asWeights({ weights: {} })).toBeNull();
    expect(asWeights(null)).toBeNull();
  });

  it("says how the ranking moved", () => {
    const saved = ["a", "b", "c", "d"].map((image_id) => ({ image_id }));
    const draft = ["b", "a", "c", "e"].map((image_id) => ({ image_id }));
    const { previous, moved } = rankChanges(draft, saved);
    expect(moved).toBe(3);
    expect(previous.get("a")).toBe(1);
    expect(previous.get("e")).toBeUndefined();
  });

  it("keeps an unsaved draft across reloads and rejects junk", () => {
    const d = withWeight(DEFAULT_WEIGHTS, "aesthetic", "composition", 0.7);
    storeDraft(d);
    expect(loadDraft()).toEqual(d);
    storeDraft(null);
    expect(loadDraft()).toBeNull();
    localStorage.setItem("ps.configDraft", "{not json");
    expect(loadDraft()).toBeNull();
  });
});
