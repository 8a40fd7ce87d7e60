import { describe, expect, it, vi } from "vitest";
import { createMockApi } from "../api/mock";
import { PhotoList } from "./photoList";

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("PhotoList", () => {
  it("fetches only the pages covering the visible range", async () => {
    const api = createMockApi({ photos: 1000, latencyMs: 0 });
    const spy = vi.spyOn(api, "photos");
    const list = new PhotoList(api, { sort: "score", order: "desc" }, 100);
    list.ensure(0, 0);
    await flush();
    expect(list.total).toBe(1000);
    list.ensure(250, 420);
    await flush();
    expect(spy.mock.calls.map((c) => c[1])).toEqual([0, 200, 300, 400]);
    expect(list.get(420)).toBeDefined();
    expect(list.get(150)).toBeUndefined();
    list.ensure(250, 420); // already loaded: no new requests
    expect(spy).toHaveBeenCalledTimes(4);
  });

  it("loads the photo at an index on demand (viewer ←/→)", async () => {
    const list = new PhotoList(createMockApi({ photos: 500, latencyMs: 0 }), { sort: "name", order: "asc" }, 100);
    const p = await list.load(321);
    expect(p?.name).toBe("DSC_01321.JPG");
  });

  it("keeps showing stale pages during a refresh, then replaces them", async () => {
    const api = createMockApi({ photos: 300, latencyMs: 0 });
    const list = new PhotoList(api, { sort: "score", order: "desc" }, 100);
    list.ensure(0, 0);
    await flush();
    const first = list.get(0);
    const v = list.version;
    list.refresh();
    expect(list.get(0)).toBe(first); // still there while reloading
    await flush();
    expect(list.version).toBeGreaterThan(v);
    expect(list.get(0)?.image_id).toBe(first?.image_id);
    expect(list.get(0)).not.toBe(first); // a fresh object from the new page
  });

  it("finds a photo's position among the loaded pages", async () => {
    const list = new PhotoList(createMockApi({ photos: 500, latencyMs: 0 }), { sort: "name", order: "asc" }, 100);
    const p = await list.load(321);
    expect(list.indexOf(p!.image_id)).toBe(321);
    expect(list.indexOf("0000000000000000")).toBeNull();
    const unloaded = await new PhotoList(createMockApi({ photos: 500, latencyMs: 0 }), { sort: "name", order: "asc" }, 100).load(10);
    expect(list.indexOf(unloaded!.image_id)).toBeNull(); // page 0 of `list` is not loaded
  });

  it("asks for bursts collapsed with Keepers only", async () => {
    const api = createMockApi({ photos: 100, latencyMs: 0, burstEvery: 10 });
    const spy = vi.spyOn(api, "photos");
    const list = new PhotoList(api, { sort: "score", order: "desc", keepers: true });
    list.ensure(0, 0);
    await flush();
    expect(spy.mock.calls[0]![0].keepers).toBe(true);
    expect(list.total).toBe(80); // ten bursts of three: two frames of each hidden
  });

  it("records an error instead of throwing", async () => {
    const api = createMockApi({ photos: 10, latencyMs: 0 });
    api.photos = () => Promise.reject(new TypeError("Failed to fetch"));
    const list = new PhotoList(api, { sort: "score", order: "desc" });
    list.ensure(0, 0);
    await flush();
    expect(list.total).toBeNull();
    expect(list.error).toBeInstanceOf(TypeError);
  });
});
