import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import type { Api } from "./api/api";
import { ApiError } from "./api/errors";
import { createMockApi, MOCK_PLANS } from "./api/mock";
import type { Job } from "./api/types";

function setup(api: Api = createMockApi({ photos: 20_000, latencyMs: 0 }), search = "") {
  window.history.replaceState(null, "", "/" + search);
  return { api, ...render(<App api={api} />) };
}

const cards = () => screen.queryAllByTestId("photo-card");

beforeEach(() => {
  window.history.replaceState(null, "", "/");
});

describe("library", () => {
  it("mounts only the visible cards of a 20,000-photo library, ranked", async () => {
    setup();
    await waitFor(() => expect(cards().length).toBeGreaterThan(0));
    expect(screen.getByText("20,000 photos")).toBeTruthy();
    // jsdom has no layout: the grid assumes 1000×800, so a handful of rows are mounted.
    expect(cards().length).toBeLessThan(60);
    const ranks = cards().map((c) => Number(c.dataset.rank));
    expect(ranks.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    const scores = cards().map((c) => Number(c.dataset.score));
    expect([...scores].sort((a, b) => b - a)).toEqual(scores); // best first
    expect(cards()[0]!.dataset.imageId).toMatch(/^[0-9a-f]+$/);
  });

  it("offers the sort keys and keeps the sort in the URL", async () => {
    setup();
    const select = (await screen.findByTestId("sort-select")) as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toContain("score");
    fireEvent.change(select, { target: { value: "name" } });
    await waitFor(() => expect(window.location.search).toContain("sort=name"));
    await waitFor(() => expect(cards()[0]?.getAttribute("aria-label")).toMatch(/^DSC_01000\.JPG/));
  });

  it("opens the viewer on a card, steps with the arrows and closes with Esc", async () => {
    setup();
    await waitFor(() => expect(cards().length).toBeGreaterThan(2));
    const second = cards()[1]!.dataset.imageId!;
    const third = cards()[2]!.dataset.imageId!;
    fireEvent.click(cards()[1]!);
    const viewer = await screen.findByTestId("viewer");
    expect(viewer.dataset.imageId).toBe(second);
    await waitFor(() => expect(within(viewer).getByTestId("viewer-score").textContent).toMatch(/\d/));
    await waitFor(() => expect(within(viewer).getByTestId("viewer-advice").textContent).toContain("vs your usual"));
    expect(window.location.search).toContain(`photo=${second}`);
    fireEvent.keyDown(window, { key: "ArrowRight" });
    await waitFor(() => expect(screen.getByTestId("viewer").dataset.imageId).toBe(third));
    fireEvent.keyDown(window, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("viewer")).toBeNull());
    expect(window.location.search).not.toContain("photo=");
  });

  it("rates the shown photo with Lightroom's keys and remembers it", async () => {
    const api = createMockApi({ photos: 50, latencyMs: 0 });
    const rate = vi.spyOn(api, "rate");
    const page = await api.photos({ sort: "score", order: "desc" }, 0, 10);
    const id = page.items[2]!.image_id;
    setup(api, `?photo=${id}&i=2`);
    const viewer = await screen.findByTestId("viewer");
    const stars = await within(viewer).findByTestId("your-rating");
    expect(stars.dataset.value).toBe("0");
    fireEvent.keyDown(window, { key: "4" });
    await waitFor(() => expect(within(viewer).getByTestId("your-rating").dataset.value).toBe("4"));
    expect(rate).toHaveBeenLastCalledWith(id, 4);
    fireEvent.keyDown(window, { key: "x" });
    await waitFor(() => expect(within(viewer).getByTestId("your-rating").dataset.value).toBe("-1"));
    expect(viewer.dataset.imageId).toBe(id); // rating keys do not browse
    fireEvent.click(within(viewer).getByRole("button", { name: "2 stars" }));
    await waitFor(() => expect(rate).toHaveBeenLastCalledWith(id, 2));
    await rate.mock.results.at(-1)!.value; // the save itself, not only the optimistic stars
    expect((await api.photo(id)).your_rating).toBe(2);
  });

  it("reopens the photo the URL names after a reload", async () => {
    const api = createMockApi({ photos: 50, latencyMs: 0 });
    const page = await api.photos({ sort: "score", order: "desc" }, 0, 10);
    const id = page.items[4]!.image_id;
    setup(api, `?photo=${id}&i=4`);
    const viewer = await screen.findByTestId("viewer");
    expect(viewer.dataset.imageId).toBe(id);
  });

  it("says so when a photo has no advice yet", async () => {
    const api = createMockApi({ photos: 50, latencyMs: 0 });
    api.advice = (id) => Promise.reject(new ApiError("not_found", `${id}: no analysis result in the cache`, 404));
    const page = await api.photos({ sort: "score", order: "desc" }, 0, 10);
    setup(api, `?photo=${page.items[0]!.image_id}&i=0`);
    const advice = await screen.findByTestId("viewer-advice");
    await waitFor(() => expect(advice.textContent).toContain("No advice yet"));
  });

  it("shows a field error from the one error shape when a folder is refused", async () => {
    setup(createMockApi({ photos: 10, latencyMs: 0 }));
    fireEvent.change(await screen.findByTestId("add-folder-input"), { target: { value: "relative/path" } });
    fireEvent.click(screen.getByTestId("add-folder-submit"));
    expect((await screen.findByRole("alert")).textContent).toContain("not an absolute folder path");
  });

  it("starts a job and shows its live progress", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      setup(createMockApi({ photos: 10, latencyMs: 0 }));
      fireEvent.click(await screen.findByTestId("score-button"));
      const progress = await screen.findByTestId("job-progress");
      await act(async () => {
        await vi.advanceTimersByTimeAsync(1100);
      });
      expect(progress.textContent).toMatch(/50 \/ 400 photos/);
      expect(progress.textContent).toMatch(/photos\/s/);
      expect(progress.textContent).toMatch(/ETA/);
    } finally {
      vi.useRealTimers();
    }
  });

  it("badges burst frames, collapses bursts with Keepers only and lists a burst in the viewer", async () => {
    const api = createMockApi({ photos: 60, latencyMs: 0, burstEvery: 10 });
    const all = (await api.photos({ sort: "name", order: "asc" }, 0, 60)).items;
    const burst = all.slice(0, 3); // DSC_01000–01002: one camera, 0.4 s apart
    const keeper = burst.find((p) => p.burst?.keeper)!;
    const other = burst.find((p) => p.burst && !p.burst.keeper)!;
    setup(api, "?sort=name");
    await waitFor(() => expect(cards().length).toBeGreaterThan(3));
    const badge = (i: number) => within(cards()[i]!).queryByTestId("burst-badge");
    for (const [i, p] of burst.entries()) {
      expect(badge(i)?.textContent).toBe(p.burst!.keeper ? "★ Keep · burst of 3" : `${p.burst!.rank}/3`);
      expect(cards()[i]!.getAttribute("aria-label")).toContain(p.burst!.keeper ? "Best frame of a 3-frame burst" : "best frame of a 3-frame burst");
    }
    expect(badge(3)).toBeNull(); // DSC_01003 was not shot in a burst

    fireEvent.click(screen.getByLabelText("Keepers only"));
    await waitFor(() => expect(window.location.search).toContain("keepers=1"));
    expect(await screen.findByText("48 photos")).toBeTruthy(); // six bursts of three, two hidden each
    await waitFor(() => expect(cards()[0]!.dataset.imageId).toBe(keeper.image_id));
    expect(cards()[1]!.dataset.imageId).toBe(all[3]!.image_id);

    // The keeper's viewer lists its burst; a frame hidden by the filter opens from the strip.
    fireEvent.click(cards()[0]!);
    const strip = await screen.findByTestId("viewer-burst");
    const frames = within(strip).getAllByTestId("burst-frame");
    expect(frames.map((f) => f.dataset.imageId)).toEqual(burst.map((p) => p.image_id));
    expect(frames.find((f) => f.dataset.keeper === "true")?.getAttribute("aria-current")).toBe("true");
    expect(within(strip).getByTestId("burst-sentence").textContent).toContain("this is the keeper");
    fireEvent.click(frames.find((f) => f.dataset.imageId === other.image_id)!);
    await waitFor(() => expect(screen.getByTestId("viewer").dataset.imageId).toBe(other.image_id));
    await waitFor(() => expect(screen.getByTestId("burst-sentence").textContent).toContain(`the keeper is ${keeper.name}`));
    expect(window.location.search).toContain(`photo=${other.image_id}`);
    expect(window.location.search).toContain("keepers=1");
  });

  it("says so when the library is empty", async () => {
    setup(createMockApi({ photos: 0, latencyMs: 0 }));
    expect(await screen.findByText("No photos yet")).toBeTruthy();
  });
});

describe("app shell", () => {
  it("switches screens from the nav and keeps the view in the URL", async () => {
    setup(createMockApi({ photos: 100, latencyMs: 0 }));
    fireEvent.click(screen.getByTestId("nav-dashboard"));
    expect(await screen.findByText("Score distribution")).toBeTruthy();
    expect(window.location.search).toBe("?view=dashboard");
    fireEvent.click(screen.getByTestId("nav-insights"));
    expect(await screen.findByTestId("insights-view")).toBeTruthy();
    expect(screen.getByTestId("account-status").textContent).toMatch(/Cloud features not configured/);
  });

  it("shows the offline banner when the engine cannot be reached", async () => {
    const api = createMockApi({ photos: 10, latencyMs: 0 });
    api.health = () => Promise.reject(new TypeError("Failed to fetch"));
    setup(api);
    expect(await screen.findByTestId("offline-banner")).toBeTruthy();
  });

  it("shows API errors in the error banner", async () => {
    const api = createMockApi({ photos: 10, latencyMs: 0 });
    api.jobs = () => Promise.reject(new ApiError("internal", "The job list is unreadable.", 500));
    setup(api);
    expect((await screen.findByTestId("error-banner")).textContent).toContain("The job list is unreadable.");
  });
});

describe("scoring config", () => {
  it("re-ranks live when a weight slider moves, then saves", async () => {
    const api = createMockApi({ photos: 300, latencyMs: 0 });
    const preview = vi.spyOn(api, "previewConfig");
    const save = vi.spyOn(api, "saveConfig");
    setup(api, "?view=config");
    await waitFor(() => expect(cards().length).toBe(24));
    const before = cards().map((c) => c.dataset.imageId);
    const callsBefore = preview.mock.calls.length;
    for (const [attr, v] of [["composition", "0"], ["subject_strength", "0"], ["visual_appeal", "1"]] as const) {
      fireEvent.input(screen.getByTestId(`weight-slider-${attr}`), { target: { value: v } });
    }
    await waitFor(() => expect(cards().map((c) => c.dataset.imageId)).not.toEqual(before), { timeout: 2000 });
    // Debounced: three quick moves make one preview call, not three.
    expect(preview.mock.calls.length - callsBefore).toBe(1);
    expect(screen.getByTestId("rank-summary").textContent).toMatch(/change place/);
    expect(screen.getByText("Unsaved changes")).toBeTruthy();
    fireEvent.click(screen.getByTestId("config-save"));
    await waitFor(() => expect(save).toHaveBeenCalledTimes(1));
    expect(save.mock.calls[0]![0].weights.aesthetic).toEqual({ composition: 0, subject_strength: 0, visual_appeal: 1 });
  });

  it("badges burst frames in the preview, and fitted weights from ratings re-rank it", async () => {
    const api = createMockApi({ photos: 300, latencyMs: 0, burstEvery: 4 });
    setup(api, "?view=config");
    await waitFor(() => expect(cards().length).toBe(24));
    const badges = screen.getByTestId("rank-preview").querySelectorAll("[data-testid=burst-badge]");
    expect(badges.length).toBeGreaterThan(0);
    expect([...badges].some((b) => b.textContent?.startsWith("★ Keep"))).toBe(true);
    const before = cards().map((c) => c.dataset.imageId);
    fireEvent.click(screen.getByTestId("taste-learn"));
    fireEvent.click(await screen.findByTestId("taste-apply"));
    expect(screen.getByText("Unsaved changes")).toBeTruthy();
    expect(Number((screen.getByTestId("weight-slider-visual_appeal") as HTMLInputElement).value)).toBeCloseTo(0.77, 2);
    await waitFor(() => expect(cards().map((c) => c.dataset.imageId)).not.toEqual(before), { timeout: 2000 });
  });

  it("previews and saves a wider burst window", async () => {
    const api = createMockApi({ photos: 30, latencyMs: 0 });
    const preview = vi.spyOn(api, "previewConfig");
    const save = vi.spyOn(api, "saveConfig");
    setup(api, "?view=config");
    const select = (await screen.findByTestId("burst-gap")) as HTMLSelectElement;
    expect(select.value).toBe("2");
    expect([...select.options].map((o) => o.textContent)).toContain("1 min");
    fireEvent.change(select, { target: { value: "30" } });
    expect(screen.getByText("Unsaved changes")).toBeTruthy();
    await waitFor(() => expect(preview.mock.calls.at(-1)![0].burst_gap_s).toBe(30));
    fireEvent.click(screen.getByTestId("config-save"));
    await waitFor(() => expect(save).toHaveBeenCalledTimes(1));
    expect(save.mock.calls[0]![0].burst_gap_s).toBe(30);
  });

  it("shows a validation error from the API", async () => {
    const api = createMockApi({ photos: 30, latencyMs: 0 });
    setup(api, "?view=config");
    await screen.findByTestId("category-slider-aesthetic");
    fireEvent.input(screen.getByTestId("category-slider-aesthetic"), { target: { value: "0" } });
    fireEvent.input(screen.getByTestId("category-slider-technical"), { target: { value: "0" } });
    fireEvent.click(screen.getByTestId("config-save"));
    expect((await screen.findByTestId("config-error")).textContent).toContain("category_weights");
  });

  it("keeps an unsaved draft across a reload", async () => {
    const api = createMockApi({ photos: 30, latencyMs: 0 });
    const first = setup(api, "?view=config");
    const slider = (await screen.findByTestId("weight-slider-sharpness")) as HTMLInputElement;
    fireEvent.input(slider, { target: { value: "0.9" } });
    await waitFor(() => expect(localStorage.getItem("ps.configDraft")).toContain("0.9"));
    first.unmount();
    setup(api, "?view=config");
    await waitFor(() => expect((screen.getByTestId("weight-slider-sharpness") as HTMLInputElement).value).toBe("0.9"));
  });
});

describe("account and credits", () => {
  const outOfCredits = (over: Partial<Job> = {}): Job => ({
    id: "job-7", state: "done", analyzer: "cloud", paths: ["/photos/trip"], total: 7, done: 1, failed: 0, analyzed: 1, cached: 0,
    rate: null, eta_s: null, error: null, not_analyzed: 6, created_at: "2026-01-01T00:00:00Z", started_at: null, finished_at: "2026-01-01T00:01:00Z",
    stopped_reason: "out of cloud credits: out of credits: analysing a photo costs 1 credit and the balance is 0",
    payment_required: {
      message: "out of credits: analysing a photo costs 1 credit and the balance is 0; buy a credit pack to continue",
      balance: 0, required: 1, plans: MOCK_PLANS, checkout: { method: "POST", url: "/billing/checkout", body: { plan_id: "credits_100" } },
    },
    ...over,
  });

  it("reaches the Account & credits screen from the nav", async () => {
    setup(createMockApi({ photos: 10, latencyMs: 0, cloud: true, signedInAs: "me@example.test", balance: 12 }));
    fireEvent.click(screen.getByTestId("nav-account"));
    await waitFor(() => expect(screen.getByTestId("account-balance").textContent).toBe("12"));
    expect(window.location.search).toBe("?view=account");
    expect(screen.getByTestId("account-status").textContent).toBe("Cloud: me@example.test");
  });

  it("shows a Buy credits banner when a job stopped on 402, with the balance and packs", async () => {
    const api = createMockApi({ photos: 10, latencyMs: 0, cloud: true, signedInAs: "me@example.test" });
    api.jobs = () => Promise.resolve([outOfCredits()]);
    const checkout = vi.spyOn(api, "checkout");
    const open = vi.spyOn(window, "open").mockImplementation(() => null);
    setup(api);
    const banner = await screen.findByTestId("buy-credits-banner");
    expect(within(banner).getByTestId("buy-credits-message").textContent).toContain("the balance is 0");
    expect(within(banner).getByTestId("buy-credits-balance").textContent).toBe("Balance: 0 credits. ");
    expect(within(banner).getByTestId("buy-credits-left").textContent).toContain("6 photos were not analysed");
    expect(within(banner).getAllByTestId("plan-price").map((p) => p.textContent)).toEqual(["$2.00", "$8.00", "$25.00"]);
    fireEvent.click(within(banner).getByTestId("buy-credits_2000"));
    await within(banner).findByTestId("checkout-started");
    expect(checkout).toHaveBeenCalledWith("credits_2000", false);
    expect(open).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId("job-progress").textContent).toContain("Stopped");
    fireEvent.click(within(banner).getByTestId("buy-credits-dismiss"));
    await waitFor(() => expect(screen.queryByTestId("buy-credits-banner")).toBeNull());
  });

  it("says the rest was scored locally when auto fell back", async () => {
    const api = createMockApi({ photos: 10, latencyMs: 0, cloud: true, signedInAs: "me@example.test" });
    api.jobs = () => Promise.resolve([outOfCredits({ analyzer: "auto", not_analyzed: 0, stopped_reason: null, fallback_reason: "out of cloud credits", done: 7, analyzed: 7 })]);
    setup(api);
    const banner = await screen.findByTestId("buy-credits-banner");
    expect(banner.textContent).toContain("scored with the local analyzer");
    expect(within(banner).queryByTestId("buy-credits-left")).toBeNull();
  });

  it("shows no banner for a job that finished normally", async () => {
    const api = createMockApi({ photos: 10, latencyMs: 0 });
    api.jobs = () => Promise.resolve([outOfCredits({ payment_required: null, stopped_reason: null, not_analyzed: 0 })]);
    setup(api);
    await screen.findByTestId("job-progress");
    expect(screen.queryByTestId("buy-credits-banner")).toBeNull();
  });
});
