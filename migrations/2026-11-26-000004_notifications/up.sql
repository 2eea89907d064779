-- Notifications (SPEC §5). Every mail is first a row of `outbox`, written in the same
-- transaction as the case change that caused it, so a rolled-back change sends nothing and a
-- committed one is sent by the worker however long the SMTP server is away. `notifications` is
-- what the same events show in the app. Both carry county_id and key on it, like every case table.

CREATE TABLE outbox (
    county_id        uuid NOT NULL REFERENCES divisions (id),
    id               uuid NOT NULL,
    case_id          uuid,
    kind             text NOT NULL CHECK (kind ~ '^[a-z_]{1,64}$'),
    -- The recipient: an address always; the account and the party row when there are ones.
    user_id          uuid REFERENCES users (id),
    email            text NOT NULL CHECK (position('@' IN email) > 1),
    party_id         uuid,
    language         text NOT NULL CHECK (language IN ('zh', 'en')),
    -- What the template needs besides the kind: the case number, and for the filing receipt the
    -- access code (removed once the mail is sent). Never narratives or evidence.
    payload          jsonb NOT NULL DEFAULT '{}',
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL,
    last_error       text,
    created_at       timestamptz NOT NULL,
    sent_at          timestamptz,
    PRIMARY KEY (county_id, id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
-- The worker: due mail, oldest first.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
-- The county admin's list of mail that could not be delivered.
CREATE INDEX outbox_failed ON outbox (county_id, created_at DESC) WHERE status = 'failed';
-- Mail of one case (retention purges it with the case).
CREATE INDEX outbox_case ON outbox (county_id, case_id);

CREATE TABLE notifications (
    county_id   uuid NOT NULL REFERENCES divisions (id),
    id          uuid NOT NULL,
    user_id     uuid NOT NULL REFERENCES users (id),
    case_id     uuid NOT NULL,
    kind        text NOT NULL CHECK (kind ~ '^[a-z_]{1,64}$'),
    -- Details for the few kinds that need them, e.g. which party needs a phone call and why.
    data        jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL,
    read_at     timestamptz,
    PRIMARY KEY (county_id, id),
    FOREIGN KEY (county_id, case_id) REFERENCES cases (county_id, id)
);
-- The bell: a user's notifications newest first, and the unread count.
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
