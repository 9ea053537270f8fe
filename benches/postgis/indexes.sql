-- After COPY (load.sh): the point column, the indexes each query type needs, the query
-- table q and statistics.
\set ON_ERROR_STOP on

UPDATE facility SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography;
ALTER TABLE facility ALTER COLUMN geog SET NOT NULL;

CREATE INDEX facility_geog ON facility USING gist (geog);       -- KNN (<->), ST_DWithin
CREATE INDEX facility_kinds ON facility USING gin (kinds);      -- kinds @> ARRAY[...]
CREATE INDEX facility_caps ON facility USING gin (caps);        -- caps @> ARRAY[...]
CREATE INDEX facility_text ON facility USING gin (search_text gin_trgm_ops);  -- LIKE '%w%'

-- Text queries: every word must be a substring of search_text. The mix's words are
-- folded like search_text as far as SQL can (NFKC, lower case, katakana → hiragana;
-- idempotent when the mix already carries normalised words). Up to 4 words, as LIKE patterns
-- (% and _ escaped); a query with fewer words repeats its last pattern, so the SQL
-- keeps one shape (4 ANDed LIKEs, all indexable) for pgbench's prepared statements.
CREATE TABLE q AS
WITH w AS (
    SELECT r.*,
           CASE WHEN coalesce(btrim(r.text), '') = '' THEN ARRAY[]::text[]
                ELSE regexp_split_to_array(btrim(translate(lower(normalize(r.text, NFKC)),
                         (SELECT string_agg(chr(c), '' ORDER BY c) FROM generate_series(x'30A1'::int, x'30F6'::int) c),
                         (SELECT string_agg(chr(c - 96), '' ORDER BY c) FROM generate_series(x'30A1'::int, x'30F6'::int) c))),
                     '\s+') END AS words
    FROM q_raw r
)
SELECT id,
       type,
       row_number() OVER (PARTITION BY type ORDER BY id)::int AS n,
       lat::double precision AS lat,
       lon::double precision AS lon,
       nullif(kind, '') AS kind,
       nullif(cap1, '') AS cap1,
       nullif(cap2, '') AS cap2,
       coalesce(nullif(radius_km, '')::double precision,
                CASE type WHEN 'radius_kind' THEN 3 WHEN 'facets_5km' THEN 5 END) * 1000
           AS radius_m,
       nullif(ward, '')::int AS ward,
       words,
       ARRAY(SELECT '%' || replace(replace(replace(coalesce(words[least(k, cardinality(words))], ''),
                                                   '\', '\\'), '%', '\%'), '_', '\_') || '%'
             FROM generate_series(1, 4) k) AS pats,
       api
FROM w;
ALTER TABLE q ADD PRIMARY KEY (type, n);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM q WHERE cardinality(words) > 4) THEN
        RAISE EXCEPTION 'a text query has more than 4 words; extend pats in indexes.sql';
    END IF;
END $$;

-- Values the pgbench scripts get as -D variables: queries per type, and the largest reach
-- (the indexable bound of the coverage query).
CREATE TABLE bench_meta AS
SELECT (SELECT max(reach_m) FROM facility) AS max_reach_m,
       (SELECT count(*) FROM facility) AS facilities;

VACUUM ANALYZE facility;
VACUUM ANALYZE q;
