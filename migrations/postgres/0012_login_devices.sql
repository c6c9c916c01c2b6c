-- Sign-in failures from a browser that signed in before (a "known device", by its signed cookie) are
-- counted for that device only, so strangers guessing an account's password cannot lock its owner
-- out of their usual browser.
ALTER TABLE login_throttle DROP CONSTRAINT login_throttle_kind_check;
ALTER TABLE login_throttle ADD CONSTRAINT login_throttle_kind_check
    CHECK (kind IN ('account', 'ip', 'device'));
