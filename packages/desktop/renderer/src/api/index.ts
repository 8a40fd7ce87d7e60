import type { Api } from "./api";
import { createHttpApi } from "./client";

/** The API the app runs on: the generated client, or the mock under a mock dev server. */
export async function loadApi(): Promise<Api> {
  if (__USE_MOCK__) {
    const { createMockApi } = await import("./mock");
    return createMockApi();
  }
  return createHttpApi();
}
