-- Pages and their content blocks. Translatable fields are JSON objects of language variants
-- ({"en": "...", "de": "..."}); timestamps are UTC text like 2026-11-24T06:00:00Z.
CREATE TABLE pages (
    id               INTEGER PRIMARY KEY,
    slug             TEXT    NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 100),
    title            TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(title)),
    summary          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(summary)),
    meta_description TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(meta_description)),
    status           TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'scheduled')),
    published_at     TEXT    CHECK (status = 'draft' OR published_at IS NOT NULL),
    parent_id        INTEGER REFERENCES pages (id) ON DELETE RESTRICT,
    nav_order        INTEGER NOT NULL DEFAULT 0,
    -- Where the page is linked from: the main navigation, the footer's resources or legal column, or nowhere.
    placement        TEXT    NOT NULL DEFAULT 'main' CHECK (placement IN ('main', 'resources', 'legal', 'hidden')),
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at       TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE INDEX pages_by_parent ON pages (parent_id, nav_order);
CREATE INDEX pages_visible ON pages (status, published_at);

CREATE TABLE content_blocks (
    id            INTEGER PRIMARY KEY,
    page_id       INTEGER NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    block_type    TEXT    NOT NULL,
    -- The block's fields; every text in it is a JSON object of language variants.
    content       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(content)),
    -- HTML the server rendered from Markdown and sanitised when the block was saved (rich text only).
    rendered_html TEXT    CHECK (rendered_html IS NULL OR json_valid(rendered_html)),
    sort_order    INTEGER NOT NULL,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE INDEX content_blocks_by_page ON content_blocks (page_id, sort_order);
