#!/usr/bin/env bash
# A private, throwaway PostgreSQL server for the tests (see docs/ARCHITECTURE.md, "The PostgreSQL store").
#
#   eval "$(bash scripts/postgres.sh start)"   initdb in a new temp folder, start on a free loopback port, print
#                                              the exports: TANBA_TEST_POSTGRES (the URL, user tanba, no password)
#                                              and TANBA_TEST_POSTGRES_DIR (the folder, for the commands below)
#   bash scripts/postgres.sh halt              stop it (pg_ctl -m fast), keeping its data: a database outage
#   bash scripts/postgres.sh resume            start it again on the same port, with the same data
#   bash scripts/postgres.sh stop              stop it and remove the folder
#
# Installs nothing: Debian's postgresql-15 must be there (make test installs it with the other packages). The
# server runs as the postgres system user (initdb refuses root); it syncs commits (fsync and synchronous_commit
# stay on; --no-sync only skips syncing initdb's own files).
set -euo pipefail
BIN=${POSTGRES_BIN:-/usr/lib/postgresql/15/bin}
as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }
folder() {
    [ -n "${TANBA_TEST_POSTGRES_DIR:-}" ] && [ -f "$TANBA_TEST_POSTGRES_DIR/port" ] || {
        echo "postgres.sh: TANBA_TEST_POSTGRES_DIR names no server started by this script" >&2
        exit 2
    }
    echo "$TANBA_TEST_POSTGRES_DIR"
}
launch() {
    local dir=$1 port fd
    port=$(cat "$dir/port")
    # The server outlives this script: it must not inherit the caller's descriptors beyond 0-2 (a test runner's
    # pipe or the socket it watches for the child's exit would stay open for as long as the server runs).
    for fd in $(ls /proc/$$/fd); do
        if [ "$fd" -gt 2 ] && [ "$fd" != 255 ]; then eval "exec $fd>&-"; fi
    done
    as_postgres "$BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300" >/dev/null
}

case "${1:-}" in
start)
    [ -x "$BIN/initdb" ] || { echo "postgres.sh: $BIN/initdb missing (apt-get install postgresql-15)" >&2; exit 2; }
    dir=$(mktemp -d /tmp/tanba-pg.XXXXXX)
    chmod 755 "$dir"
    chown postgres "$dir"
    # A port the kernel hands out as free right now: another server (CI beside a developer's) may hold 5432.
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' >"$dir/port"
    if ! as_postgres "$BIN/initdb" -D "$dir/data" -A trust -U tanba --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        rm -rf "$dir"
        exit 1
    fi
    if ! launch "$dir"; then
        cat "$dir/log" >&2 || true
        rm -rf "$dir"
        exit 1
    fi
    echo "export TANBA_TEST_POSTGRES=postgres://tanba@127.0.0.1:$(cat "$dir/port")/postgres"
    echo "export TANBA_TEST_POSTGRES_DIR=$dir"
    ;;
halt)
    dir=$(folder)
    as_postgres "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
resume)
    launch "$(folder)"
    ;;
stop)
    dir=$(folder)
    as_postgres "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: postgres.sh start|halt|resume|stop" >&2
    exit 2
    ;;
esac
