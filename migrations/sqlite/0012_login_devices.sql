-- Sign-in failures from a browser that signed in before (a "known device", by its signed cookie) are
-- counted for that device only, so strangers guessing an account's password cannot lock its owner
-- out of their usual browser. The counts are short-lived: the table is made anew with the new kind.
DROP TABLE login_throttle;
CREATE TABLE login_throttle (
    -- What is counted: an account (its e-mail address), a client address, or a known device.
    kind             TEXT    NOT NULL CHECK (kind IN ('account', 'ip', 'device')),
    key              TEXT    NOT NULL,
    failures         INTEGER NOT NULL,
    first_failure_at TEXT    NOT NULL,
    paused_until     TEXT,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX login_throttle_by_age ON login_throttle (first_failure_at);
