import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { formatRankDelta, latestDebounced, rankDelta } from "./debounce";

describe("latestDebounced", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("calls once per quiet period with the latest argument", async () => {
    const fn = vi.fn(async (x: number) => x * 2);
    const results: number[] = [];
    const c = latestDebounced(fn, (r) => results.push(r), () => {}, 100);
    c.call(1);
    c.call(2);
    await vi.advanceTimersByTimeAsync(50);
    c.call(3);
    expect(fn).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn.mock.calls[0]?.[0]).toBe(3);
    expect(results).toEqual([6]);
  });

  it("drops a slow older answer that a newer call superseded, and aborts it", async () => {
    const signals: AbortSignal[] = [];
    const fn = (x: number, signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<number>((res) => setTimeout(() => res(x), x === 1 ? 500 : 10));
    };
    const results: number[] = [];
    const c = latestDebounced(fn, (r) => results.push(r), () => {}, 10);
    c.call(1);
    await vi.advanceTimersByTimeAsync(20); // call 1 in flight
    c.call(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(results).toEqual([2]);
    expect(signals[0]?.aborted).toBe(true);
  });

  it("flush runs the pending call now; cancel drops it", async () => {
    const fn = vi.fn(async (x: number) => x);
    const c = latestDebounced(fn, () => {}, () => {}, 1000);
    c.call(1);
    c.flush();
    expect(fn).toHaveBeenCalledTimes(1);
    c.call(2);
    c.cancel();
    await vi.advanceTimersByTimeAsync(2000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("reports errors of the latest call", async () => {
    const errors: unknown[] = [];
    const c = latestDebounced(async () => Promise.reject(new Error("boom")), () => {}, (e) => errors.push(e), 5);
    c.call(0);
    await vi.advanceTimersByTimeAsync(10);
    expect(errors).toHaveLength(1);
  });
});

describe("rank deltas", () => {
  it("counts places moved toward #1 as positive", () => {
    expect(rankDelta(2, 5)).toBe(3);
    expect(rankDelta(5, 2)).toBe(-3);
    expect(rankDelta(3, 3)).toBe(0);
    expect(rankDelta(3, null)).toBeNull();
    expect([3, -3, 0, null].map((d) => formatRankDelta(d))).toEqual(["▲3", "▼3", "=", "new"]);
  });
});
