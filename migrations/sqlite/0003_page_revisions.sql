-- Every save of a page keeps a full snapshot (page fields and blocks) so an editor can look back and
-- restore; restoring is itself a new revision.
CREATE TABLE page_revisions (
    id         INTEGER PRIMARY KEY,
    page_id    INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    snapshot   TEXT    NOT NULL CHECK (json_valid(snapshot)),
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX page_revisions_by_page ON page_revisions (page_id, id DESC);
