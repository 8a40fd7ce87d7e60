import { describe, expect, it } from "vitest";
import { formatCategory, formatEta, formatExif, formatRate, humanize, percent } from "./format";

describe("formatting", () => {
  it("writes ETAs and rates as people read them", () => {
    expect(formatEta(42)).toBe("42s");
    expect(formatEta(125)).toBe("2m 05s");
    expect(formatEta(3 * 3600 + 7 * 60)).toBe("3h 07m");
    expect(formatEta(null)).toBe("—");
    expect(formatRate(12.4)).toBe("12 photos/s");
    expect(formatRate(2.44)).toBe("2.4 photos/s");
    expect(formatRate(0.5)).toBe("30.0 photos/min");
    expect(formatRate(0)).toBe("—");
    expect(percent(5, 0)).toBe(0);
    expect(percent(50, 200)).toBe(25);
  });

  it("writes EXIF as photographers do", () => {
    expect(formatExif("exposure_time", 0.004)).toBe("1/250s");
    expect(formatExif("exposure_time", 2)).toBe("2s");
    expect(formatExif("f_number", 2.8)).toBe("ƒ/2.8");
    expect(formatExif("iso", 400)).toBe("400");
    expect(formatExif("lens", null)).toBe("—");
    expect(humanize("iso")).toBe("ISO");
    expect(humanize("scene_type")).toBe("Scene type");
  });

  it("puts category scores on the 0–100 scale", () => {
    expect(formatCategory(0.6641)).toBe("66");
    expect(formatCategory(null)).toBe("—");
  });
});
