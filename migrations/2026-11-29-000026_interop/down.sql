DROP INDEX cases_changed;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP TABLE api_key_calls;
DROP TABLE api_keys;
