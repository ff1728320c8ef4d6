-- The organisation's context and the scope of its management system (ISO/IEC 42001 4.1 to
-- 4.4): one record per organisation, kept as numbered versions approved like documents.
-- A version's content is JSON, read and checked by the domain; the approved version also
-- keeps the AI systems its scope covered then.

CREATE TABLE contexts (
    org_id TEXT PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    latest_version BIGINT NOT NULL,
    latest_status TEXT NOT NULL,
    approved_version BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- Counts changes, so that two people editing one draft at once do not overwrite each
    -- other unseen.
    revision BIGINT NOT NULL
);

CREATE TABLE context_versions (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    content TEXT NOT NULL,
    systems TEXT NOT NULL,
    status TEXT NOT NULL,
    author_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    author_label TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    submitted_by_label TEXT,
    submitted_at BIGINT,
    approved_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    approved_by_label TEXT,
    approved_at BIGINT,
    approval_comment TEXT,
    sha256 TEXT,
    PRIMARY KEY (org_id, version)
);

-- An approved version never changes what it says: the database refuses it, whatever the
-- code above it does. (Its status still moves on, to superseded.)
CREATE FUNCTION context_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.sha256 IS NOT NULL AND (
        NEW.content IS DISTINCT FROM OLD.content OR NEW.systems IS DISTINCT FROM OLD.systems
        OR NEW.sha256 IS DISTINCT FROM OLD.sha256
        OR NEW.author_id IS DISTINCT FROM OLD.author_id
        OR NEW.author_label IS DISTINCT FROM OLD.author_label
        OR NEW.approved_by IS DISTINCT FROM OLD.approved_by
        OR NEW.approved_by_label IS DISTINCT FROM OLD.approved_by_label
        OR NEW.approved_at IS DISTINCT FROM OLD.approved_at
        OR NEW.approval_comment IS DISTINCT FROM OLD.approval_comment
    ) THEN
        RAISE EXCEPTION 'an approved context version cannot change';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER context_versions_frozen BEFORE UPDATE ON context_versions
    FOR EACH ROW EXECUTE FUNCTION context_versions_frozen();
