-- Text search over systems and risks finds a word anywhere in their search text. Trigram
-- indexes answer that without reading every row. They are derived from the tables, kept up
-- to date by triggers, and left out of backups (a restore fills them again as rows arrive).
--
-- An FTS5 row is addressed by an integer; the tables' ids are text and their implicit rowids
-- may change on VACUUM, so each indexed row gets a stable number of its own.

CREATE TABLE text_index_system_rows (
    row INTEGER PRIMARY KEY,
    system_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE text_index_systems USING fts5(search_key, tokenize = 'trigram');
INSERT INTO text_index_system_rows (system_id) SELECT id FROM ai_systems;
INSERT INTO text_index_systems (rowid, search_key)
    SELECT r.row, s.search_key FROM text_index_system_rows r JOIN ai_systems s ON s.id = r.system_id;

CREATE TRIGGER text_index_system_added AFTER INSERT ON ai_systems
BEGIN
    INSERT INTO text_index_system_rows (system_id) VALUES (new.id);
    INSERT INTO text_index_systems (rowid, search_key)
        SELECT row, new.search_key FROM text_index_system_rows WHERE system_id = new.id;
END;

CREATE TRIGGER text_index_system_changed AFTER UPDATE OF search_key ON ai_systems
BEGIN
    UPDATE text_index_systems SET search_key = new.search_key
        WHERE rowid = (SELECT row FROM text_index_system_rows WHERE system_id = new.id);
END;

CREATE TRIGGER text_index_system_removed AFTER DELETE ON ai_systems
BEGIN
    DELETE FROM text_index_systems
        WHERE rowid = (SELECT row FROM text_index_system_rows WHERE system_id = old.id);
    DELETE FROM text_index_system_rows WHERE system_id = old.id;
END;

CREATE TABLE text_index_risk_rows (
    row INTEGER PRIMARY KEY,
    risk_id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE text_index_risks USING fts5(search_key, tokenize = 'trigram');
INSERT INTO text_index_risk_rows (risk_id) SELECT id FROM risks;
INSERT INTO text_index_risks (rowid, search_key)
    SELECT r.row, k.search_key FROM text_index_risk_rows r JOIN risks k ON k.id = r.risk_id;

CREATE TRIGGER text_index_risk_added AFTER INSERT ON risks
BEGIN
    INSERT INTO text_index_risk_rows (risk_id) VALUES (new.id);
    INSERT INTO text_index_risks (rowid, search_key)
        SELECT row, new.search_key FROM text_index_risk_rows WHERE risk_id = new.id;
END;

CREATE TRIGGER text_index_risk_changed AFTER UPDATE OF search_key ON risks
BEGIN
    UPDATE text_index_risks SET search_key = new.search_key
        WHERE rowid = (SELECT row FROM text_index_risk_rows WHERE risk_id = new.id);
END;

CREATE TRIGGER text_index_risk_removed AFTER DELETE ON risks
BEGIN
    DELETE FROM text_index_risks
        WHERE rowid = (SELECT row FROM text_index_risk_rows WHERE risk_id = old.id);
    DELETE FROM text_index_risk_rows WHERE risk_id = old.id;
END;

-- The index hands back ids; checking each one's organisation from these indexes, rather
-- than from the wide rows, makes counting a search's matches several times cheaper.
CREATE INDEX ai_systems_by_id_org ON ai_systems (id, org_id);
CREATE INDEX risks_by_id_org ON risks (id, org_id);
