-- Articles: pages of a kind of their own (news, case studies, how-tos), so drafts, review,
-- revisions, schedules, slugs per language, search and duplicating work for them unchanged. What
-- only an article has rides in one JSON column that every copy, draft of changes and revision
-- carries along: {"cover": media id, "cover_alt": {"en": ...}, "updated_on": "2026-11-30",
-- "authors": [user ids], "categories": [category ids], "tags": ["..."]}.
ALTER TABLE pages ADD COLUMN kind TEXT NOT NULL DEFAULT 'page' CHECK (kind IN ('page', 'article'));
ALTER TABLE pages ADD COLUMN article TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(article));
CREATE INDEX pages_by_kind ON pages (kind, status, published_at);

-- Categories of articles, with a name and an address per language.
CREATE TABLE article_categories (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(name)),
    slugs      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(slugs)),
    position   INTEGER NOT NULL DEFAULT 0
);

-- A staff member's public profile as an author; public only once they turn it on.
CREATE TABLE author_profiles (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    slug         TEXT    NOT NULL UNIQUE,
    display_name TEXT    NOT NULL,
    role_line    TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(role_line)),
    bio          TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(bio)),
    photo_id     INTEGER REFERENCES media (id) ON DELETE SET NULL,
    public       INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT    NOT NULL
);
