-- Seats taken (registered or attended) and places on the waitlist per webinar, kept by a trigger on
-- every change of a registration: a registration reads one row instead of counting every earlier
-- registration of the webinar. Derived data: copy-db leaves it out and the target's trigger makes
-- it again (src/db/schema.rs).
CREATE TABLE webinar_seat_counts (
    webinar_id BIGINT PRIMARY KEY REFERENCES webinars (id) ON DELETE CASCADE,
    taken      BIGINT NOT NULL DEFAULT 0,
    waitlisted BIGINT NOT NULL DEFAULT 0
);

INSERT INTO webinar_seat_counts (webinar_id, taken, waitlisted)
    SELECT webinar_id, count(*) FILTER (WHERE status IN ('registered', 'attended')),
           count(*) FILTER (WHERE status = 'waitlisted')
    FROM webinar_registrations GROUP BY webinar_id;

CREATE FUNCTION webinar_seats_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE webinar_seat_counts
            SET taken = taken - (OLD.status IN ('registered', 'attended'))::int,
                waitlisted = waitlisted - (OLD.status = 'waitlisted')::int
            WHERE webinar_id = OLD.webinar_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO webinar_seat_counts (webinar_id, taken, waitlisted)
            VALUES (NEW.webinar_id, (NEW.status IN ('registered', 'attended'))::int,
                    (NEW.status = 'waitlisted')::int)
            ON CONFLICT (webinar_id) DO UPDATE
            SET taken = webinar_seat_counts.taken + excluded.taken,
                waitlisted = webinar_seat_counts.waitlisted + excluded.waitlisted;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER webinar_seats_counted
    AFTER INSERT OR DELETE OR UPDATE OF status, webinar_id ON webinar_registrations
    FOR EACH ROW EXECUTE FUNCTION webinar_seats_counted();
