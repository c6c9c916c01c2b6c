-- Uploaded files: images (with their dimensions and resized renditions) and PDFs. Files live in
-- {data dir}/media under generated names; the original name is kept for people only.
CREATE TABLE media (
    id            INTEGER PRIMARY KEY,
    -- Generated, e.g. 3f9c0d2a1b7e4c55.jpg; renditions are 3f9c0d2a1b7e4c55-480.jpg and so on.
    file_name     TEXT    NOT NULL UNIQUE,
    original_name TEXT    NOT NULL,
    content_type  TEXT    NOT NULL,
    size_bytes    INTEGER NOT NULL,
    width         INTEGER,
    height        INTEGER,
    -- Widths of the resized copies, as a JSON array, e.g. [480, 960].
    renditions    TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(renditions)),
    alt           TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(alt)),
    uploaded_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
