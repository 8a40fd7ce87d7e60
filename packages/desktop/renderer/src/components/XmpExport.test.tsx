import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiContext } from "../api/context";
import { ApiError } from "../api/errors";
import { createMockApi } from "../api/mock";
import { XmpExport } from "./XmpExport";

describe("XmpExport", () => {
  it("writes with the chosen naming and says what it did", async () => {
    const api = createMockApi({ photos: 40, latencyMs: 0 });
    const spy = vi.spyOn(api, "writeXmp");
    render(
      <ApiContext.Provider value={api}>
        <XmpExport disabled={false} />
      </ApiContext.Provider>,
    );
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

  it("shows the sidecar's error", async () => {
    const api = createMockApi({ photos: 0, latencyMs: 0 });
    api.writeXmp = async () => {
      throw new ApiError("internal", "disk full", 500);
    };
    render(
      <ApiContext.Provider value={api}>
        <XmpExport disabled={false} />
      </ApiContext.Provider>,
    );
    fireEvent.click(screen.getByTestId("xmp-button"));
    fireEvent.click(screen.getByTestId("xmp-write"));
    expect((await screen.findByRole("alert")).textContent).toContain("disk full");
  });
});
