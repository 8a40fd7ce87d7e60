import type { XmpResult } from "../api/types";

const n = (x: number) => x.toLocaleString("en-US");
const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;

/** One plain sentence for what writing the sidecars did (or would do, on a dry run). */
export function xmpSentence(r: XmpResult): string {
  const written = r.created + r.updated;
  if (written + r.unchanged + r.skipped + r.failed === 0) return "No scored photos yet: score a folder first.";
  let text = `${r.dry_run ? "Would write" : "Wrote"} ${plural(written, "sidecar")} (${n(r.created)} new, ${n(r.updated)} updated)`;
  text += r.unchanged ? `; ${n(r.unchanged)} already up to date.` : ".";
  if (r.kept) text += ` Kept your own rating or label in ${plural(r.kept, "sidecar")}.`;
  if (r.skipped) text += ` ${plural(r.skipped, "JPEG")} of raw+JPEG pairs share the raw file's sidecar.`;
  if (r.failed) text += ` ${plural(r.failed, "photo")} could not get a sidecar.`;
  return text;
}
