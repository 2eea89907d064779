DROP TRIGGER divisions_announce ON divisions;
DROP TRIGGER committees_announce ON committees;
DROP TRIGGER revoked_tokens_announce ON revoked_tokens;
DROP TRIGGER users_announce_delete ON users;
DROP TRIGGER users_announce_update ON users;
DROP FUNCTION announce_scopes_changed();
DROP FUNCTION announce_tokens_revoked();
DROP FUNCTION announce_accounts_changed();
