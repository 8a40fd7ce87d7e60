import type { Job, OutOfCredits } from "../api/types";
import { formatNumber } from "../lib/format";
import { CreditPacks } from "./CreditPacks";

/**
 * A scoring job ran out of cloud credits (the cloud answered 402): the cloud's message, the
 * balance, what happened to the rest of the photos, and the packs to buy.
 */
export function BuyCreditsBanner({
  job,
  onDismiss,
  onOpenAccount,
}: {
  job: Job & { payment_required: OutOfCredits };
  onDismiss: () => void;
  onOpenAccount: () => void;
}) {
  const offer = job.payment_required;
  return (
    <div className="banner pay" role="alert" data-testid="buy-credits-banner" data-job-id={job.id}>
      <div className="pay-body">
        <div>
          <strong>Out of cloud credits — buy credits to keep using the cloud's vision models.</strong>{" "}
          <span data-testid="buy-credits-message">{offer.message}</span>
        </div>
        <div className="muted">
          {offer.balance !== null && offer.balance !== undefined ? (
            <span data-testid="buy-credits-balance">Balance: {formatNumber(offer.balance)} credits. </span>
          ) : null}
          {job.fallback_reason ? (
            <span>The rest of the photos were scored with the local analyzer (a local estimate).</span>
          ) : job.not_analyzed > 0 ? (
            <span data-testid="buy-credits-left">
              Scoring stopped: {formatNumber(job.not_analyzed)} photo{job.not_analyzed === 1 ? " was" : "s were"} not analysed; score again after buying
              credits to finish.
            </span>
          ) : null}
        </div>
        <CreditPacks plans={offer.plans ?? []} />
      </div>
      <div className="pay-actions">
        <button className="link" onClick={onOpenAccount}>
          Account &amp; credits
        </button>
        <button onClick={onDismiss} aria-label="Dismiss the out-of-credits notice" data-testid="buy-credits-dismiss">
          Dismiss
        </button>
      </div>
    </div>
  );
}
