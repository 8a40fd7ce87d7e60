import type { Job } from "../api/types";
import { formatEta, formatNumber, formatRate, percent } from "../lib/format";

const STATE_LABEL: Record<string, string> = {
  queued: "Queued",
  running: "Scoring",
  done: "Finished",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** Live progress of one scan+score job: done/total, rate, ETA and failures. */
export function JobProgress({ job, onCancel, onDismiss }: { job: Job; onCancel?: (id: string) => void; onDismiss?: (id: string) => void }) {
  const pct = percent(job.done, job.total ?? 0);
  const active = job.state === "running" || job.state === "queued";
  const stopped = job.state === "done" && !!job.stopped_reason;
  return (
    <div className="job" data-testid="job-progress" data-state={job.state} aria-live="polite">
      <div>
        <div>
          <strong>{stopped ? "Stopped" : (STATE_LABEL[job.state] ?? job.state)}</strong>{" "}
          <span>
            {formatNumber(job.done)} / {job.total ? formatNumber(job.total) : "…"} photos
          </span>
          {job.analyzer ? <span className="muted"> · {job.analyzer}</span> : null}
        </div>
        <div
          className="progress"
          role="progressbar"
          aria-label="Scoring progress"
          aria-valuemin={0}
          aria-valuemax={job.total || 100}
          aria-valuetext={job.total ? `${job.done} of ${job.total} photos` : "Finding photos"}
          aria-valuenow={job.done}
        >
          <div style={{ width: `${pct}%` }} />
        </div>
      </div>
      <div className="muted">
        {active ? (
          <>
            {job.total === null ? "Finding photos…" : <>{formatRate(job.rate)} · ETA {formatEta(job.eta_s)}</>}
            {job.cached > 0 ? <span> · {formatNumber(job.cached)} from cache</span> : null}
          </>
        ) : (
          (job.error ?? finishedNote(job))
        )}
        {job.failed > 0 ? (
          <span className="sank" title="These files could not be read or scored; the rest went on.">
            {" "}
            · {formatNumber(job.failed)} failed
          </span>
        ) : null}
      </div>
      <div>
        {active && onCancel ? <button onClick={() => onCancel(job.id)}>Cancel</button> : null}
        {!active && onDismiss ? (
          <button onClick={() => onDismiss(job.id)} aria-label="Hide this finished job">
            ✕
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** Why a finished run did less than asked: out of credits, a stop, a fallback. */
function finishedNote(job: Job): string {
  const left = job.not_analyzed > 0 ? ` · ${formatNumber(job.not_analyzed)} not analysed` : "";
  if (job.payment_required) {
    return job.fallback_reason ? "Out of cloud credits: the rest used the local analyzer" : `Out of cloud credits${left}`;
  }
  if (job.stopped_reason) return `${job.stopped_reason.split("\n")[0]}${left}`;
  if (job.fallback_reason) return `The rest used the local analyzer: ${job.fallback_reason.split("\n")[0]}`;
  return "";
}
