-- A sent message is kept SENT_KEPT_DAYS (db/outbox.rs), then deleted by the hourly tick: after
-- that it is only an address, a sealed number and a copy of a notice that nobody reads again.
-- Kept until the case's purge, sent mail and texts would have been a quarter of a province's
-- database after ten years (docs/scaling.md). The tick finds them county by county, oldest first.
CREATE INDEX outbox_sent ON outbox (county_id, sent_at) WHERE status = 'sent';
