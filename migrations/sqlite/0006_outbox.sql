-- Every e-mail is written here first, in the same transaction as what it confirms, then sent by the
-- outbox worker (when SMTP is configured). Nothing acknowledged to a visitor can lose its mail.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT    NOT NULL,
    attachment_name TEXT,
    attachment_type TEXT,
    attachment      TEXT,
    booking_id      INTEGER REFERENCES bookings (id) ON DELETE CASCADE,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    last_error      TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
