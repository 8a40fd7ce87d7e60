import { useState } from "react";
import { useApi } from "../api/context";
import { errorMessage } from "../api/errors";
import type { XmpNaming, XmpResult } from "../api/types";
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
  const [result, setResult] = useState<XmpResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const write = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api.writeXmp({ naming, overwrite, dry_run: false }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
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
            {busy ? "Writing…" : "Write sidecars"}
          </button>
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
