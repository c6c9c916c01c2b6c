-- Mails to an address a visitor typed are capped per address and day, whatever path queued them:
-- the count reads the outbox by recipient and time.
CREATE INDEX outbox_by_recipient ON outbox (recipient, created_at);
