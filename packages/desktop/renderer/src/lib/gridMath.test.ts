import { describe, expect, it } from "vitest";
import { cellOf, layout, moveIndex, pagesFor, scrollToReveal, visibleRange } from "./gridMath";

const opts = { minCellWidth: 180, gap: 10, captionHeight: 34 };

describe("grid layout", () => {
  it("fits as many columns as the width allows", () => {
    expect(layout({ ...opts, width: 1000, total: 100 }).columns).toBe(5); // (1000+10)/(190) = 5.3
    expect(layout({ ...opts, width: 940, total: 100 }).columns).toBe(5); // exactly 5 × 180 + 4 × 10
    expect(layout({ ...opts, width: 939, total: 100 }).columns).toBe(4);
    expect(layout({ ...opts, width: 50, total: 100 }).columns).toBe(1);
    expect(layout({ ...opts, width: 0, total: 100 }).columns).toBe(1);
  });

  it("fills the width exactly and counts rows", () => {
    const l = layout({ ...opts, width: 1000, total: 20_001 });
    expect(l.cellWidth * l.columns + opts.gap * (l.columns - 1)).toBeCloseTo(1000);
    expect(l.rows).toBe(4001);
    expect(l.totalHeight).toBe(4001 * l.rowHeight);
  });
});

describe("visible range", () => {
  const l = layout({ ...opts, width: 1000, total: 20_000 });

  it("mounts only the rows in view plus the overscan, even at 20,000 photos", () => {
    const r = visibleRange(l, 20_000, 0, 800, 2);
    expect(r.firstRow).toBe(0);
    const rowsInView = Math.ceil(800 / l.rowHeight);
    expect(r.lastRow).toBe(rowsInView - 1 + 2);
    expect(r.lastIndex - r.firstIndex + 1).toBe((r.lastRow + 1) * l.columns);
    expect(r.lastIndex - r.firstIndex + 1).toBeLessThan(60);
  });

  it("follows the scroll position and clamps at the end", () => {
    const mid = visibleRange(l, 20_000, 1000 * l.rowHeight + 5, 800, 2);
    expect(mid.firstRow).toBe(998);
    expect(mid.firstIndex).toBe(998 * 5);
    const end = visibleRange(l, 20_000, l.totalHeight + 10_000, 800, 2);
    expect(end.lastRow).toBe(l.rows - 1);
    expect(end.lastIndex).toBe(19_999);
  });

  it("is empty for an empty library", () => {
    const e = visibleRange(layout({ ...opts, width: 1000, total: 0 }), 0, 0, 800);
    expect(e.lastIndex).toBe(-1);
    expect(e.lastIndex - e.firstIndex + 1).toBe(0);
  });

  it("ends at the last photo of a partial last row", () => {
    const small = layout({ ...opts, width: 1000, total: 7 });
    expect(visibleRange(small, 7, 0, 800).lastIndex).toBe(6);
  });
});

describe("keyboard movement", () => {
  it("moves by cells and rows and stays inside the grid", () => {
    expect(moveIndex(0, "ArrowRight", 5, 12, 3)).toBe(1);
    expect(moveIndex(0, "ArrowLeft", 5, 12, 3)).toBe(0);
    expect(moveIndex(2, "ArrowDown", 5, 12, 3)).toBe(7);
    expect(moveIndex(7, "ArrowDown", 5, 12, 3)).toBe(7); // 12 does not exist
    expect(moveIndex(7, "ArrowUp", 5, 12, 3)).toBe(2);
    expect(moveIndex(2, "ArrowUp", 5, 12, 3)).toBe(2);
    expect(moveIndex(0, "PageDown", 5, 100, 3)).toBe(15);
    expect(moveIndex(95, "PageDown", 5, 100, 3)).toBe(99);
    expect(moveIndex(50, "Home", 5, 100, 3)).toBe(0);
    expect(moveIndex(50, "End", 5, 100, 3)).toBe(99);
    expect(moveIndex(50, "x", 5, 100, 3)).toBe(50);
    expect(moveIndex(0, "ArrowRight", 5, 0, 3)).toBe(-1);
  });

  it("scrolls just enough to reveal a cell", () => {
    const l = layout({ ...opts, width: 1000, total: 100 });
    expect(cellOf(12, 5)).toEqual({ row: 2, col: 2 });
    expect(scrollToReveal(l, 0, 0, 800)).toBe(0);
    expect(scrollToReveal(l, 99, 0, 800)).toBe(20 * l.rowHeight - 800);
    expect(scrollToReveal(l, 0, 500, 800)).toBe(0);
  });
});

describe("pages", () => {
  it("lists the pages covering a range", () => {
    expect(pagesFor(0, 0, 200)).toEqual([0]);
    expect(pagesFor(150, 450, 200)).toEqual([0, 1, 2]);
    expect(pagesFor(5, 4, 200)).toEqual([]);
  });
});
