-- pgbench: one random rare query of the mix (table q), run by q_rare (queries.sql).
\set i random(1, :n_rare)
SELECT r.* FROM q, q_rare(q.lat, q.lon, q.cap1) AS r WHERE q.type = 'rare' AND q.n = :i;
