import { tierColor, tierFor } from "../lib/tiers";

/** Score distribution in equal bins (5 points on the dashboard, 10 in Insights), hand-drawn SVG; each bar in its tier's colour. */
export interface Bin {
  low: number;
  high: number;
  count: number;
}

export function Histogram({ bins }: { bins: Bin[] }) {
  const W = 400;
  const H = 160;
  const pad = { l: 34, r: 14, t: 8, b: 22 };
  const max = Math.max(1, ...bins.map((b) => b.count));
  const n = bins.length || 20;
  const bw = (W - pad.l - pad.r) / n;
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  const total = bins.reduce((a, b) => a + b.count, 0);
  const step = bins[0] ? bins[0].high - bins[0].low : 5;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Score distribution of ${total} scored photos in ${step}-point bins`}>
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line x1={pad.l} x2={W - pad.r} y1={y(max * f)} y2={y(max * f)} stroke="var(--border)" />
          <text x={pad.l - 4} y={y(max * f) + 3} textAnchor="end">
            {Math.round(max * f)}
          </text>
        </g>
      ))}
      {bins.map((b, i) => {
        const v = b.count;
        return (
          <rect
            key={i}
            x={pad.l + i * bw + 1}
            y={y(v)}
            width={Math.max(1, bw - 2)}
            height={H - pad.b - y(v)}
            fill={tierColor(tierFor(b.low))}
          >
            <title>{`${b.low}–${b.high}: ${v} photos`}</title>
          </rect>
        );
      })}
      {[0, 25, 50, 75, 100].map((s) => (
        <text key={s} x={pad.l + (s / 100) * (W - pad.l - pad.r)} y={H - 6} textAnchor="middle">
          {s}
        </text>
      ))}
    </svg>
  );
}
