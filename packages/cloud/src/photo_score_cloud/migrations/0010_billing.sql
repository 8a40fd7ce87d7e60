-- Billing: Stripe Checkout purchases, refund debt, and the webhook events already handled.
-- Credits still move only through the ledger (public.credits + public.transactions, written by
-- service_role); these tables record why. Owners read their purchases and debt; only
-- service_role writes. Webhook events are private (dedupe by Stripe's event id).

-- One row per Checkout Session: created at checkout, credited at most once by the webhook.
CREATE TABLE public.purchases (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    plan_id text NOT NULL,
    credits integer NOT NULL CHECK (credits > 0),
    amount_cents integer NOT NULL CHECK (amount_cents >= 0),
    currency text NOT NULL,
    stripe_checkout_session_id text NOT NULL UNIQUE,
    stripe_payment_intent_id text UNIQUE,
    status text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'pending', 'paid', 'refunded', 'partially_refunded')),
    credited_at timestamptz,  -- set once, in the transaction that writes the 'purchase' entry
    -- credits taken back for refunds so far (debited, or recorded as debt when short)
    credits_refunded integer NOT NULL DEFAULT 0 CHECK (credits_refunded BETWEEN 0 AND credits),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_purchases_user ON public.purchases (user_id, created_at);

-- Credits a refund could not take back because they were already spent: settled (taken) from
-- the next purchase, in the transaction that grants it. Never below zero.
CREATE TABLE public.credit_debts (
    user_id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
    owed integer NOT NULL CHECK (owed >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every Stripe event handled, keyed by its id: inserted in the transaction that acts on it,
-- so a replayed or duplicate delivery (even concurrent, on another process) does nothing.
CREATE TABLE cloud_private.stripe_events (
    id text PRIMARY KEY,
    type text NOT NULL,
    outcome text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- A refund whose payment is not known yet (its checkout event is still being retried by
-- Stripe): kept, with the largest cumulative amount seen, and applied when the payment is.
CREATE TABLE cloud_private.stripe_pending_refunds (
    payment_intent_id text PRIMARY KEY,
    charge_id text NOT NULL,
    amount integer NOT NULL,
    amount_refunded integer NOT NULL,
    refunded boolean NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- A Checkout Session is credited by exactly one ledger entry, whatever happens above.
CREATE UNIQUE INDEX transactions_one_purchase ON public.transactions (reference)
    WHERE type = 'purchase';

ALTER TABLE public.purchases ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.credit_debts ENABLE ROW LEVEL SECURITY;
ALTER TABLE cloud_private.stripe_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE cloud_private.stripe_pending_refunds ENABLE ROW LEVEL SECURITY;

REVOKE ALL ON public.purchases, public.credit_debts FROM anon, authenticated;
GRANT SELECT ON public.purchases, public.credit_debts TO authenticated;
CREATE POLICY purchases_owner_read ON public.purchases
    FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY credit_debts_owner_read ON public.credit_debts
    FOR SELECT TO authenticated USING (user_id = auth.uid());

GRANT ALL ON public.purchases, public.credit_debts TO service_role;
GRANT ALL ON cloud_private.stripe_events, cloud_private.stripe_pending_refunds TO service_role;
