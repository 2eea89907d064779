-- On a province's database (10 million cases, as large as the machine's memory) two of the
-- server's regular jobs read the whole of `cases` on every run, and pushed out of memory the
-- pages that filing and the case page need (docs/benchmarks.md, "A province's worth"):
-- the reminders (every 5 minutes) looked for unperformed agreements through a JSON test on
-- every resolved case, and retention (hourly) through every ended case older than a year.
-- Each now reads a small partial index.

-- The last moment a reminder to perform an agreement can be due: its performance date, or
-- two days after its last obligation's day (a day is a local date; two days cover every time
-- zone). IMMUTABLE is true of what the service stores: its times are written with their
-- offset and its days as ISO dates, which read the same under every TimeZone and DateStyle.
CREATE FUNCTION performance_until(agreement jsonb) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN greatest(
        (agreement->>'performance_due')::timestamptz,
        (SELECT max((o->>'due')::date) + 2
           FROM jsonb_array_elements(CASE jsonb_typeof(agreement->'obligations')
                                     WHEN 'array' THEN agreement->'obligations'
                                     ELSE '[]'::jsonb END) o)::timestamp AT TIME ZONE 'UTC');

-- Only agreements not yet performed are in it, and only those with a date still ahead are read.
CREATE INDEX cases_performance_reminders ON cases (performance_until(agreement))
    WHERE performance IS NULL AND agreement IS NOT NULL;
-- The planner takes no statistics from a partial index's expression: without these it guessed
-- a third of the index for "a date still ahead" (900 000 rows at 10M where there were none)
-- and read the open cases' queue index beside it.
CREATE STATISTICS cases_performance_until ON (performance_until(agreement)) FROM cases;
ANALYZE cases;

-- When a case's personal data was erased (`retention_purges` keeps the record of it): the
-- index of cases still to purge leaves purged cases out, so the oldest ended cases, which
-- are purged first, are not read again on every run.
ALTER TABLE cases ADD COLUMN purged_at timestamptz;
UPDATE cases c SET purged_at = r.purged_at
  FROM retention_purges r WHERE r.county_id = c.county_id AND r.case_id = c.id;
CREATE INDEX cases_to_purge ON cases (county_id, updated_at)
    WHERE status IN ('closed', 'declined', 'referred', 'withdrawn') AND purged_at IS NULL;
