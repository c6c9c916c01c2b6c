-- Editors and admins, their signed-in sessions, and the audit log of every admin change.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    -- Stored lowercased; unique whatever the case it was typed in.
    email         TEXT    NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    display_name  TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'editor')),
    -- Argon2id in PHC format.
    password_hash TEXT    NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    last_login_at TEXT
);

-- A row per signed-in browser. The session cookie only carries the id: deleting the row (logout,
-- password change, role change, deactivation) makes every copy of that cookie worthless.
CREATE TABLE admin_sessions (
    id           TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    ip           TEXT
);
CREATE INDEX admin_sessions_by_user ON admin_sessions (user_id);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- Kept as typed, so the log still says who it was after the user is gone (or for failed logins).
    user_email TEXT,
    action     TEXT    NOT NULL,
    target     TEXT,
    ip         TEXT,
    at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX audit_log_by_time ON audit_log (at DESC, id DESC);

ALTER TABLE pages ADD COLUMN updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
