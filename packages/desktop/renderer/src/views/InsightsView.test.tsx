import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Api } from "../api/api";
import { ApiContext } from "../api/context";
import { ApiError } from "../api/errors";
import { createMockApi } from "../api/mock";
import { mockInsights } from "../api/mockInsights";
import { InsightsView } from "./InsightsView";

function renderWith(api: Api, onOpenLibrary = () => {}) {
  return render(
    <ApiContext.Provider value={api}>
      <InsightsView dataVersion={0} onOpenLibrary={onOpenLibrary} />
    </ApiContext.Provider>,
  );
}

describe("InsightsView", () => {
  it("shows the profile: count, confidence, four recommendation types, histogram, style, subjects, trends", async () => {
    const api = createMockApi({ photos: 0, latencyMs: 0 });
    api.insights = vi.fn(() => Promise.resolve(mockInsights(240, 230)));
    renderWith(api);
    const view = await screen.findByTestId("insights-view");
    expect(within(view).getByTestId("insights-photo-count").textContent).toContain("240");
    expect(within(view).getByTestId("insights-confidence").textContent).toContain("High");
    for (const t of ["strength", "weakness", "style", "growth"]) {
      expect(within(view).getByTestId(`rec-${t}`).querySelectorAll("[data-testid=rec-card]").length).toBe(1);
    }
    expect(within(view).getByText("Landscapes are your strongest genre")).toBeTruthy();
    expect(within(view).getByText(/Based on 120 photos/).textContent).toContain("gap: 7.7");
    expect(within(view).getByRole("img", { name: /Score distribution of \d+ scored photos in 10-point bins/ })).toBeTruthy();
    const dims = within(view).getAllByTestId("style-dimension");
    expect(dims).toHaveLength(5);
    expect(dims[0]!.textContent).toContain("centered");
    expect(dims[0]!.textContent).toContain("rule of thirds");
    const fill = dims[0]!.querySelector<HTMLElement>(".pole-fill")!;
    expect(fill.style.left).toBe("29%");
    expect(fill.style.width).toBe("21%");
    expect(dims[2]!.querySelector(".pole-fill")).toBeNull(); // no reading: no bar
    expect(within(view).getByRole("meter", { name: "landscape" })).toBeTruthy();
    expect(within(view).getByTestId("insights-trends").textContent).toContain("2024-Q1");
    expect(api.insights).toHaveBeenCalledTimes(1);
  });

  it("states thin data plainly", async () => {
    const api = createMockApi({ photos: 0, latencyMs: 0 });
    api.insights = () => Promise.resolve({ ...mockInsights(7, 7), recommendations: [], trends: { ...mockInsights(7, 7).trends, points: [] } });
    renderWith(api);
    const notes = await screen.findByTestId("insights-notes");
    expect(notes.textContent).toContain("Thin data");
    expect(notes.textContent).toContain("Fewer than 20 photos");
    expect(screen.getByTestId("insights-confidence").textContent).toContain("Insufficient");
    expect(screen.getAllByText("Nothing to say with confidence yet.")).toHaveLength(4);
    expect(screen.queryByTestId("insights-trends")).toBeNull();
  });

  it("points an empty library to the Library screen", async () => {
    const onOpen = vi.fn();
    renderWith(createMockApi({ photos: 0, latencyMs: 0 }), onOpen);
    expect(await screen.findByText("No photos analyzed yet")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Library" }));
    expect(onOpen).toHaveBeenCalled();
  });

  it("shows the error's message from the one error shape", async () => {
    const api = createMockApi({ photos: 0, latencyMs: 0 });
    api.insights = () => Promise.reject(new ApiError("internal", "The cache is unreadable.", 500));
    renderWith(api);
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("The cache is unreadable."));
  });
});
