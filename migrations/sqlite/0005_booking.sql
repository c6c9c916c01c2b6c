-- Consultants, their availability, and the consultations visitors book. No two bookings of one
-- consultant can overlap: each confirmed booking claims its 15-minute units in booking_units, whose
-- primary key refuses a second claim on the same unit, whatever the application code does.
CREATE TABLE consultants (
    id               INTEGER PRIMARY KEY,
    name             TEXT    NOT NULL,
    title            TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(title)),
    bio              TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(bio)),
    email            TEXT    NOT NULL,
    photo            TEXT,
    -- Languages the consultant speaks, e.g. ["de", "en"].
    languages        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(languages)),
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    timezone         TEXT    NOT NULL,
    -- Seven lists (Monday first) of ["09:00", "12:00"] intervals.
    weekly_hours     TEXT    NOT NULL DEFAULT '[[],[],[],[],[],[],[]]' CHECK (json_valid(weekly_hours)),
    breaks           TEXT    NOT NULL DEFAULT '[[],[],[],[],[],[],[]]' CHECK (json_valid(breaks)),
    -- [["2026-12-24", "2026-12-26"], ...], inclusive local dates.
    blackouts        TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(blackouts)),
    buffer_minutes   INTEGER NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 240),
    min_notice_hours INTEGER NOT NULL DEFAULT 12 CHECK (min_notice_hours BETWEEN 0 AND 720),
    max_advance_days INTEGER NOT NULL DEFAULT 60 CHECK (max_advance_days BETWEEN 1 AND 730),
    durations        TEXT    NOT NULL DEFAULT '[30, 60]' CHECK (json_valid(durations)),
    meeting_types    TEXT    NOT NULL DEFAULT '["video"]' CHECK (json_valid(meeting_types)),
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE bookings (
    id               INTEGER PRIMARY KEY,
    -- For people: MQ-20261124-7K3P.
    reference        TEXT    NOT NULL UNIQUE,
    -- For the confirmation URL: unguessable.
    token            TEXT    NOT NULL UNIQUE,
    consultant_id    INTEGER NOT NULL REFERENCES consultants (id),
    starts_at        TEXT    NOT NULL,
    ends_at          TEXT    NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes IN (30, 60, 90)),
    meeting_type     TEXT    NOT NULL CHECK (meeting_type IN ('video', 'phone', 'in_person')),
    client_name      TEXT    NOT NULL,
    client_email     TEXT    NOT NULL,
    company          TEXT    NOT NULL DEFAULT '',
    phone            TEXT    NOT NULL DEFAULT '',
    message          TEXT    NOT NULL DEFAULT '',
    language         TEXT    NOT NULL,
    visitor_timezone TEXT    NOT NULL,
    consent_at       TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled', 'completed', 'no_show')),
    notes            TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    cancelled_at     TEXT
);
CREATE INDEX bookings_by_consultant_time ON bookings (consultant_id, starts_at);

CREATE TABLE booking_units (
    consultant_id INTEGER NOT NULL,
    -- Unix time / 900: the 15-minute unit of time the booking occupies.
    unit          INTEGER NOT NULL,
    booking_id    INTEGER NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    PRIMARY KEY (consultant_id, unit)
) WITHOUT ROWID;
CREATE INDEX booking_units_by_booking ON booking_units (booking_id);
