-- The risk register's list by number walks an index aims names itself, rather than the one
-- SQLite made for the table's UNIQUE (org_id, number) and named after its position. The
-- constraint stays (a table constraint cannot be dropped in SQLite without rebuilding the
-- table); this index repeats it under a name both engines share.
CREATE UNIQUE INDEX risks_by_number ON risks (org_id, number);
