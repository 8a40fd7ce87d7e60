/**
 * A typed, in-memory stand-in for the sidecar, speaking the generated types: used by
 * `npm run dev` without a sidecar and by the tests. Never part of a production build
 * (vite.config.ts defines __USE_MOCK__ false there, so the import is dropped).
 */
import type { Api, ServerEvent } from "./api";
import { ApiError } from "./errors";
import type {
  AccountStatus,
  Attribute,
  BurstPlace,
  CreditPlan,
  Job,
  LedgerEntry,
  Library,
  LibraryStats,
  PhotoDetail,
  PhotoQuery,
  PhotoSummary,
  ScoringWeights,
  XmpAuto,
} from "./types";
import { AESTHETIC, ATTRIBUTES, TECHNICAL } from "./types";
import { effectiveShare } from "../lib/configDraft";
import { TIERS, tierFor } from "../lib/tiers";
import { mockAdvice, mockInsights } from "./mockInsights";

interface MockPhoto {
  id: string;
  name: string;
  folder: number;
  attrs: Record<Attribute, number>;
  capture_time: string;
  camera: string;
  hue: number;
  /** The id of the first frame of its burst; null when not shot in a burst. */
  burst: string | null;
}

export const DEFAULT_WEIGHTS: ScoringWeights = {
  weights: {
    aesthetic: { composition: 0.4, subject_strength: 0.35, visual_appeal: 0.25 },
    technical: { sharpness: 0.4, exposure_balance: 0.35, noise_level: 0.25 },
  },
  category_weights: { aesthetic: 0.6, technical: 0.4 },
  penalties: [
    { attribute: "sharpness", below: 0.2, max_penalty: 0.5 },
    { attribute: "exposure_balance", below: 0.1, max_penalty: 0.3 },
  ],
};

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** The engine's reducer (docs/scoring.md), so mock previews re-rank like the real thing. */
export function mockScore(attrs: Record<Attribute, number>, cfg: ScoringWeights) {
  const contributions = {} as Record<Attribute, number>;
  const weights = {} as Record<Attribute, number>;
  const cw = cfg.category_weights;
  const cwSum = cw.aesthetic + cw.technical || 1;
  const cat = { aesthetic: 0, technical: 0 };
  for (const [c, list] of [["aesthetic", AESTHETIC], ["technical", TECHNICAL]] as const) {
    const w = cfg.weights[c];
    const sum = list.reduce((s, a) => s + (w[a] ?? 0), 0) || 1;
    for (const a of list) {
      const inCat = (w[a] ?? 0) / sum;
      cat[c] += 100 * inCat * attrs[a];
      weights[a] = inCat * (cw[c] / cwSum);
      contributions[a] = 100 * weights[a] * attrs[a];
    }
  }
  let factor = 1;
  for (const p of cfg.penalties) {
    const v = attrs[p.attribute as Attribute];
    if (v !== undefined && v < p.below) factor *= 1 - (p.max_penalty * (p.below - v)) / p.below;
  }
  const pre = ATTRIBUTES.reduce((s, a) => s + contributions[a], 0);
  return { score: r2(pre * factor), pre, contributions, weights, factor, aesthetic: Math.round(cat.aesthetic * 100) / 10000, technical: Math.round(cat.technical * 100) / 10000 };
}

const mockId = (i: number) => (0x10000000 + i).toString(16).padStart(16, "0");

/** Every `burstEvery`-th photo starts a burst of three frames 0.4 s apart (0: no bursts). */
function makePhotos(n: number, unscoredEvery: number, burstEvery: number): (MockPhoto & { scored: boolean })[] {
  const r = rng(42);
  const cams = ["Canon EOS R5", "Nikon Z6 II", "Fujifilm X-T4", "Sony A7 IV"];
  const out: (MockPhoto & { scored: boolean })[] = [];
  for (let i = 0; i < n; i++) {
    const base = 0.25 + r() * 0.55;
    const attrs = {} as Record<Attribute, number>;
    for (const a of ATTRIBUTES) attrs[a] = r2(Math.min(1, Math.max(0, base + (r() - 0.5) * 0.5)) * 1);
    const frame = burstEvery > 0 && i % burstEvery < 3 ? i % burstEvery : null;
    const start = frame === null ? i : i - frame;
    out.push({
      id: mockId(i),
      name: `DSC_${String(1000 + i).padStart(5, "0")}.JPG`,
      folder: (i % 2) + 1,
      attrs,
      capture_time: new Date(Date.UTC(2024, 5, 1) + start * 37_000 + (frame ?? 0) * 400).toISOString(),
      camera: cams[start % cams.length] as string, // a burst is one camera's
      hue: Math.floor(r() * 360),
      burst: frame === null ? null : mockId(start),
      scored: unscoredEvery > 0 ? i % unscoredEvery !== unscoredEvery - 1 : true,
    });
  }
  return out;
}

function thumb(hue: number, label: string): string {
  const svg = `<svg xmlns='http://www.w3.org/2000/svg' width='300' height='200'><defs><linearGradient id='g' x1='0' y1='0' x2='1' y2='1'><stop offset='0' stop-color='hsl(${hue},55%,55%)'/><stop offset='1' stop-color='hsl(${(hue + 60) % 360},45%,25%)'/></linearGradient></defs><rect width='300' height='200' fill='url(#g)'/><text x='12' y='188' font-family='sans-serif' font-size='14' fill='white'>${label}</text></svg>`;
  return "data:image/svg+xml;utf8," + encodeURIComponent(svg);
}

export interface MockOptions {
  photos?: number;
  latencyMs?: number;
  /** Every n-th photo is unscored (0: none). */
  unscoredEvery?: number;
  /** Every n-th photo starts a burst of three frames (default 20; 0: none). */
  burstEvery?: number;
  /** A cloud is configured (PHOTO_SCORE_CLOUD_URL); default: none, fully offline. */
  cloud?: boolean;
  /** Signed in as this e-mail at start (needs ``cloud``). */
  signedInAs?: string;
  /** Credits of the signed-in account at start (default 5, the trial). */
  balance?: number;
  /** Entries in the credit ledger at start (default: the trial grant only). */
  ledgerEntries?: number;
}

/** The password the mock cloud accepts. */
export const MOCK_PASSWORD = "correct horse battery";

/** What a cloud's /billing/plans answers (the mock stands in for the server). */
export const MOCK_PLANS: CreditPlan[] = [
  { id: "credits_100", credits: 100, price_cents: 200, currency: "usd", description: "100 photos ($0.020 each)" },
  { id: "credits_500", credits: 500, price_cents: 800, currency: "usd", description: "500 photos ($0.016 each)" },
  { id: "credits_2000", credits: 2000, price_cents: 2500, currency: "usd", description: "2000 photos ($0.0125 each)" },
];

export function createMockApi(opts: MockOptions = {}): Api {
  const latency = opts.latencyMs ?? 30;
  const wait = () => new Promise((res) => setTimeout(res, latency));
  const photos = makePhotos(opts.photos ?? 20_000, opts.unscoredEvery ?? 0, opts.burstEvery ?? 20);
  const byId = new Map(photos.map((p) => [p.id, p]));
  const bursts = new Map<string, typeof photos>(); // first frame's id → frames in shot order
  for (const p of photos) if (p.burst !== null) bursts.set(p.burst, [...(bursts.get(p.burst) ?? []), p]);
  let saved: ScoringWeights = structuredClone(DEFAULT_WEIGHTS);
  const libraries: Library[] = [
    { id: 1, path: "/photos/wedding", name: "wedding", added_at: "2024-06-01T00:00:00Z", exists: true, photo_count: Math.ceil(photos.length / 2), scored_count: Math.ceil(photos.length / 2) },
    { id: 2, path: "/photos/travel", name: "travel", added_at: "2024-06-02T00:00:00Z", exists: true, photo_count: Math.floor(photos.length / 2), scored_count: Math.floor(photos.length / 2) },
  ].slice(0, photos.length ? 2 : 0);
  const jobs = new Map<string, Job>();
  const listeners = new Set<(e: ServerEvent) => void>();
  let jobSeq = 0;
  const emit = (e: ServerEvent) => listeners.forEach((l) => l(e));
  const cloud = { available: opts.cloud ?? false, email: opts.signedInAs ?? null, balance: opts.balance ?? 5, checkouts: 0 };
  const server = "https://cloud.photo-score.example";
  const ledgerSize = opts.ledgerEntries ?? 1;
  const ledger: LedgerEntry[] = Array.from({ length: ledgerSize }, (_: unknown, i: number): LedgerEntry => {
    const n = ledgerSize - i; // newest first
    return n === 1
      ? { id: `t${n}`, amount: 5, type: "trial", reference: null, balance_after: 5, created_at: "2026-01-01T10:00:00Z" }
      : { id: `t${n}`, amount: -1, type: "inference", reference: `photo-${n}`, balance_after: 5, created_at: `2026-01-${String(1 + (n % 27)).padStart(2, "0")}T12:00:00Z` };
  });
  const accountStatus = (): AccountStatus =>
    !cloud.available
      ? { available: false, signed_in: false, reason: "cloud accounts and sync are not available in this version; everything works offline" }
      : cloud.email === null
        ? { available: true, signed_in: false, server_url: server, reason: "signed out", sync: { state: "signed_out", pending: 0, consecutive_failures: 0 } }
        : { available: true, signed_in: true, email: cloud.email, server_url: server, sync: { state: "idle", pending: 0, last_sync_at: null, consecutive_failures: 0 } };
  const signedIn = () => {
    if (cloud.email === null) throw new ApiError("not_signed_in", "not signed in to the photo-score cloud", 409);
  };

  type Row = { p: (typeof photos)[number]; score: number | null; rank: number | null };
  const ranked = (cfg: ScoringWeights): Row[] => {
    const rows: Row[] = photos.map((p) => ({ p, score: p.scored ? mockScore(p.attrs, cfg).score : null, rank: null }));
    const order = rows.filter((r) => r.score !== null).sort((a, b) => b.score! - a.score! || (a.p.id < b.p.id ? -1 : 1));
    order.forEach((r, i) => (r.rank = i + 1));
    return rows;
  };

  // A frame's place in its burst: ranked by score within the burst, the best one kept.
  const burstPlace = (p: (typeof photos)[number], cfg: ScoringWeights): BurstPlace | null => {
    const frames = p.burst === null ? undefined : bursts.get(p.burst);
    if (!frames || frames.length < 2) return null;
    const score = (f: (typeof photos)[number]) => (f.scored ? mockScore(f.attrs, cfg).score : null);
    const order = [...frames].sort((a, b) => (score(b) ?? -1) - (score(a) ?? -1) || (a.id < b.id ? -1 : 1));
    const rank = order.indexOf(p) + 1;
    return { id: frames[0]!.id, size: frames.length, rank, keeper: rank === 1, score: score(p), notes: [] };
  };

  const summary = (row: Row, cfg = saved): PhotoSummary => {
    const s = row.p.scored ? mockScore(row.p.attrs, cfg) : null;
    return {
      image_id: row.p.id,
      path: `/photos/${row.p.folder === 1 ? "wedding" : "travel"}/${row.p.name}`,
      name: row.p.name,
      folder_id: row.p.folder,
      rank: row.rank,
      final_score: row.score,
      tier: tierFor(row.score),
      aesthetic_score: s?.aesthetic ?? null,
      technical_score: s?.technical ?? null,
      attributes: row.p.scored ? { ...row.p.attrs } : {},
      analyzer: row.p.scored ? "local" : null,
      capture_time: row.p.capture_time,
      camera: row.p.camera,
      width: 6000,
      height: 4000,
      burst: burstPlace(row.p, cfg),
    };
  };

  // Memoised by query and config, as the engine's ranking cache is: paging must be cheap.
  let memo: { key: string; rows: Row[] } | null = null;
  const query = (q: PhotoQuery, cfg: ScoringWeights): Row[] => {
    const key = JSON.stringify([q, cfg.weights, cfg.category_weights, cfg.penalties]);
    if (memo?.key === key) return memo.rows;
    const rows = queryUncached(q, cfg);
    memo = { key, rows };
    return rows;
  };
  const queryUncached = (q: PhotoQuery, cfg: ScoringWeights): Row[] => {
    let rows = ranked(cfg);
    if (q.unscored) rows = rows.filter((r) => r.score === null);
    if (q.keepers) rows = rows.filter((r) => burstPlace(r.p, cfg)?.keeper ?? true);
    if (q.tier?.length) rows = rows.filter((r) => q.tier!.includes(tierFor(r.score) ?? ""));
    if (q.min_score !== undefined) rows = rows.filter((r) => r.score !== null && r.score >= q.min_score!);
    if (q.max_score !== undefined) rows = rows.filter((r) => r.score !== null && r.score <= q.max_score!);
    if (q.camera) rows = rows.filter((r) => r.p.camera === q.camera);
    if (q.folder !== undefined) rows = rows.filter((r) => r.p.folder === q.folder);
    if (q.q) rows = rows.filter((r) => r.p.name.toLowerCase().includes(q.q!.toLowerCase()));
    const dir = q.order === "asc" ? 1 : -1;
    const key = (r: Row): number | string => {
      switch (q.sort) {
        case "name":
          return r.p.name;
        case "date":
          return r.p.capture_time;
        case "camera":
          return r.p.camera;
        case "score":
        case "tier":
        case "aesthetic":
        case "technical":
          return r.score ?? -1;
        default:
          return r.p.attrs[q.sort];
      }
    };
    return rows.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return (ka < kb ? -1 : ka > kb ? 1 : a.p.id < b.p.id ? -1 : 1) * dir;
    });
  };

  const stats = (cfg: ScoringWeights): LibraryStats => {
    const rows = ranked(cfg);
    const scoredRows = rows.filter((r) => r.score !== null);
    const hist = Array.from({ length: 20 }, (_, i) => ({ low: i * 5, high: i * 5 + 5, count: 0 }));
    const tiers: Record<string, number> = Object.fromEntries(TIERS.map((t) => [t, 0]));
    for (const r of scoredRows) {
      hist[Math.min(19, Math.floor(r.score! / 5))]!.count++;
      tiers[tierFor(r.score) ?? "Flawed"]!++;
    }
    const means = Object.fromEntries(
      ATTRIBUTES.map((a) => [a, scoredRows.length ? r2(scoredRows.reduce((s, r) => s + r.p.attrs[a], 0) / scoredRows.length) : null]),
    );
    const mean = scoredRows.length ? scoredRows.reduce((s, r) => s + r.score!, 0) / scoredRows.length : null;
    return {
      total: rows.length,
      scored: scoredRows.length,
      unscored: rows.length - scoredRows.length,
      mean_score: mean,
      median_score: mean,
      tier_counts: tiers,
      histogram: hist,
      attribute_means: means,
      analyzers: { local: scoredRows.length },
      cameras: {},
      config_fingerprint: "mock",
    };
  };

  const configDoc = () => ({
    name: "default",
    yaml: "# mock config\n",
    parsed: structuredClone(saved) as { [key: string]: unknown },
    schema: {},
    fingerprint: JSON.stringify(saved).length.toString(16),
    source: "default" as const,
    path: "/mock/config.yaml",
  });

  const xmpWritten = new Set<string>();
  const ratings = new Map<string, number>();
  let xmpAuto: XmpAuto = { enabled: false, naming: "adobe", busy: false, last: null, error: null };

  return {
    async health() {
      await wait();
      return { status: "ok", version: "mock", pid: 1 };
    },
    async libraries() {
      await wait();
      return [...libraries];
    },
    async addLibrary(path) {
      await wait();
      if (!path.startsWith("/")) throw new ApiError("invalid_path", `${path}: not an absolute folder path`, 422);
      const lib: Library = { id: libraries.length + 1, path, name: path.split("/").pop() ?? path, added_at: new Date().toISOString(), exists: true, photo_count: 0, scored_count: 0 };
      libraries.push(lib);
      return lib;
    },
    async removeLibrary(id) {
      await wait();
      const i = libraries.findIndex((l) => l.id === id);
      if (i < 0) throw new ApiError("not_found", `folder ${id}: not in the library`, 404);
      libraries.splice(i, 1);
    },
    async jobs() {
      await wait();
      return [...jobs.values()].reverse();
    },
    async startJob(analyzer) {
      await wait();
      if (!libraries.length) throw new ApiError("usage", "the library is empty; add a folder first", 400);
      const job: Job = {
        id: `job${++jobSeq}`, state: "running", analyzer, paths: libraries.map((l) => l.path), total: 400, done: 0, failed: 0,
        analyzed: 0, cached: 0, rate: null, eta_s: null, error: null, not_analyzed: 0, created_at: new Date().toISOString(), started_at: new Date().toISOString(), finished_at: null,
      };
      jobs.set(job.id, job);
      const timer = setInterval(() => {
        const cur = jobs.get(job.id)!;
        if (cur.state !== "running") return clearInterval(timer);
        const done = Math.min(cur.total ?? 0, cur.done + 25);
        const next: Job = { ...cur, done, analyzed: done, failed: Math.floor(done / 150), rate: 50, eta_s: ((cur.total ?? 0) - done) / 50 };
        if (done >= (cur.total ?? 0)) Object.assign(next, { state: "done", finished_at: new Date().toISOString() });
        jobs.set(job.id, next);
        emit({ type: "job", job: next });
      }, 500);
      emit({ type: "job", job });
      return job;
    },
    async cancelJob(id) {
      await wait();
      const j = jobs.get(id);
      if (!j) throw new ApiError("not_found", `job ${id}: no such job`, 404);
      const next: Job = j.state === "running" ? { ...j, state: "cancelled", finished_at: new Date().toISOString() } : j;
      jobs.set(id, next);
      emit({ type: "job", job: next });
      return next;
    },
    async photos(q, offset, limit) {
      await wait();
      const rows = query(q, saved);
      return { items: rows.slice(offset, offset + limit).map((r) => summary(r)), total: rows.length, offset, limit, config_fingerprint: "mock" };
    },
    async photo(id) {
      await wait();
      const p = byId.get(id);
      if (!p) throw new ApiError("not_found", `photo ${id}: not in the library`, 404);
      const rows = ranked(saved);
      const row = rows.find((r) => r.p.id === id)!;
      const s = mockScore(p.attrs, saved);
      const byPoints = [...ATTRIBUTES].sort((a, b) => s.contributions[b] - s.contributions[a]);
      const detail: PhotoDetail = {
        summary: summary(row),
        photo: null,
        paths: [summary(row).path],
        your_rating: ratings.get(id) ?? null,
        breakdown: p.scored
          ? {
              final_score: s.score, tier: tierFor(s.score) ?? "Flawed", aesthetic_score: s.aesthetic, technical_score: s.technical,
              pre_penalty_score: r2(s.pre), contributions: { ...s.contributions }, weights: { ...s.weights }, penalties: [], missing: [], config_fingerprint: "mock",
            }
          : null,
        explanation: p.scored
          ? { text: `Scored ${s.score}: ${byPoints[0]} carried it; ${byPoints[5]} held it back.`, lifted: byPoints.slice(0, 2), sank: byPoints.slice(4), penalties: [], missing: [], suggestion: null, counterfactual: null }
          : null,
        critique: null,
        features: { scene_type: "landscape", lighting: "golden hour" },
        notes: {},
        measurements: {},
        metadata: { camera_make: p.camera.split(" ")[0] ?? null, camera_model: p.camera, iso: 400, f_number: 4, exposure_time: 0.004, focal_length_mm: 35, capture_time: p.capture_time, width: 6000, height: 4000 },
        results: p.scored ? [{ image_id: p.id, analyzer: "local", model: "heuristic-v1", version: "1", attributes: { ...p.attrs }, cost_usd: 0 }] : [],
        burst: burstPlace(p, saved) ? (bursts.get(p.burst!) ?? []).map((f) => summary(rows.find((r) => r.p.id === f.id)!)) : [],
      };
      return detail;
    },
    thumbnailUrl(id) {
      const p = byId.get(id);
      return thumb(p?.hue ?? 0, p?.name ?? id);
    },
    previewUrl(id) {
      const p = byId.get(id);
      return thumb(p?.hue ?? 0, p?.name ?? id);
    },
    async config() {
      await wait();
      return configDoc();
    },
    async saveConfig(cfg) {
      await wait();
      const cw = cfg.category_weights;
      if (!(cw.aesthetic + cw.technical > 0)) {
        throw new ApiError("invalid_config", "config: category_weights: at least one weight must be > 0", 422);
      }
      saved = structuredClone({ weights: cfg.weights, category_weights: cfg.category_weights, penalties: cfg.penalties });
      emit({ type: "config" });
      return configDoc();
    },
    async resetConfig() {
      await wait();
      saved = structuredClone(DEFAULT_WEIGHTS);
      return configDoc();
    },
    async previewConfig(cfg, limit) {
      await wait();
      const rows = query({ sort: "score", order: "desc" }, cfg);
      return {
        fingerprint: "draft",
        page: { items: rows.slice(0, limit).map((r) => summary(r, cfg)), total: rows.length, offset: 0, limit, config_fingerprint: "draft" },
        stats: stats(cfg),
      };
    },
    async learnTaste() {
      await wait();
      const rated = photos.filter((p) => p.scored).length;
      if (rated < 20) throw new ApiError("usage", `cannot learn from these ratings: ${rated} rated photos with every attribute measured; rate at least 20`, 400);
      // A photographer who cares for colour: visual appeal gains most of the score.
      const after: Record<Attribute, number> = { composition: 0.11, subject_strength: 0.08, visual_appeal: 0.65, sharpness: 0, exposure_balance: 0.16, noise_level: 0 };
      const share = Object.fromEntries(
        ATTRIBUTES.map((a) => [a, { before: r2(effectiveShare(saved, AESTHETIC.includes(a) ? "aesthetic" : "technical", a)), after: after[a] }]),
      );
      const a = 0.11 + 0.08 + 0.65;
      const t = 0.16;
      return {
        rated, sources: { sidecar: rated }, pairs: Math.round((rated * (rated - 1)) / 2.5),
        agreement: { before: 0.78, after: 0.95 }, held_out: { before: 0.81, after: 0.94 }, improves: true, share,
        change: { photos: rated, top: Math.max(1, Math.floor(rated / 10)), top_kept: Math.max(1, Math.floor(rated / 12)), tier_changes: Math.floor(rated / 3), rank_correlation: 0.8 },
        config: {
          ...saved, name: "mock-taste",
          weights: { aesthetic: { composition: r2(0.11 / a), subject_strength: r2(0.08 / a), visual_appeal: r2(0.65 / a) }, technical: { sharpness: 0, exposure_balance: 1, noise_level: 0 } },
          category_weights: { aesthetic: a, technical: t },
        },
      };
    },
    async dashboard() {
      await wait();
      return { stats: stats(saved), jobs: [...jobs.values()].filter((j) => j.state === "running" || j.state === "queued"), libraries: libraries.length };
    },
    async settings() {
      await wait();
      return { openrouter_key_set: false, source: "none", secret_backend: "file", home: "/mock", workers: 4 };
    },
    async account() {
      await wait();
      return accountStatus();
    },
    async login(email, password) {
      await wait();
      if (!cloud.available) throw new ApiError("cloud_not_configured", "no cloud configured: set PHOTO_SCORE_CLOUD_URL", 409);
      if (password !== MOCK_PASSWORD) throw new ApiError("login_failed", "login failed: wrong email or password", 400);
      cloud.email = email;
      return accountStatus();
    },
    async logout() {
      await wait();
      cloud.email = null;
    },
    async credits() {
      await wait();
      signedIn();
      return { email: cloud.email, server_url: server, balance: cloud.balance, plans: structuredClone(MOCK_PLANS) };
    },
    async checkout(planId, openInBrowser) {
      await wait();
      signedIn();
      const plan = MOCK_PLANS.find((p) => p.id === planId);
      if (!plan) throw new ApiError("bad_request", `plan_id: no credit pack '${planId}'`, 400);
      const sid = `cs_test_mock${++cloud.checkouts}`;
      return { checkout_url: `https://checkout.stripe.com/c/pay/${sid}`, session_id: sid, plan: { ...plan }, opened: openInBrowser };
    },
    async transactions(offset, limit) {
      await wait();
      signedIn();
      return { items: ledger.slice(offset, offset + limit), total: ledger.length, offset, limit, debt: 0 };
    },
    async writeXmp(request) {
      await wait();
      const folder = request.folder_id ?? null;
      if (folder !== null && !libraries.some((l) => l.id === folder)) {
        throw new ApiError("not_found", `library folder ${folder} does not exist`, 404);
      }
      const count = photos.filter((p) => p.scored && (folder === null || p.folder === folder)).length;
      // Like the sidecar: progress events while the files are written, the last one at all.
      emit({ type: "xmp", done: Math.floor(count / 2), total: count });
      await wait();
      emit({ type: "xmp", done: count, total: count });
      const naming = request.naming ?? "adobe";
      const dryRun = request.dry_run ?? false;
      const first = !xmpWritten.has(naming);
      if (!dryRun) xmpWritten.add(naming);
      return {
        dry_run: dryRun, naming, created: first ? count : 0, updated: 0, unchanged: first ? 0 : count,
        skipped: 0, failed: 0, kept: 0, failures: [],
      };
    },
    async rate(id, rating) {
      await wait();
      if (!byId.has(id)) throw new ApiError("not_found", `photo ${id}: not in the library`, 404);
      if (rating === 0) ratings.delete(id);
      else ratings.set(id, rating);
      return { rating: rating === 0 ? null : rating, sidecar: `/mock/${id}.xmp` };
    },
    async xmpAuto() {
      await wait();
      return { ...xmpAuto };
    },
    async setXmpAuto(enabled, naming) {
      await wait();
      const scored = photos.filter((p) => p.scored).length;
      const last = enabled ? { dry_run: false, naming, created: 0, updated: 0, unchanged: scored, skipped: 0, failed: 0, kept: 0, failures: [] } : xmpAuto.last;
      xmpAuto = { enabled, naming, busy: false, last, error: null };
      return { ...xmpAuto };
    },
    async insights() {
      await wait();
      return mockInsights(photos.length, photos.filter((p) => p.scored).length);
    },
    async advice(id) {
      await wait();
      if (!byId.has(id)) throw new ApiError("not_found", `${id}: no analysis result in the cache`, 404);
      return mockAdvice(id);
    },
    subscribe(onEvent, onStatus) {
      listeners.add(onEvent);
      onStatus(true);
      return () => listeners.delete(onEvent);
    },
  };
}
