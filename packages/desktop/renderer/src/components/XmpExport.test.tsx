import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Api } from "../api/api";
import { ApiContext } from "../api/context";
import { ApiError } from "../api/errors";
import { createMockApi } from "../api/mock";
import { XmpExport } from "./XmpExport";

function renderPanel(api: Api) {
  render(
    <ApiContext.Provider value={api}>
      <XmpExport disabled={false} />
    </ApiContext.Provider>,
  );
}

describe("XmpExport", () => {
  it("writes with the chosen naming and says what it did", async () => {
    const api = createMockApi({ photos: 40, latencyMs: 0 });
    const spy = vi.spyOn(api, "writeXmp");
    renderPanel(api);
    expect(screen.queryByTestId("xmp-panel")).toBeNull();
    fireEvent.click(screen.getByTestId("xmp-button"));
    fireEvent.click(screen.getByTestId("xmp-naming-darktable"));
    fireEvent.click(screen.getByTestId("xmp-overwrite"));
    fireEvent.click(screen.getByTestId("xmp-write"));
    expect((await screen.findByTestId("xmp-result")).textContent).toBe("Wrote 40 sidecars (40 new, 0 updated).");
    expect(spy).toHaveBeenCalledWith({ naming: "darktable", overwrite: true, dry_run: false });
    expect(localStorage.getItem("ps.xmpNaming")).toBe("darktable");

    fireEvent.click(screen.getByTestId("xmp-write"));
    expect((await screen.findByTestId("xmp-result")).textContent).toBe("Wrote 0 sidecars (0 new, 0 updated); 40 already up to date.");
  });

  it("counts the files while it writes", async () => {
    const api = createMockApi({ photos: 40, latencyMs: 40 });
    renderPanel(api);
    fireEvent.click(screen.getByTestId("xmp-button"));
    fireEvent.click(screen.getByTestId("xmp-write"));
    await waitFor(() => expect(screen.getByTestId("xmp-write").textContent).toBe("Writing… 20 of 40"));
    expect((await screen.findByTestId("xmp-result")).textContent).toBe("Wrote 40 sidecars (40 new, 0 updated).");
    expect(screen.getByTestId("xmp-write").textContent).toBe("Write sidecars");
  });

  it("turns live updates on with the chosen naming and shows the last pass", async () => {
    const api = createMockApi({ photos: 40, latencyMs: 0 });
    const spy = vi.spyOn(api, "setXmpAuto");
    renderPanel(api);
    fireEvent.click(screen.getByTestId("xmp-button"));
    const box = (await screen.findByTestId("xmp-auto")) as HTMLInputElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    expect(box.checked).toBe(false);
    fireEvent.click(screen.getByTestId("xmp-naming-adobe"));
    fireEvent.click(box);
    await waitFor(() => expect(box.checked).toBe(true));
    expect(spy).toHaveBeenCalledWith(true, "adobe");
    expect(screen.getByTestId("xmp-auto-status").textContent).toBe("Last update: Wrote 0 sidecars (0 new, 0 updated); 40 already up to date.");
    fireEvent.click(screen.getByTestId("xmp-naming-darktable"));
    await waitFor(() => expect(spy).toHaveBeenLastCalledWith(true, "darktable"));
  });

  it("shows the sidecar's error", async () => {
    const api = createMockApi({ photos: 0, latencyMs: 0 });
    api.writeXmp = async () => {
      throw new ApiError("internal", "disk full", 500);
    };
    renderPanel(api);
    fireEvent.click(screen.getByTestId("xmp-button"));
    fireEvent.click(screen.getByTestId("xmp-write"));
    expect((await screen.findByRole("alert")).textContent).toContain("disk full");
  });
});
