-- The last number each organisation gave in a numbered register (risks: R-1, R-2, ...), so
-- that a number is never given twice, even after the record that held it is deleted: the
-- audit trail names records by these numbers.
CREATE TABLE record_numbers (
    org_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    register TEXT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (org_id, register)
);
INSERT INTO record_numbers (org_id, register, last_number)
    SELECT org_id, 'risks', MAX(number) FROM risks GROUP BY org_id;
