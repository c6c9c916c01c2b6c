-- A worker claims the mails and purges it is about to send until `claimed_until`, so that several
-- instances never send one twice; an item whose worker died is claimed again after that time.
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
