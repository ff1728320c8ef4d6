-- Links that let a person who forgot their password choose a new one. Like sessions and setup
-- tokens, only the SHA-256 of the link's secret is kept: a copy of the database opens no
-- account. A link works once, until it expires (an hour after it was asked for).
CREATE TABLE password_resets (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_resets_by_user ON password_resets (user_id);
CREATE INDEX password_resets_by_expiry ON password_resets (expires_at);
