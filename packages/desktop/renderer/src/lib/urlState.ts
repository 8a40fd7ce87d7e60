/**
 * UI state that survives a reload lives in the URL's query string: the current view, the
 * sort, the filters and the open photo. Parsing is total (bad values fall back to defaults)
 * and serialising omits defaults, so URLs stay short and shareable within a session.
 */
import type { PhotoQuery, SortKey, SortOrder } from "../api/types";
import { ATTRIBUTES, defaultOrder } from "../api/types";
import { TIERS } from "./tiers";

export const VIEWS = ["library", "dashboard", "config", "insights", "account"] as const;
export type View = (typeof VIEWS)[number];

export const SORT_KEYS: readonly SortKey[] = ["score", "date", "name", "tier", "camera", "aesthetic", "technical", ...ATTRIBUTES];

export interface UiState {
  view: View;
  query: PhotoQuery;
  /** The photo open in the viewer, and its position in the current sort order. */
  photo: string | null;
  index: number | null;
}

export const DEFAULT_STATE: UiState = {
  view: "library",
  query: { sort: "score", order: "desc" },
  photo: null,
  index: null,
};

function num(v: string | null, lo: number, hi: number): number | undefined {
  if (v === null || v.trim() === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= lo && n <= hi ? n : undefined;
}

function text(v: string | null): string | undefined {
  const t = v?.trim();
  return t ? t.slice(0, 500) : undefined;
}

export function parseState(search: string): UiState {
  const p = new URLSearchParams(search);
  const view = (VIEWS as readonly string[]).includes(p.get("view") ?? "") ? (p.get("view") as View) : DEFAULT_STATE.view;
  const sortRaw = p.get("sort") ?? "";
  const sort = (SORT_KEYS as readonly string[]).includes(sortRaw) ? (sortRaw as SortKey) : "score";
  const orderRaw = p.get("order");
  // Scores best first; names, dates and cameras A→Z / oldest first, unless asked.
  const order: SortOrder = orderRaw === "asc" || orderRaw === "desc" ? orderRaw : defaultOrder(sort);
  const query: PhotoQuery = { sort, order };
  const tiers = (p.get("tier") ?? "")
    .split(",")
    .filter((t): t is (typeof TIERS)[number] => (TIERS as readonly string[]).includes(t));
  if (tiers.length) query.tier = [...new Set(tiers)];
  const min = num(p.get("min"), 0, 100);
  const max = num(p.get("max"), 0, 100);
  if (min !== undefined) query.min_score = min;
  if (max !== undefined) query.max_score = max;
  if (min !== undefined && max !== undefined && min > max) {
    query.min_score = max;
    query.max_score = min;
  }
  if (p.get("unscored") === "1") query.unscored = true;
  if (p.get("keepers") === "1") query.keepers = true;
  for (const key of ["camera", "analyzer", "q", "date_from", "date_to"] as const) {
    const v = text(p.get(key));
    if (v !== undefined) query[key] = v;
  }
  const folder = num(p.get("folder"), 0, Number.MAX_SAFE_INTEGER);
  if (folder !== undefined && Number.isInteger(folder)) query.folder = folder;
  const attr = p.getAll("attr").filter((a) => /^[a-z_]+:[0-9.]*:[0-9.]*$/.test(a));
  if (attr.length) query.attr = attr;
  const photo = text(p.get("photo")) ?? null;
  const idx = num(p.get("i"), 0, Number.MAX_SAFE_INTEGER);
  return { view, query, photo, index: photo !== null && idx !== undefined ? Math.floor(idx) : null };
}

export function serializeState(s: UiState): string {
  const p = new URLSearchParams();
  if (s.view !== DEFAULT_STATE.view) p.set("view", s.view);
  const q = s.query;
  if (q.sort !== "score") p.set("sort", q.sort);
  if (q.order !== defaultOrder(q.sort)) p.set("order", q.order);
  if (q.tier?.length) p.set("tier", q.tier.join(","));
  if (q.min_score !== undefined) p.set("min", String(q.min_score));
  if (q.max_score !== undefined) p.set("max", String(q.max_score));
  if (q.unscored) p.set("unscored", "1");
  if (q.keepers) p.set("keepers", "1");
  for (const key of ["camera", "analyzer", "q", "date_from", "date_to"] as const) {
    const v = q[key];
    if (v) p.set(key, v);
  }
  if (q.folder !== undefined) p.set("folder", String(q.folder));
  for (const a of q.attr ?? []) p.append("attr", a);
  if (s.photo) {
    p.set("photo", s.photo);
    if (s.index !== null) p.set("i", String(s.index));
  }
  const str = p.toString();
  return str ? "?" + str : "";
}

/** A stable key of the query (for caches): same filters and sort → same key. */
export function queryKey(q: PhotoQuery): string {
  return serializeState({ ...DEFAULT_STATE, query: q });
}
