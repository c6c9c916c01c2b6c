-- Secrets every instance of a site must share (the session cookie key of a PostgreSQL site when
-- MAGNETIQ_SECRET_KEY is not set), and failed sign-ins, so that throttling holds whichever instance
-- an attacker's requests reach and survives a restart.
CREATE TABLE site_keys (
    name       TEXT        PRIMARY KEY,
    -- Hex.
    value      TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE login_throttle (
    -- What is counted: an account (its e-mail address) or a client address.
    kind             TEXT        NOT NULL CHECK (kind IN ('account', 'ip')),
    key              TEXT        NOT NULL,
    failures         BIGINT      NOT NULL,
    first_failure_at TIMESTAMPTZ NOT NULL,
    paused_until     TIMESTAMPTZ,
    PRIMARY KEY (kind, key)
);
CREATE INDEX login_throttle_by_age ON login_throttle (first_failure_at);
