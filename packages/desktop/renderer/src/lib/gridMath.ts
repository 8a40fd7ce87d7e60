/**
 * Windowing math for the virtualised photo grid: how many columns fit, how tall a row is,
 * and which rows (and so which photo indices) are visible. Pure, so it is unit-tested and
 * the grid mounts only what can be seen (plus a small overscan) at any library size.
 */

export interface GridLayout {
  columns: number;
  cellWidth: number;
  rowHeight: number;
  rows: number;
  totalHeight: number;
}

export interface GridOptions {
  width: number;
  total: number;
  minCellWidth: number;
  gap: number;
  /** Height of the caption under the square thumbnail. */
  captionHeight: number;
}

export function layout({ width, total, minCellWidth, gap, captionHeight }: GridOptions): GridLayout {
  const usable = Math.max(0, width);
  const columns = Math.max(1, Math.floor((usable + gap) / (minCellWidth + gap)));
  const cellWidth = Math.max(1, (usable - gap * (columns - 1)) / columns);
  const rowHeight = Math.round(cellWidth * (2 / 3)) + captionHeight + gap;
  const rows = Math.ceil(Math.max(0, total) / columns);
  return { columns, cellWidth, rowHeight, rows, totalHeight: rows * rowHeight };
}

export interface VisibleRange {
  firstRow: number;
  lastRow: number; // inclusive; -1 when empty
  firstIndex: number;
  lastIndex: number; // inclusive; -1 when empty
}

export function visibleRange(
  l: GridLayout,
  total: number,
  scrollTop: number,
  viewportHeight: number,
  overscanRows = 2,
): VisibleRange {
  if (total <= 0 || l.rows === 0) return { firstRow: 0, lastRow: -1, firstIndex: 0, lastIndex: -1 };
  const top = Math.max(0, scrollTop);
  const firstRow = Math.max(0, Math.floor(top / l.rowHeight) - overscanRows);
  const lastRow = Math.min(l.rows - 1, Math.ceil((top + Math.max(0, viewportHeight)) / l.rowHeight) - 1 + overscanRows);
  const firstIndex = firstRow * l.columns;
  const lastIndex = Math.min(total - 1, (lastRow + 1) * l.columns - 1);
  return { firstRow, lastRow, firstIndex, lastIndex };
}

/** Row and column of a photo index. */
export function cellOf(index: number, columns: number): { row: number; col: number } {
  return { row: Math.floor(index / columns), col: index % columns };
}

/** The scrollTop that brings `index` into view (unchanged if it already is). */
export function scrollToReveal(l: GridLayout, index: number, scrollTop: number, viewportHeight: number): number {
  const { row } = cellOf(index, l.columns);
  const top = row * l.rowHeight;
  const bottom = top + l.rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

/** Keyboard movement in the grid: arrows by one cell or one row, Page keys by a screen. */
export function moveIndex(
  index: number,
  key: string,
  columns: number,
  total: number,
  rowsPerPage: number,
): number {
  if (total <= 0) return -1;
  const clamp = (i: number) => Math.min(total - 1, Math.max(0, i));
  switch (key) {
    case "ArrowRight":
      return clamp(index + 1);
    case "ArrowLeft":
      return clamp(index - 1);
    case "ArrowDown":
      return index + columns < total ? index + columns : index;
    case "ArrowUp":
      return index - columns >= 0 ? index - columns : index;
    case "PageDown":
      return clamp(index + columns * Math.max(1, rowsPerPage));
    case "PageUp":
      return clamp(index - columns * Math.max(1, rowsPerPage));
    case "Home":
      return 0;
    case "End":
      return total - 1;
    default:
      return index;
  }
}

/** Page numbers (of `pageSize` items) that cover indices [first, last]. */
export function pagesFor(first: number, last: number, pageSize: number): number[] {
  if (last < first || last < 0) return [];
  const out: number[] = [];
  for (let p = Math.floor(Math.max(0, first) / pageSize); p <= Math.floor(last / pageSize); p++) out.push(p);
  return out;
}
