import { useEffect, useRef, useState } from "react";
import { useApi } from "../api/context";
import { asApiError, errorMessage } from "../api/errors";
import type { Advice, PhotoDetail } from "../api/types";
import { ATTRIBUTE_LABEL, ATTRIBUTES } from "../api/types";
import { formatCategory, formatExif, formatNumber, formatScore, humanize } from "../lib/format";
import { adviceLines } from "../lib/insights";
import { resolveTier, tierColor } from "../lib/tiers";
import type { ViewerAction, ViewerState } from "../lib/viewerNav";
import { keyToAction, keyToRating } from "../lib/viewerNav";
import { BurstStrip } from "../components/BurstStrip";
import { TierBadge } from "../components/TierBadge";

const label = (a: string) => ATTRIBUTE_LABEL[a as keyof typeof ATTRIBUTE_LABEL] ?? humanize(a);

interface Props {
  state: ViewerState;
  dispatch: (a: ViewerAction) => void;
  /** A photo's position in the current sort order, when known (to open a burst frame). */
  locate: (imageId: string) => number | null;
}

/** The score viewer: large preview, score and tier, burst, breakdown, explanation, critique, EXIF. */
export function Viewer({ state, dispatch, locate }: Props) {
  const api = useApi();
  const [detail, setDetail] = useState<PhotoDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const dialogRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    dialogRef.current?.focus();
    return () => previous?.focus?.();
  }, []);

  useEffect(() => {
    if (!state.id) return;
    const ctrl = new AbortController();
    setError(null);
    api.photo(state.id, ctrl.signal).then(
      (d) => setDetail(d),
      (e: unknown) => {
        if (!ctrl.signal.aborted) setError(errorMessage(e));
      },
    );
    return () => ctrl.abort();
  }, [api, state.id]);

  const [rating, setRating] = useState<{ id: string; value: number | null } | null>(null);
  const [ratingError, setRatingError] = useState<string | null>(null);
  const rate = (id: string, value: number) => {
    setRatingError(null);
    setRating({ id, value: value === 0 ? null : value }); // the stars follow the key at once
    api.rate(id, value).then(
      (r) => setRating({ id, value: r.rating ?? null }),
      (e: unknown) => {
        setRating(null);
        setRatingError(errorMessage(e));
      },
    );
  };
  const rateRef = useRef(rate);
  rateRef.current = rate;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      const stars = keyToRating(e.key);
      if (stars !== null && state.id) {
        e.preventDefault();
        e.stopPropagation();
        rateRef.current(state.id, stars);
        return;
      }
      const action = keyToAction(e.key);
      if (action) {
        e.preventDefault();
        e.stopPropagation();
        dispatch(action);
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [dispatch, state.id]);

  const current = detail && detail.summary.image_id === state.id ? detail : null;
  const summary = current?.summary;
  const tier = summary ? resolveTier(summary.tier, summary.final_score) : null;
  const contributions = current?.breakdown ? ATTRIBUTES.filter((a) => a in current.breakdown!.contributions) : [];
  const maxPoints = Math.max(1, ...contributions.map((a) => current!.breakdown!.contributions[a] ?? 0));
  const explanation = current?.explanation ?? null;

  return (
    <div className="viewer-backdrop" onClick={(e) => e.target === e.currentTarget && dispatch({ type: "close" })}>
      <div
        ref={dialogRef}
        className="viewer"
        role="dialog"
        aria-modal="true"
        aria-label={summary ? `Photo ${summary.name}` : "Photo"}
        tabIndex={-1}
        data-testid="viewer"
        data-image-id={state.id ?? ""}
      >
        <header>
          <button onClick={() => dispatch({ type: "prev" })} disabled={state.index <= 0} aria-label="Previous photo (←)">
            ←
          </button>
          <button onClick={() => dispatch({ type: "next" })} disabled={state.index >= state.total - 1} aria-label="Next photo (→)">
            →
          </button>
          <span className="muted">
            {formatNumber(state.index + 1)} / {formatNumber(state.total)}
          </span>
          <strong style={{ marginLeft: 8 }}>{summary?.name ?? ""}</strong>
          <span className="spacer" />
          <span className="muted">
            <kbd>←</kbd> <kbd>→</kbd> browse · <kbd>1</kbd>–<kbd>5</kbd> rate, <kbd>X</kbd> reject, <kbd>0</kbd> clear · <kbd>Esc</kbd> close
          </span>
          <button onClick={() => dispatch({ type: "close" })} data-testid="viewer-close" aria-label="Close viewer (Esc)">
            ✕
          </button>
        </header>
        <div className="stage">
          {state.id ? <Preview key={state.id} src={api.previewUrl(state.id)} alt={summary ? `Preview of ${summary.name}` : "Preview"} /> : <div className="spinner" />}
        </div>
        <aside aria-live="polite">
          {error ? <p className="field-error" role="alert">{error}</p> : null}
          {!current && !error ? <div className="spinner" aria-label="Loading photo details" /> : null}
          {current && summary ? (
            <>
              <div className="bigscore">
                <span data-testid="viewer-score" aria-label={`Score ${formatScore(summary.final_score)} out of 100`}>
                  <span className="value" style={{ color: tierColor(tier) }}>
                    {summary.final_score === null ? "—" : Math.round(summary.final_score)}
                  </span>
                  {summary.final_score !== null ? <span className="precise muted"> {summary.final_score.toFixed(2)}</span> : null}
                </span>
                <TierBadge tier={summary.tier} score={summary.final_score} />
                {summary.rank ? <span className="muted">#{formatNumber(summary.rank)} in the library</span> : null}
              </div>
              <div className="muted">
                Aesthetic {formatCategory(summary.aesthetic_score)} · Technical {formatCategory(summary.technical_score)}
                {summary.analyzer ? ` · ${summary.analyzer}` : ""}
              </div>
              {/* The analyzer's own caveat (tiny, blank, a screenshot): the numbers below
                  are not a verdict on this frame, and the reader should know why. */}
              {current.notes.confidence ? (
                <p className="sank" role="note" data-testid="viewer-low-confidence">
                  {current.notes.confidence}
                </p>
              ) : null}

              <YourRating
                value={rating && rating.id === summary.image_id ? rating.value : (current.your_rating ?? null)}
                onRate={(v) => rate(summary.image_id, v)}
                error={ratingError}
              />

              {current.burst?.length ? (
                <BurstStrip frames={current.burst} current={summary.image_id} onOpen={(id) => dispatch({ type: "show", id, index: locate(id) })} />
              ) : null}

              {explanation ? (
                <>
                  <h3>Why this score</h3>
                  <p>{explanation.text}</p>
                  {explanation.lifted.length || explanation.sank.length ? (
                    <p>
                      {explanation.lifted.length ? <span className="lifted">▲ Lifted by {explanation.lifted.map(label).join(", ")}. </span> : null}
                      {explanation.sank.length ? <span className="sank">▼ Held back by {explanation.sank.map(label).join(", ")}.</span> : null}
                    </p>
                  ) : null}
                  {/* The text already carries the suggestion and the counterfactual; repeat
                      the suggestion only when it is not part of it. */}
                  {explanation.suggestion && !explanation.text.includes(explanation.suggestion) ? <p className="muted">{explanation.suggestion}</p> : null}
                </>
              ) : null}

              {current.breakdown ? (
                <>
                  <h3>Breakdown (points out of 100)</h3>
                  <div className="bars">
                    {contributions.map((a) => (
                      <Row
                        key={a}
                        name={label(a)}
                        value={summary.attributes[a] ?? null}
                        weight={current.breakdown!.weights[a] ?? 0}
                        points={current.breakdown!.contributions[a] ?? 0}
                        max={maxPoints}
                        note={current.notes[a]}
                      />
                    ))}
                  </div>
                  <p className="muted">
                    {current.breakdown.pre_penalty_score.toFixed(1)} points before penalties → {formatScore(current.breakdown.final_score)}.
                  </p>
                  {current.breakdown.penalties.map((p) => (
                    <p key={p.attribute} className="sank">
                      Penalty: {label(p.attribute)} {p.value.toFixed(2)} is below {p.below} — cost {p.points_lost.toFixed(1)} points.
                    </p>
                  ))}
                  {current.breakdown.missing.length ? <p className="muted">Not measured: {current.breakdown.missing.map(label).join(", ")}.</p> : null}
                </>
              ) : (
                <p className="muted">This photo has not been scored yet. Press Score in the Library to analyze it.</p>
              )}

              {current.critique ? (
                <>
                  <h3>Critique</h3>
                  <p>{current.critique.summary}</p>
                  {current.critique.working_well?.length ? (
                    <ul>
                      {current.critique.working_well.map((w) => (
                        <li key={w} className="lifted">{w}</li>
                      ))}
                    </ul>
                  ) : null}
                  {current.critique.could_improve?.length ? (
                    <ul>
                      {current.critique.could_improve.map((w) => (
                        <li key={w} className="sank">{w}</li>
                      ))}
                    </ul>
                  ) : null}
                  {current.critique.key_recommendation ? (
                    <p>
                      <strong>Try:</strong> {current.critique.key_recommendation}
                    </p>
                  ) : null}
                </>
              ) : null}

              <AdviceSection key={current.summary.image_id} id={current.summary.image_id} />

              <h3>Camera (EXIF)</h3>
              <KeyValues data={current.metadata} />
              {Object.keys(current.features).length ? (
                <>
                  <h3>Features</h3>
                  <KeyValues data={current.features} />
                </>
              ) : null}
              {current.results.length ? (
                <>
                  <h3>Analyzer results</h3>
                  {current.results.map((a) => (
                    <details key={`${a.analyzer}/${a.model}/${a.version}`}>
                      <summary>
                        {a.analyzer} · {a.model} v{a.version}
                        {a.confidence !== null && a.confidence !== undefined ? ` · confidence ${a.confidence.toFixed(2)}` : ""}
                      </summary>
                      <KeyValues data={Object.fromEntries(Object.entries(a.attributes ?? {}).map(([k, v]) => [label(k), v.toFixed(3)]))} />
                    </details>
                  ))}
                </>
              ) : null}
              <p className="muted" style={{ wordBreak: "break-all", fontSize: 11 }}>{current.paths.join("\n")}</p>
            </>
          ) : null}
        </aside>
      </div>
    </div>
  );
}

function Row({ name, value, weight, points, max, note }: { name: string; value: number | null; weight: number; points: number; max: number; note?: string | undefined }) {
  return (
    <>
      <span title={`${note ? note + " — " : ""}value ${value === null ? "—" : value.toFixed(2)}, weight ${(weight * 100).toFixed(0)}%`}>{name}</span>
      <div className="bar" role="meter" aria-label={`${name} contribution`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={points}>
        <div style={{ width: `${(100 * Math.max(0, points)) / max}%` }} />
      </div>
      <span className="num">{points.toFixed(1)}</span>
    </>
  );
}

function KeyValues({ data }: { data: Record<string, unknown> }) {
  const entries = Object.entries(data).filter(([, v]) => v !== null && v !== undefined && v !== "");
  if (!entries.length) return <p className="muted">Nothing recorded.</p>;
  return (
    <table className="kv">
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{humanize(k)}</th>
            <td>{formatExif(k, v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Preview({ src, alt }: { src: string; alt: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) return <p style={{ color: "#bbb" }}>The preview could not be made — the file may have moved or be unreadable.</p>;
  return <img src={src} alt={alt} onError={() => setFailed(true)} />;
}

/** What to do differently for this photo (GET /api/photos/{id}/advice), as plain lines. */
function AdviceSection({ id }: { id: string }) {
  const api = useApi();
  const [advice, setAdvice] = useState<Advice | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    api.advice(id, ctrl.signal).then(
      (a) => {
        if (!ctrl.signal.aborted) setAdvice(a);
      },
      (e: unknown) => {
        if (ctrl.signal.aborted) return;
        const err = asApiError(e);
        setProblem(err.code === "not_found" ? "No advice yet: this photo has not been analyzed." : err.message);
      },
    );
    return () => ctrl.abort();
  }, [api, id]);

  return (
    <section className="advice" data-testid="viewer-advice" aria-label="Advice">
      <h3>Advice</h3>
      {advice ? (
        <>
          <ul>
            {adviceLines(advice).map((line, i) => (
              <li key={i}>{line.replace(/^\s*-\s*/, "")}</li>
            ))}
          </ul>
          <p className="muted">
            {advice.basis === "personal" ? `Compared with your usual level over ${formatNumber(advice.based_on)} photos.` : "Compared with an absolute bar (too few photos for your usual level)."}
          </p>
        </>
      ) : problem ? (
        <p className="muted">{problem}</p>
      ) : (
        <p className="muted">Loading advice…</p>
      )}
    </section>
  );
}

/** The photographer's own rating, saved to XMP: five stars and a reject mark. */
function YourRating({ value, onRate, error }: { value: number | null; onRate: (v: number) => void; error: string | null }) {
  return (
    <div className="your-rating" role="group" aria-label="Your rating" data-testid="your-rating" data-value={value ?? 0}>
      <span className="muted">Your rating</span>
      {[1, 2, 3, 4, 5].map((n) => (
        <button
          key={n}
          className={value !== null && value >= n ? "star on" : "star"}
          aria-label={`${n} star${n === 1 ? "" : "s"}`}
          aria-pressed={value === n}
          onClick={() => onRate(value === n ? 0 : n)}
        >
          ★
        </button>
      ))}
      <button className={value === -1 ? "reject on" : "reject"} aria-label="Rejected" aria-pressed={value === -1} onClick={() => onRate(value === -1 ? 0 : -1)}>
        ✕
      </button>
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
