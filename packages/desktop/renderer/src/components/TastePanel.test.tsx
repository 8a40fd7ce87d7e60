import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiContext } from "../api/context";
import { createMockApi } from "../api/mock";
import { TastePanel } from "./TastePanel";

describe("TastePanel", () => {
  it("learns, shows the shares and hands the fitted weights to the sliders", async () => {
    const api = createMockApi({ photos: 40, latencyMs: 0 });
    const onApply = vi.fn();
    render(
      <ApiContext.Provider value={api}>
        <TastePanel onApply={onApply} />
      </ApiContext.Provider>,
    );
    fireEvent.click(screen.getByTestId("taste-learn"));
    expect((await screen.findByTestId("taste-sentence")).textContent).toBe(
      "Learnt from 40 photos you rated (40 from sidecars). On photos the fit did not see, the current weights agree with your stars in 81% of pairs, the fitted ones in 94%.",
    );
    expect(screen.getByTestId("taste-share-visual_appeal").textContent).toBe("Visual appeal15%65%");
    fireEvent.click(screen.getByTestId("taste-apply"));
    expect(onApply).toHaveBeenCalledTimes(1);
    const fitted = onApply.mock.calls[0]![0];
    expect(fitted.weights.aesthetic.visual_appeal).toBeCloseTo(0.65 / 0.84, 2);
    expect(fitted.category_weights.aesthetic).toBeCloseTo(0.84, 5);
  });

  it("says why it cannot learn yet", async () => {
    render(
      <ApiContext.Provider value={createMockApi({ photos: 6, latencyMs: 0 })}>
        <TastePanel onApply={() => {}} />
      </ApiContext.Provider>,
    );
    fireEvent.click(screen.getByTestId("taste-learn"));
    expect((await screen.findByTestId("taste-error")).textContent).toContain("rate at least 20");
    expect(screen.queryByTestId("taste-apply")).toBeNull();
  });
});
