-- A file attached to a document version (a signed form, a diagram, a spreadsheet): its
-- SHA-256 names it in the blob store, beside its size, media type and name as uploaded.
-- Approved with the version, so the trigger that freezes an approved version now covers it.
ALTER TABLE document_versions ADD COLUMN attachment_sha256 TEXT;
ALTER TABLE document_versions ADD COLUMN attachment_size BIGINT;
ALTER TABLE document_versions ADD COLUMN attachment_media_type TEXT;
ALTER TABLE document_versions ADD COLUMN attachment_name TEXT;
CREATE INDEX document_versions_by_attachment ON document_versions (attachment_sha256);

DROP TRIGGER document_versions_frozen;
CREATE TRIGGER document_versions_frozen BEFORE UPDATE ON document_versions
    WHEN OLD.sha256 IS NOT NULL AND (
        NEW.kind IS NOT OLD.kind OR NEW.title IS NOT OLD.title OR NEW.body IS NOT OLD.body
        OR NEW.serves IS NOT OLD.serves OR NEW.sha256 IS NOT OLD.sha256
        OR NEW.author_id IS NOT OLD.author_id OR NEW.author_label IS NOT OLD.author_label
        OR NEW.approved_by IS NOT OLD.approved_by
        OR NEW.approved_by_label IS NOT OLD.approved_by_label
        OR NEW.approved_at IS NOT OLD.approved_at
        OR NEW.approval_comment IS NOT OLD.approval_comment
        OR NEW.attachment_sha256 IS NOT OLD.attachment_sha256
        OR NEW.attachment_size IS NOT OLD.attachment_size
        OR NEW.attachment_media_type IS NOT OLD.attachment_media_type
        OR NEW.attachment_name IS NOT OLD.attachment_name
    )
BEGIN
    SELECT RAISE(ABORT, 'an approved document version cannot change');
END;
