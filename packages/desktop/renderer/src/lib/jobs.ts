import type { Job } from "../api/types";

/** Merge a progress event into the known jobs; events never move a job backwards. */
export function mergeJob(jobs: Job[], update: Job): Job[] {
  const i = jobs.findIndex((j) => j.id === update.id);
  if (i < 0) return [...jobs, update];
  const cur = jobs[i] as Job;
  const finished = (s: string) => s === "done" || s === "failed" || s === "cancelled";
  if (finished(cur.state) && !finished(update.state)) return jobs; // a late event
  if (!finished(update.state) && update.done < cur.done) return jobs;
  const next = jobs.slice();
  next[i] = { ...cur, ...update };
  return next;
}

export function isActive(j: Job): boolean {
  return j.state === "running" || j.state === "queued";
}
