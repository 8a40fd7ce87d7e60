-- Sync (DESIGN §7): every change to a user's cached_attributes gets a server-assigned,
-- monotonically increasing sequence number; devices pull `?since=<seq>`, never by clock.
--
-- Ordering guarantee: a pull must never see seq N+1 committed while seq N of the same user
-- is still in flight (its cursor would jump past N for good). Every writer therefore takes a
-- per-user transaction-scoped advisory lock before it draws a number (in the trigger, so the
-- /inference writer and any future writer are covered too), and holds it until commit: a
-- user's numbers become visible in the order they were drawn.
--
-- Features, measurements, critique… stay in `analysis` (as /inference/analyze writes them
-- and the recommendations code reads them); metadata is PhotoMetadata's JSON, GPS removed
-- by the API unless the record says the user opted in.

CREATE SEQUENCE public.cached_attributes_seq AS bigint;

ALTER TABLE public.cached_attributes
    ADD COLUMN seq bigint NOT NULL DEFAULT nextval('public.cached_attributes_seq');
ALTER SEQUENCE public.cached_attributes_seq OWNED BY public.cached_attributes.seq;

-- The per-user change index: pulls are a range scan on it.
CREATE UNIQUE INDEX idx_cached_attributes_user_seq ON public.cached_attributes (user_id, seq);

CREATE FUNCTION public.cached_attributes_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('sync:' || NEW.user_id::text, 0));
    NEW.seq := nextval('public.cached_attributes_seq');
    NEW.synced_at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER cached_attributes_stamp
    BEFORE INSERT OR UPDATE ON public.cached_attributes
    FOR EACH ROW EXECUTE FUNCTION public.cached_attributes_stamp();

GRANT USAGE ON SEQUENCE public.cached_attributes_seq TO authenticated, service_role;

-- Sync reads and writes a thousand rows per statement: let the owner policy evaluate
-- auth.uid() once per statement (an initplan) instead of once per row, as Supabase advises.
ALTER POLICY cached_attributes_owner ON public.cached_attributes
    USING (user_id = (SELECT auth.uid())) WITH CHECK (user_id = (SELECT auth.uid()));
