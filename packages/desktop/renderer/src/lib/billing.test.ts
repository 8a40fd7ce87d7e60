import { afterEach, describe, expect, it, vi } from "vitest";
import { createMockApi } from "../api/mock";
import type { Job, OutOfCredits } from "../api/types";
import { buyPack, formatPrice, isSafeCheckoutUrl, paymentRequiredJob } from "./billing";

const offer: OutOfCredits = { message: "out of credits", balance: 0, plans: [], checkout: null };
const job = (id: string, over: Partial<Job> = {}): Job => ({
  id, state: "done", analyzer: "cloud", paths: [], total: 3, done: 1, failed: 0, analyzed: 1, cached: 0, rate: null, eta_s: null,
  error: null, not_analyzed: 2, created_at: "2026-01-01T00:00:00Z", started_at: null, finished_at: null, ...over,
});

afterEach(() => {
  delete (window as { pywebview?: unknown }).pywebview;
});

describe("formatPrice", () => {
  it("formats integer cents exactly", () => {
    expect(formatPrice(200)).toBe("$2.00");
    expect(formatPrice(2500, "usd")).toBe("$25.00");
    expect(formatPrice(1999, "eur")).toBe("EUR 19.99");
    expect(formatPrice(5)).toBe("$0.05");
  });
});

describe("isSafeCheckoutUrl", () => {
  it("accepts web pages only", () => {
    expect(isSafeCheckoutUrl("https://checkout.stripe.com/c/pay/cs_test_1#x")).toBe(true);
    expect(isSafeCheckoutUrl("http://127.0.0.1:9/pay")).toBe(true);
    for (const bad of ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi", "/billing/checkout", "https://", ""]) {
      expect(isSafeCheckoutUrl(bad)).toBe(false);
    }
  });
});

describe("paymentRequiredJob", () => {
  it("picks the newest finished job that ran out of credits, unless dismissed", () => {
    const jobs = [job("a", { payment_required: offer }), job("b"), job("c", { payment_required: offer }), job("d", { state: "running", payment_required: offer })];
    expect(paymentRequiredJob(jobs, [])?.id).toBe("c");
    expect(paymentRequiredJob(jobs, ["c"])?.id).toBe("a");
    expect(paymentRequiredJob(jobs, ["a", "c"])).toBeNull();
  });
});

describe("buyPack", () => {
  it("opens the checkout in a new tab from a browser", async () => {
    const api = createMockApi({ photos: 0, latencyMs: 0, cloud: true, signedInAs: "me@example.test" });
    const checkout = vi.spyOn(api, "checkout");
    const open = vi.spyOn(window, "open").mockImplementation(() => null);
    const out = await buyPack(api, "credits_500");
    expect(checkout).toHaveBeenCalledWith("credits_500", false);
    expect(out.plan.credits).toBe(500);
    expect(open).toHaveBeenCalledWith(out.checkout_url, "_blank", "noopener,noreferrer");
  });

  it("lets the sidecar open the system browser from the desktop window", async () => {
    (window as { pywebview?: unknown }).pywebview = {};
    const api = createMockApi({ photos: 0, latencyMs: 0, cloud: true, signedInAs: "me@example.test" });
    const checkout = vi.spyOn(api, "checkout");
    const open = vi.spyOn(window, "open").mockImplementation(() => null);
    const out = await buyPack(api, "credits_100");
    expect(checkout).toHaveBeenCalledWith("credits_100", true);
    expect(out.opened).toBe(true);
    expect(open).not.toHaveBeenCalled();
  });

  it("never opens a link that is not a web page", async () => {
    const api = createMockApi({ photos: 0, latencyMs: 0, cloud: true, signedInAs: "me@example.test" });
    api.checkout = (planId) =>
      Promise.resolve({ checkout_url: "javascript:alert(1)", session_id: "cs_x", opened: false, plan: { id: planId, credits: 1, price_cents: 1, currency: "usd", description: "" } });
    const open = vi.spyOn(window, "open").mockImplementation(() => null);
    await expect(buyPack(api, "credits_100")).rejects.toThrow(/not a web page/);
    expect(open).not.toHaveBeenCalled();
  });
});
