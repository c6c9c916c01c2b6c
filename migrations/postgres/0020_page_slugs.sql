-- Slugs per language: a page's own address in languages other than the default
-- (`{"de": "ueber-uns"}`; `pages.slug` stays the default language's). `page_slugs` holds the
-- address each page answers at in every configured language (its own slug there, or the default
-- one): the public lookup reads it by its key, and the key keeps two pages from sharing an
-- address in one language. Rows are written with every change of a page's slugs and completed at
-- start for languages added to the configuration.
ALTER TABLE pages ADD COLUMN slugs JSONB NOT NULL DEFAULT '{}';
CREATE TABLE page_slugs (
    lang    TEXT   NOT NULL,
    slug    TEXT   NOT NULL,
    page_id BIGINT NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    PRIMARY KEY (lang, slug),
    UNIQUE (page_id, lang)
);
