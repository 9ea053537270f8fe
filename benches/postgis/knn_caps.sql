-- pgbench: one random knn_caps query of the mix (table q), run by q_knn_caps (queries.sql).
\set i random(1, :n_knn_caps)
SELECT r.* FROM q, q_knn_caps(q.lat, q.lon, q.cap1, q.cap2) AS r WHERE q.type = 'knn_caps' AND q.n = :i;
