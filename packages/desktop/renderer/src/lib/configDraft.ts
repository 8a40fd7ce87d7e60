/**
 * Editing the scoring config: a draft of the parts the screen changes (attribute weights,
 * category weights, penalties, the burst window), compared with what is saved. The unsaved
 * draft is kept in localStorage so a reload does not lose the user's tuning.
 */
import type { ScoringWeights } from "../api/types";

const KEY = "ps.configDraft";

export function sameConfig(a: ScoringWeights | null, b: ScoringWeights | null): boolean {
  return JSON.stringify(pick(a)) === JSON.stringify(pick(b));
}

function pick(c: ScoringWeights | null) {
  return c ? { w: c.weights, c: c.category_weights, p: c.penalties, g: burstGap(c) } : null;
}

/** The engine's default window (scoring config `burst_gap_s`): bursts only. */
export const DEFAULT_BURST_GAP_S = 2;
/** The windows offered, in seconds: bursts, then re-takes of a pose or a view. */
export const BURST_GAPS = [1, 2, 5, 10, 30, 60, 120, 300, 600];

export function burstGap(c: ScoringWeights): number {
  return typeof c.burst_gap_s === "number" ? c.burst_gap_s : DEFAULT_BURST_GAP_S;
}

export function withBurstGap(c: ScoringWeights, seconds: number): ScoringWeights {
  return { ...c, burst_gap_s: seconds };
}

/** "2 s", "1 min", "1 min 30 s". */
export function formatGap(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - 60 * m);
  return s ? `${m} min ${s} s` : `${m} min`;
}

export function withWeight(c: ScoringWeights, category: "aesthetic" | "technical", attr: string, v: number): ScoringWeights {
  return { ...c, weights: { ...c.weights, [category]: { ...c.weights[category], [attr]: v } } };
}

export function withCategory(c: ScoringWeights, category: "aesthetic" | "technical", v: number): ScoringWeights {
  return { ...c, category_weights: { ...c.category_weights, [category]: v } };
}

export function withPenalty(c: ScoringWeights, attribute: string, field: "below" | "max_penalty", v: number): ScoringWeights {
  return { ...c, penalties: c.penalties.map((p) => (p.attribute === attribute ? { ...p, [field]: v } : p)) };
}

/** Share of the final score an attribute's weight amounts to (after renormalising). */
export function effectiveShare(c: ScoringWeights, category: "aesthetic" | "technical", attr: string): number {
  const w = c.weights[category];
  const sum = Object.values(w).reduce((s, x) => s + x, 0);
  const cs = c.category_weights.aesthetic + c.category_weights.technical;
  if (sum <= 0 || cs <= 0) return 0;
  return ((w[attr] ?? 0) / sum) * (c.category_weights[category] / cs);
}

/** The slider-editable view of a parsed config from the API (null if it lacks the parts). */
export function asWeights(parsed: { [key: string]: unknown } | null | undefined): ScoringWeights | null {
  if (!parsed) return null;
  const w = parsed.weights as ScoringWeights["weights"] | undefined;
  const c = parsed.category_weights as ScoringWeights["category_weights"] | undefined;
  const p = parsed.penalties as ScoringWeights["penalties"] | undefined;
  if (!w || typeof w !== "object" || !w.aesthetic || !w.technical || !c || typeof c.aesthetic !== "number" || !Array.isArray(p)) return null;
  return parsed as ScoringWeights;
}

/** Rank movement of each photo in a draft ranking versus the saved one (by image id):
 * positive = moved up. `moved` counts the top positions whose photo changed. */
export function rankChanges(
  draft: { image_id: string }[],
  saved: { image_id: string }[],
): { previous: Map<string, number>; moved: number } {
  const previous = new Map(saved.map((p, i) => [p.image_id, i + 1]));
  let moved = 0;
  draft.forEach((p, i) => {
    if (saved[i]?.image_id !== p.image_id) moved++;
  });
  return { previous, moved };
}

export function loadDraft(storage: Storage = localStorage): ScoringWeights | null {
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as ScoringWeights;
    return v && typeof v === "object" && v.weights && v.category_weights && Array.isArray(v.penalties) ? v : null;
  } catch {
    return null;
  }
}

export function storeDraft(draft: ScoringWeights | null, storage: Storage = localStorage): void {
  if (draft) storage.setItem(KEY, JSON.stringify(draft));
  else storage.removeItem(KEY);
}
