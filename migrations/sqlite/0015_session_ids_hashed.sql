-- Sessions are now kept by the hash of the id their cookie carries, like every other token; the
-- rows of before hold plain ids, so they go: everyone signs in once more.
DELETE FROM admin_sessions;
