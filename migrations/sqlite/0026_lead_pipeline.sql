-- The lead pipeline: one inbox row per lead whatever path it came by, forms editors build, marketing
-- consent from any form joining the newsletter, and webhooks that hand leads to a CRM.
--
-- Forms built by editors (a page's "form" block): each submission keeps the questions as they were
-- asked and the answers, so a later edit of the form changes no stored answer.
CREATE TABLE form_submissions (
    id                   INTEGER PRIMARY KEY,
    block_id             INTEGER REFERENCES content_blocks (id) ON DELETE SET NULL,
    -- The form's title when it was sent, in the sender's language.
    form_name            TEXT    NOT NULL,
    -- Lowercased and trimmed: the form's first e-mail field.
    email                TEXT    NOT NULL,
    name                 TEXT    NOT NULL DEFAULT '',
    -- [{"label": "...", "value": "..."}, ...] in the form's order.
    answers              TEXT    NOT NULL CHECK (json_valid(answers)),
    language             TEXT    NOT NULL,
    consent_at           TEXT,
    marketing_consent_at TEXT,
    consent_version      TEXT    NOT NULL DEFAULT '',
    source_url           TEXT    NOT NULL DEFAULT '',
    utm_source           TEXT    NOT NULL DEFAULT '',
    utm_medium           TEXT    NOT NULL DEFAULT '',
    utm_campaign         TEXT    NOT NULL DEFAULT '',
    created_at           TEXT    NOT NULL
);
CREATE INDEX form_submissions_by_email ON form_submissions (email);

-- The inbox: every lead, newest first, with where it stands. A lead goes with what it points at
-- (erasing a booking erases its lead); the address is copied so the inbox lists without joins.
CREATE TABLE leads (
    id                 INTEGER PRIMARY KEY,
    path               TEXT    NOT NULL CHECK (path IN ('booking', 'webinar-registration', 'whitepaper-request',
                                                        'contact-message', 'form-submission')),
    booking_id         INTEGER UNIQUE REFERENCES bookings (id) ON DELETE CASCADE,
    registration_id    INTEGER UNIQUE REFERENCES webinar_registrations (id) ON DELETE CASCADE,
    whitepaper_lead_id INTEGER UNIQUE REFERENCES whitepaper_leads (id) ON DELETE CASCADE,
    message_id         INTEGER UNIQUE REFERENCES contact_messages (id) ON DELETE CASCADE,
    submission_id      INTEGER UNIQUE REFERENCES form_submissions (id) ON DELETE CASCADE,
    email              TEXT    NOT NULL,
    name               TEXT    NOT NULL DEFAULT '',
    company            TEXT    NOT NULL DEFAULT '',
    language           TEXT    NOT NULL,
    -- What it is about: the consultant, webinar, whitepaper, topic or form.
    subject            TEXT    NOT NULL DEFAULT '',
    source_url         TEXT    NOT NULL DEFAULT '',
    utm_source         TEXT    NOT NULL DEFAULT '',
    utm_medium         TEXT    NOT NULL DEFAULT '',
    utm_campaign       TEXT    NOT NULL DEFAULT '',
    status             TEXT    NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new', 'contacted', 'qualified', 'won', 'lost', 'spam')),
    owner_id           INTEGER REFERENCES users (id) ON DELETE SET NULL,
    notes              TEXT    NOT NULL DEFAULT '',
    -- A date in the site's zone, 'YYYY-MM-DD'; overdue once it has passed.
    follow_up_on       TEXT,
    -- The follow-up date its owner was last reminded of (one mail per date, across instances).
    follow_up_reminded TEXT,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE INDEX leads_newest ON leads (created_at);
CREATE INDEX leads_by_status ON leads (status, created_at);
CREATE INDEX leads_by_owner ON leads (owner_id, status);
CREATE INDEX leads_by_email ON leads (email);
CREATE INDEX leads_by_follow_up ON leads (follow_up_on);

INSERT INTO leads (path, booking_id, email, name, company, language, subject, created_at, updated_at)
SELECT 'booking', b.id, b.client_email, b.client_name, b.company, b.language, c.name, b.created_at, b.created_at
  FROM bookings AS b JOIN consultants AS c ON c.id = b.consultant_id;
INSERT INTO leads (path, registration_id, email, name, company, language, subject, source_url, utm_source,
                   utm_medium, utm_campaign, created_at, updated_at)
SELECT 'webinar-registration', r.id, r.email, r.first_name || ' ' || r.last_name, r.company, r.language, w.slug,
       r.source_url, r.utm_source, r.utm_medium, r.utm_campaign, r.created_at, r.created_at
  FROM webinar_registrations AS r JOIN webinars AS w ON w.id = r.webinar_id;
INSERT INTO leads (path, whitepaper_lead_id, email, name, company, language, subject, source_url, utm_source,
                   utm_medium, utm_campaign, created_at, updated_at)
SELECT 'whitepaper-request', l.id, l.email, l.first_name || ' ' || l.last_name, l.company, l.language, w.slug,
       l.source_url, l.utm_source, l.utm_medium, l.utm_campaign, l.created_at, l.created_at
  FROM whitepaper_leads AS l JOIN whitepapers AS w ON w.id = l.whitepaper_id;
INSERT INTO leads (path, message_id, email, name, company, language, subject, source_url, created_at, updated_at)
SELECT 'contact-message', id, email, name, company, language, topic, source_url, created_at, created_at
  FROM contact_messages;

-- Mails that belong to a form submission (the team's notification) or to an inbox lead (the mail
-- telling its new owner) go with it when it is erased.
ALTER TABLE outbox ADD COLUMN submission_id INTEGER REFERENCES form_submissions (id) ON DELETE CASCADE;
ALTER TABLE outbox ADD COLUMN inbox_lead_id INTEGER REFERENCES leads (id) ON DELETE CASCADE;
CREATE INDEX outbox_by_submission ON outbox (submission_id);
CREATE INDEX outbox_by_inbox_lead ON outbox (inbox_lead_id);

-- Marketing consent ticked on another lead form: the subscription waits for that form's own proof of
-- the address where it has one ('whitepaper-request': the download link, 'webinar-registration': the
-- seat's confirmation link), else ('') for the newsletter's confirmation mail.
ALTER TABLE newsletter_subscribers ADD COLUMN confirmed_by TEXT NOT NULL DEFAULT '';

-- Webhooks: where lead events go (a CRM, Zapier, a team's own service), each delivery signed with the
-- endpoint's secret (HMAC-SHA256). The secret must be read to sign, so it is stored as it is; it is
-- shown to admins only.
CREATE TABLE webhook_endpoints (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    secret     TEXT    NOT NULL,
    -- Space-separated: lead.created lead.status_changed person.erased
    events     TEXT    NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT    NOT NULL
);

-- One row per event and endpoint (the UNIQUE pair is what "exactly once" rests on), written in the
-- transaction of what it reports, then sent by the webhook worker with the outbox's claims, retries
-- and backoff. `email` is the person the event is about: their export lists and their erasure
-- deletes the row (the erasure's own event excepted, which drops its payload once delivered).
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    endpoint_id     INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id        TEXT    NOT NULL,
    event           TEXT    NOT NULL,
    email           TEXT    NOT NULL DEFAULT '',
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    response_code   INTEGER,
    last_error      TEXT,
    next_attempt_at TEXT    NOT NULL,
    claimed_until   TEXT,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_email ON webhook_deliveries (email);
