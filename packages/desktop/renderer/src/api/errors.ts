/**
 * The ONE place that reads errors. Every sidecar error has the shape
 * `{"error": {"code": string, "message": string}}`; anything else (network failure, a proxy's
 * HTML page, a thrown Error) is turned into the same ApiError so screens never parse errors.
 */

export interface ErrorBody {
  error: { code: string; message: string };
}

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 0) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = status;
  }
  /** True when the sidecar could not be reached at all (no HTTP response). */
  get isNetwork(): boolean {
    return this.code === "network";
  }
}

export function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const err = (value as { error?: unknown }).error;
  return (
    typeof err === "object" &&
    err !== null &&
    typeof (err as { code?: unknown }).code === "string" &&
    typeof (err as { message?: unknown }).message === "string"
  );
}

/** Build an ApiError from a response body (parsed JSON or not) and its HTTP status. */
export function toApiError(body: unknown, status: number): ApiError {
  if (isErrorBody(body)) return new ApiError(body.error.code, body.error.message, status);
  if (status === 401 || status === 403) {
    return new ApiError(
      "unauthorized",
      "This window's session has expired. Reopen photo-score from the app or the link it printed.",
      status,
    );
  }
  return new ApiError("http_" + status, `The photo-score engine answered with HTTP ${status}.`, status);
}

/** Any thrown value as an ApiError (fetch's TypeError means the sidecar is unreachable). */
export function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isErrorBody(e)) return new ApiError(e.error.code, e.error.message);
  if (e instanceof DOMException && e.name === "AbortError") return new ApiError("aborted", "Cancelled.");
  if (e instanceof TypeError) {
    return new ApiError("network", "Can't reach the photo-score engine. Is it still running?");
  }
  if (e instanceof Error) return new ApiError("unknown", e.message || "Something went wrong.");
  return new ApiError("unknown", "Something went wrong.");
}

/** The human message of any error, for banners and inline messages. */
export function errorMessage(e: unknown): string {
  return asApiError(e).message;
}

export function isAbort(e: unknown): boolean {
  return asApiError(e).code === "aborted";
}
