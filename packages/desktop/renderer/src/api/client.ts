/**
 * The real API: a thin layer over the openapi-fetch client GENERATED from openapi.json
 * (`npm run generate` writes schema.gen.ts). Paths, parameters and bodies are checked
 * against the generated types; nothing here hand-writes a request shape. URLs are
 * relative (same origin as the page the sidecar served), and the session cookie the token
 * URL set travels with every call.
 */
import createClient from "openapi-fetch";
import type { Api, ServerEvent } from "./api";
import { ApiError, asApiError, toApiError } from "./errors";
import type { paths } from "./schema.gen";
import type { ApiPhotoQuery, Insights, Job, PhotoQuery, ScoringWeights } from "./types";

/** The UI query (URL state) as the API's query parameters. */
export function toApiQuery(q: PhotoQuery, offset: number, limit: number): ApiPhotoQuery {
  const out: ApiPhotoQuery = { sort: q.sort, order: q.order, offset, limit, keepers: q.keepers ?? false };
  if (q.tier?.length) out.tier = q.tier;
  if (q.min_score !== undefined) out.min_score = q.min_score;
  if (q.max_score !== undefined) out.max_score = q.max_score;
  if (q.attr?.length) out.attr = q.attr;
  if (q.camera) out.camera = [q.camera];
  if (q.analyzer) out.analyzer = [q.analyzer];
  if (q.unscored) out.unscored = true;
  if (q.folder !== undefined) out.folder = q.folder;
  if (q.q) out.q = q.q;
  if (q.date_from) out.date_from = q.date_from;
  if (q.date_to) out.date_to = q.date_to;
  return out;
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Turn an openapi-fetch result into data, or throw the one ApiError shape. */
async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (e) {
    throw asApiError(e);
  }
  if (result.response.ok) return result.data as T;
  throw toApiError(result.error, result.response.status);
}

export function createHttpApi(baseUrl = ""): Api {
  const client = createClient<paths>({ baseUrl, credentials: "same-origin" });
  const enc = encodeURIComponent;

  return {
    health: (signal) => unwrap(client.GET("/api/health", { signal })),
    libraries: () => unwrap(client.GET("/api/libraries")),
    addLibrary: (path) => unwrap(client.POST("/api/libraries", { body: { path } })),
    removeLibrary: async (id) => {
      await unwrap(client.DELETE("/api/libraries/{folder_id}", { params: { path: { folder_id: id } }, parseAs: "text" }));
    },
    jobs: () => unwrap(client.GET("/api/jobs")),
    startJob: (analyzer, folderId) =>
      unwrap(client.POST("/api/jobs", { body: folderId === undefined ? { analyzer } : { analyzer, folder_id: folderId } })),
    writeXmp: (body) => unwrap(client.POST("/api/xmp", { body })),
    xmpAuto: () => unwrap(client.GET("/api/xmp/auto")),
    setXmpAuto: (enabled, naming) => unwrap(client.PUT("/api/xmp/auto", { body: { enabled, naming } })),
    cancelJob: (id) => unwrap(client.POST("/api/jobs/{job_id}/cancel", { params: { path: { job_id: id } } })),
    photos: (q, offset, limit, signal) =>
      unwrap(client.GET("/api/photos", { params: { query: toApiQuery(q, offset, limit) }, signal })),
    photo: (id, signal) => unwrap(client.GET("/api/photos/{image_id}", { params: { path: { image_id: id } }, signal })),
    rate: (id, rating) => unwrap(client.PUT("/api/photos/{image_id}/rating", { params: { path: { image_id: id } }, body: { rating } })),
    thumbnailUrl: (id) => `${baseUrl}/api/photos/${enc(id)}/thumbnail`,
    previewUrl: (id) => `${baseUrl}/api/photos/${enc(id)}/preview`,
    config: () => unwrap(client.GET("/api/config")),
    saveConfig: (config: ScoringWeights) => unwrap(client.PUT("/api/config", { body: { config } })),
    resetConfig: () => unwrap(client.DELETE("/api/config")),
    previewConfig: (config, limit, signal) =>
      unwrap(
        client.POST("/api/config/preview", {
          body: { config, query: { sort: "score", order: "desc", offset: 0, limit, keepers: false } },
          signal,
        }),
      ),
    learnTaste: (folderId) => unwrap(client.POST("/api/config/taste", { body: folderId === undefined ? {} : { folder_id: folderId } })),
    dashboard: () => unwrap(client.GET("/api/dashboard")),
    settings: () => unwrap(client.GET("/api/settings")),
    account: () => unwrap(client.GET("/api/account")),
    login: (email, password) => unwrap(client.POST("/api/account/login", { body: { email, password } })),
    logout: async () => {
      await unwrap(client.POST("/api/account/logout", { parseAs: "text" }));
    },
    credits: () => unwrap(client.GET("/api/account/credits")),
    checkout: (planId, openInBrowser) =>
      unwrap(client.POST("/api/account/checkout", { body: { plan_id: planId, open_in_browser: openInBrowser } })),
    transactions: (offset, limit) => unwrap(client.GET("/api/account/transactions", { params: { query: { offset, limit } } })),
    // openapi-fetch widens the schema's `poles: [string, string]` tuple to string[]; the
    // sidecar's response model guarantees the pair, so narrow it back to the schema type.
    insights: async (signal) => (await unwrap(client.GET("/api/insights", { signal }))) as Insights,
    advice: (id, signal) =>
      unwrap(client.GET("/api/photos/{image_id}/advice", { params: { path: { image_id: id } }, signal })),
    subscribe: (onEvent, onStatus) => subscribeEvents(`${baseUrl}/api/events`, onEvent, onStatus),
  };
}

/** Parse one SSE message of the sidecar (`job`, `library`, `config`); null if malformed. */
export function parseEvent(type: string, data: string): ServerEvent | null {
  try {
    if (type === "job") {
      const body = JSON.parse(data) as { job?: Job };
      return body.job && typeof body.job.id === "string" ? { type: "job", job: body.job } : null;
    }
    if (type === "library" || type === "config") return { type };
    if (type === "xmp") {
      const body = JSON.parse(data) as { done?: unknown; total?: unknown };
      return typeof body.done === "number" && typeof body.total === "number" ? { type: "xmp", done: body.done, total: body.total } : null;
    }
  } catch {
    return null;
  }
  return null;
}

function subscribeEvents(url: string, onEvent: (e: ServerEvent) => void, onStatus: (c: boolean) => void): () => void {
  if (typeof EventSource === "undefined") return () => {};
  const es = new EventSource(url, { withCredentials: true });
  const handler = (type: string) => (m: MessageEvent<string>) => {
    const e = parseEvent(type, m.data);
    if (e) onEvent(e);
  };
  for (const type of ["job", "library", "config", "xmp"]) es.addEventListener(type, handler(type) as EventListener);
  es.onopen = () => onStatus(true);
  es.onerror = () => onStatus(false); // the browser reconnects by itself (retry: 2000)
  return () => es.close();
}

export { ApiError };
