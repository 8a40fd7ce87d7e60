import { describe, expect, it } from "vitest";
import type { XmpResult } from "../api/types";
import { xmpSentence } from "./xmp";

const result = (over: Partial<XmpResult>): XmpResult => ({
  dry_run: false, naming: "adobe", created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0, kept: 0, failures: [], ...over,
});

describe("xmpSentence", () => {
  it("counts new, updated and untouched sidecars", () => {
    expect(xmpSentence(result({ created: 1200, updated: 3, unchanged: 40 }))).toBe(
      "Wrote 1,203 sidecars (1,200 new, 3 updated); 40 already up to date.",
    );
    expect(xmpSentence(result({ created: 1 }))).toBe("Wrote 1 sidecar (1 new, 0 updated).");
    expect(xmpSentence(result({ created: 2, skipped: 2 }))).toBe(
      "Wrote 2 sidecars (2 new, 0 updated). 2 JPEGs of raw+JPEG pairs share the raw file's sidecar.",
    );
  });

  it("says what a dry run would do, what it kept and what failed", () => {
    expect(xmpSentence(result({ dry_run: true, updated: 2, kept: 1, failed: 2 }))).toBe(
      "Would write 2 sidecars (0 new, 2 updated). Kept your own rating or label in 1 sidecar. 2 photos could not get a sidecar.",
    );
  });

  it("asks for scoring first when nothing is scored", () => {
    expect(xmpSentence(result({}))).toBe("No scored photos yet: score a folder first.");
  });
});
