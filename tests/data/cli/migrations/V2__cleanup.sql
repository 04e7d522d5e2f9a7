SET lock_timeout = '2s';

-- Drops a column deployed code still reads.
ALTER TABLE users DROP COLUMN nickname;

CREATE INDEX idx_users_email ON users (email);

-- schemaguard: ignore[BC002] the audit table has been unused since v3 (ticket DB-123)
DROP TABLE audit_log;

COMMENT ON TABLE users IS 'Nutzer – straße';
