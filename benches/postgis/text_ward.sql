-- pgbench: one random text_ward query of the mix (table q), run by q_text_ward (queries.sql).
\set i random(1, :n_text_ward)
SELECT r.* FROM q, q_text_ward(q.pats[1], q.pats[2], q.pats[3], q.pats[4]) AS r WHERE q.type = 'text_ward' AND q.n = :i;
