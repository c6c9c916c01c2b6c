-- Visit statistics. Nothing here is about a person: the day's salt and the day's visitor hashes are
-- deleted when the day is over (so yesterday's hashes can never be recomputed), and what stays are
-- daily sums. A visit profile is what a visit's first page said about where it came from (entry
-- page, referrer host, UTM fields) and what it came with (device class, browser family); days are
-- UTC dates written 'YYYY-MM-DD'.
CREATE TABLE visit_salts (
    day  TEXT NOT NULL PRIMARY KEY,
    salt BLOB NOT NULL
);

CREATE TABLE visit_profiles (
    id           INTEGER PRIMARY KEY,
    entry_path   TEXT NOT NULL,
    referrer     TEXT NOT NULL,
    utm_source   TEXT NOT NULL,
    utm_medium   TEXT NOT NULL,
    utm_campaign TEXT NOT NULL,
    device       TEXT NOT NULL,
    browser      TEXT NOT NULL,
    UNIQUE (entry_path, referrer, utm_source, utm_medium, utm_campaign, device, browser)
);

-- Page views per day, page and visit profile: views, visitors who saw the page that day, and
-- visitors whose first page it was (their sum is the day's visitors).
CREATE TABLE visit_pages (
    day        TEXT    NOT NULL,
    path       TEXT    NOT NULL,
    profile_id INTEGER NOT NULL REFERENCES visit_profiles (id),
    lang       TEXT    NOT NULL,
    views      INTEGER NOT NULL,
    visitors   INTEGER NOT NULL,
    entries    INTEGER NOT NULL,
    PRIMARY KEY (day, path, profile_id)
) WITHOUT ROWID;

-- Leads per day, lead path, the page its form was on and the visit profile of who sent it.
CREATE TABLE visit_leads (
    day        TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    page       TEXT    NOT NULL,
    profile_id INTEGER NOT NULL REFERENCES visit_profiles (id),
    lang       TEXT    NOT NULL,
    leads      INTEGER NOT NULL,
    PRIMARY KEY (day, kind, page, profile_id)
) WITHOUT ROWID;

-- The current day only: which salted visitor hashes were counted (and with which profile), and which
-- visitor-and-page hashes. Instances share them, so a visitor is counted once across all of them.
CREATE TABLE visit_visitors (
    day        TEXT    NOT NULL,
    visitor    INTEGER NOT NULL,
    profile_id INTEGER NOT NULL,
    PRIMARY KEY (day, visitor)
) WITHOUT ROWID;

CREATE TABLE visit_seen (
    day TEXT    NOT NULL,
    key INTEGER NOT NULL,
    PRIMARY KEY (day, key)
) WITHOUT ROWID;
