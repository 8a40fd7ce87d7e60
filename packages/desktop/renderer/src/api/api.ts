import type {
  AccountStatus,
  Advice,
  Analyzer,
  ConfigDoc,
  Dashboard,
  Health,
  Insights,
  Job,
  Library,
  PhotoDetail,
  PhotoPage,
  PhotoQuery,
  RankPreview,
  ScoringWeights,
  Settings,
} from "./types";

/** Server-sent events the UI listens to (GET /api/events). */
export type ServerEvent = { type: "job"; job: Job } | { type: "library" } | { type: "config" };

/**
 * Everything the screens need from the sidecar. Two implementations: the GENERATED
 * openapi-fetch client (client.ts) and the typed mock (mock.ts: dev server and tests).
 */
export interface Api {
  health(signal?: AbortSignal): Promise<Health>;
  libraries(): Promise<Library[]>;
  addLibrary(path: string): Promise<Library>;
  removeLibrary(id: number): Promise<void>;
  jobs(): Promise<Job[]>;
  startJob(analyzer: Analyzer, folderId?: number): Promise<Job>;
  cancelJob(id: string): Promise<Job>;
  photos(query: PhotoQuery, offset: number, limit: number, signal?: AbortSignal): Promise<PhotoPage>;
  photo(id: string, signal?: AbortSignal): Promise<PhotoDetail>;
  thumbnailUrl(id: string): string;
  previewUrl(id: string): string;
  config(): Promise<ConfigDoc>;
  saveConfig(config: ScoringWeights): Promise<ConfigDoc>;
  resetConfig(): Promise<ConfigDoc>;
  /** Rank the library with a draft config, without saving it (live sliders). */
  previewConfig(config: ScoringWeights, limit: number, signal?: AbortSignal): Promise<RankPreview>;
  dashboard(): Promise<Dashboard>;
  settings(): Promise<Settings>;
  account(): Promise<AccountStatus>;
  /** The library's photography personality (recommendations, style, trends). */
  insights(signal?: AbortSignal): Promise<Insights>;
  /** What to do differently for one photo, against the photographer's usual level. */
  advice(id: string, signal?: AbortSignal): Promise<Advice>;
  /** Live events; returns an unsubscribe function. */
  subscribe(onEvent: (e: ServerEvent) => void, onStatus: (connected: boolean) => void): () => void;
}
