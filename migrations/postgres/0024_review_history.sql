-- A decided draft of changes keeps what it changed: at approval the live page's snapshot from just
-- before is stored beside the submitted one, so the review's history still shows the changed words
-- after the draft is merged into the live page and deleted.
ALTER TABLE page_submissions ADD COLUMN before_snapshot TEXT;
