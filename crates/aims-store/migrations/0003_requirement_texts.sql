-- An organisation's own licensed text of a standard's requirements, kept beside aims' own
-- descriptions. Per tenant; never exported unless the organisation asks.
CREATE TABLE requirement_texts (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    framework TEXT NOT NULL,
    item_id TEXT NOT NULL,
    text TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (org_id, framework, item_id)
);
