-- Booking confirmation tokens are stored as their hash, like every other token. Rows from before
-- hold the plain token until the server's start converts them (`booking::store::hash_plain_tokens`;
-- SQL has no BLAKE2 of its own), so the links already mailed keep working.
ALTER TABLE bookings ADD COLUMN token_hashed BOOLEAN NOT NULL DEFAULT FALSE;
