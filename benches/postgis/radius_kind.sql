-- pgbench: one random radius_kind query of the mix (table q), run by q_radius_kind (queries.sql).
\set i random(1, :n_radius_kind)
SELECT r.* FROM q, q_radius_kind(q.lat, q.lon, q.kind, q.radius_m) AS r WHERE q.type = 'radius_kind' AND q.n = :i;
