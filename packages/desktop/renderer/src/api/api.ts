import type {
  AccountCredits,
  AccountStatus,
  Advice,
  CheckoutOut,
  Analyzer,
  ConfigDoc,
  Dashboard,
  Health,
  Insights,
  Job,
  LedgerPage,
  Library,
  PhotoDetail,
  PhotoPage,
  PhotoQuery,
  RankPreview,
  ScoringWeights,
  RatingResult,
  Settings,
  TasteReport,
  XmpAuto,
  XmpNaming,
  XmpRequest,
  XmpResult,
} from "./types";

/** Server-sent events the UI listens to (GET /api/events). */
export type ServerEvent =
  | { type: "job"; job: Job }
  | { type: "library" }
  | { type: "config" }
  /** Sidecars written so far by a running `writeXmp`. */
  | { type: "xmp"; done: number; total: number };

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
  /** Your own star rating (-1 rejected, 0 none, 1–5), saved to the photo's XMP sidecar. */
  rate(id: string, rating: number): Promise<RatingResult>;
  thumbnailUrl(id: string): string;
  previewUrl(id: string): string;
  config(): Promise<ConfigDoc>;
  saveConfig(config: ScoringWeights): Promise<ConfigDoc>;
  resetConfig(): Promise<ConfigDoc>;
  /** Rank the library with a draft config, without saving it (live sliders). */
  previewConfig(config: ScoringWeights, limit: number, signal?: AbortSignal): Promise<RankPreview>;
  /** Write every scored photo's rating and label to XMP sidecars (photos are untouched). */
  writeXmp(request: XmpRequest): Promise<XmpResult>;
  /** Live XMP: whether sidecars follow every scoring job and config change. */
  xmpAuto(): Promise<XmpAuto>;
  setXmpAuto(enabled: boolean, naming: XmpNaming): Promise<XmpAuto>;
  /** Fit the weights to the star ratings the photographer gave (XMP); saves nothing. */
  learnTaste(folderId?: number): Promise<TasteReport>;
  dashboard(): Promise<Dashboard>;
  settings(): Promise<Settings>;
  account(): Promise<AccountStatus>;
  /** Sign in to the photo-score cloud (the session `photo-score login` also uses). */
  login(email: string, password: string): Promise<AccountStatus>;
  logout(): Promise<void>;
  /** The balance and the credit packs the cloud sells (prices from the server). */
  credits(): Promise<AccountCredits>;
  /** Start buying a pack: the Stripe Checkout URL (the sidecar opens it when asked). */
  checkout(planId: string, openInBrowser: boolean): Promise<CheckoutOut>;
  /** One page of the credit ledger, newest first. */
  transactions(offset: number, limit: number): Promise<LedgerPage>;
  /** The library's photography personality (recommendations, style, trends). */
  insights(signal?: AbortSignal): Promise<Insights>;
  /** What to do differently for one photo, against the photographer's usual level. */
  advice(id: string, signal?: AbortSignal): Promise<Advice>;
  /** Live events; returns an unsubscribe function. */
  subscribe(onEvent: (e: ServerEvent) => void, onStatus: (connected: boolean) => void): () => void;
}
