import type { TasteReport } from "../api/types";

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "–" : `${Math.round(100 * x)}%`);
const n = (x: number) => x.toLocaleString("en-US");

/** What the fit learnt, in two plain sentences. */
export function tasteSentence(r: TasteReport): string {
  const where = Object.entries(r.sources)
    .map(([source, count]) => `${n(count)} ${source === "sidecar" ? "from sidecars" : "from inside the files"}`)
    .join(", ");
  const held = `On photos the fit did not see, the current weights agree with your stars in ${pct(r.held_out.before)} of pairs, the fitted ones in ${pct(r.held_out.after)}.`;
  return `Learnt from ${n(r.rated)} photos you rated (${where}). ${held}`;
}

/** Whether to recommend the fitted weights, and why not when not. */
export function tasteVerdict(r: TasteReport): string {
  return r.improves
    ? "These weights follow your ratings better: put them on the sliders to see the ranking, then Save."
    : "These weights are not clearly better on photos they did not see: your stars may follow something the six measurements do not capture, or there are too few of them.";
}

/** How the whole ranking would move. */
export function tasteChange(r: TasteReport): string {
  const c = r.change;
  return `Of your top ${n(c.top)}, ${n(c.top_kept)} would stay; ${n(c.tier_changes)} of ${n(c.photos)} photos would change tier.`;
}
