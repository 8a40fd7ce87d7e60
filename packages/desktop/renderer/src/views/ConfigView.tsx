import { useEffect, useMemo, useRef, useState } from "react";
import { useApi } from "../api/context";
import { errorMessage } from "../api/errors";
import type { PhotoSummary, RankPreview, ScoringWeights } from "../api/types";
import { AESTHETIC, ATTRIBUTE_LABEL, TECHNICAL } from "../api/types";
import { BurstBadge } from "../components/BurstBadge";
import { TastePanel } from "../components/TastePanel";
import { TierBadge } from "../components/TierBadge";
import { asWeights, BURST_GAPS, burstGap, effectiveShare, formatGap, loadDraft, rankChanges, sameConfig, storeDraft, withBurstGap, withCategory, withPenalty, withWeight } from "../lib/configDraft";
import { formatRankDelta, latestDebounced, rankDelta } from "../lib/debounce";
import { formatNumber, formatScore, humanize } from "../lib/format";

const PREVIEW_LIMIT = 24;
/** How deep the saved ranking is fetched to say where a photo came from. */
const SAVED_DEPTH = 500;
const label = (a: string) => ATTRIBUTE_LABEL[a as keyof typeof ATTRIBUTE_LABEL] ?? humanize(a);

/**
 * The scoring-config editor: a slider per attribute weight, category weight and penalty,
 * and the window within which frames of one scene are grouped as a burst. Moving one
 * re-ranks the library with the draft (debounced preview call, nothing saved) and shows
 * the new top photos with how far each moved; Save applies it everywhere.
 */
export function ConfigView({ onSaved }: { onSaved: () => void }) {
  const api = useApi();
  const [saved, setSaved] = useState<ScoringWeights | null>(null);
  const [draft, setDraft] = useState<ScoringWeights | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [preview, setPreview] = useState<RankPreview | null>(null);
  const [before, setBefore] = useState<PhotoSummary[] | null>(null);
  const [pending, setPending] = useState(false);
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState("");

  useEffect(() => {
    let live = true;
    api.config().then(
      (doc) => {
        if (!live) return;
        const cfg = asWeights(doc.parsed);
        if (!cfg) {
          setLoadError("The engine's config has no weights to edit.");
          return;
        }
        setSaved(cfg);
        const d = loadDraft();
        setDraft(d && !sameConfig(d, cfg) ? { ...cfg, weights: d.weights, category_weights: d.category_weights, penalties: d.penalties, burst_gap_s: burstGap(d) } : cfg);
      },
      (e: unknown) => live && setLoadError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const loadBefore = () =>
    api.photos({ sort: "score", order: "desc", unscored: false }, 0, SAVED_DEPTH).then(
      (p) => setBefore(p.items),
      () => setBefore([]),
    );
  useEffect(() => void loadBefore(), [api]); // eslint-disable-line react-hooks/exhaustive-deps

  const caller = useMemo(
    () =>
      latestDebounced(
        (cfg: ScoringWeights, signal: AbortSignal) => api.previewConfig(cfg, PREVIEW_LIMIT, signal),
        (r) => {
          setPreview(r);
          setPreviewError(null);
          setPending(false);
        },
        (e) => {
          setPreviewError(errorMessage(e));
          setPending(false);
        },
        120,
      ),
    [api],
  );
  useEffect(() => () => caller.cancel(), [caller]);

  const firstPreview = useRef(true);
  useEffect(() => {
    if (!draft) return;
    setPending(true);
    caller.call(draft);
    if (firstPreview.current) {
      firstPreview.current = false;
      caller.flush();
    }
    if (saved) storeDraft(sameConfig(draft, saved) ? null : draft);
  }, [draft, caller, saved]);

  if (loadError) {
    return (
      <div className="empty" role="alert">
        <h2>Couldn't load the scoring config</h2>
        <p>{loadError}</p>
      </div>
    );
  }
  if (!draft || !saved) return <div className="spinner" aria-label="Loading scoring config" />;

  const dirty = !sameConfig(draft, saved);
  const changes = preview && before ? rankChanges(preview.page.items, before) : null;

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    try {
      const doc = await api.saveConfig(draft);
      const cfg = asWeights(doc.parsed) ?? draft;
      setSaved(cfg);
      setDraft(cfg);
      storeDraft(null);
      setStatus("Saved. The library is ranked with the new weights.");
      void loadBefore();
      onSaved();
    } catch (e) {
      setSaveError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const slider = (id: string, text: string, value: number, onChange: (v: number) => void, min = 0, max = 1, hint?: string) => (
    <div className="slider" key={id}>
      <label htmlFor={id}>
        {text}
        {hint ? <span className="muted"> · {hint}</span> : null}
      </label>
      <RangeInput id={id} min={min} max={max} value={value} onValue={onChange} onCommit={() => caller.flush()} />
      <output htmlFor={id}>{value.toFixed(2)}</output>
    </div>
  );

  return (
    <div className="config">
      <div className="panel" aria-label="Scoring weights">
        <h2>Scoring weights</h2>
        <p className="muted">Only ratios matter within a category. Moving a slider re-ranks the library instantly; nothing is saved until you press Save.</p>
        {(["aesthetic", "technical"] as const).map((cat) => (
          <fieldset key={cat} style={{ border: "none", padding: 0, margin: "10px 0" }}>
            <legend style={{ fontWeight: 600 }}>{cat === "aesthetic" ? "Aesthetic" : "Technical"}</legend>
            {(cat === "aesthetic" ? AESTHETIC : TECHNICAL).map((a) =>
              slider(
                `weight-slider-${a}`,
                label(a),
                draft.weights[cat][a] ?? 0,
                (v) => setDraft(withWeight(draft, cat, a, v)),
                0,
                1,
                `${(100 * effectiveShare(draft, cat, a)).toFixed(0)}% of the score`,
              ),
            )}
          </fieldset>
        ))}
        <fieldset style={{ border: "none", padding: 0, margin: "10px 0" }}>
          <legend style={{ fontWeight: 600 }}>Categories</legend>
          {slider("category-slider-aesthetic", "Aesthetic", draft.category_weights.aesthetic, (v) => setDraft(withCategory(draft, "aesthetic", v)))}
          {slider("category-slider-technical", "Technical", draft.category_weights.technical, (v) => setDraft(withCategory(draft, "technical", v)))}
        </fieldset>
        {draft.penalties.length ? (
          <fieldset style={{ border: "none", padding: 0, margin: "10px 0" }}>
            <legend style={{ fontWeight: 600 }}>Penalties</legend>
            {draft.penalties.map((p) => (
              <div key={p.attribute}>
                {slider(`penalty-slider-${p.attribute}`, `${label(p.attribute)} below`, p.below, (v) => setDraft(withPenalty(draft, p.attribute, "below", v)), 0.01, 1)}
                {slider(`penalty-max-${p.attribute}`, `${label(p.attribute)} max penalty`, p.max_penalty, (v) => setDraft(withPenalty(draft, p.attribute, "max_penalty", v)), 0, 1)}
              </div>
            ))}
          </fieldset>
        ) : null}
        <fieldset style={{ border: "none", padding: 0, margin: "10px 0" }}>
          <legend style={{ fontWeight: 600 }}>Bursts</legend>
          <div className="slider">
            <label htmlFor="burst-gap">
              Group frames shot within
              <span className="muted"> · of one scene; each group gets a keeper. 2 s: bursts; 30 s or more: re-takes of a pose or a view too</span>
            </label>
            <select id="burst-gap" data-testid="burst-gap" value={burstGap(draft)} onChange={(e) => setDraft(withBurstGap(draft, Number(e.target.value)))}>
              {[...new Set([...BURST_GAPS, burstGap(draft)])]
                .sort((a, b) => a - b)
                .map((s) => (
                  <option key={s} value={s}>
                    {formatGap(s)}
                  </option>
                ))}
            </select>
          </div>
        </fieldset>
        <div className="actions">
          <button className="primary" onClick={() => void save()} disabled={!dirty || saving} data-testid="config-save">
            {saving ? "Saving…" : "Save"}
          </button>
          <button onClick={() => setDraft(saved)} disabled={!dirty} data-testid="config-reset">
            Reset
          </button>
          <span className="muted" aria-live="polite">
            {dirty ? "Unsaved changes" : status}
          </span>
        </div>
        {saveError ? (
          <p className="field-error" role="alert" data-testid="config-error">
            {saveError}
          </p>
        ) : null}
        <TastePanel
          onApply={(fitted) => {
            setDraft({ ...draft, weights: fitted.weights, category_weights: fitted.category_weights });
            setStatus("");
          }}
        />
      </div>

      <div>
        <div className="panel" style={{ marginBottom: 16 }}>
          <h2>
            Ranking with these weights{" "}
            {pending ? <span className="muted" style={{ fontWeight: "normal" }}>updating…</span> : null}
          </h2>
          {previewError ? <p className="field-error" role="alert">{previewError}</p> : null}
          {preview ? (
            <>
              <p className="muted" aria-live="polite" data-testid="rank-summary">
                {changes
                  ? changes.moved === 0
                    ? `Same top ${formatNumber(preview.page.items.length)} as the saved config.`
                    : `${formatNumber(changes.moved)} of the top ${formatNumber(preview.page.items.length)} change place compared with the saved config.`
                  : `${formatNumber(preview.page.total)} photos ranked.`}{" "}
                Mean score {formatScore(preview.stats.mean_score)}.
              </p>
              {preview.page.items.length === 0 ? (
                <p className="muted">No scored photos yet — score a folder to see the ranking change.</p>
              ) : (
                <div className="preview-grid" data-testid="rank-preview">
                  {preview.page.items.map((it, i) => {
                    const rank = it.rank ?? i + 1;
                    const d = changes ? rankDelta(rank, changes.previous.get(it.image_id) ?? null) : 0;
                    return (
                      <div
                        key={it.image_id}
                        className="card"
                        data-testid="photo-card"
                        data-image-id={it.image_id}
                        data-rank={rank}
                        data-score={it.final_score ?? ""}
                        aria-label={`#${rank} ${it.name}, score ${formatScore(it.final_score)}, ${formatRankDelta(d)}`}
                      >
                        <img className="thumb" src={api.thumbnailUrl(it.image_id)} alt="" loading="lazy" decoding="async" />
                        <span className="rank">#{rank}</span>
                        {it.burst ? <BurstBadge place={it.burst} /> : null}
                        <div className="caption">
                          <span className="score">{formatScore(it.final_score)}</span>
                          <TierBadge tier={it.tier} score={it.final_score} />
                          <span className={`delta ${d === null ? "up" : d > 0 ? "up" : d < 0 ? "down" : ""}`} title={d === null ? `new in the top ${SAVED_DEPTH}` : d === 0 ? "same place" : `was #${rank + d}`}>
                            {formatRankDelta(d)}
                          </span>
                        </div>
                      </div>
                    );
                  })}
                </div>
              )}
            </>
          ) : (
            <div className="spinner" aria-label="Ranking" />
          )}
        </div>
        {before && preview && before.length ? (
          <div className="panel">
            <h2>Top 10: saved → draft</h2>
            <table className="ranks">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Saved config</th>
                  <th scope="col">With these weights</th>
                </tr>
              </thead>
              <tbody>
                {before.slice(0, 10).map((b, i) => {
                  const a = preview.page.items[i];
                  return (
                    <tr key={i}>
                      <td>{i + 1}</td>
                      <td>
                        {b.name} <span className="muted">{formatScore(b.final_score)}</span>
                      </td>
                      <td>
                        {a ? (
                          <>
                            {a.name} <span className="muted">{formatScore(a.final_score)}</span>{" "}
                            <span className="delta">{formatRankDelta(changes ? rankDelta(i + 1, changes.previous.get(a.image_id) ?? null) : null)}</span>
                          </>
                        ) : (
                          "—"
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </div>
    </div>
  );
}

/**
 * A range input that reports every value, whether it came from a drag, the keyboard, or a
 * script that set `.value` and dispatched input/change (React's own onChange skips those).
 */
function RangeInput({ id, min, max, value, onValue, onCommit }: { id: string; min: number; max: number; value: number; onValue: (v: number) => void; onCommit: () => void }) {
  const ref = useRef<HTMLInputElement>(null);
  const handler = useRef(onValue);
  handler.current = onValue;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const read = () => {
      const v = Number(el.value);
      if (Number.isFinite(v)) handler.current(v);
    };
    el.addEventListener("input", read);
    el.addEventListener("change", read);
    return () => {
      el.removeEventListener("input", read);
      el.removeEventListener("change", read);
    };
  }, []);
  return (
    <input
      ref={ref}
      id={id}
      data-testid={id}
      type="range"
      min={min}
      max={max}
      step={0.01}
      value={value}
      onChange={() => {}}
      onPointerUp={onCommit}
      onKeyUp={onCommit}
    />
  );
}
