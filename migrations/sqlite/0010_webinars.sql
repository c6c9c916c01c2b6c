-- Webinars and the people who register for them. Seats never oversell: a registration is written in a
-- transaction that holds the webinar while it counts the registered (BEGIN IMMEDIATE here; the
-- webinar's row locked on PostgreSQL). One e-mail address registers once per webinar (unique index).
-- Reminders are outbox rows due at a time, withdrawn with the registration, never sent after the start.
CREATE TABLE webinars (
    id                    INTEGER PRIMARY KEY,
    slug                  TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 100),
    title                 TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(title)),
    summary               TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(summary)),
    -- Markdown per language, and the HTML rendered and sanitised from it when saved.
    description           TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(description)),
    description_html      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(description_html)),
    -- What attendees learn: {"en": ["…", "…"], "de": [...]}.
    objectives            TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(objectives)),
    -- [{"name": "…", "role": {"en": …}, "bio": {"en": …}, "photo": "/media/…"}].
    speakers              TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(speakers)),
    starts_at             TEXT    NOT NULL,
    -- The organiser's time zone: the default for showing times.
    timezone              TEXT    NOT NULL,
    duration_minutes      INTEGER NOT NULL CHECK (duration_minutes BETWEEN 15 AND 480),
    capacity              INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 100000),
    waitlist              INTEGER NOT NULL DEFAULT 1 CHECK (waitlist IN (0, 1)),
    -- NULL: registration is open until the start.
    registration_deadline TEXT,
    talk_language         TEXT    NOT NULL,
    meeting_link          TEXT    NOT NULL DEFAULT '',
    recording_link        TEXT    NOT NULL DEFAULT '',
    status                TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'cancelled')),
    -- The calendar files' SEQUENCE: grows each time the webinar moves.
    sequence              INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL
);
CREATE INDEX webinars_by_time ON webinars (status, starts_at);

CREATE TABLE webinar_registrations (
    id                   INTEGER PRIMARY KEY,
    webinar_id           INTEGER NOT NULL REFERENCES webinars (id) ON DELETE CASCADE,
    -- The confirmation link's secret, hashed: the link is in the registrant's mail only.
    token_hash           TEXT    NOT NULL UNIQUE,
    first_name           TEXT    NOT NULL,
    last_name            TEXT    NOT NULL,
    -- Lowercased and trimmed.
    email                TEXT    NOT NULL,
    company              TEXT    NOT NULL DEFAULT '',
    job_title            TEXT    NOT NULL DEFAULT '',
    language             TEXT    NOT NULL,
    timezone             TEXT    NOT NULL,
    -- Consent to the terms and the privacy notice (required), and to marketing mails (optional), with
    -- the version of the consent text the person saw.
    terms_consent_at     TEXT    NOT NULL,
    marketing_consent_at TEXT,
    consent_version      TEXT    NOT NULL,
    source_url           TEXT    NOT NULL DEFAULT '',
    utm_source           TEXT    NOT NULL DEFAULT '',
    utm_medium           TEXT    NOT NULL DEFAULT '',
    utm_campaign         TEXT    NOT NULL DEFAULT '',
    utm_term             TEXT    NOT NULL DEFAULT '',
    utm_content          TEXT    NOT NULL DEFAULT '',
    status               TEXT    NOT NULL CHECK (status IN ('registered', 'waitlisted', 'cancelled', 'attended', 'no_show')),
    created_at           TEXT    NOT NULL,
    cancelled_at         TEXT
);
CREATE UNIQUE INDEX webinar_registrations_one_per_email ON webinar_registrations (webinar_id, email);
CREATE INDEX webinar_registrations_by_status ON webinar_registrations (webinar_id, status, id);
CREATE INDEX webinar_registrations_by_email ON webinar_registrations (email);
CREATE INDEX webinar_registrations_newest ON webinar_registrations (created_at);

-- Outbox rows that belong to a registration (confirmation, reminders, the recording), and a time after
-- which a row is not sent any more (a reminder once the webinar began).
ALTER TABLE outbox ADD COLUMN registration_id INTEGER REFERENCES webinar_registrations (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN not_after TEXT;
CREATE INDEX outbox_by_registration ON outbox (registration_id);
