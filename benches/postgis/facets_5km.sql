-- pgbench: one random facets_5km query of the mix (table q), run by q_facets_5km (queries.sql).
\set i random(1, :n_facets_5km)
SELECT r.* FROM q, q_facets_5km(q.lat, q.lon, q.radius_m) AS r WHERE q.type = 'facets_5km' AND q.n = :i;
