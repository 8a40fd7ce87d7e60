/**
 * Debounced, latest-wins async calls: the config sliders call the preview endpoint at most
 * once per quiet period, abort the request a newer draft supersedes, and never let a slow
 * old answer overwrite a newer one.
 */

export interface LatestCaller<A> {
  /** Schedule a call with `arg`; resolves the callback only if no newer call was made. */
  call(arg: A): void;
  /** Run the pending call now (e.g. on pointer up / save). */
  flush(): void;
  cancel(): void;
}

export function latestDebounced<A, R>(
  fn: (arg: A, signal: AbortSignal) => Promise<R>,
  onResult: (result: R, arg: A) => void,
  onError: (error: unknown, arg: A) => void,
  waitMs: number,
): LatestCaller<A> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: { arg: A } | null = null;
  let seq = 0;
  let controller: AbortController | null = null;

  const run = () => {
    timer = null;
    if (!pending) return;
    const { arg } = pending;
    pending = null;
    controller?.abort();
    const ctrl = new AbortController();
    controller = ctrl;
    const mine = ++seq;
    fn(arg, ctrl.signal).then(
      (r) => {
        if (mine === seq && !ctrl.signal.aborted) onResult(r, arg);
      },
      (e: unknown) => {
        if (mine === seq && !ctrl.signal.aborted) onError(e, arg);
      },
    );
  };

  return {
    call(arg) {
      pending = { arg };
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(run, waitMs);
    },
    flush() {
      if (timer !== null) clearTimeout(timer);
      run();
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      pending = null;
      seq++;
      controller?.abort();
    },
  };
}

/** Rank movement for the config preview: positive = moved up (toward #1). */
export function rankDelta(rank: number, previous: number | null | undefined): number | null {
  return previous === null || previous === undefined ? null : previous - rank;
}

/** "▲3", "▼12", "=" or "new" for a rank change. */
export function formatRankDelta(delta: number | null): string {
  if (delta === null) return "new";
  if (delta === 0) return "=";
  return delta > 0 ? `▲${delta}` : `▼${-delta}`;
}
