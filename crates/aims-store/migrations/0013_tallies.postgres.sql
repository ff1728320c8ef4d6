-- Running counts that the Statement of Applicability reads instead of counting hundreds of
-- thousands of links each time it is derived: how many open risks' treatments select each
-- control, how much evidence names each target, and how many systems owe each requirement.
-- Triggers keep them as links come and go (cascades included); a tally reaching zero is
-- removed. They are derived, left out of backups, and filled again as a restore inserts
-- the links.

CREATE TABLE tally_control_treatments (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    control_id TEXT NOT NULL,
    risks BIGINT NOT NULL,
    PRIMARY KEY (org_id, control_id)
);
INSERT INTO tally_control_treatments (org_id, control_id, risks)
    SELECT org_id, control_id, COUNT(*) FROM risk_controls GROUP BY org_id, control_id;

CREATE FUNCTION tally_control_treatment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE tally_control_treatments SET risks = risks - 1
            WHERE org_id = OLD.org_id AND control_id = OLD.control_id;
        DELETE FROM tally_control_treatments
            WHERE org_id = OLD.org_id AND control_id = OLD.control_id AND risks <= 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO tally_control_treatments (org_id, control_id, risks)
            VALUES (NEW.org_id, NEW.control_id, 1)
            ON CONFLICT (org_id, control_id)
            DO UPDATE SET risks = tally_control_treatments.risks + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tally_control_treatments AFTER INSERT OR DELETE OR UPDATE OF org_id, control_id
    ON risk_controls FOR EACH ROW EXECUTE FUNCTION tally_control_treatment();

CREATE TABLE tally_evidence_targets (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    records BIGINT NOT NULL,
    PRIMARY KEY (org_id, kind, target_id)
);
INSERT INTO tally_evidence_targets (org_id, kind, target_id, records)
    SELECT org_id, kind, target_id, COUNT(*) FROM evidence_targets
    GROUP BY org_id, kind, target_id;

CREATE FUNCTION tally_evidence_target() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE tally_evidence_targets SET records = records - 1
            WHERE org_id = OLD.org_id AND kind = OLD.kind AND target_id = OLD.target_id;
        DELETE FROM tally_evidence_targets
            WHERE org_id = OLD.org_id AND kind = OLD.kind AND target_id = OLD.target_id
            AND records <= 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO tally_evidence_targets (org_id, kind, target_id, records)
            VALUES (NEW.org_id, NEW.kind, NEW.target_id, 1)
            ON CONFLICT (org_id, kind, target_id)
            DO UPDATE SET records = tally_evidence_targets.records + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tally_evidence_targets AFTER INSERT OR DELETE OR UPDATE OF org_id, kind, target_id
    ON evidence_targets FOR EACH ROW EXECUTE FUNCTION tally_evidence_target();

CREATE TABLE tally_requirement_systems (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    requirement TEXT NOT NULL,
    systems BIGINT NOT NULL,
    PRIMARY KEY (org_id, requirement)
);
INSERT INTO tally_requirement_systems (org_id, requirement, systems)
    SELECT org_id, requirement, COUNT(*) FROM system_obligations GROUP BY org_id, requirement;

CREATE FUNCTION tally_requirement_system() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE tally_requirement_systems SET systems = systems - 1
            WHERE org_id = OLD.org_id AND requirement = OLD.requirement;
        DELETE FROM tally_requirement_systems
            WHERE org_id = OLD.org_id AND requirement = OLD.requirement AND systems <= 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO tally_requirement_systems (org_id, requirement, systems)
            VALUES (NEW.org_id, NEW.requirement, 1)
            ON CONFLICT (org_id, requirement)
            DO UPDATE SET systems = tally_requirement_systems.systems + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER tally_requirement_systems AFTER INSERT OR DELETE OR UPDATE OF org_id, requirement
    ON system_obligations FOR EACH ROW EXECUTE FUNCTION tally_requirement_system();
