import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { useApi, useReportError } from "../api/context";
import { errorMessage } from "../api/errors";
import type { Analyzer, Job, Library, PhotoQuery, PhotoSummary, SortKey } from "../api/types";
import { ATTRIBUTE_LABEL, defaultOrder } from "../api/types";
import { JobProgress } from "../components/JobProgress";
import { PhotoGrid, useListVersion } from "../components/PhotoGrid";
import { XmpExport } from "../components/XmpExport";
import { formatNumber } from "../lib/format";
import { PhotoList } from "../lib/photoList";
import { TIERS, tierColor } from "../lib/tiers";
import { SORT_KEYS, queryKey } from "../lib/urlState";
import { CLOSED, viewerReducer } from "../lib/viewerNav";
import { Viewer } from "./Viewer";

const SORT_LABEL: Record<string, string> = { score: "Score", date: "Capture date", name: "File name", tier: "Tier", camera: "Camera", aesthetic: "Aesthetic score", technical: "Technical score", ...ATTRIBUTE_LABEL };

interface Props {
  query: PhotoQuery;
  onQuery: (q: PhotoQuery) => void;
  photo: string | null;
  index: number | null;
  onPhoto: (id: string | null, index: number | null) => void;
  jobs: Job[];
  onJob: (job: Job) => void;
  dataVersion: number;
}

export function LibraryView({ query, onQuery, photo, index, onPhoto, jobs, onJob, dataVersion }: Props) {
  const api = useApi();
  const reportError = useReportError();
  const key = queryKey(query);
  // One list per sort/filter; refreshed in place when data changes underneath.
  const list = useMemo(() => new PhotoList(api, query), [api, key]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => () => list.dispose(), [list]);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    list.refresh();
  }, [dataVersion]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => list.ensure(0, 0), [list]);
  useListVersion(list);

  const [selected, setSelected] = useState(index ?? 0);
  const [viewer, dispatch] = useReducer(viewerReducer, CLOSED);

  // Open the viewer from the URL (reload keeps the open photo).
  const restored = useRef(false);
  useEffect(() => {
    if (restored.current || list.total === null) return;
    restored.current = true;
    if (photo) {
      const i = index !== null && index < list.total ? index : 0;
      dispatch({ type: "open", index: i, id: photo, total: list.total });
      setSelected(i);
    }
  }, [list.total, photo, index]);

  useEffect(() => {
    if (list.total !== null) dispatch({ type: "total", total: list.total });
  }, [list.total]);

  // Resolve the id of the photo at the viewer's index (after ←/→).
  useEffect(() => {
    if (!viewer.open || viewer.id !== null) return;
    let live = true;
    void list.load(viewer.index).then((p) => {
      if (live && p) dispatch({ type: "resolved", index: viewer.index, id: p.image_id });
    });
    return () => {
      live = false;
    };
  }, [viewer.open, viewer.id, viewer.index, list]);

  // Culling speed: warm the previews of the neighbours so ←/→ shows them at once.
  useEffect(() => {
    if (!viewer.open || typeof Image === "undefined") return;
    for (const i of [viewer.index + 1, viewer.index - 1]) {
      const p = i >= 0 ? list.get(i) : undefined;
      if (p) new Image().src = api.previewUrl(p.image_id);
    }
  }, [viewer.open, viewer.index, list, api]);

  // Mirror the viewer into the URL and the grid selection.
  useEffect(() => {
    if (viewer.open) {
      setSelected(viewer.index);
      if (viewer.id) onPhoto(viewer.id, viewer.index);
    } else if (restored.current) onPhoto(null, null);
  }, [viewer.open, viewer.id, viewer.index]); // eslint-disable-line react-hooks/exhaustive-deps

  const open = useCallback(
    (i: number, p: PhotoSummary) => dispatch({ type: "open", index: i, id: p.image_id, total: list.total ?? 0 }),
    [list],
  );

  const [dismissed, setDismissed] = useState<string[]>([]);
  const running = jobs.filter((j) => j.state === "running" || j.state === "queued");
  const recent = jobs.filter((j) => !running.includes(j) && !dismissed.includes(j.id)).slice(-1);
  const total = list.total;
  const filtered = Boolean(query.tier?.length || query.q || query.min_score !== undefined || query.max_score !== undefined || query.unscored || query.keepers || query.camera || query.folder || query.analyzer);

  const cancel = (id: string) => void api.cancelJob(id).then(onJob, reportError);

  return (
    <div className="library">
      <LibraryBar running={running.length > 0} onJob={onJob} onChanged={() => list.refresh()} version={dataVersion} />
      {running.length || recent.length ? (
        <div className="jobs" aria-label="Scoring jobs">
          {[...running, ...recent].map((j) => (
            <JobProgress key={j.id} job={j} onCancel={cancel} onDismiss={(id) => setDismissed((d) => [...d, id])} />
          ))}
        </div>
      ) : null}
      <Filters query={query} onQuery={onQuery} />
      <div className="count" aria-live="polite">
        {total === null ? (list.error ? "" : "Loading photos…") : `${formatNumber(total)} photos`}
        {list.error ? <span className="field-error">{errorMessage(list.error)}</span> : null}
        <span className="spacer" />
        <span aria-hidden="true">
          <kbd>←</kbd>
          <kbd>→</kbd>
          <kbd>↑</kbd>
          <kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>/</kbd> search · <kbd>1</kbd>–<kbd>5</kbd> screens
        </span>
      </div>
      {total === 0 ? (
        filtered ? (
          <div className="empty">
            <h2>No photos match these filters</h2>
            <button onClick={() => onQuery({ sort: query.sort, order: query.order })}>Clear filters</button>
          </div>
        ) : (
          <div className="empty">
            <h2>No photos yet</h2>
            <p>Add a folder of photos above, then press <strong>Score</strong>. Everything runs on this computer.</p>
          </div>
        )
      ) : total === null && !list.error ? (
        <div className="spinner" aria-label="Loading photos" />
      ) : (
        <PhotoGrid list={list} selected={selected} onSelect={setSelected} onOpen={open} />
      )}
      {viewer.open ? <Viewer state={viewer} dispatch={dispatch} locate={(id) => list.indexOf(id)} /> : null}
    </div>
  );
}

function LibraryBar({ running, onJob, onChanged, version }: { running: boolean; onJob: (j: Job) => void; onChanged: () => void; version: number }) {
  const api = useApi();
  const reportError = useReportError();
  const [libraries, setLibraries] = useState<Library[] | null>(null);
  const [path, setPath] = useState("");
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [analyzer, setAnalyzer] = useState<Analyzer>(() => (localStorage.getItem("ps.analyzer") as Analyzer) || "local");

  const reload = useCallback(() => api.libraries().then(setLibraries, reportError), [api, reportError]);
  useEffect(() => void reload(), [reload, version]);

  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    const p = path.trim();
    if (!p) {
      setFieldError("Type the full path of a folder, e.g. /home/you/Pictures/2024.");
      return;
    }
    setBusy(true);
    setFieldError(null);
    try {
      await api.addLibrary(p);
      setPath("");
      await reload();
      onChanged();
    } catch (err) {
      setFieldError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const score = async () => {
    setBusy(true);
    try {
      onJob(await api.startJob(analyzer));
    } catch (err) {
      reportError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (lib: Library) => {
    try {
      await api.removeLibrary(lib.id);
      await reload();
      onChanged();
    } catch (err) {
      reportError(err);
    }
  };

  return (
    <div className="toolbar">
      <form onSubmit={add} aria-label="Add a folder">
        <label htmlFor="add-folder">Folder</label>
        <input
          id="add-folder"
          type="text"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/path/to/photos"
          data-testid="add-folder-input"
          aria-describedby={fieldError ? "add-folder-error" : undefined}
          aria-invalid={fieldError ? true : undefined}
          size={32}
          spellCheck={false}
          autoComplete="off"
        />
        <button type="submit" disabled={busy} data-testid="add-folder-submit">
          Add folder
        </button>
        {fieldError ? (
          <span id="add-folder-error" className="field-error" role="alert">
            {fieldError}
          </span>
        ) : null}
      </form>
      <div className="folders" aria-label="Folders in the library">
        {libraries === null ? (
          <span className="muted">Loading folders…</span>
        ) : libraries.length === 0 ? (
          <span className="muted">No folders yet</span>
        ) : (
          libraries.map((l) => (
            <span className="chip" key={l.id} title={l.path}>
              {l.path}
              {l.photo_count !== null && l.photo_count !== undefined ? <span className="muted"> · {formatNumber(l.photo_count)}</span> : null}
              <button onClick={() => void remove(l)} aria-label={`Remove folder ${l.path} from the library (files are not touched)`}>
                ✕
              </button>
            </span>
          ))
        )}
      </div>
      <span className="spacer" />
      <div className="group">
        <label htmlFor="analyzer">Analyzer</label>
        <select
          id="analyzer"
          data-testid="analyzer-select"
          value={analyzer}
          onChange={(e) => {
            setAnalyzer(e.target.value as Analyzer);
            localStorage.setItem("ps.analyzer", e.target.value);
          }}
        >
          <option value="local">Local (offline)</option>
          <option value="auto">Auto</option>
          <option value="openrouter">OpenRouter (your key)</option>
          <option value="cloud">photo-score cloud (1 credit a photo)</option>
        </select>
        <button className="primary" onClick={() => void score()} disabled={busy || running || libraries?.length === 0} data-testid="score-button">
          {running ? "Scoring…" : "Score"}
        </button>
      </div>
      <XmpExport disabled={running || libraries?.length === 0} />
    </div>
  );
}

function Filters({ query, onQuery }: { query: PhotoQuery; onQuery: (q: PhotoQuery) => void }) {
  const [text, setText] = useState(query.q ?? "");
  useEffect(() => setText(query.q ?? ""), [query.q]);
  // Typing filters after a short pause, not on every key.
  useEffect(() => {
    const t = setTimeout(() => {
      if ((query.q ?? "") !== text.trim()) onQuery({ ...query, q: text.trim() || undefined });
    }, 250);
    return () => clearTimeout(t);
  }, [text]); // eslint-disable-line react-hooks/exhaustive-deps

  const toggleTier = (t: string) => {
    const cur = new Set(query.tier ?? []);
    if (cur.has(t)) cur.delete(t);
    else cur.add(t);
    onQuery({ ...query, tier: cur.size ? TIERS.filter((x) => cur.has(x)) : undefined });
  };
  const setNum = (k: "min_score" | "max_score", v: string) => {
    const n = v === "" ? undefined : Math.min(100, Math.max(0, Number(v)));
    onQuery({ ...query, [k]: Number.isFinite(n) ? n : undefined });
  };

  return (
    <div className="toolbar filters" role="search" aria-label="Sort and filter photos">
      <div className="group">
        <label htmlFor="sort">Sort</label>
        <select
          id="sort"
          data-testid="sort-select"
          value={query.sort}
          onChange={(e) => {
            const sort = e.target.value as SortKey;
            onQuery({ ...query, sort, order: defaultOrder(sort) });
          }}
        >
          {SORT_KEYS.map((k) => (
            <option key={k} value={k}>
              {SORT_LABEL[k] ?? k}
            </option>
          ))}
        </select>
        <button
          onClick={() => onQuery({ ...query, order: query.order === "asc" ? "desc" : "asc" })}
          aria-label={query.order === "asc" ? "Ascending; switch to descending" : "Descending; switch to ascending"}
          title="Reverse order"
        >
          {query.order === "asc" ? "↑" : "↓"}
        </button>
      </div>
      <div className="group" role="group" aria-label="Filter by tier">
        {TIERS.map((t) => {
          const on = query.tier?.includes(t) ?? false;
          return (
            <button
              key={t}
              className="tier-toggle"
              aria-pressed={on}
              onClick={() => toggleTier(t)}
              style={on ? { background: tierColor(t) } : { borderColor: tierColor(t) }}
            >
              {t}
            </button>
          );
        })}
      </div>
      <div className="group">
        <label htmlFor="min-score">Score</label>
        <input id="min-score" type="number" min={0} max={100} value={query.min_score ?? ""} placeholder="0" onChange={(e) => setNum("min_score", e.target.value)} aria-label="Minimum score" />
        <span className="muted">–</span>
        <input type="number" min={0} max={100} value={query.max_score ?? ""} placeholder="100" onChange={(e) => setNum("max_score", e.target.value)} aria-label="Maximum score" />
      </div>
      <label className="group">
        <input type="checkbox" checked={query.unscored ?? false} onChange={(e) => onQuery({ ...query, unscored: e.target.checked || undefined })} />
        Unscored only
      </label>
      <label className="group" title="Of each burst (frames of one scene a camera shot at most 2 s apart) show only the frame to keep">
        <input type="checkbox" checked={query.keepers ?? false} onChange={(e) => onQuery({ ...query, keepers: e.target.checked || undefined })} data-testid="keepers-toggle" />
        Keepers only
      </label>
      <div className="group">
        <label htmlFor="camera">Camera</label>
        <input id="camera" type="text" size={12} value={query.camera ?? ""} onChange={(e) => onQuery({ ...query, camera: e.target.value || undefined })} />
      </div>
      <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="Search file names  /" aria-label="Search file names" id="photo-search" />
    </div>
  );
}
