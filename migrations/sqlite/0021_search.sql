-- Site search. `search_documents` holds what visitors can find: one row per page, webinar or
-- whitepaper and language, with the text its public page shows in that language, written in the
-- same transaction as every change of the item (and rebuilt whole by `magnetiq reindex`).
-- `visible_from` keeps a scheduled page out until it goes live; it and `lang` come before the long
-- text, so filtering a search's matches reads no more of a row than its first page.
CREATE TABLE search_documents (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('page', 'webinar', 'whitepaper')),
    item_id      INTEGER NOT NULL,
    lang         TEXT    NOT NULL,
    visible_from TEXT,
    path         TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    UNIQUE (kind, item_id, lang)
);

-- The full-text indexes over it, derived data kept by the triggers below: English text with the
-- Porter stemmer FTS5 offers, every other language without stemming (prefix queries find German
-- compounds by their first word). Both fold case and diacritics.
CREATE VIRTUAL TABLE search_fts_stemmed USING fts5 (
    title, body, content = 'search_documents', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE search_fts_plain USING fts5 (
    title, body, content = 'search_documents', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER search_documents_added AFTER INSERT ON search_documents BEGIN
    INSERT INTO search_fts_stemmed (rowid, title, body) SELECT new.id, new.title, new.body WHERE new.lang = 'en';
    INSERT INTO search_fts_plain (rowid, title, body) SELECT new.id, new.title, new.body WHERE new.lang <> 'en';
END;
CREATE TRIGGER search_documents_removed AFTER DELETE ON search_documents BEGIN
    INSERT INTO search_fts_stemmed (search_fts_stemmed, rowid, title, body)
        SELECT 'delete', old.id, old.title, old.body WHERE old.lang = 'en';
    INSERT INTO search_fts_plain (search_fts_plain, rowid, title, body)
        SELECT 'delete', old.id, old.title, old.body WHERE old.lang <> 'en';
END;
CREATE TRIGGER search_documents_changed AFTER UPDATE ON search_documents BEGIN
    INSERT INTO search_fts_stemmed (search_fts_stemmed, rowid, title, body)
        SELECT 'delete', old.id, old.title, old.body WHERE old.lang = 'en';
    INSERT INTO search_fts_plain (search_fts_plain, rowid, title, body)
        SELECT 'delete', old.id, old.title, old.body WHERE old.lang <> 'en';
    INSERT INTO search_fts_stemmed (rowid, title, body) SELECT new.id, new.title, new.body WHERE new.lang = 'en';
    INSERT INTO search_fts_plain (rowid, title, body) SELECT new.id, new.title, new.body WHERE new.lang <> 'en';
END;
