-- A case event is queued for the county's webhook endpoints that asked for its kind by the
-- statement that writes it. Until now a CTE in the service's one insert statement did it; a
-- trigger does the same for every writer of the history, including the filing function of the
-- next migration, so the rule lives in one place and no writer can forget it. Still no extra
-- round trip, still rolled back with the change.
CREATE FUNCTION case_events_queue_webhooks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (county_id, endpoint_id, case_id, seq, kind, at, next_attempt_at)
    SELECT w.county_id, e.id, w.case_id, w.seq, w.kind, w.at, w.at
      FROM new_events w
      JOIN webhook_endpoints e ON e.county_id = w.county_id
       AND (w.kind = ANY (e.events) OR '*' = ANY (e.events))
     WHERE e.paused_at IS NULL AND e.deleted_at IS NULL
     ORDER BY w.case_id, w.seq;
    RETURN NULL;
END
$$;
CREATE TRIGGER case_events_queue_webhooks AFTER INSERT ON case_events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION case_events_queue_webhooks();
