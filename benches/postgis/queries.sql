-- The query types of the shared mix as SQL: one PL/pgSQL function per type, so a pgbench
-- transaction is one round trip (look up a random mix query in q and run it, see TYPE.sql)
-- like one HTTP request on the zaitaku side. The static query inside each function is a
-- prepared statement with parameters, kept in the session's plan cache: plan_cache_mode
-- decides between per-value (custom) plans and one shared (generic) plan, as for a
-- client-side prepared statement.
--
-- Distances are on the sphere (geography <-> and ST_DWithin(..., false)), like zaitaku's
-- great-circle maths. "Nearest 20" is written `ORDER BY geog <-> point LIMIT 20` alone, so
-- the planner can walk the GiST index nearest-first (KNN); with `ORDER BY geog <-> point,
-- id` PostgreSQL 15 never does (it sorts every match: ~20× slower at 300k facilities).
-- The 20 are then ordered by (distance, id), as zaitaku orders them; ties across the 20th
-- place would need identical distances, and the national dataset has no two facilities
-- at the same point (the agreement check would show a difference).

-- knn_caps: the 20 nearest facilities having both capabilities.
CREATE OR REPLACE FUNCTION q_knn_caps(p_lat float8, p_lon float8, p_cap1 text, p_cap2 text)
RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT k.id FROM (
        SELECT f.id, f.geog <-> ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography AS d
        FROM facility f
        WHERE f.caps @> ARRAY[p_cap1, p_cap2]
        ORDER BY f.geog <-> ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography
        LIMIT 20
    ) AS k
    ORDER BY k.d, k.id;
END $$;

-- radius_kind: facilities of one kind within p_radius_m (3 km), nearest 20.
CREATE OR REPLACE FUNCTION q_radius_kind(p_lat float8, p_lon float8, p_kind text, p_radius_m float8)
RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT k.id FROM (
        SELECT f.id, f.geog <-> ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography AS d
        FROM facility f
        WHERE f.kinds @> ARRAY[p_kind]
          AND ST_DWithin(f.geog, ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography, p_radius_m, false)
        ORDER BY f.geog <-> ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography
        LIMIT 20
    ) AS k
    ORDER BY k.d, k.id;
END $$;

-- covers: who can visit the point: facilities of p_kind with p_cap1 whose own reach
-- (reach_m; NULL = no home visits) covers it and that serve the point's ward (p_ward, as
-- zaitaku places the point; a facility without declared service_wards serves any), nearest
-- 20. The first ST_DWithin, with the largest reach of any facility (p_max_reach_m), is the
-- indexable bound; the second is each row's own reach.
CREATE OR REPLACE FUNCTION q_covers(p_lat float8, p_lon float8, p_kind text, p_cap1 text, p_max_reach_m float8, p_ward int)
RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT k.id FROM (
        SELECT f.id, f.geog <-> ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography AS d
        FROM facility f
        WHERE f.kinds @> ARRAY[p_kind]
          AND f.caps @> ARRAY[p_cap1]
          AND ST_DWithin(f.geog, ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography, p_max_reach_m, false)
          AND ST_DWithin(f.geog, ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography, f.reach_m, false)
          AND (cardinality(f.service_wards) = 0 OR p_ward = ANY(f.service_wards))
        ORDER BY f.geog <-> ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography
        LIMIT 20
    ) AS k
    ORDER BY k.d, k.id;
END $$;

-- text_ward: every word is a substring of search_text (LIKE patterns, pg_trgm GIN), the
-- first 20 in zaitaku's name order (name_rank when the export has it), then id.
CREATE OR REPLACE FUNCTION q_text_ward(p1 text, p2 text, p3 text, p4 text)
RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT f.id FROM facility f
    WHERE f.search_text LIKE p1 AND f.search_text LIKE p2
      AND f.search_text LIKE p3 AND f.search_text LIKE p4
    ORDER BY f.name_rank, f.id
    LIMIT 20;
END $$;

-- text_near: every word is a substring of search_text, nearest 20.
CREATE OR REPLACE FUNCTION q_text_near(p_lat float8, p_lon float8, p1 text, p2 text, p3 text, p4 text)
RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT k.id FROM (
        SELECT f.id, f.geog <-> ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography AS d
        FROM facility f
        WHERE f.search_text LIKE p1 AND f.search_text LIKE p2
          AND f.search_text LIKE p3 AND f.search_text LIKE p4
        ORDER BY f.geog <-> ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography
        LIMIT 20
    ) AS k
    ORDER BY k.d, k.id;
END $$;

-- facets_5km: facilities per kind within p_radius_m (5 km).
CREATE OR REPLACE FUNCTION q_facets_5km(p_lat float8, p_lon float8, p_radius_m float8)
RETURNS TABLE (kind text, n bigint) LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT k, count(*) FROM facility f, unnest(f.kinds) AS k
    WHERE ST_DWithin(f.geog, ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography, p_radius_m, false)
    GROUP BY k;
END $$;

-- rare: pediatric facilities with p_cap1 (ventilator), nearest 20.
CREATE OR REPLACE FUNCTION q_rare(p_lat float8, p_lon float8, p_cap1 text)
RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT k.id FROM (
        SELECT f.id, f.geog <-> ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography AS d
        FROM facility f
        WHERE f.pediatric AND f.caps @> ARRAY[p_cap1]
        ORDER BY f.geog <-> ST_SetSRID(ST_MakePoint(p_lon, p_lat), 4326)::geography
        LIMIT 20
    ) AS k
    ORDER BY k.d, k.id;
END $$;
