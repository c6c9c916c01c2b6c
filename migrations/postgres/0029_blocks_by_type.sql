-- Which pages show a feature's list (webinar teasers, whitepaper teasers, consultant cards): what a
-- change to that feature invalidates in the page cache.
CREATE INDEX content_blocks_by_type ON content_blocks (block_type, page_id);
