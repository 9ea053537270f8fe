-- pgbench: one random text_near query of the mix (table q), run by q_text_near (queries.sql).
\set i random(1, :n_text_near)
SELECT r.* FROM q, q_text_near(q.lat, q.lon, q.pats[1], q.pats[2], q.pats[3], q.pats[4]) AS r WHERE q.type = 'text_near' AND q.n = :i;
