-- The seed's tables plus what auth, inference idempotency and rate limits need.
-- Users reach their rows only through RLS policies on auth.uid(); balances and the ledger
-- are readable by their owner and writable only by service_role (the API's ledger code).

-- ---------------------------------------------------------------- user tables (public)

CREATE TABLE public.credits (
    user_id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
    balance integer NOT NULL DEFAULT 0 CHECK (balance >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.transactions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    amount integer NOT NULL CHECK (amount <> 0),  -- positive = credit, negative = usage
    type text NOT NULL CHECK (type IN ('trial', 'purchase', 'inference', 'refund', 'adjustment')),
    reference text,  -- what the entry is for, e.g. "inference:<image_id>"
    stripe_payment_id text,
    balance_after integer NOT NULL CHECK (balance_after >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_transactions_user ON public.transactions (user_id, created_at);
-- Trial credits exist at most once per user, whatever races happen above.
CREATE UNIQUE INDEX transactions_one_trial ON public.transactions (user_id) WHERE type = 'trial';

CREATE TABLE public.cached_attributes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE CASCADE,
    image_id text NOT NULL CHECK (image_id ~ '^[0-9a-f]{64}$'),  -- SHA-256 of the file
    attributes jsonb NOT NULL,
    metadata jsonb,
    analysis jsonb,  -- features, critique, description, notes, measurements, confidence
    analyzer text,
    model text,
    version text,
    scored_at timestamptz,
    synced_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, image_id)
);
CREATE INDEX idx_cached_attributes_user ON public.cached_attributes (user_id);
CREATE INDEX idx_cached_attributes_scored ON public.cached_attributes (scored_at);

CREATE TABLE public.scoring_configs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL DEFAULT auth.uid() REFERENCES auth.users (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    config jsonb NOT NULL,
    -- Reserved for the shared library; private only for now (DESIGN §6).
    is_public boolean NOT NULL DEFAULT false CHECK (NOT is_public),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_scoring_configs_user ON public.scoring_configs (user_id, created_at);

CREATE TABLE public.personality_profiles (
    user_id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
    profile jsonb NOT NULL,
    photo_count integer,
    computed_at timestamptz NOT NULL DEFAULT now()
);

-- One charged analysis per user and image at a time: the row is claimed in the same
-- transaction as the charge, so a retried request cannot pay twice.
CREATE TABLE public.inference_requests (
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    image_id text NOT NULL CHECK (image_id ~ '^[0-9a-f]{64}$'),
    status text NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    lease_expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, image_id)
);
CREATE INDEX idx_inference_requests_pending
    ON public.inference_requests (lease_expires_at) WHERE status = 'pending';

-- ---------------------------------------------------------- private tables (no user access)

CREATE SCHEMA IF NOT EXISTS cloud_private;
REVOKE ALL ON SCHEMA cloud_private FROM PUBLIC;
GRANT USAGE ON SCHEMA cloud_private TO service_role;

-- Built-in auth provider: one row per login; refresh tokens rotate inside a session.
CREATE TABLE cloud_private.sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    refreshed_at timestamptz,
    revoked_at timestamptz,
    revoked_reason text
);
CREATE INDEX idx_sessions_user ON cloud_private.sessions (user_id);

CREATE TABLE cloud_private.refresh_tokens (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash bytea NOT NULL UNIQUE,  -- SHA-256 of a 256-bit random token
    session_id uuid NOT NULL REFERENCES cloud_private.sessions (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
    parent_id bigint REFERENCES cloud_private.refresh_tokens (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz  -- rotated: presenting it again is reuse
);
CREATE INDEX idx_refresh_tokens_session ON cloud_private.refresh_tokens (session_id);
CREATE INDEX idx_refresh_tokens_expires ON cloud_private.refresh_tokens (expires_at);

-- Fixed-window counters shared by every API worker.
CREATE TABLE cloud_private.rate_limits (
    bucket text NOT NULL,
    window_start timestamptz NOT NULL,
    hits integer NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX idx_rate_limits_window ON cloud_private.rate_limits (window_start);

-- ------------------------------------------------------------------- RLS and privileges

ALTER TABLE public.credits ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.transactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.cached_attributes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.scoring_configs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.personality_profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.inference_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE cloud_private.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE cloud_private.refresh_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE cloud_private.rate_limits ENABLE ROW LEVEL SECURITY;

-- Supabase grants everything in public to anon/authenticated by default; start from nothing.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM anon, authenticated;
GRANT USAGE ON SCHEMA public TO authenticated, service_role;

-- Read-only to their owner: balance, ledger, profile, in-flight analyses.
GRANT SELECT ON public.credits, public.transactions, public.personality_profiles,
    public.inference_requests TO authenticated;
CREATE POLICY credits_owner_read ON public.credits
    FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY transactions_owner_read ON public.transactions
    FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY personality_owner_read ON public.personality_profiles
    FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY inference_requests_owner_read ON public.inference_requests
    FOR SELECT TO authenticated USING (user_id = auth.uid());

-- Owned data: full CRUD on one's own rows (sync writes attributes; /configs is CRUD).
GRANT SELECT, INSERT, UPDATE, DELETE ON public.cached_attributes, public.scoring_configs
    TO authenticated;
CREATE POLICY cached_attributes_owner ON public.cached_attributes
    FOR ALL TO authenticated USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid());
CREATE POLICY scoring_configs_owner ON public.scoring_configs
    FOR ALL TO authenticated USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid());

-- The service role (the API's ledger, auth and maintenance code) bypasses RLS.
GRANT ALL ON ALL TABLES IN SCHEMA public TO service_role;
GRANT ALL ON ALL TABLES IN SCHEMA cloud_private TO service_role;
GRANT ALL ON ALL SEQUENCES IN SCHEMA cloud_private TO service_role;
