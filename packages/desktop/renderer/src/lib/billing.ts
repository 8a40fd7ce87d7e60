/**
 * Buying credits: prices as the cloud states them (never hard-coded here), and opening the
 * Stripe Checkout page in the system browser — only ever an http(s) page.
 */
import type { Api } from "../api/api";
import type { CheckoutOut, Job, OutOfCredits } from "../api/types";

/** "$2.00", "EUR 8.00": integer cents from the server, formatted without float drift. */
export function formatPrice(cents: number, currency = "usd"): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.round(cents));
  const amount = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
  return currency.toLowerCase() === "usd" ? `${sign}$${amount}` : `${sign}${currency.toUpperCase()} ${amount}`;
}

/** A web page to open: http(s) with a host. Anything else (javascript:, file:, data:) is refused. */
export function isSafeCheckoutUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === "https:" || u.protocol === "http:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/** The UI runs in the desktop window (pywebview injects `window.pywebview`). */
export function inDesktopWindow(): boolean {
  return typeof window !== "undefined" && "pywebview" in window;
}

/**
 * Start buying a pack and open Stripe Checkout in the system browser: the desktop window
 * asks the sidecar to open it (a window cannot take payments itself); a browser tab opens
 * a new tab. Returns the checkout (its URL is shown as a link if no browser opened).
 */
export async function buyPack(api: Api, planId: string): Promise<CheckoutOut> {
  const desktop = inDesktopWindow();
  const out = await api.checkout(planId, desktop);
  if (!isSafeCheckoutUrl(out.checkout_url)) throw new Error("The cloud sent a checkout link that is not a web page.");
  if (!out.opened) window.open(out.checkout_url, "_blank", "noopener,noreferrer");
  return out;
}

/** The finished job whose run hit "out of credits" most recently, unless dismissed. */
export function paymentRequiredJob(jobs: Job[], dismissed: readonly string[]): (Job & { payment_required: OutOfCredits }) | null {
  for (let i = jobs.length - 1; i >= 0; i--) {
    const j = jobs[i]!;
    if (j.payment_required && !dismissed.includes(j.id) && j.state !== "running" && j.state !== "queued") {
      return j as Job & { payment_required: OutOfCredits };
    }
  }
  return null;
}
