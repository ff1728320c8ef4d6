-- Work routing: tasks (made by people, or by aims when a review falls due), their comments,
-- notifications to people in the app (and by email, when mail is set up), and how each
-- person wants to be told.

CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    source_kind TEXT,
    source_id TEXT,
    assignee_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    due BIGINT,
    status TEXT NOT NULL,
    -- Set on the tasks aims makes, so that one reason makes one task: `document_review:<id>:<date>`.
    origin_key TEXT,
    created_by_label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    completed_at BIGINT,
    revision BIGINT NOT NULL
);
CREATE UNIQUE INDEX tasks_by_origin ON tasks (org_id, origin_key);
CREATE INDEX tasks_by_assignee ON tasks (org_id, assignee_id, status, due);
CREATE INDEX tasks_by_source ON tasks (org_id, source_kind, source_id);
-- What global search reads first: the most recently changed tasks.
CREATE INDEX tasks_by_update ON tasks (org_id, updated_at);

CREATE TABLE task_comments (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    author_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    author_label TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX task_comments_by_task ON task_comments (task_id, created_at);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_by_person ON notifications (user_id, org_id, read_at, created_at);

CREATE TABLE notification_settings (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- `each` (an email per notification), `digest` (one a day) or `off`.
    email TEXT NOT NULL,
    -- The end of the period the last daily digest covered.
    last_digest_at BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
