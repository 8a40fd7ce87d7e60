/**
 * Bursts as the UI words them. A burst is frames of one scene from one camera at most 2 s apart; the
 * engine ranks them against each other (scoring.bursts) and proposes the first as the
 * keeper. A photo's `burst` place is null when it was not shot in a burst.
 */
import type { BurstPlace, PhotoSummary } from "../api/types";

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

/** The card badge: "★ Keep · burst of 5" on the keeper, "2/5" (rank of size) on the rest. */
export function burstBadge(place: BurstPlace): string {
  return place.keeper ? `★ Keep · burst of ${place.size}` : `${place.rank}/${place.size}`;
}

/** The badge in words, for screen readers and the tooltip. */
export function burstLabel(place: BurstPlace): string {
  return place.keeper ? `Best frame of a ${place.size}-frame burst` : `${ordinal(place.rank)} best frame of a ${place.size}-frame burst`;
}

/** The burst's keeper among its frames (the detail's `burst`), if any. */
export function burstKeeper(frames: readonly PhotoSummary[]): PhotoSummary | undefined {
  return frames.find((f) => f.burst?.keeper);
}

/**
 * A sentence on a photo's burst for the viewer: where the photo falls in shot order, how
 * it ranks, and which frame to keep; then, when it strays from the rest (brighter, darker,
 * turned), a second one saying so. `frames` are the burst's frames in shot order.
 */
export function burstSentence(frames: readonly PhotoSummary[], imageId: string): string {
  const at = frames.findIndex((f) => f.image_id === imageId);
  const place = frames[at]?.burst;
  const keeper = burstKeeper(frames);
  const where = at < 0 ? `A burst of ${frames.length}` : `Frame ${at + 1} of ${frames.length} in shot order`;
  // What sets this frame apart from the rest ("0.7 stop brighter than the rest of the burst").
  const strays = place?.notes.length ? ` This frame is ${place.notes.join(" and ")}.` : "";
  if (!keeper) return `${where}.${strays}`;
  if (keeper.image_id === imageId) return `${where} — this is the keeper.${strays}`;
  return `${where}${place ? `, ranked ${ordinal(place.rank)}` : ""} — the keeper is ${keeper.name}.${strays}`;
}
