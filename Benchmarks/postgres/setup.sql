-- The floor's data, in a database the hub's own migrations made (PostgresStore): 200,000 codes in circulation
-- with the hub's identities and serial shape, and `named`, 100,000 of them in random order (the codes an
-- accompanying document names). Run by Benchmarks/postgres/floor.sh.
INSERT INTO codes (id, level, gtin, status, owner, emitter, key_id, verification_code, issued_at)
SELECT '010487000100001121' || (CASE WHEN i <= 100000 THEN 'aB3' ELSE 'xQ7' END)
       || substr(md5(i::text), 1, 10), 0, '04870001000011', 'inCirculation', '050140001238', '050140001238', 'K1',
       repeat('x', 44), 0
FROM generate_series(1, 200000) AS i;
CREATE TABLE named AS SELECT id FROM codes WHERE seq > 100000 ORDER BY random();
ANALYZE;
