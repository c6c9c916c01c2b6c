-- Contact messages and newsletter subscriptions: the last two lead paths. Both hold an e-mail
-- address, so both are reached by a person's export and erasure (src/people). Mails about a
-- message or a subscription go with it when it is erased.
CREATE TABLE contact_messages (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    -- Lowercased and trimmed.
    email           TEXT    NOT NULL,
    company         TEXT    NOT NULL DEFAULT '',
    phone           TEXT    NOT NULL DEFAULT '',
    -- The topic as the visitor chose it, in their language.
    topic           TEXT    NOT NULL DEFAULT '',
    message         TEXT    NOT NULL,
    language        TEXT    NOT NULL,
    -- The page whose contact block was used.
    source_url      TEXT    NOT NULL DEFAULT '',
    consent_at      TEXT    NOT NULL,
    consent_version TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'unread' CHECK (status IN ('unread', 'read', 'answered', 'archived')),
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX contact_messages_by_status ON contact_messages (status, created_at);
CREATE INDEX contact_messages_by_email ON contact_messages (email);
CREATE INDEX contact_messages_newest ON contact_messages (created_at);

CREATE TABLE newsletter_subscribers (
    id                 INTEGER PRIMARY KEY,
    -- Lowercased and trimmed: one row per address.
    email              TEXT    NOT NULL UNIQUE,
    language           TEXT    NOT NULL,
    -- pending: asked, the confirmation link not yet used; only confirmed addresses are exported.
    status             TEXT    NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed')),
    -- The mailed confirmation link's secret, hashed; cleared once used.
    confirm_token_hash TEXT    UNIQUE,
    consent_at         TEXT    NOT NULL,
    consent_version    TEXT    NOT NULL,
    source_url         TEXT    NOT NULL DEFAULT '',
    confirmed_at       TEXT,
    unsubscribed_at    TEXT,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE INDEX newsletter_subscribers_by_status ON newsletter_subscribers (status, created_at);

ALTER TABLE outbox ADD COLUMN message_id INTEGER REFERENCES contact_messages (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN subscriber_id INTEGER REFERENCES newsletter_subscribers (id) ON DELETE CASCADE;
-- A mail to a subscriber: the one-click unsubscribe address for its List-Unsubscribe header.
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;
CREATE INDEX outbox_by_message ON outbox (message_id);
CREATE INDEX outbox_by_subscriber ON outbox (subscriber_id);

-- The consent text a booking agreed to (bookings made before this change saw this version).
ALTER TABLE bookings ADD COLUMN consent_version TEXT NOT NULL DEFAULT 'book-consent/2026-11';
CREATE INDEX bookings_by_email ON bookings (client_email);
