-- Documented information (ISO/IEC 42001 7.5): documents, their numbered versions, who
-- confirmed reading the version in force, and who in each organisation may approve.
-- The document row repeats what lists need of its versions (title, kind, latest version and
-- its status, the version in force, the next review) so that a list reads one table.

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    owner_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    template TEXT,
    review_months BIGINT NOT NULL,
    acknowledge_roles TEXT NOT NULL,
    latest_version BIGINT NOT NULL,
    latest_status TEXT NOT NULL,
    approved_version BIGINT,
    next_review BIGINT,
    retired_by_label TEXT,
    retired_at BIGINT,
    retired_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- Counts changes to the document, so that two people editing one draft at once do not
    -- overwrite each other unseen.
    revision BIGINT NOT NULL
);
CREATE INDEX documents_by_update ON documents (org_id, updated_at);
CREATE INDEX documents_by_review ON documents (org_id, next_review);
CREATE INDEX documents_by_owner ON documents (org_id, owner_id);

CREATE TABLE document_versions (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    serves TEXT NOT NULL,
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
    PRIMARY KEY (document_id, version)
);

-- An approved version never changes what it says: the database refuses it, whatever the
-- code above it does. (Its status still moves on, to superseded or retired.)
CREATE TRIGGER document_versions_frozen BEFORE UPDATE ON document_versions
    WHEN OLD.sha256 IS NOT NULL AND (
        NEW.kind IS NOT OLD.kind OR NEW.title IS NOT OLD.title OR NEW.body IS NOT OLD.body
        OR NEW.serves IS NOT OLD.serves OR NEW.sha256 IS NOT OLD.sha256
        OR NEW.author_id IS NOT OLD.author_id OR NEW.author_label IS NOT OLD.author_label
        OR NEW.approved_by IS NOT OLD.approved_by
        OR NEW.approved_by_label IS NOT OLD.approved_by_label
        OR NEW.approved_at IS NOT OLD.approved_at
        OR NEW.approval_comment IS NOT OLD.approval_comment
    )
BEGIN
    SELECT RAISE(ABORT, 'an approved document version cannot change');
END;

CREATE TABLE document_acknowledgements (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    acknowledged_at BIGINT NOT NULL,
    PRIMARY KEY (document_id, version, user_id)
);

CREATE TABLE document_settings (
    org_id TEXT PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    approver_roles TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
