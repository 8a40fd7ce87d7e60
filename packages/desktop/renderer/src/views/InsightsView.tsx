import { useEffect, useState } from "react";
import { useApi } from "../api/context";
import { errorMessage } from "../api/errors";
import type { Insights, Recommendation, StyleDimension } from "../api/types";
import { Histogram } from "../components/Histogram";
import { formatNumber, formatScore, humanize } from "../lib/format";
import {
  CONFIDENCE_LABEL,
  RECOMMENDATION_LABEL,
  RECOMMENDATION_TYPES,
  evidenceText,
  groupRecommendations,
  histogramBins,
  poleBar,
  styleDimensions,
} from "../lib/insights";

/**
 * The photography personality of the whole library (GET /api/insights, docs/recommendations.md):
 * recommendations, score distribution, style dimensions, subjects and trends. Every number is
 * the engine's; below its thresholds it says so (notes) rather than guessing.
 */
export function InsightsView({ dataVersion, onOpenLibrary }: { dataVersion: number; onOpenLibrary: () => void }) {
  const api = useApi();
  const [data, setData] = useState<Insights | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    api.insights(ctl.signal).then(
      (d) => {
        if (ctl.signal.aborted) return;
        setData(d);
        setError(null);
      },
      (e: unknown) => {
        if (!ctl.signal.aborted) setError(errorMessage(e));
      },
    );
    return () => ctl.abort();
  }, [api, dataVersion]);

  if (error && !data) {
    return (
      <div className="empty" role="alert" data-testid="insights-view">
        <h2>Couldn't load your insights</h2>
        <p>{error}</p>
      </div>
    );
  }
  if (!data) return <div className="spinner" aria-label="Loading insights" />;

  if (data.photo_count === 0) {
    return (
      <div className="empty" data-testid="insights-view">
        <h2>No photos analyzed yet</h2>
        <p>
          Add a folder in the{" "}
          <button className="link" onClick={onOpenLibrary}>
            Library
          </button>{" "}
          and score it; your photography personality appears here.
        </p>
      </div>
    );
  }

  const groups = groupRecommendations(data);
  const sd = data.score_distribution;
  const genres = data.subject_distribution.genres;
  const maxShare = Math.max(0.0001, ...genres.map((g) => g.share));

  return (
    <div className="insights" data-testid="insights-view">
      <div className="tiles">
        <Tile label="Photos" value={formatNumber(data.photo_count)} testId="insights-photo-count" />
        <Tile label="Scored" value={formatNumber(data.scored_count)} />
        <Tile label="Mean score" value={formatScore(sd.mean)} />
        <Tile label="Median score" value={formatScore(sd.median)} />
        <Tile label="Confidence" value={humanize(data.confidence)} testId="insights-confidence" />
      </div>
      {data.summary ? <p className="insights-summary">{data.summary}</p> : null}
      {data.notes.length ? (
        <div className="panel notes" role="note" data-testid="insights-notes" style={{ marginBottom: 16 }}>
          <h2>{data.confidence === "insufficient" ? "Thin data" : "What the data can't say yet"}</h2>
          <ul>
            {data.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <div className="dash recs" aria-label="Recommendations">
        {RECOMMENDATION_TYPES.map((t) => (
          <section key={t} className={`panel rec rec-${t}`} aria-label={RECOMMENDATION_LABEL[t]} data-testid={`rec-${t}`}>
            <h2>{RECOMMENDATION_LABEL[t]}</h2>
            {groups[t].length ? groups[t].map((r) => <RecCard key={r.key} rec={r} />) : <p className="muted">Nothing to say with confidence yet.</p>}
          </section>
        ))}
      </div>

      <div className="dash" style={{ marginTop: 16 }}>
        <section className="panel hist" aria-label="Score distribution">
          <h2>Score distribution</h2>
          <Histogram bins={histogramBins(sd.histogram)} />
          <p className="muted">
            {formatNumber(sd.n)} scored{sd.unscorable ? `, ${formatNumber(sd.unscorable)} unscorable` : ""} · p10 {formatScore(sd.p10)} · p90{" "}
            {formatScore(sd.p90)}
          </p>
        </section>
        <section className="panel" aria-label="Style">
          <h2>Style</h2>
          <div className="poles">
            {styleDimensions(data).map((d) => (
              <PoleBar key={d.key} dim={d} />
            ))}
          </div>
        </section>
        <section className="panel" aria-label="Subjects">
          <h2>Subjects</h2>
          {genres.length ? (
            <div className="bars">
              {genres.map((g) => (
                <SubjectBar key={g.genre} name={g.genre} count={g.count} share={g.share} scale={maxShare} />
              ))}
            </div>
          ) : (
            <p className="muted">No subjects classified yet.</p>
          )}
        </section>
        {data.trends.points.length ? (
          <section className="panel" aria-label="Trends" data-testid="insights-trends">
            <h2>Trends</h2>
            <p>{data.trends.summary}</p>
            <div className="bars">
              {data.trends.points.map((p) => (
                <SubjectBar key={p.period} name={p.period} count={p.n} share={p.mean_score / 100} scale={1} value={formatScore(p.mean_score)} />
              ))}
            </div>
          </section>
        ) : null}
      </div>
    </div>
  );
}

function Tile({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="tile" data-testid={testId}>
      <div className="muted">{label}</div>
      <div className="v">{value}</div>
    </div>
  );
}

function RecCard({ rec }: { rec: Recommendation }) {
  const evidence = evidenceText(rec.evidence);
  return (
    <article className="rec-card" data-testid="rec-card">
      <h3>{rec.title}</h3>
      <p>{rec.message}</p>
      <p className="muted">
        Based on {formatNumber(rec.based_on)} photos · {CONFIDENCE_LABEL[rec.confidence].toLowerCase()}
        {evidence.length ? ` · ${evidence.join(" · ")}` : ""}
      </p>
    </article>
  );
}

function PoleBar({ dim }: { dim: StyleDimension }) {
  const g = poleBar(dim.value);
  const [first, second] = dim.poles;
  return (
    <div className="pole" data-testid="style-dimension">
      <div className="pole-labels">
        <span>{first}</span>
        <span className="muted">{dim.value === null ? "not enough data" : dim.label}</span>
        <span>{second}</span>
      </div>
      <div
        className="pole-track"
        role="meter"
        aria-label={`${first} to ${second}`}
        aria-valuemin={-1}
        aria-valuemax={1}
        aria-valuenow={dim.value ?? 0}
      >
        <div className="pole-mid" />
        {dim.value !== null ? <div className="pole-fill" style={{ left: `${g.left}%`, width: `${g.width}%` }} /> : null}
      </div>
    </div>
  );
}

function SubjectBar({ name, count, share, scale, value }: { name: string; count: number; share: number; scale: number; value?: string }) {
  return (
    <>
      <span>{name}</span>
      <div className="bar" role="meter" aria-label={name} aria-valuemin={0} aria-valuemax={1} aria-valuenow={share}>
        <div style={{ width: `${Math.min(100, (100 * share) / scale)}%` }} />
      </div>
      <span className="num" title={`${formatNumber(count)} photos`}>
        {value ?? `${Math.round(share * 100)}%`}
      </span>
    </>
  );
}
