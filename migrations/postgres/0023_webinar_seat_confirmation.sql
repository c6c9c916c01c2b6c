-- Webinar seats a script cannot fill: a webinar can ask registrants to confirm their address by
-- mail before the seat is held ('unconfirmed' until the mailed link is used), and each registration
-- records a keyed hash of the client it came from, so one client's registrations per webinar are
-- capped.
ALTER TABLE webinar_registrations DROP CONSTRAINT webinar_registrations_status_check;
ALTER TABLE webinar_registrations ADD CONSTRAINT webinar_registrations_status_check
    CHECK (status IN ('unconfirmed', 'registered', 'waitlisted', 'cancelled', 'attended', 'no_show'));

ALTER TABLE webinars ADD COLUMN confirm_by_mail BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE webinar_registrations ADD COLUMN client_key TEXT NOT NULL DEFAULT '';
CREATE INDEX webinar_registrations_by_client ON webinar_registrations (webinar_id, client_key);

-- Registering again mails a new link; the one before answers "replaced by a newer link" (410)
-- instead of a bare 404. Only its hash is kept, like the current one's.
ALTER TABLE webinar_registrations ADD COLUMN previous_token_hash TEXT;
CREATE INDEX webinar_registrations_by_previous_token ON webinar_registrations (previous_token_hash);
