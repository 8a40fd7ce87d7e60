import { describe, expect, it } from "vitest";
import type { TasteReport } from "../api/types";
import { tasteChange, tasteSentence, tasteVerdict } from "./taste";

const report = (over: Partial<TasteReport> = {}): TasteReport => ({
  rated: 1250,
  sources: { sidecar: 1200, embedded: 50 },
  pairs: 500_000,
  agreement: { before: 0.7, after: 0.9 },
  held_out: { before: 0.712, after: 0.886 },
  improves: true,
  share: {},
  change: { photos: 20_000, top: 2000, top_kept: 1500, tier_changes: 4321, rank_correlation: 0.8 },
  config: {},
  ...over,
});

describe("taste sentences", () => {
  it("says where the ratings came from and the held-out agreement", () => {
    expect(tasteSentence(report())).toBe(
      "Learnt from 1,250 photos you rated (1,200 from sidecars, 50 from inside the files). On photos the fit did not see, the current weights agree with your stars in 71% of pairs, the fitted ones in 89%.",
    );
    expect(tasteSentence(report({ held_out: { before: null, after: null } }))).toContain("in – of pairs");
  });

  it("recommends only an improvement", () => {
    expect(tasteVerdict(report())).toMatch(/^These weights follow your ratings better/);
    expect(tasteVerdict(report({ improves: false }))).toMatch(/not clearly better/);
  });

  it("counts how the ranking moves", () => {
    expect(tasteChange(report())).toBe("Of your top 2,000, 1,500 would stay; 4,321 of 20,000 photos would change tier.");
  });
});
