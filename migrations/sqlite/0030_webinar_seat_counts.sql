-- Seats taken (registered or attended) and places on the waitlist per webinar, kept by triggers on
-- every change of a registration: a registration reads one row instead of counting every earlier
-- registration of the webinar while it holds the write turn. Derived data: copy-db leaves it out
-- and the target's triggers make it again (src/db/schema.rs).
CREATE TABLE webinar_seat_counts (
    webinar_id INTEGER PRIMARY KEY REFERENCES webinars (id) ON DELETE CASCADE,
    taken      INTEGER NOT NULL DEFAULT 0,
    waitlisted INTEGER NOT NULL DEFAULT 0
);

INSERT INTO webinar_seat_counts (webinar_id, taken, waitlisted)
    SELECT webinar_id, sum(status IN ('registered', 'attended')), sum(status = 'waitlisted')
    FROM webinar_registrations GROUP BY webinar_id;

CREATE TRIGGER webinar_seats_added AFTER INSERT ON webinar_registrations BEGIN
    INSERT INTO webinar_seat_counts (webinar_id, taken, waitlisted)
        VALUES (new.webinar_id, new.status IN ('registered', 'attended'), new.status = 'waitlisted')
        ON CONFLICT (webinar_id) DO UPDATE
        SET taken = taken + excluded.taken, waitlisted = waitlisted + excluded.waitlisted;
END;

CREATE TRIGGER webinar_seats_removed AFTER DELETE ON webinar_registrations BEGIN
    UPDATE webinar_seat_counts
        SET taken = taken - (old.status IN ('registered', 'attended')),
            waitlisted = waitlisted - (old.status = 'waitlisted')
        WHERE webinar_id = old.webinar_id;
END;

CREATE TRIGGER webinar_seats_changed AFTER UPDATE OF status, webinar_id ON webinar_registrations BEGIN
    UPDATE webinar_seat_counts
        SET taken = taken - (old.status IN ('registered', 'attended')),
            waitlisted = waitlisted - (old.status = 'waitlisted')
        WHERE webinar_id = old.webinar_id;
    INSERT INTO webinar_seat_counts (webinar_id, taken, waitlisted)
        VALUES (new.webinar_id, new.status IN ('registered', 'attended'), new.status = 'waitlisted')
        ON CONFLICT (webinar_id) DO UPDATE
        SET taken = taken + excluded.taken, waitlisted = waitlisted + excluded.waitlisted;
END;
