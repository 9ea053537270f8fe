-- pgbench: one random covers query of the mix (table q), run by q_covers (queries.sql).
\set i random(1, :n_covers)
SELECT r.* FROM q, q_covers(q.lat, q.lon, q.kind, q.cap1, :max_reach_m, q.ward) AS r WHERE q.type = 'covers' AND q.n = :i;
