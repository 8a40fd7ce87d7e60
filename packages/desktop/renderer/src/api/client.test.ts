import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./errors";
import { createHttpApi, parseEvent, toApiQuery } from "./client";

afterEach(() => vi.unstubAllGlobals());

function stubFetch(status: number, body: unknown) {
  const calls: Request[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request) => {
      calls.push(input);
      return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    }),
  );
  return calls;
}

describe("generated client wrapper", () => {
  it("maps the UI query to the API's parameters", () => {
    expect(toApiQuery({ sort: "score", order: "desc", tier: ["Strong"], camera: "X-T4", unscored: true, folder: 2, q: "dsc" }, 200, 100)).toEqual({
      sort: "score", order: "desc", offset: 200, limit: 100, keepers: false, tier: ["Strong"], camera: ["X-T4"], unscored: true, folder: 2, q: "dsc",
    });
    expect(toApiQuery({ sort: "score", order: "desc", keepers: true }, 0, 50).keepers).toBe(true);
  });

  it("calls relative same-origin URLs with repeated array parameters", async () => {
    const calls = stubFetch(200, { items: [], total: 0, offset: 0, limit: 50, config_fingerprint: "f" });
    const api = createHttpApi("http://ui.test");
    await api.photos({ sort: "score", order: "desc", tier: ["Strong", "Excellent"] }, 0, 50);
    const url = new URL(calls[0]!.url);
    expect(url.pathname).toBe("/api/photos");
    expect(url.searchParams.getAll("tier")).toEqual(["Strong", "Excellent"]);
    expect(url.searchParams.get("limit")).toBe("50");
    expect(url.searchParams.get("keepers")).toBe("false");
    await api.photos({ sort: "score", order: "desc", keepers: true }, 0, 50);
    expect(new URL(calls[1]!.url).searchParams.get("keepers")).toBe("true");
    expect(calls[0]!.credentials).toBe("same-origin");
    expect(api.thumbnailUrl("ab12")).toBe("http://ui.test/api/photos/ab12/thumbnail");
    expect(createHttpApi().previewUrl("ab12")).toBe("/api/photos/ab12/preview");
  });

  it("throws the one error shape as an ApiError", async () => {
    stubFetch(422, { error: { code: "config_invalid", message: "category_weights: must sum to more than 0" } });
    const api = createHttpApi("http://ui.test");
    await expect(api.saveConfig({ weights: { aesthetic: {}, technical: {} }, category_weights: { aesthetic: 0, technical: 0 }, penalties: [] })).rejects.toMatchObject({
      code: "config_invalid",
      status: 422,
      message: "category_weights: must sum to more than 0",
    });
  });

  it("reports an unreachable sidecar as a network error", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    const err = await createHttpApi("http://ui.test").health().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).isNetwork).toBe(true);
  });

  it("parses the sidecar's events", () => {
    expect(parseEvent("job", JSON.stringify({ type: "job", job: { id: "j", done: 1 } }))).toMatchObject({ type: "job", job: { id: "j" } });
    expect(parseEvent("library", "{}")).toEqual({ type: "library" });
    expect(parseEvent("xmp", JSON.stringify({ type: "xmp", done: 3, total: 9 }))).toEqual({ type: "xmp", done: 3, total: 9 });
    expect(parseEvent("xmp", "{}")).toBeNull();
    expect(parseEvent("job", "not json")).toBeNull();
    expect(parseEvent("job", "{}")).toBeNull();
    expect(parseEvent("other", "{}")).toBeNull();
  });
});
