-- Accounts people run themselves: invitations instead of typed passwords, forgotten-password links,
-- two-factor sign-in with recovery codes, and the browsers each person is signed in on. Every token
-- and code is kept only as its hash; all of it goes with the user it belongs to.
CREATE TABLE user_invitations (
    id           INTEGER PRIMARY KEY,
    -- Lowercased and trimmed, as users.email.
    email        TEXT    NOT NULL CHECK (email = lower(email)),
    display_name TEXT    NOT NULL,
    role         TEXT    NOT NULL CHECK (role IN ('admin', 'editor')),
    -- The language of the invitation mail and of the invitee's first pages.
    language     TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    invited_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    accepted_at  TEXT,
    revoked_at   TEXT
);
-- One open invitation per address: inviting again is "resend".
CREATE UNIQUE INDEX user_invitations_open ON user_invitations (email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

CREATE TABLE password_resets (
    token_hash           TEXT    PRIMARY KEY,
    user_id              INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- A hash of the password hash when the link was made: a changed password voids the link.
    password_fingerprint TEXT    NOT NULL,
    created_at           TEXT    NOT NULL,
    expires_at           TEXT    NOT NULL,
    used_at              TEXT
);
CREATE INDEX password_resets_by_user ON password_resets (user_id, created_at);

-- A user's authenticator (RFC 6238: SHA-1, 30 s, 6 digits). The secret is what the authenticator
-- app holds; last_step is the newest time step used, so a code is never accepted twice.
CREATE TABLE user_totp (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret     TEXT    NOT NULL,
    enabled_at TEXT    NOT NULL,
    last_step  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE user_recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- Site-wide settings an admin changes in the admin panel (e.g. two-factor required).
CREATE TABLE site_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The browser a session is in, for the person's list of signed-in browsers; and whether the session
-- may only enrol two-factor (required by the site, not set up yet).
ALTER TABLE admin_sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE admin_sessions ADD COLUMN must_enrol INTEGER NOT NULL DEFAULT 0 CHECK (must_enrol IN (0, 1));
