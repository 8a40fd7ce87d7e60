-- Supabase compatibility on a plain PostgreSQL: the roles, the `auth` schema, auth.users and
-- the auth.uid()/auth.role()/auth.jwt() helpers PostgREST-style RLS policies use.
-- On Supabase all of these exist already and every step below is skipped.

-- Roles are cluster-wide: create each only if missing, tolerating a concurrent creator.
DO $$
DECLARE
    spec text[];
BEGIN
    FOREACH spec SLICE 1 IN ARRAY ARRAY[
        ARRAY['anon', 'NOLOGIN NOINHERIT'],
        ARRAY['authenticated', 'NOLOGIN NOINHERIT'],
        ARRAY['service_role', 'NOLOGIN NOINHERIT BYPASSRLS'],
        ARRAY['authenticator', 'LOGIN NOINHERIT']
    ] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = spec[1]) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I %s', spec[1], spec[2]);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END
$$;

DO $$
BEGIN
    IF NOT pg_has_role('authenticator', 'authenticated', 'MEMBER') THEN
        GRANT anon, authenticated, service_role TO authenticator;
    END IF;
EXCEPTION WHEN unique_violation THEN
    NULL;  -- a concurrent migration of another database granted it first
END
$$;

CREATE SCHEMA IF NOT EXISTS auth;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;

DO $$
BEGIN
    IF to_regclass('auth.users') IS NULL THEN
        -- The columns of Supabase's auth.users that this service reads or writes.
        CREATE TABLE auth.users (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            aud varchar(255) NOT NULL DEFAULT 'authenticated',
            role varchar(255) NOT NULL DEFAULT 'authenticated',
            email varchar(255),
            encrypted_password varchar(255),
            email_confirmed_at timestamptz,
            raw_app_meta_data jsonb NOT NULL DEFAULT '{}',
            raw_user_meta_data jsonb NOT NULL DEFAULT '{}',
            is_anonymous boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX users_email_key ON auth.users (lower(email));
        ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;
        GRANT SELECT, INSERT, UPDATE, DELETE ON auth.users TO service_role;
    END IF;

    IF to_regprocedure('auth.jwt()') IS NULL THEN
        CREATE FUNCTION auth.jwt() RETURNS jsonb
        LANGUAGE sql STABLE
        AS $f$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim', true), ''),
                nullif(current_setting('request.jwt.claims', true), '')
            )::jsonb
        $f$;
    END IF;

    IF to_regprocedure('auth.uid()') IS NULL THEN
        CREATE FUNCTION auth.uid() RETURNS uuid
        LANGUAGE sql STABLE
        AS $f$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.sub', true), ''),
                nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
            )::uuid
        $f$;
    END IF;

    IF to_regprocedure('auth.role()') IS NULL THEN
        CREATE FUNCTION auth.role() RETURNS text
        LANGUAGE sql STABLE
        AS $f$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.role', true), ''),
                nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'
            )::text
        $f$;
    END IF;
END
$$;
