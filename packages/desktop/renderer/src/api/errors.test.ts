import { describe, expect, it } from "vitest";
import { ApiError, asApiError, errorMessage, isErrorBody, toApiError } from "./errors";

describe("error extraction (the one place)", () => {
  it("reads the sidecar's one error shape", () => {
    const body = { error: { code: "invalid_config", message: "weights.aesthetic.composition: must be >= 0" } };
    expect(isErrorBody(body)).toBe(true);
    const e = toApiError(body, 422);
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe("invalid_config");
    expect(e.status).toBe(422);
    expect(errorMessage(e)).toBe("weights.aesthetic.composition: must be >= 0");
    expect(errorMessage(body)).toBe("weights.aesthetic.composition: must be >= 0");
  });

  it("does not mistake other JSON for an error body", () => {
    expect(isErrorBody({ detail: "x" })).toBe(false);
    expect(isErrorBody({ error: "x" })).toBe(false);
    expect(isErrorBody({ error: { code: 1, message: "m" } })).toBe(false);
    expect(isErrorBody(null)).toBe(false);
    expect(toApiError("<html>bad gateway</html>", 502).message).toMatch(/HTTP 502/);
  });

  it("explains an expired session", () => {
    expect(toApiError(undefined, 401).code).toBe("unauthorized");
    expect(toApiError(undefined, 403).message).toMatch(/session/);
  });

  it("turns a failed fetch into a network error", () => {
    const e = asApiError(new TypeError("Failed to fetch"));
    expect(e.isNetwork).toBe(true);
    expect(e.message).toMatch(/Can't reach/);
  });

  it("recognises aborts and plain errors", () => {
    expect(asApiError(new DOMException("stop", "AbortError")).code).toBe("aborted");
    expect(errorMessage(new Error("disk full"))).toBe("disk full");
    expect(errorMessage(42)).toBe("Something went wrong.");
  });
});
