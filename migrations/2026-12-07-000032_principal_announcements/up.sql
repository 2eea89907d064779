-- Every node keeps the callers it has seen in memory (auth::principal_cache) and must forget one
-- the moment anything it was told changes. These triggers announce each such change on the
-- channel fengqiao_principals when its transaction commits (NOTIFY is transactional: a change
-- rolled back announces nothing), so no code path can change an account and forget to say so.
--   user:<id>    an account changed or was removed (role, committee, token version,
--                deactivation, name, number …): forget its tokens
--   token:<jti>  a token was revoked (logout)
--   all          committees or divisions changed, or many accounts at once: forget everything
CREATE FUNCTION announce_accounts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM changed) > 100 THEN
        PERFORM pg_notify('fengqiao_principals', 'all');
    ELSE
        PERFORM pg_notify('fengqiao_principals', 'user:' || id) FROM changed;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER users_announce_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION announce_accounts_changed();
CREATE TRIGGER users_announce_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION announce_accounts_changed();

CREATE FUNCTION announce_tokens_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM revoked) > 100 THEN
        PERFORM pg_notify('fengqiao_principals', 'all');
    ELSE
        PERFORM pg_notify('fengqiao_principals', 'token:' || jti) FROM revoked;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER revoked_tokens_announce AFTER INSERT ON revoked_tokens
    REFERENCING NEW TABLE AS revoked
    FOR EACH STATEMENT EXECUTE FUNCTION announce_tokens_revoked();

-- A committee's level, division or county, and a division's code, are part of a staff
-- caller's scope.
CREATE FUNCTION announce_scopes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fengqiao_principals', 'all');
    RETURN NULL;
END $$;

CREATE TRIGGER committees_announce AFTER UPDATE OF level, division_id, county_id OR DELETE
    ON committees FOR EACH STATEMENT EXECUTE FUNCTION announce_scopes_changed();
CREATE TRIGGER divisions_announce AFTER UPDATE OF code OR DELETE
    ON divisions FOR EACH STATEMENT EXECUTE FUNCTION announce_scopes_changed();
