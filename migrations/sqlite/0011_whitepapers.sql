-- Gated whitepapers and the readers who ask for them. A PDF is sent only through a mailed link
-- (double opt-in): the link's secret is stored hashed, works for 7 days and 3 downloads, and confirms
-- the address the first time it is used. A PDF attached to a whitepaper is marked `gated` in the
-- media library, and `/media/` never serves a gated file.
CREATE TABLE whitepapers (
    id              INTEGER PRIMARY KEY,
    slug            TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 100),
    title           TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(title)),
    summary         TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(summary)),
    -- Markdown per language, and the HTML rendered and sanitised from it when saved.
    description     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(description)),
    description_html TEXT   NOT NULL DEFAULT '{}' CHECK (json_valid(description_html)),
    -- A passage from the paper shown before the form (plain text per language).
    preview         TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(preview)),
    author_name     TEXT    NOT NULL DEFAULT '',
    author_role     TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(author_role)),
    -- {"key": "ai-engineering", "label": {"en": …, "de": …}} or {} without a category.
    category        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(category)),
    -- [{"key": "rag", "label": {"en": …, "de": …}}, …].
    tags            TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    published_on    TEXT    NOT NULL,
    -- A path under /media/ or /static/, or empty.
    cover_image     TEXT    NOT NULL DEFAULT '',
    page_count      INTEGER NOT NULL DEFAULT 0 CHECK (page_count BETWEEN 0 AND 10000),
    status          TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    download_count  INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX whitepapers_by_date ON whitepapers (status, published_on);

-- The PDF of each language (a language without one gets the default language's).
CREATE TABLE whitepaper_files (
    whitepaper_id INTEGER NOT NULL REFERENCES whitepapers (id) ON DELETE CASCADE,
    language      TEXT    NOT NULL,
    media_id      INTEGER NOT NULL REFERENCES media (id) ON DELETE RESTRICT,
    PRIMARY KEY (whitepaper_id, language)
);
CREATE INDEX whitepaper_files_by_media ON whitepaper_files (media_id);

ALTER TABLE media ADD COLUMN gated INTEGER NOT NULL DEFAULT 0 CHECK (gated IN (0, 1));

CREATE TABLE whitepaper_leads (
    id                   INTEGER PRIMARY KEY,
    whitepaper_id        INTEGER NOT NULL REFERENCES whitepapers (id) ON DELETE CASCADE,
    first_name           TEXT    NOT NULL,
    last_name            TEXT    NOT NULL,
    -- Lowercased and trimmed.
    email                TEXT    NOT NULL,
    company              TEXT    NOT NULL,
    job_title            TEXT    NOT NULL DEFAULT '',
    phone                TEXT    NOT NULL DEFAULT '',
    language             TEXT    NOT NULL,
    -- Consent to the privacy notice (required) and to marketing mails (optional), with the version of
    -- the consent text the person saw.
    terms_consent_at     TEXT    NOT NULL,
    marketing_consent_at TEXT,
    consent_version      TEXT    NOT NULL,
    source_url           TEXT    NOT NULL DEFAULT '',
    utm_source           TEXT    NOT NULL DEFAULT '',
    utm_medium           TEXT    NOT NULL DEFAULT '',
    utm_campaign         TEXT    NOT NULL DEFAULT '',
    utm_term             TEXT    NOT NULL DEFAULT '',
    utm_content          TEXT    NOT NULL DEFAULT '',
    -- 'form': asked through the form (confirmed by the mailed link); 'reader': a confirmed reader's
    -- one-click download (confirmed at once).
    via                  TEXT    NOT NULL DEFAULT 'form' CHECK (via IN ('form', 'reader')),
    confirmed_at         TEXT,
    created_at           TEXT    NOT NULL
);
CREATE INDEX whitepaper_leads_by_whitepaper ON whitepaper_leads (whitepaper_id, created_at);
CREATE INDEX whitepaper_leads_by_email ON whitepaper_leads (email);
CREATE INDEX whitepaper_leads_newest ON whitepaper_leads (created_at);

-- The mailed download links.
CREATE TABLE download_links (
    id          INTEGER PRIMARY KEY,
    lead_id     INTEGER NOT NULL REFERENCES whitepaper_leads (id) ON DELETE CASCADE,
    token_hash  TEXT    NOT NULL UNIQUE,
    expires_at  TEXT    NOT NULL,
    downloads   INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL
);
CREATE INDEX download_links_by_lead ON download_links (lead_id);

-- A lead's mails go with the lead when it is erased.
ALTER TABLE outbox ADD COLUMN lead_id INTEGER REFERENCES whitepaper_leads (id) ON DELETE CASCADE;
CREATE INDEX outbox_by_lead ON outbox (lead_id);
