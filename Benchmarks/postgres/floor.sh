#!/usr/bin/env bash
# The floors under the hub on PostgreSQL: pgbench running the store work of a document as a custom script, on a
# database made by the hub's own migrations (its schema and indexes), on the same server the hub uses.
#   Benchmarks/postgres/floor.sh URL-OF-AN-EMPTY-MIGRATED-DATABASE
# prints two lines: "large SECONDS" (one 100,000-code accompanying document) and "small TPS" (10-code documents,
# 8 clients, 2 threads, 5 s).
set -euo pipefail
url=$1
here=$(cd "$(dirname "$0")" && pwd)
psql -q -v ON_ERROR_STOP=1 "$url" -f "$here/setup.sql" > /dev/null
large=$(pgbench -n -f "$here/large.sql" -t 1 -c 1 "$url" 2>/dev/null | awk '/latency average/ {print $4}')
echo "large $(awk -v ms="$large" 'BEGIN {printf "%.3f", ms / 1000}')"
small=$(pgbench -n -f "$here/small.sql" -c 8 -j 2 -T 5 "$url" 2>/dev/null | awk '/^tps/ {print $3}')
echo "small $small"
