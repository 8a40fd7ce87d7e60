import { useEffect, useState } from "react";
import { useApi } from "../api/context";
import { errorMessage } from "../api/errors";
import type { Dashboard, Job } from "../api/types";
import { ATTRIBUTE_LABEL, ATTRIBUTES } from "../api/types";
import { Histogram } from "../components/Histogram";
import { JobProgress } from "../components/JobProgress";
import { formatNumber, formatScore } from "../lib/format";
import { isActive } from "../lib/jobs";
import { TIERS, tierColor, tierRange } from "../lib/tiers";

export function DashboardView({ dataVersion, jobs, onCancel }: { dataVersion: number; jobs: Job[]; onCancel: (id: string) => void }) {
  const api = useApi();
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api.dashboard().then(
      (d) => {
        if (live) {
          setData(d);
          setError(null);
        }
      },
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [api, dataVersion]);

  if (error && !data) {
    return (
      <div className="empty" role="alert">
        <h2>Couldn't load the dashboard</h2>
        <p>{error}</p>
      </div>
    );
  }
  if (!data) return <div className="spinner" aria-label="Loading dashboard" />;

  // Live progress from events beats the snapshot in the dashboard response.
  const live = new Map(jobs.map((j) => [j.id, j]));
  const stats = data.stats;
  const running = [
    ...data.jobs.map((j) => live.get(j.id) ?? j),
    ...jobs.filter((j) => isActive(j) && !data.jobs.some((r) => r.id === j.id)),
  ].filter(isActive);
  const tierTotal = TIERS.reduce((s, t) => s + (stats.tier_counts[t] ?? 0), 0);

  return (
    <div>
      <div className="tiles">
        <Tile label="Photos" value={formatNumber(stats.total)} />
        <Tile label="Scored" value={formatNumber(stats.scored)} />
        <Tile label="Not scored yet" value={formatNumber(stats.unscored)} />
        <Tile label="Mean score" value={formatScore(stats.mean_score)} />
        <Tile label="Median score" value={formatScore(stats.median_score)} />
        <Tile label="Folders" value={formatNumber(data.libraries)} />
      </div>
      {running.length ? (
        <section className="panel" style={{ marginBottom: 16 }} aria-label="Running jobs">
          <h2>Running jobs</h2>
          {running.map((j) => (
            <JobProgress key={j.id} job={j} onCancel={onCancel} />
          ))}
        </section>
      ) : null}
      {stats.scored === 0 ? (
        <div className="empty">
          <h2>Nothing scored yet</h2>
          <p>Add a folder in the Library and press Score. The charts fill in as photos are scored.</p>
        </div>
      ) : (
        <div className="dash">
          <section className="panel hist" aria-label="Score distribution">
            <h2>Score distribution</h2>
            <Histogram bins={stats.histogram} />
          </section>
          <section className="panel" aria-label="Tiers">
            <h2>Tiers</h2>
            <div className="tierbar" aria-hidden="true">
              {TIERS.map((t) => (
                <div key={t} style={{ width: `${(100 * (stats.tier_counts[t] ?? 0)) / Math.max(1, tierTotal)}%`, background: tierColor(t) }} />
              ))}
            </div>
            <div className="legend">
              {TIERS.map((t) => (
                <Legend key={t} tier={t} count={stats.tier_counts[t] ?? 0} total={tierTotal} />
              ))}
            </div>
          </section>
          <section className="panel" aria-label="Attribute averages">
            <h2>Attribute averages</h2>
            <div className="bars">
              {ATTRIBUTES.map((a) => {
                const v = stats.attribute_means[a];
                return (
                  <Bar key={a} name={ATTRIBUTE_LABEL[a]} value={v ?? null} />
                );
              })}
            </div>
          </section>
        </div>
      )}
    </div>
  );
}

function Tile({ label, value }: { label: string; value: string }) {
  return (
    <div className="tile">
      <div className="muted">{label}</div>
      <div className="v">{value}</div>
    </div>
  );
}

function Legend({ tier, count, total }: { tier: (typeof TIERS)[number]; count: number; total: number }) {
  return (
    <>
      <span className="swatch" style={{ background: tierColor(tier) }} />
      <span>
        {tier} <span className="muted">{tierRange(tier)}</span>
      </span>
      <span>
        {formatNumber(count)} <span className="muted">({total ? Math.round((100 * count) / total) : 0}%)</span>
      </span>
    </>
  );
}

function Bar({ name, value }: { name: string; value: number | null }) {
  return (
    <>
      <span>{name}</span>
      <div className="bar" role="meter" aria-label={`${name} average`} aria-valuemin={0} aria-valuemax={1} aria-valuenow={value ?? 0}>
        <div style={{ width: `${100 * (value ?? 0)}%` }} />
      </div>
      <span className="num">{value === null ? "—" : value.toFixed(2)}</span>
    </>
  );
}
