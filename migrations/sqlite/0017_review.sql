-- Review before publishing: a third role, authors (drafts only), pages submitted for review with the
-- version and snapshot that was submitted, and drafts of changes to a page that is already live.

-- users.role and user_invitations.role gain 'author'. SQLite cannot alter a CHECK constraint, and
-- rebuilding users would cascade into every table that points at it; SQLite documents editing the
-- stored schema for exactly this ("ALTER TABLE", section 7: removing or loosening a CHECK constraint
-- that every existing row satisfies). RESET makes this connection read the schema again.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, 'CHECK (role IN (''admin'', ''editor''))', 'CHECK (role IN (''admin'', ''editor'', ''author''))')
 WHERE type = 'table' AND name IN ('users', 'user_invitations');
PRAGMA writable_schema = RESET;

-- A draft of changes to a live page: an ordinary draft page that, once approved, is copied onto the
-- page it belongs to (fields and blocks; the live page keeps its slug) and then deleted.
ALTER TABLE pages ADD COLUMN draft_of INTEGER REFERENCES pages (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX pages_one_draft_of ON pages (draft_of) WHERE draft_of IS NOT NULL;

CREATE TABLE page_submissions (
    id           INTEGER PRIMARY KEY,
    page_id      INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    -- The page's version when it was submitted: approval publishes exactly that version.
    version      INTEGER NOT NULL,
    -- The page as submitted (the same shape as page_revisions.snapshot), kept for the history.
    snapshot     TEXT    NOT NULL CHECK (json_valid(snapshot)),
    message      TEXT    NOT NULL DEFAULT '',
    -- When the page goes live once approved (NULL: at approval).
    publish_at   TEXT,
    status       TEXT    NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'approved', 'changes-requested', 'withdrawn')),
    submitted_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    submitted_at TEXT    NOT NULL,
    decided_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    decided_at   TEXT,
    comment      TEXT    NOT NULL DEFAULT ''
);
-- One open submission per page.
CREATE UNIQUE INDEX page_submissions_pending ON page_submissions (page_id) WHERE status = 'pending';
CREATE INDEX page_submissions_by_status ON page_submissions (status, submitted_at);
CREATE INDEX page_submissions_by_submitter ON page_submissions (submitted_by, decided_at);
