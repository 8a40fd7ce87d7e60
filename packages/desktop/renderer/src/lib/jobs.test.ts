import { describe, expect, it } from "vitest";
import type { Job } from "../api/types";
import { isActive, mergeJob } from "./jobs";

const job = (over: Partial<Job>): Job => ({
  id: "j1", state: "running", analyzer: "local", paths: [], total: 100, done: 0, failed: 0, analyzed: 0, cached: 0,
  rate: null, eta_s: null, error: null, not_analyzed: 0, created_at: "2024-01-01T00:00:00Z", started_at: null, finished_at: null, ...over,
});

describe("mergeJob", () => {
  it("adds new jobs and updates known ones", () => {
    const a = mergeJob([], job({ done: 10 }));
    expect(a).toHaveLength(1);
    const b = mergeJob(a, job({ done: 20, rate: 5 }));
    expect(b[0]?.done).toBe(20);
    expect(b[0]?.rate).toBe(5);
  });

  it("never moves progress backwards or reopens a finished job", () => {
    const a = [job({ done: 50 })];
    expect(mergeJob(a, job({ done: 40 }))).toBe(a);
    const done = [job({ done: 100, state: "done" })];
    expect(mergeJob(done, job({ done: 90, state: "running" }))).toBe(done);
    expect(mergeJob(a, job({ done: 50, state: "cancelled" }))[0]?.state).toBe("cancelled");
  });

  it("knows which jobs are active", () => {
    expect(isActive(job({ state: "queued" }))).toBe(true);
    expect(isActive(job({ state: "failed" }))).toBe(false);
  });
});
