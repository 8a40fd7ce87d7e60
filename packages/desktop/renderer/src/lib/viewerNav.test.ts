import { describe, expect, it } from "vitest";
import { CLOSED, keyToAction, keyToRating, viewerReducer, type ViewerState } from "./viewerNav";

const open: ViewerState = viewerReducer(CLOSED, { type: "open", index: 3, id: "d", total: 5 });

describe("viewer navigation", () => {
  it("steps through the sort order and forgets the id until it is resolved", () => {
    const next = viewerReducer(open, { type: "next" });
    expect(next).toEqual({ open: true, index: 4, id: null, total: 5 });
    expect(viewerReducer(next, { type: "resolved", index: 4, id: "e" }).id).toBe("e");
    expect(viewerReducer(open, { type: "prev" }).index).toBe(2);
  });

  it("stops at both ends", () => {
    const last = viewerReducer(open, { type: "last" });
    expect(last.index).toBe(4);
    expect(viewerReducer(last, { type: "next" })).toBe(last);
    const first = viewerReducer(open, { type: "first" });
    expect(viewerReducer(first, { type: "prev" })).toBe(first);
  });

  it("ignores a late lookup for a photo the user already left", () => {
    const moved = viewerReducer(viewerReducer(open, { type: "next" }), { type: "prev" });
    expect(viewerReducer(moved, { type: "resolved", index: 4, id: "e" })).toBe(moved);
  });

  it("closes with Esc and does nothing while closed", () => {
    const closed = viewerReducer(open, { type: "close" });
    expect(closed.open).toBe(false);
    expect(viewerReducer(closed, { type: "next" })).toBe(closed);
  });

  it("keeps the index inside a shrinking list and closes on an empty one", () => {
    const s = viewerReducer(open, { type: "total", total: 2 });
    expect(s.index).toBe(1);
    expect(s.id).toBeNull();
    expect(viewerReducer(open, { type: "total", total: 0 }).open).toBe(false);
  });

  it("shows a burst frame by id, at its position when the list holds it", () => {
    expect(viewerReducer(open, { type: "show", id: "b", index: 1 })).toEqual({ open: true, index: 1, id: "b", total: 5 });
    // Not in the loaded list (filtered out by Keepers only): ←/→ go on from where it was.
    expect(viewerReducer(open, { type: "show", id: "x", index: null })).toEqual({ open: true, index: 3, id: "x", total: 5 });
    expect(viewerReducer(open, { type: "show", id: "x", index: 9 }).index).toBe(3);
    expect(viewerReducer(open, { type: "show", id: "d", index: 3 })).toBe(open);
    const closed = viewerReducer(open, { type: "close" });
    expect(viewerReducer(closed, { type: "show", id: "b", index: 1 })).toBe(closed);
  });

  it("maps keys to actions", () => {
    expect(keyToAction("ArrowRight")).toEqual({ type: "next" });
    expect(keyToAction("ArrowLeft")).toEqual({ type: "prev" });
    expect(keyToAction("Escape")).toEqual({ type: "close" });
    expect(keyToAction("a")).toBeNull();
  });
});

describe("keyToRating", () => {
  it("reads Lightroom's rating keys and nothing else", () => {
    expect(["0", "1", "5", "x", "X", "6", "j", "Enter"].map(keyToRating)).toEqual([0, 1, 5, -1, -1, null, null, null]);
  });
});
