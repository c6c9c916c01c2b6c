-- The outbox also carries cache purges: after a publish, the addresses a CDN or reverse proxy must
-- forget (MAGNETIQ_PURGE_URL). A purge that fails is retried like a mail, never lost. For a purge,
-- `recipient` is where it goes and `body_text` lists the addresses, one a line.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'mail' CHECK (kind IN ('mail', 'purge'));
CREATE INDEX outbox_kind_due ON outbox (kind, status, next_attempt_at);
