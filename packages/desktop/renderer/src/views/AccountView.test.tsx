import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import type { Api } from "../api/api";
import { ApiContext } from "../api/context";
import { createMockApi, MOCK_PASSWORD, MOCK_PLANS } from "../api/mock";
import type { AccountStatus } from "../api/types";
import { AccountView } from "./AccountView";

function Harness({ api, initial }: { api: Api; initial: AccountStatus }) {
  const [account, setAccount] = useState<AccountStatus | null>(initial);
  return (
    <ApiContext.Provider value={api}>
      <AccountView account={account} onAccount={setAccount} dataVersion={0} />
    </ApiContext.Provider>
  );
}

async function renderWith(api: Api) {
  const initial = await api.account();
  return render(<Harness api={api} initial={initial} />);
}

describe("AccountView", () => {
  it("explains how to enable the cloud when none is configured", async () => {
    await renderWith(createMockApi({ photos: 0, latencyMs: 0 }));
    expect(screen.getByText("Cloud features are not configured")).toBeTruthy();
    expect(screen.queryByTestId("login-email")).toBeNull();
  });

  it("signs in, shows the balance and the server's packs, and says when the password is wrong", async () => {
    const api = createMockApi({ photos: 0, latencyMs: 0, cloud: true, balance: 42 });
    // Prices come from the server: a changed price list shows as is.
    const plans = [{ ...MOCK_PLANS[0]!, price_cents: 350 }, { ...MOCK_PLANS[1]!, currency: "eur" }, MOCK_PLANS[2]!];
    const credits = api.credits.bind(api);
    api.credits = async () => ({ ...(await credits()), plans });
    await renderWith(api);
    fireEvent.change(screen.getByTestId("login-email"), { target: { value: "me@example.test" } });
    fireEvent.change(screen.getByTestId("login-password"), { target: { value: "wrong" } });
    fireEvent.click(screen.getByTestId("login-submit"));
    expect((await screen.findByTestId("login-error")).textContent).toContain("wrong email or password");

    fireEvent.change(screen.getByTestId("login-password"), { target: { value: MOCK_PASSWORD } });
    fireEvent.click(screen.getByTestId("login-submit"));
    expect((await screen.findByTestId("account-email")).textContent).toBe("me@example.test");
    await waitFor(() => expect(screen.getByTestId("account-balance").textContent).toBe("42"));
    const cards = screen.getAllByTestId("plan-card");
    expect(cards.map((c) => c.dataset.planId)).toEqual(["credits_100", "credits_500", "credits_2000"]);
    expect(cards.map((c) => within(c).getByTestId("plan-price").textContent)).toEqual(["$3.50", "EUR 8.00", "$25.00"]);
  });

  it("opens Stripe Checkout for the chosen pack", async () => {
    const api = createMockApi({ photos: 0, latencyMs: 0, cloud: true, signedInAs: "me@example.test" });
    const checkout = vi.spyOn(api, "checkout");
    const open = vi.spyOn(window, "open").mockImplementation(() => null);
    await renderWith(api);
    fireEvent.click(await screen.findByTestId("buy-credits_500"));
    const note = await screen.findByTestId("checkout-started");
    expect(checkout).toHaveBeenCalledWith("credits_500", false);
    const url = (await checkout.mock.results[0]!.value).checkout_url as string;
    expect(open).toHaveBeenCalledWith(url, "_blank", "noopener,noreferrer");
    expect(note.textContent).toContain("500 credits");
    expect(within(note).getByRole("link").getAttribute("href")).toBe(url);
  });

  it("shows a checkout failure in the cloud's words", async () => {
    const api = createMockApi({ photos: 0, latencyMs: 0, cloud: true, signedInAs: "me@example.test" });
    const { ApiError } = await import("../api/errors");
    api.checkout = () => Promise.reject(new ApiError("cloud_error", "buying credits is not available on this server", 502));
    const open = vi.spyOn(window, "open").mockImplementation(() => null);
    await renderWith(api);
    fireEvent.click(await screen.findByTestId("buy-credits_100"));
    expect((await screen.findByTestId("checkout-error")).textContent).toBe("buying credits is not available on this server");
    expect(open).not.toHaveBeenCalled();
  });

  it("pages through the history, newest first", async () => {
    const api = createMockApi({ photos: 0, latencyMs: 0, cloud: true, signedInAs: "me@example.test", ledgerEntries: 23 });
    const transactions = vi.spyOn(api, "transactions");
    await renderWith(api);
    await waitFor(() => expect(screen.getAllByTestId("transaction-row")).toHaveLength(10));
    expect(screen.getByTestId("transactions-range").textContent).toBe("1–10 of 23");
    expect((screen.getByTestId("transactions-newer") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("transactions-older"));
    await waitFor(() => expect(screen.getByTestId("transactions-range").textContent).toBe("11–20 of 23"));
    fireEvent.click(screen.getByTestId("transactions-older"));
    await waitFor(() => expect(screen.getAllByTestId("transaction-row")).toHaveLength(3));
    expect(screen.getByTestId("transactions-range").textContent).toBe("21–23 of 23");
    expect((screen.getByTestId("transactions-older") as HTMLButtonElement).disabled).toBe(true);
    const last = screen.getAllByTestId("transaction-row").at(-1)!;
    expect(last.dataset.type).toBe("trial");
    expect(last.textContent).toContain("+5");
    expect(transactions.mock.calls.map((c) => c[0])).toEqual(expect.arrayContaining([0, 10, 20]));
  });

  it("signs out back to the sign-in form", async () => {
    const api = createMockApi({ photos: 0, latencyMs: 0, cloud: true, signedInAs: "me@example.test" });
    const logout = vi.spyOn(api, "logout");
    await renderWith(api);
    fireEvent.click(await screen.findByTestId("logout-button"));
    expect(await screen.findByTestId("login-email")).toBeTruthy();
    expect(logout).toHaveBeenCalledTimes(1);
  });
});
