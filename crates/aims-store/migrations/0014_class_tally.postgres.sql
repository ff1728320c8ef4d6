-- How many systems each organisation has in each EU AI Act class, kept by a trigger so the
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

CREATE FUNCTION tally_system_class() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.org_id = NEW.org_id
        AND OLD.class IS NOT DISTINCT FROM NEW.class THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE tally_system_classes SET systems = systems - 1
            WHERE org_id = OLD.org_id AND class = COALESCE(OLD.class, '');
        DELETE FROM tally_system_classes
            WHERE org_id = OLD.org_id AND class = COALESCE(OLD.class, '') AND systems <= 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO tally_system_classes (org_id, class, systems)
            VALUES (NEW.org_id, COALESCE(NEW.class, ''), 1)
            ON CONFLICT (org_id, class)
            DO UPDATE SET systems = tally_system_classes.systems + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tally_system_classes AFTER INSERT OR DELETE OR UPDATE OF org_id, class
    ON ai_systems FOR EACH ROW EXECUTE FUNCTION tally_system_class();
