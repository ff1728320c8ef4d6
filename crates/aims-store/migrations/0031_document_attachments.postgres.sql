-- A file attached to a document version (a signed form, a diagram, a spreadsheet): its
-- SHA-256 names it in the blob store, beside its size, media type and name as uploaded.
-- Approved with the version, so the trigger that freezes an approved version now covers it.
ALTER TABLE document_versions ADD COLUMN attachment_sha256 TEXT;
ALTER TABLE document_versions ADD COLUMN attachment_size BIGINT;
ALTER TABLE document_versions ADD COLUMN attachment_media_type TEXT;
ALTER TABLE document_versions ADD COLUMN attachment_name TEXT;
CREATE INDEX document_versions_by_attachment ON document_versions (attachment_sha256);

CREATE OR REPLACE FUNCTION document_versions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.sha256 IS NOT NULL AND (
        NEW.kind IS DISTINCT FROM OLD.kind OR NEW.title IS DISTINCT FROM OLD.title
        OR NEW.body IS DISTINCT FROM OLD.body OR NEW.serves IS DISTINCT FROM OLD.serves
        OR NEW.sha256 IS DISTINCT FROM OLD.sha256 OR NEW.author_id IS DISTINCT FROM OLD.author_id
        OR NEW.author_label IS DISTINCT FROM OLD.author_label
        OR NEW.approved_by IS DISTINCT FROM OLD.approved_by
        OR NEW.approved_by_label IS DISTINCT FROM OLD.approved_by_label
        OR NEW.approved_at IS DISTINCT FROM OLD.approved_at
        OR NEW.approval_comment IS DISTINCT FROM OLD.approval_comment
        OR NEW.attachment_sha256 IS DISTINCT FROM OLD.attachment_sha256
        OR NEW.attachment_size IS DISTINCT FROM OLD.attachment_size
        OR NEW.attachment_media_type IS DISTINCT FROM OLD.attachment_media_type
        OR NEW.attachment_name IS DISTINCT FROM OLD.attachment_name
    ) THEN
        RAISE EXCEPTION 'an approved document version cannot change';
    END IF;
    RETURN NEW;
END;
$$;
