#!/usr/bin/env bash
# The floor under the pipeline's 100,000-code document: what SQLite itself (the sqlite3 shell, in C, no Swift)
# takes for the store work of accepting an accompanying document, on the hub's own schema and pragmas (WAL,
# synchronous=FULL, 128 MB cache): read the 100,000 named codes by id, lock them (one UPDATE by row number),
# link them to one history event, commit. Two batches of 100,000 codes are in the table, the second is shipped.
# Usage: Benchmarks/sqlite/floor.sh   (docs/PERFORMANCE.md, issue #5)
set -euo pipefail
db=$(mktemp -d)/floor.sqlite
trap 'rm -rf "$(dirname "$db")"' EXIT
sqlite3 "$db" > /dev/null <<'SQL'
PRAGMA journal_mode = WAL;
CREATE TABLE codes (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, level INTEGER NOT NULL, gtin TEXT,
  status TEXT NOT NULL, owner TEXT NOT NULL, emitter TEXT NOT NULL, withdrawal_reason TEXT, locked_by TEXT,
  parent TEXT, key_id TEXT, verification_code TEXT, issued_at REAL NOT NULL, origin TEXT);
CREATE INDEX codes_parent ON codes(parent) WHERE parent IS NOT NULL;
CREATE INDEX codes_owner ON codes(owner);
CREATE INDEX codes_locked ON codes(locked_by) WHERE locked_by IS NOT NULL;
CREATE TABLE code_history (code_seq INTEGER NOT NULL, event_id INTEGER NOT NULL, PRIMARY KEY (code_seq, event_id))
  WITHOUT ROWID;
-- Serials as the hub makes them: a 3-character batch prefix and 10 random characters.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
INSERT INTO codes (id, level, gtin, status, owner, emitter, key_id, verification_code, issued_at)
SELECT '010487000100001121' || (CASE WHEN i <= 100000 THEN 'aB3' ELSE 'xQ7' END)
       || substr(lower(hex(randomblob(8))), 1, 10), 0, '04870001000011', 'inCirculation', '050140001238',
       '050140001238', 'K1', hex(randomblob(44)), 0
FROM n;
SQL
ids=$(dirname "$db")/ids.json
sqlite3 "$db" "SELECT json_group_array(id) FROM (SELECT id FROM codes WHERE seq > 100000 ORDER BY random())" > "$ids"
sqlite3 "$db" <<SQL
PRAGMA synchronous = FULL;
PRAGMA cache_size = -131072;
.timer on
BEGIN IMMEDIATE;
CREATE TEMP TABLE named AS SELECT seq FROM codes WHERE id IN (SELECT value FROM json_each(readfile('$ids')));
UPDATE codes SET locked_by = 'DOC-0123456789abcdef01234567' WHERE seq IN (SELECT seq FROM named);
INSERT INTO code_history (code_seq, event_id) SELECT seq, 7 FROM named;
COMMIT;
SQL
