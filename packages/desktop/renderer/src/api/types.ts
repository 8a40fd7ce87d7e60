/**
 * The UI's names for the sidecar's types: aliases of the GENERATED schema (schema.gen.ts,
 * from openapi.json by `npm run generate`), plus the UI-side query kept in the URL.
 */
import type { components } from "./schema.gen";

type S = components["schemas"];

export type Health = S["Health"];
export type Library = S["LibraryFolderOut"];
export type Job = S["JobProgress"];
export type JobState = S["JobState"];
export type PhotoSummary = S["PhotoSummary"];
export type PhotoPage = S["PhotoPage"];
export type PhotoDetail = S["PhotoDetail"];
export type BurstPlace = S["BurstPlace"];
export type ScoreBreakdown = S["ScoreBreakdown"];
export type Explanation = S["Explanation"];
export type Critique = S["Critique"];
export type AnalysisResult = S["AnalysisResult"];
export type PhotoMetadata = S["PhotoMetadata"];
export type LibraryStats = S["LibraryStats"];
export type Dashboard = S["Dashboard"];
export type ConfigDoc = S["ConfigOut"];
export type RankPreview = S["ConfigPreviewOut"];
export type Settings = S["SettingsOut"];
export type AccountStatus = S["AccountStatus"];
export type AccountCredits = S["AccountCredits"];
export type CreditPlan = S["CreditPlan"];
export type CheckoutOut = S["CheckoutOut"];
export type LedgerPage = S["LedgerPage"];
export type LedgerEntry = S["LedgerEntry"];
export type OutOfCredits = S["OutOfCredits"];
export type ApiPhotoQuery = S["PhotoQuery"];
export type ErrorResponse = S["ErrorResponse"];
export type Insights = S["PersonalityProfile"];
export type Recommendation = S["Recommendation"];
export type RecommendationType = Recommendation["type"];
export type StyleDimension = S["StyleDimension"];
export type Confidence = Insights["confidence"];
export type Advice = S["IndividualAdvice"];
export type Analyzer = S["StartJob"]["analyzer"];
export type XmpRequest = S["XmpIn"];
export type XmpResult = S["XmpOut"];
export type TasteReport = S["TasteReport"];
export type XmpAuto = S["XmpAutoOut"];
export type RatingResult = S["RatingOut"];
export type XmpNaming = NonNullable<XmpRequest["naming"]>;
export type SortKey = NonNullable<ApiPhotoQuery["sort"]>;
export type SortOrder = "asc" | "desc";

export const ATTRIBUTES = [
  "composition",
  "subject_strength",
  "visual_appeal",
  "sharpness",
  "exposure_balance",
  "noise_level",
] as const;
export type Attribute = (typeof ATTRIBUTES)[number];
export const AESTHETIC: readonly Attribute[] = ["composition", "subject_strength", "visual_appeal"];
export const TECHNICAL: readonly Attribute[] = ["sharpness", "exposure_balance", "noise_level"];

export const ATTRIBUTE_LABEL: Record<Attribute, string> = {
  composition: "Composition",
  subject_strength: "Subject strength",
  visual_appeal: "Visual appeal",
  sharpness: "Sharpness",
  exposure_balance: "Exposure balance",
  noise_level: "Noise (1 = clean)",
};

/** Sort and filters as the UI keeps them (in the URL); client.ts maps them to the API. */
export interface PhotoQuery {
  sort: SortKey;
  order: SortOrder;
  tier?: string[];
  min_score?: number;
  max_score?: number;
  /** Attribute ranges, "name:min:max" (either bound may be empty). */
  attr?: string[];
  camera?: string;
  analyzer?: string;
  unscored?: boolean;
  /** Collapse bursts: of each burst only the frame to keep. */
  keepers?: boolean;
  folder?: number;
  q?: string;
  date_from?: string;
  date_to?: string;
}

/** The parts of the scoring config the sliders edit; the rest passes through untouched. */
export interface ScoringWeights {
  weights: { aesthetic: Record<string, number>; technical: Record<string, number> };
  category_weights: { aesthetic: number; technical: number };
  penalties: { attribute: string; below: number; max_penalty: number }[];
  /** Seconds within which frames of one scene are grouped (absent: the engine's 2). */
  burst_gap_s?: number;
  [key: string]: unknown;
}

/** The default order of a sort key: best first for scores, A→Z / oldest first otherwise. */
export function defaultOrder(sort: SortKey): SortOrder {
  return sort === "name" || sort === "date" || sort === "camera" ? "asc" : "desc";
}
