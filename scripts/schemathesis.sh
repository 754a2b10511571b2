#!/usr/bin/env bash
# The API fuzzer against the running hub, run by `make test` after `swift test` (so CI runs it).
#
# Schemathesis (pinned below, installed into .build/schemathesis on first use) reads GET /openapi.json and runs
# every check on every operation twice: without a token, then with a bearer token from a signature login. The
# hub serves the demo store (scripts/demo.sh with DEMO_SERVE=0: PKI, participants, catalogue, codes, documents)
# on a free loopback port. Any failure fails the run. Each pass is bounded (--max-examples, --max-time), about
# three minutes in all.
#
# Usage: scripts/schemathesis.sh [TANBA_BINARY]   (default .build/debug/tanba)
set -euo pipefail
cd "$(dirname "$0")/.."
tanba=$(realpath "${1:-.build/debug/tanba}")
version=4.32.5
venv=.build/schemathesis
schemathesis=$venv/bin/schemathesis

if ! "$schemathesis" --version 2>/dev/null | grep -q "$version"; then
  echo "installing schemathesis $version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "schemathesis==$version"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tanba-schemathesis.XXXXXX")
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# SCHEMATHESIS_STORE: the store to fuzz on (default the demo's SQLite file; make test passes a PostgreSQL
# database for a second pass).
store=${SCHEMATHESIS_STORE:-$work/demo/tanba.sqlite}
echo "store under test: ${store##*/}"
DEMO_SERVE=0 DEMO_STORE="$store" bash scripts/demo.sh "$tanba" "$work/demo" > "$work/demo.log" 2>&1 || {
  cat "$work/demo.log"; echo "schemathesis: the demo store could not be made" >&2; exit 1; }
pki=$work/demo/pki

# Port 0: the kernel picks a free port and the listening line names it. No rate limit: the fuzzer is one client
# sending as fast as it can, and 429s would hide the answers it is checking.
"$tanba" serve --port 0 --rate-limit 0 --public-rate 0 --store "$store" --trust "$pki/trust" --crl "$pki/crl" \
  --hub-key "$pki/participants/hub.key.pem" --hub-cert "$pki/participants/hub.cert.pem" \
  > "$work/serve.out" 2> "$work/serve.err" &
server=$!
base=""
for _ in $(seq 1 300); do
  base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.out" 2>/dev/null || true)
  [ -n "$base" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.out" "$work/serve.err"; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { echo "schemathesis: the hub did not say it was listening" >&2; exit 1; }
echo "hub under test: $base"

# Signature login as the seller's first head: challenge, sign, token.
curl -sf -X POST "$base/v1/auth/challenge" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["document"])' > "$work/challenge.xml"
"$tanba" sign --key "$pki/participants/company-head.key.pem" --cert "$pki/participants/company-head.cert.pem" \
  -o "$work/challenge-signed.xml" "$work/challenge.xml" > /dev/null
token=$(curl -sf -X POST --data-binary @"$work/challenge-signed.xml" "$base/v1/auth/token" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

export SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$PWD/scripts${PYTHONPATH:+:$PYTHONPATH}"
repo=$PWD
run() {
  # From the scratch folder: schemathesis and hypothesis leave caches in the current directory.
  (cd "$work" && "$repo/$schemathesis" --config-file "$repo/scripts/schemathesis.toml" run "$base/openapi.json" \
    --checks all --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-30}" --max-time "${SCHEMATHESIS_MAX_TIME:-80}" \
    --generation-database none --no-color --seed "${SCHEMATHESIS_SEED:-10}" "$@")
}
echo "== schemathesis without a token"
run
echo "== schemathesis with a bearer token"
run -H "Authorization: Bearer $token"
