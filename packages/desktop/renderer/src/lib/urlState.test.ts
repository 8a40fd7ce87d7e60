import { describe, expect, it } from "vitest";
import { DEFAULT_STATE, parseState, queryKey, serializeState } from "./urlState";

describe("URL state", () => {
  it("defaults to the library sorted by score, best first", () => {
    expect(parseState("")).toEqual(DEFAULT_STATE);
    expect(serializeState(DEFAULT_STATE)).toBe("");
  });

  it("round-trips view, sort, filters and the open photo", () => {
    const s = parseState("?view=config&sort=sharpness&order=asc&tier=Strong,Excellent&min=40&max=90&unscored=1&keepers=1&q=dsc&camera=X-T4&folder=3&attr=sharpness:0.5:&photo=abc123&i=17");
    expect(s.view).toBe("config");
    expect(s.query).toEqual({
      sort: "sharpness",
      order: "asc",
      tier: ["Strong", "Excellent"],
      min_score: 40,
      max_score: 90,
      unscored: true,
      keepers: true,
      q: "dsc",
      camera: "X-T4",
      folder: 3,
      attr: ["sharpness:0.5:"],
    });
    expect(s.photo).toBe("abc123");
    expect(s.index).toBe(17);
    expect(parseState(serializeState(s))).toEqual(s);
  });

  it("ignores garbage instead of failing", () => {
    const s = parseState("?view=nope&sort=drop%20table&order=sideways&tier=Great,Strong&min=abc&max=400&i=-3&folder=x&attr=bad&keepers=yes");
    expect(s.view).toBe("library");
    expect(s.query).toEqual({ sort: "score", order: "desc", tier: ["Strong"] });
    expect(s.photo).toBeNull();
    expect(s.index).toBeNull();
  });

  it("sorts names, dates and cameras A→Z by default and omits default orders", () => {
    expect(parseState("?sort=name").query.order).toBe("asc");
    expect(parseState("?sort=date").query.order).toBe("asc");
    expect(parseState("?sort=score").query.order).toBe("desc");
    expect(serializeState({ ...DEFAULT_STATE, query: { sort: "name", order: "asc" } })).toBe("?sort=name");
    expect(serializeState({ ...DEFAULT_STATE, query: { sort: "score", order: "asc" } })).toBe("?order=asc");
  });

  it("swaps an inverted score range", () => {
    const q = parseState("?min=80&max=20").query;
    expect([q.min_score, q.max_score]).toEqual([20, 80]);
  });

  it("keeps Keepers only in the URL, and only when on", () => {
    expect(serializeState({ ...DEFAULT_STATE, query: { sort: "score", order: "desc", keepers: true } })).toBe("?keepers=1");
    expect(serializeState({ ...DEFAULT_STATE, query: { sort: "score", order: "desc", keepers: false } })).toBe("");
    expect(parseState("?keepers=1").query.keepers).toBe(true);
    expect(queryKey({ sort: "score", order: "desc", keepers: true })).not.toBe(queryKey({ sort: "score", order: "desc" }));
  });

  it("keeps the index only with a photo", () => {
    expect(parseState("?i=5").index).toBeNull();
  });

  it("gives equal queries equal cache keys", () => {
    expect(queryKey({ sort: "score", order: "desc", tier: ["Strong"] })).toBe(queryKey({ order: "desc", tier: ["Strong"], sort: "score" }));
    expect(queryKey({ sort: "score", order: "desc" })).not.toBe(queryKey({ sort: "score", order: "asc" }));
  });
});
