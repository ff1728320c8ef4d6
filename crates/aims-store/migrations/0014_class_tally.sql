-- How many systems each organisation has in each EU AI Act class, kept by triggers so the
-- dashboard reads a handful of rows rather than every system. Unclassified systems count
-- under ''. Derived like the other tallies: left out of backups, filled again on restore.

CREATE TABLE tally_system_classes (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    class TEXT NOT NULL,
    systems BIGINT NOT NULL,
    PRIMARY KEY (org_id, class)
);
INSERT INTO tally_system_classes (org_id, class, systems)
    SELECT org_id, COALESCE(class, ''), COUNT(*) FROM ai_systems
    GROUP BY org_id, COALESCE(class, '');

CREATE TRIGGER tally_system_class_added AFTER INSERT ON ai_systems
BEGIN
    INSERT INTO tally_system_classes (org_id, class, systems)
        VALUES (new.org_id, COALESCE(new.class, ''), 1)
        ON CONFLICT (org_id, class) DO UPDATE SET systems = systems + 1;
END;

CREATE TRIGGER tally_system_class_removed AFTER DELETE ON ai_systems
BEGIN
    UPDATE tally_system_classes SET systems = systems - 1
        WHERE org_id = old.org_id AND class = COALESCE(old.class, '');
    DELETE FROM tally_system_classes
        WHERE org_id = old.org_id AND class = COALESCE(old.class, '') AND systems <= 0;
END;

CREATE TRIGGER tally_system_class_changed AFTER UPDATE OF org_id, class ON ai_systems
    WHEN old.org_id IS NOT new.org_id OR old.class IS NOT new.class
BEGIN
    UPDATE tally_system_classes SET systems = systems - 1
        WHERE org_id = old.org_id AND class = COALESCE(old.class, '');
    DELETE FROM tally_system_classes
        WHERE org_id = old.org_id AND class = COALESCE(old.class, '') AND systems <= 0;
    INSERT INTO tally_system_classes (org_id, class, systems)
        VALUES (new.org_id, COALESCE(new.class, ''), 1)
        ON CONFLICT (org_id, class) DO UPDATE SET systems = systems + 1;
END;
