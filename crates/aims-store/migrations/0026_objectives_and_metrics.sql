-- Monitoring and measurement: metrics (recorded by people or computed by aims), their
-- measurements as a time series, and the AI objectives they serve. Values are whole
-- millionths, so that both engines keep them exactly.

CREATE TABLE metrics (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL,
    target BIGINT,
    warning BIGINT,
    breach BIGINT,
    cadence TEXT NOT NULL,
    source TEXT NOT NULL,
    system_id TEXT REFERENCES ai_systems (id) ON DELETE SET NULL,
    owner_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    -- The latest measurement, kept here so that lists and the dashboard read one row.
    latest_id TEXT,
    latest_at BIGINT,
    latest_value BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    revision BIGINT NOT NULL
);
CREATE INDEX metrics_by_name ON metrics (org_id, name);
-- What the measuring job reads: computed metrics, oldest measurement first.
CREATE INDEX metrics_by_source ON metrics (source, latest_at);

CREATE TABLE metric_measurements (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    metric_id TEXT NOT NULL REFERENCES metrics (id) ON DELETE CASCADE,
    measured_at BIGINT NOT NULL,
    value BIGINT NOT NULL,
    note TEXT NOT NULL,
    recorded_by_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    recorded_by_label TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX metric_measurements_by_time ON metric_measurements (metric_id, measured_at, id);

CREATE TABLE objectives (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    statement TEXT NOT NULL,
    commitment TEXT NOT NULL,
    policy_id TEXT REFERENCES documents (id) ON DELETE SET NULL,
    metric_id TEXT REFERENCES metrics (id) ON DELETE SET NULL,
    measure TEXT NOT NULL,
    target TEXT NOT NULL,
    deadline BIGINT,
    owner_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    resources TEXT NOT NULL,
    evaluation TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    revision BIGINT NOT NULL
);
CREATE INDEX objectives_by_deadline ON objectives (org_id, deadline);
CREATE INDEX objectives_by_metric ON objectives (org_id, metric_id);
