import { useState } from "react";
import { useApi } from "../api/context";
import { errorMessage } from "../api/errors";
import type { CheckoutOut, CreditPlan } from "../api/types";
import { buyPack, formatPrice } from "../lib/billing";
import { formatNumber } from "../lib/format";

/**
 * The credit packs the cloud sells, each with a Buy button that opens Stripe Checkout in the
 * system browser. Packs and prices come from the server (GET /billing/plans or the 402 body).
 */
export function CreditPacks({ plans, onCheckout }: { plans: CreditPlan[]; onCheckout?: (c: CheckoutOut) => void }) {
  const api = useApi();
  const [pending, setPending] = useState<string | null>(null);
  const [started, setStarted] = useState<CheckoutOut | null>(null);
  const [error, setError] = useState<string | null>(null);

  const buy = async (plan: CreditPlan) => {
    setPending(plan.id);
    setError(null);
    try {
      const out = await buyPack(api, plan.id);
      setStarted(out);
      onCheckout?.(out);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setPending(null);
    }
  };

  if (!plans.length) return <p className="muted">This cloud offers no credit packs right now.</p>;
  return (
    <div className="packs">
      <ul className="pack-list" aria-label="Credit packs">
        {plans.map((p) => (
          <li key={p.id} className="pack" data-testid="plan-card" data-plan-id={p.id}>
            <div className="pack-credits">{formatNumber(p.credits)} credits</div>
            <div className="pack-price" data-testid="plan-price">
              {formatPrice(p.price_cents, p.currency)}
            </div>
            {p.description ? <div className="muted">{p.description}</div> : null}
            <button className="primary" data-testid={`buy-${p.id}`} disabled={pending !== null} onClick={() => void buy(p)}>
              {pending === p.id ? "Opening checkout…" : `Buy ${formatNumber(p.credits)} credits`}
            </button>
          </li>
        ))}
      </ul>
      {started ? (
        <p className="checkout-note" data-testid="checkout-started" role="status">
          Checkout for {formatNumber(started.plan.credits)} credits opened in your browser. The credits arrive as soon as the payment is confirmed.{" "}
          <a href={started.checkout_url} target="_blank" rel="noopener noreferrer">
            Open the checkout page again
          </a>
        </p>
      ) : null}
      {error ? (
        <p className="field-error" role="alert" data-testid="checkout-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
