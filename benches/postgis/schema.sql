-- PostGIS side of the benchmark: the same facilities and the same query mix as zaitaku's
-- own bench, in PostgreSQL. Run by benches/postgis/load.sh (tables, COPY, then
-- indexes.sql), never by the test suite.
--
-- facility: one row per facility, from `cargo bench --bench engine -- export-sql`
--   kinds, caps   text[] of codes ({clinic,visiting_nursing}, {24h,end_of_life})
--   reach_m       home-visit reach in metres; NULL = does not visit homes
--   search_text   normalised name + address; a text query matches when every word of it
--                 is a substring (LIKE '%word%', pg_trgm GIN)
--   name_rank     optional: the facility's place in zaitaku's name order (五十音順), when
--                 the export has it; text_ward sorts by it
--   service_wards the wards or 市町村 (JIS codes) a facility declares it serves; empty =
--                 wherever its reach goes
-- q: the shared query mix (`-- mix`), one row per query, numbered 1..N per type (n) so a
--   pgbench script can pick one with `\set i random(1, :n_TYPE)`.

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

DROP TABLE IF EXISTS facility, q, q_raw, bench_meta;

CREATE TABLE facility (
    id          text PRIMARY KEY,
    lat         double precision NOT NULL,
    lon         double precision NOT NULL,
    geog        geography(Point, 4326),
    kinds       text[] NOT NULL,
    caps        text[] NOT NULL,
    pediatric   boolean,
    wheelchair  boolean,
    reach_m     double precision,
    search_text text NOT NULL,
    name_rank   integer,
    service_wards integer[] NOT NULL DEFAULT '{}'
);

-- The mix exactly as written by `-- mix` (all text); q is derived from it in indexes.sql.
CREATE TABLE q_raw (
    id        text,
    type      text,
    lat       text,
    lon       text,
    kind      text,
    cap1      text,
    cap2      text,
    radius_km text,
    text      text,
    api       text,
    ward      text
);
