import { describe, expect, it } from "vitest";
import { TIERS, TIER_COLOR_VAR, resolveTier, tierColor, tierFor, tierRange } from "./tiers";

describe("tierFor", () => {
  it.each([
    [100, "Excellent"],
    [85, "Excellent"],
    [84.99, "Strong"],
    [84.996, "Excellent"], // the displayed (2 dp) score decides, like the engine
    [70, "Strong"],
    [69.99, "Competent"],
    [50, "Competent"],
    [49.99, "Snapshot"],
    [30, "Snapshot"],
    [29.99, "Flawed"],
    [0, "Flawed"],
  ])("%s is %s", (score, tier) => {
    expect(tierFor(score)).toBe(tier);
  });

  it("has no tier for missing or impossible scores", () => {
    expect(tierFor(null)).toBeNull();
    expect(tierFor(undefined)).toBeNull();
    expect(tierFor(Number.NaN)).toBeNull();
    expect(tierFor(-0.5)).toBeNull();
    expect(tierFor(100.5)).toBeNull();
  });
});

describe("tier colours", () => {
  it("gives every tier its own colour and unscored a neutral one", () => {
    const colours = TIERS.map((t) => tierColor(t));
    expect(new Set(colours).size).toBe(TIERS.length);
    expect(tierColor("Excellent")).toBe("var(--tier-excellent)");
    expect(tierColor("Flawed")).toBe("var(--tier-flawed)");
    expect(tierColor(null)).toBe("var(--unscored)");
    expect(Object.keys(TIER_COLOR_VAR)).toEqual([...TIERS]);
  });

  it("trusts the server's tier name, else derives it from the score", () => {
    expect(resolveTier("Strong", 10)).toBe("Strong");
    expect(resolveTier("Unknown", 90)).toBe("Excellent");
    expect(resolveTier(null, null)).toBeNull();
  });

  it("labels the bands as DESIGN §4 writes them", () => {
    expect(TIERS.map(tierRange)).toEqual(["85–100", "70–84", "50–69", "30–49", "0–29"]);
  });
});
