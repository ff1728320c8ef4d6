-- Running counts that the Statement of Applicability reads instead of counting hundreds of
-- thousands of links each time it is derived: how many open risks' treatments select each
-- control, how much evidence names each target, and how many systems owe each requirement.
-- Triggers keep them as links come and go (cascades included); a tally reaching zero is
-- removed. Like the text indexes, they are derived, left out of backups, and filled again
-- as a restore inserts the links.

CREATE TABLE tally_control_treatments (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    control_id TEXT NOT NULL,
    risks BIGINT NOT NULL,
    PRIMARY KEY (org_id, control_id)
);
INSERT INTO tally_control_treatments (org_id, control_id, risks)
    SELECT org_id, control_id, COUNT(*) FROM risk_controls GROUP BY org_id, control_id;

CREATE TRIGGER tally_control_treatment_added AFTER INSERT ON risk_controls
BEGIN
    INSERT INTO tally_control_treatments (org_id, control_id, risks)
        VALUES (new.org_id, new.control_id, 1)
        ON CONFLICT (org_id, control_id) DO UPDATE SET risks = risks + 1;
END;

CREATE TRIGGER tally_control_treatment_removed AFTER DELETE ON risk_controls
BEGIN
    UPDATE tally_control_treatments SET risks = risks - 1
        WHERE org_id = old.org_id AND control_id = old.control_id;
    DELETE FROM tally_control_treatments
        WHERE org_id = old.org_id AND control_id = old.control_id AND risks <= 0;
END;

CREATE TRIGGER tally_control_treatment_changed AFTER UPDATE OF org_id, control_id ON risk_controls
BEGIN
    UPDATE tally_control_treatments SET risks = risks - 1
        WHERE org_id = old.org_id AND control_id = old.control_id;
    DELETE FROM tally_control_treatments
        WHERE org_id = old.org_id AND control_id = old.control_id AND risks <= 0;
    INSERT INTO tally_control_treatments (org_id, control_id, risks)
        VALUES (new.org_id, new.control_id, 1)
        ON CONFLICT (org_id, control_id) DO UPDATE SET risks = risks + 1;
END;

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

CREATE TRIGGER tally_evidence_target_added AFTER INSERT ON evidence_targets
BEGIN
    INSERT INTO tally_evidence_targets (org_id, kind, target_id, records)
        VALUES (new.org_id, new.kind, new.target_id, 1)
        ON CONFLICT (org_id, kind, target_id) DO UPDATE SET records = records + 1;
END;

CREATE TRIGGER tally_evidence_target_removed AFTER DELETE ON evidence_targets
BEGIN
    UPDATE tally_evidence_targets SET records = records - 1
        WHERE org_id = old.org_id AND kind = old.kind AND target_id = old.target_id;
    DELETE FROM tally_evidence_targets
        WHERE org_id = old.org_id AND kind = old.kind AND target_id = old.target_id
        AND records <= 0;
END;

CREATE TRIGGER tally_evidence_target_changed
    AFTER UPDATE OF org_id, kind, target_id ON evidence_targets
BEGIN
    UPDATE tally_evidence_targets SET records = records - 1
        WHERE org_id = old.org_id AND kind = old.kind AND target_id = old.target_id;
    DELETE FROM tally_evidence_targets
        WHERE org_id = old.org_id AND kind = old.kind AND target_id = old.target_id
        AND records <= 0;
    INSERT INTO tally_evidence_targets (org_id, kind, target_id, records)
        VALUES (new.org_id, new.kind, new.target_id, 1)
        ON CONFLICT (org_id, kind, target_id) DO UPDATE SET records = records + 1;
END;

CREATE TABLE tally_requirement_systems (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    requirement TEXT NOT NULL,
    systems BIGINT NOT NULL,
    PRIMARY KEY (org_id, requirement)
);
INSERT INTO tally_requirement_systems (org_id, requirement, systems)
    SELECT org_id, requirement, COUNT(*) FROM system_obligations GROUP BY org_id, requirement;

CREATE TRIGGER tally_requirement_system_added AFTER INSERT ON system_obligations
BEGIN
    INSERT INTO tally_requirement_systems (org_id, requirement, systems)
        VALUES (new.org_id, new.requirement, 1)
        ON CONFLICT (org_id, requirement) DO UPDATE SET systems = systems + 1;
END;

CREATE TRIGGER tally_requirement_system_removed AFTER DELETE ON system_obligations
BEGIN
    UPDATE tally_requirement_systems SET systems = systems - 1
        WHERE org_id = old.org_id AND requirement = old.requirement;
    DELETE FROM tally_requirement_systems
        WHERE org_id = old.org_id AND requirement = old.requirement AND systems <= 0;
END;

CREATE TRIGGER tally_requirement_system_changed
    AFTER UPDATE OF org_id, requirement ON system_obligations
BEGIN
    UPDATE tally_requirement_systems SET systems = systems - 1
        WHERE org_id = old.org_id AND requirement = old.requirement;
    DELETE FROM tally_requirement_systems
        WHERE org_id = old.org_id AND requirement = old.requirement AND systems <= 0;
    INSERT INTO tally_requirement_systems (org_id, requirement, systems)
        VALUES (new.org_id, new.requirement, 1)
        ON CONFLICT (org_id, requirement) DO UPDATE SET systems = systems + 1;
END;
