-- What a job is about (a red-team run's AI system), how far it has got, and whether someone
-- asked to cancel it: long jobs can be listed, followed and stopped.
ALTER TABLE jobs ADD COLUMN subject TEXT;
ALTER TABLE jobs ADD COLUMN progress_done BIGINT;
ALTER TABLE jobs ADD COLUMN progress_total BIGINT;
ALTER TABLE jobs ADD COLUMN cancel_requested_by TEXT;
CREATE INDEX jobs_by_subject ON jobs (org_id, subject, created_at);
