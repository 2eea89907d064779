DROP TRIGGER case_events_queue_webhooks ON case_events;
DROP FUNCTION case_events_queue_webhooks();
