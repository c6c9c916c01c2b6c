-- Newsletter issues: written in the admin, sent from the site to its confirmed subscribers. Each
-- recipient is a delivery row made when sending starts, so a send resumes after a crash and no one
-- gets two copies; a delivery goes with its subscriber when that person is erased.
CREATE TABLE newsletter_issues (
    id             INTEGER PRIMARY KEY,
    -- draft → submitted (waits for review) → scheduled → sending ⇄ paused → sent; or cancelled.
    status         TEXT    NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'submitted', 'scheduled', 'sending', 'paused', 'sent', 'cancelled')),
    -- {"en": "...", "de": "..."}
    subject        TEXT    NOT NULL DEFAULT '{}',
    preheader      TEXT    NOT NULL DEFAULT '{}',
    -- [{"kind": "heading", "text": {"en": "..."}}, ...] in the mail's order.
    blocks         TEXT    NOT NULL DEFAULT '[]',
    -- 'all', or one language's code: only that language's subscribers.
    audience       TEXT    NOT NULL DEFAULT 'all',
    -- When it goes out (set when it is scheduled; now for "send now").
    send_at        TEXT,
    -- What each language's mail is, rendered once when sending starts:
    -- {"en": {"subject": "...", "html": "...", "text": "..."}, ...}
    rendered       TEXT,
    review_comment TEXT    NOT NULL DEFAULT '',
    created_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    submitted_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    started_at     TEXT,
    finished_at    TEXT,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);
CREATE INDEX newsletter_issues_by_status ON newsletter_issues (status, send_at);

CREATE TABLE newsletter_deliveries (
    id              INTEGER PRIMARY KEY,
    issue_id        INTEGER NOT NULL REFERENCES newsletter_issues (id) ON DELETE CASCADE,
    subscriber_id   INTEGER NOT NULL REFERENCES newsletter_subscribers (id) ON DELETE CASCADE,
    -- The language version this subscriber gets.
    language        TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed', 'bounced', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    claimed_until   TEXT,
    last_error      TEXT,
    sent_at         TEXT,
    UNIQUE (issue_id, subscriber_id)
);
CREATE INDEX newsletter_deliveries_due ON newsletter_deliveries (issue_id, status, next_attempt_at);
CREATE INDEX newsletter_deliveries_by_subscriber ON newsletter_deliveries (subscriber_id);

-- The site's sending pace, shared by every instance: the next slot a mail of an issue may take.
-- Its one row is made by the first sender (so a freshly migrated database stays empty for copy-db).
CREATE TABLE newsletter_pace (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    next_at TEXT    NOT NULL
);

-- A permanent refusal by the recipient's mail server (SMTP 5xx): never mailed again.
ALTER TABLE newsletter_subscribers ADD COLUMN bounced_at TEXT;
ALTER TABLE newsletter_subscribers ADD COLUMN bounce_reason TEXT;
