-- Permanent redirects: an old address (a renamed page's, or any path an editor adds) and where it
-- leads now, with how often it was followed. Looked up only when nothing else answers a path.
CREATE TABLE redirects (
    id         INTEGER PRIMARY KEY,
    from_path  TEXT    NOT NULL UNIQUE CHECK (substr(from_path, 1, 1) = '/' AND length(from_path) BETWEEN 2 AND 500),
    to_path    TEXT    NOT NULL CHECK (substr(to_path, 1, 1) = '/' AND length(to_path) BETWEEN 1 AND 500),
    -- Made by a page's rename (1) or by an editor (0).
    automatic  INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1)),
    hits       INTEGER NOT NULL DEFAULT 0,
    created_at TEXT    NOT NULL,
    CHECK (from_path <> to_path)
);
CREATE INDEX redirects_by_target ON redirects (to_path);
