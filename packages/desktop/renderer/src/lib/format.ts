/** Display formatting shared by the screens. */

export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond) || perSecond <= 0) return "—";
  return perSecond >= 1 ? `${perSecond.toFixed(perSecond >= 10 ? 0 : 1)} photos/s` : `${(perSecond * 60).toFixed(1)} photos/min`;
}

export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined || !Number.isFinite(score) ? "—" : score.toFixed(1);
}

export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? "—" : n.toLocaleString("en-US");
}

export function percent(done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.max(0, (100 * done) / total)) : 0;
}

/** EXIF values as photographers write them. */
export function formatExif(key: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "number") {
    switch (key) {
      case "exposure_time":
        return value >= 1 ? `${value}s` : `1/${Math.round(1 / value)}s`;
      case "f_number":
        return `ƒ/${value}`;
      case "focal_length_mm":
        return `${value} mm`;
      case "gps_lat":
      case "gps_lon":
        return value.toFixed(5);
    }
    return String(value);
  }
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const LABELS: Record<string, string> = {
  iso: "ISO",
  f_number: "Aperture",
  exposure_time: "Shutter",
  focal_length_mm: "Focal length",
  gps_lat: "GPS latitude",
  gps_lon: "GPS longitude",
  gps_alt_m: "GPS altitude (m)",
  camera_make: "Make",
  camera_model: "Camera",
  camera_serial: "Serial number",
  capture_time: "Captured",
};

export function humanize(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const s = key.replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A category score (0–1 from the engine) on the same 0–100 scale as the final score. */
export function formatCategory(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "—" : String(Math.round(value * 100));
}
