-- The personality profile cache: which inputs a stored profile was computed from.
-- inputs_key = "<recommendations VERSION>:<photo count>:<max cached_attributes.seq>", so a
-- profile is served only while the user's cached_attributes (and the algorithm) are unchanged.
-- profile_json is the profile exactly as the core serialised it: jsonb reorders object keys,
-- and the API serves the same bytes `photo-score insights --format json` prints.
-- Writes stay with service_role (the API's recommendations code and the worker); owners read.

ALTER TABLE public.personality_profiles
    ADD COLUMN inputs_key text,
    ADD COLUMN profile_json text;
