-- Each admin user's time zone (IANA name) and language; NULL: the site's (MAGNETIQ_TIMEZONE, the
-- first configured language).
ALTER TABLE users ADD COLUMN time_zone TEXT;
ALTER TABLE users ADD COLUMN language TEXT;
