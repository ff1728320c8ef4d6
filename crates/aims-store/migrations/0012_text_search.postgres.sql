-- Text search over systems and risks finds a word anywhere in their search text (LIKE
-- '%word%'). pg_trgm's GIN indexes answer that without reading every row. pg_trgm ships
-- with PostgreSQL and is trusted, so a database owner may install it; where it cannot be
-- installed, search still works, reading every row of the organisation as before.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE INDEX ai_systems_text ON ai_systems USING gin (search_key gin_trgm_ops);
    CREATE INDEX risks_text ON risks USING gin (search_key gin_trgm_ops);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'text search indexes not created (%): search reads every row', SQLERRM;
END
$$;
