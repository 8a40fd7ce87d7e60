/**
 * The score viewer's navigation as a reducer: ←/→ (and j/k) step through the photos in the
 * current sort order, Home/End jump, Esc closes. The viewer knows the photo by its position
 * (`index`) in the sorted list and by id; the id for a new index is filled in once the page
 * holding it is loaded (`resolved`).
 */

export interface ViewerState {
  open: boolean;
  index: number; // position in the current sort order, 0-based
  id: string | null; // null while the photo at `index` is being looked up
  total: number;
}

export type ViewerAction =
  | { type: "open"; index: number; id: string; total: number }
  | { type: "close" }
  | { type: "next" }
  | { type: "prev" }
  | { type: "first" }
  | { type: "last" }
  | { type: "resolved"; index: number; id: string }
  /** Show a photo picked by id (a frame of the burst strip); `index` is its position in the
   * sort order when known, else (filtered out, or on a page not loaded) the position stays. */
  | { type: "show"; id: string; index: number | null }
  | { type: "total"; total: number };

export const CLOSED: ViewerState = { open: false, index: 0, id: null, total: 0 };

function go(s: ViewerState, index: number): ViewerState {
  if (!s.open || s.total <= 0) return s;
  const i = Math.min(s.total - 1, Math.max(0, index));
  return i === s.index ? s : { ...s, index: i, id: null };
}

export function viewerReducer(s: ViewerState, a: ViewerAction): ViewerState {
  switch (a.type) {
    case "open":
      return { open: true, index: a.index, id: a.id, total: a.total };
    case "close":
      return s.open ? { ...s, open: false } : s;
    case "next":
      return go(s, s.index + 1);
    case "prev":
      return go(s, s.index - 1);
    case "first":
      return go(s, 0);
    case "last":
      return go(s, s.total - 1);
    case "resolved":
      return s.open && a.index === s.index && s.id !== a.id ? { ...s, id: a.id } : s;
    case "show": {
      const index = a.index !== null && a.index >= 0 && a.index < s.total ? a.index : s.index;
      return s.open && (s.id !== a.id || s.index !== index) ? { ...s, id: a.id, index } : s;
    }
    case "total": {
      if (a.total === s.total) return s;
      const next = { ...s, total: a.total };
      if (a.total === 0) return { ...next, open: false };
      return s.index >= a.total ? { ...next, index: a.total - 1, id: null } : next;
    }
  }
}

/** The action a key press means in the viewer, or null to let the key through. */
export function keyToAction(key: string): ViewerAction | null {
  switch (key) {
    case "ArrowRight":
    case "j":
      return { type: "next" };
    case "ArrowLeft":
    case "k":
      return { type: "prev" };
    case "Home":
      return { type: "first" };
    case "End":
      return { type: "last" };
    case "Escape":
      return { type: "close" };
    default:
      return null;
  }
}

/** Lightroom's rating keys: 1–5 stars, 0 none, X rejected; null for any other key. */
export function keyToRating(key: string): number | null {
  if (/^[0-5]$/.test(key)) return Number(key);
  return key === "x" || key === "X" ? -1 : null;
}
