-- What "my work" reads for a person on every visit, by index rather than by a walk over every
-- document: those waiting for approval (by status), and those that ask some role to confirm
-- reading (most ask none, and an empty list sorts first).
CREATE INDEX documents_by_status ON documents (org_id, latest_status, updated_at);
CREATE INDEX documents_by_acknowledgers ON documents (org_id, acknowledge_roles);
