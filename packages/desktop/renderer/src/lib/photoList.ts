/**
 * A paged, lazily loaded view of the sorted/filtered photo list for the virtual grid and the
 * viewer. Only pages that cover what is on screen are fetched; on refresh (a job finished,
 * the config was saved) old pages stay visible until their replacements arrive.
 */
import type { Api } from "../api/api";
import { isAbort } from "../api/errors";
import type { PhotoQuery, PhotoSummary } from "../api/types";
import { pagesFor } from "./gridMath";

export const PAGE_SIZE = 200;

export class PhotoList {
  total: number | null = null;
  error: unknown = null;
  private pages = new Map<number, { items: PhotoSummary[]; gen: number }>();
  private inflight = new Map<number, Promise<void>>();
  private gen = 0;
  private listeners = new Set<() => void>();
  private controller = new AbortController();
  /** Bumped on every change, for useSyncExternalStore. */
  version = 0;

  constructor(
    private readonly api: Api,
    readonly query: PhotoQuery,
    private readonly pageSize = PAGE_SIZE,
  ) {}

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  getVersion = (): number => this.version;

  private changed() {
    this.version++;
    this.listeners.forEach((l) => l());
  }

  get(index: number): PhotoSummary | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.items[index % this.pageSize];
  }

  /** The position of a photo among the pages loaded so far; null when not (yet) seen. */
  indexOf(imageId: string): number | null {
    for (const [p, page] of this.pages) {
      const i = page.items.findIndex((item) => item.image_id === imageId);
      if (i >= 0) return p * this.pageSize + i;
    }
    return null;
  }

  /** Fetch the pages covering [first, last] that are missing or stale. */
  ensure(first: number, last: number): void {
    const wanted = this.total === null ? [0] : pagesFor(first, Math.min(last, this.total - 1), this.pageSize);
    for (const p of wanted) {
      const have = this.pages.get(p);
      if ((!have || have.gen < this.gen) && !this.inflight.has(p)) void this.fetchPage(p);
    }
  }

  /** The photo at `index`, fetching its page if needed. */
  async load(index: number): Promise<PhotoSummary | undefined> {
    const p = Math.floor(index / this.pageSize);
    if (!this.pages.has(p)) await (this.inflight.get(p) ?? this.fetchPage(p));
    return this.get(index);
  }

  /** Mark everything stale (keep showing it) and reload the first page. */
  refresh(): void {
    this.gen++;
    this.inflight.clear();
    void this.fetchPage(0);
  }

  dispose(): void {
    this.controller.abort();
    this.listeners.clear();
  }

  private fetchPage(p: number): Promise<void> {
    const gen = this.gen;
    const promise = this.api
      .photos(this.query, p * this.pageSize, this.pageSize, this.controller.signal)
      .then(
        (page) => {
          if (gen !== this.gen) return;
          this.pages.set(p, { items: page.items, gen });
          if (this.total !== page.total) {
            this.total = page.total;
            // Drop pages past the new end so stale cards never linger.
            for (const k of [...this.pages.keys()]) if (k * this.pageSize >= page.total && k !== 0) this.pages.delete(k);
          }
          this.error = null;
        },
        (e: unknown) => {
          if (isAbort(e) || gen !== this.gen) return;
          this.error = e;
        },
      )
      .finally(() => {
        if (this.inflight.get(p) === promise) this.inflight.delete(p);
        if (gen === this.gen) this.changed();
      });
    this.inflight.set(p, promise);
    return promise;
  }
}
