import { useEffect, useState } from "react";
import { useApi } from "../api/context";
import { errorMessage } from "../api/errors";
import type { XmpAuto, XmpNaming, XmpResult } from "../api/types";
import { formatNumber } from "../lib/format";
import { xmpSentence } from "../lib/xmp";

const NAMINGS: { value: XmpNaming; label: string }[] = [
  { value: "adobe", label: "IMG_0001.xmp — Lightroom (raw files), Capture One, Bridge" },
  { value: "darktable", label: "IMG_0001.CR3.xmp — darktable, digiKam" },
];

/** Write every scored photo's rating and colour label to XMP sidecars beside it. */
export function XmpExport({ disabled }: { disabled: boolean }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [naming, setNaming] = useState<XmpNaming>(() => (localStorage.getItem("ps.xmpNaming") as XmpNaming | null) ?? "adobe");
  const [overwrite, setOverwrite] = useState(false);
  const [busy, setBusy] = useState(false);
  const [written, setWritten] = useState<{ done: number; total: number } | null>(null);
  const [result, setResult] = useState<XmpResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [auto, setAuto] = useState<XmpAuto | null>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    api.xmpAuto().then(
      (a) => {
        if (!live) return;
        setAuto(a);
        if (a.enabled) setNaming(a.naming);
      },
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [api, open]);

  // While a live pass runs, look again every second so the panel shows how it ended.
  useEffect(() => {
    if (!open || !auto?.busy) return;
    const t = setTimeout(() => void api.xmpAuto().then(setAuto, () => {}), 1000);
    return () => clearTimeout(t);
  }, [api, open, auto]);

  const toggleAuto = async (enabled: boolean) => {
    setError(null);
    const before = auto;
    if (before) setAuto({ ...before, enabled, busy: enabled }); // the box follows the click at once
    try {
      setAuto(await api.setXmpAuto(enabled, naming));
    } catch (err) {
      setAuto(before);
      setError(errorMessage(err));
    }
  };

  const write = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    setWritten(null);
    // A library of 50,000 takes a minute: count the files as the sidecar reports them.
    const stop = api.subscribe((e) => e.type === "xmp" && setWritten({ done: e.done, total: e.total }), () => {});
    try {
      setResult(await api.writeXmp({ naming, overwrite, dry_run: false }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      stop();
      setBusy(false);
      setWritten(null);
    }
  };

  return (
    <div className="xmp">
      <button onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-controls="xmp-panel" disabled={disabled} data-testid="xmp-button">
        Write XMP…
      </button>
      {open ? (
        <div id="xmp-panel" className="xmp-panel" role="group" aria-label="Write ratings to XMP sidecars" data-testid="xmp-panel">
          <p className="muted">
            Each scored photo's tier becomes a star rating and colour label (set in the scoring config) in a sidecar file beside it. Photos are never
            modified; other apps' edits in existing sidecars are kept.
          </p>
          <fieldset>
            <legend>Sidecar names</legend>
            {NAMINGS.map((o) => (
              <label key={o.value}>
                <input
                  type="radio"
                  name="xmp-naming"
                  value={o.value}
                  checked={naming === o.value}
                  onChange={() => {
                    setNaming(o.value);
                    localStorage.setItem("ps.xmpNaming", o.value);
                    if (auto?.enabled) void api.setXmpAuto(true, o.value).then(setAuto, (e: unknown) => setError(errorMessage(e)));
                  }}
                  data-testid={`xmp-naming-${o.value}`}
                />
                {o.label}
              </label>
            ))}
          </fieldset>
          <label>
            <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} data-testid="xmp-overwrite" />
            Also replace ratings and labels I set by hand
          </label>
          <button className="primary" onClick={() => void write()} disabled={busy} data-testid="xmp-write">
            {busy ? (written ? `Writing… ${formatNumber(written.done)} of ${formatNumber(written.total)}` : "Writing…") : "Write sidecars"}
          </button>
          <label>
            <input
              type="checkbox"
              checked={auto?.enabled ?? false}
              disabled={auto === null}
              onChange={(e) => void toggleAuto(e.target.checked)}
              data-testid="xmp-auto"
            />
            Keep them up to date after every scoring run and config change
          </label>
          {auto?.enabled ? (
            <p className="muted" data-testid="xmp-auto-status">
              {auto.error
                ? `The last update failed: ${auto.error}`
                : auto.busy
                  ? "Updating the sidecars…"
                  : auto.last
                    ? `Last update: ${xmpSentence(auto.last)}`
                    : `On (${auto.naming === "adobe" ? "IMG_0001.xmp" : "IMG_0001.CR3.xmp"}).`}
            </p>
          ) : null}
          {result ? (
            <div role="status" data-testid="xmp-result">
              <p>{xmpSentence(result)}</p>
              {result.failures.length ? (
                <ul className="xmp-failures">
                  {result.failures.slice(0, 5).map((f) => (
                    <li key={f.photo}>{f.error}</li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          {error ? (
            <p role="alert" className="field-error">
              {error}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
