-- Frameworks and crosswalks an organisation imported (OSCAL, CSV or aims YAML). The document
-- is kept as it came, with what it does not say itself, so that it reads the same way again.
CREATE TABLE custom_frameworks (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- A catalogue's `framework@version`, or a crosswalk's id.
    key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('catalogue', 'crosswalk')),
    title TEXT NOT NULL,
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,
    options TEXT NOT NULL,
    document TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    imported_by TEXT NOT NULL,
    PRIMARY KEY (org_id, key)
);
