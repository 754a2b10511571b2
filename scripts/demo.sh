#!/usr/bin/env bash
# The demo behind `make demo`: a new test PKI, the sample shipment signed and verified, what the hub answers to
# forged or unsafe documents, documents through the pipeline on the embedded store; then `tanba serve` on that
# store (DEMO_PORT, default 8080; DEMO_SERVE=0 stops before serving). Usage: scripts/demo.sh TANBA_BINARY OUTPUT_DIR
set -uo pipefail
tanba=$1
dir=$2
export TANBA_XSD_DIR="$PWD/xsd"
rm -rf "$dir" && mkdir -p "$dir"
step() { printf '\n\033[1m== %s\033[0m\n$ %s\n' "$1" "${*:2}"; "${@:2}"; echo "(exit $?)"; }

step "Create a test PKI (accredited root + intermediate CA, CRLs, KZ participants)" \
  "$tanba" pki init "$dir/pki"
step "Validate the sample accompanying document against xsd/shipment-1.xsd" \
  "$tanba" validate samples/shipment/valid.xml
step "Sign it as the seller's first head (RSA-2048, exclusive C14N)" \
  "$tanba" sign --key "$dir/pki/participants/company-head.key.pem" \
  --cert "$dir/pki/participants/company-head.cert.pem" --output "$dir/shipment-signed.xml" samples/shipment/valid.xml
step "Sign it as an individual entrepreneur in NCALayer's shape (ECDSA P-256, inclusive C14N)" \
  "$tanba" sign --profile ncalayer --key "$dir/pki/participants/entrepreneur.key.pem" \
  --cert "$dir/pki/participants/entrepreneur.cert.pem" --output "$dir/shipment-ncalayer.xml" samples/shipment/valid.xml
trust=(--trust "$dir/pki/trust" --crl "$dir/pki/crl")
step "Verify: schema, signature, chain to the accredited CA, validity, CRL, signer identity" \
  "$tanba" verify "${trust[@]}" "$dir/shipment-signed.xml"
step "The same, as JSON for machines" "$tanba" verify --json "${trust[@]}" "$dir/shipment-ncalayer.xml"
step "xmlsec1 agrees (interoperability)" xmlsec1 --verify --enabled-key-data x509 \
  --trusted-pem "$dir/pki/trust/root-ca.pem" --untrusted-pem "$dir/pki/trust/intermediate-ca.pem" "$dir/shipment-signed.xml"

sed 's|<Quantity>6</Quantity>|<Quantity>60</Quantity>|' "$dir/shipment-signed.xml" > "$dir/tampered.xml"
step "Tampered after signing (6 → 60 bottles)" "$tanba" verify "${trust[@]}" "$dir/tampered.xml"
"$tanba" sign --key "$dir/pki/participants/revoked.key.pem" --cert "$dir/pki/participants/revoked.cert.pem" \
  --output "$dir/revoked.xml" samples/shipment/valid.xml
step "Signed with a revoked certificate" "$tanba" verify "${trust[@]}" "$dir/revoked.xml"
"$tanba" sign --key "$dir/pki/participants/untrusted.key.pem" --cert "$dir/pki/participants/untrusted.cert.pem" \
  --output "$dir/untrusted.xml" samples/shipment/valid.xml
step "Signed with a certificate from a CA that is not accredited" "$tanba" verify "${trust[@]}" "$dir/untrusted.xml"
step "XXE attempt (external entity reading /etc/passwd)" \
  "$tanba" validate samples/shipment/invalid/xxe-external-entity.xml
step "Billion laughs (entity expansion)" "$tanba" validate samples/shipment/invalid/billion-laughs.xml
step "Every schema error at once, with line and element" \
  "$tanba" validate samples/shipment/invalid/many-errors.xml

# The embedded store by default; DEMO_STORE names another (a postgres:// URL of an empty database).
export TANBA_STORE="${DEMO_STORE:-$dir/tanba.sqlite}"
step "Register a producer (BIN, roles, product groups, who may sign) in the embedded store" \
  "$tanba" participants add --id 050140001238 --name "ТОО «Алатау Дистрибьюшн»" --roles producer,wholesaler \
  --groups water,shoes,tobacco --representative 781112400128
step "Load the product catalogue (checked against reference/*.json)" "$tanba" catalog import samples/catalog/products.csv
step "Order 5 marking codes for shoes, in the group's national format: serial 13, AI 91 key id, AI 92 tail of 44" \
  "$tanba" codes order --participant 050140001238 --gtin 04870002000010 --count 5 -o "$dir/codes.txt"
cat "$dir/codes.txt"
first=$(head -1 "$dir/codes.txt")
step "Check a code: status, owner, product card, authenticity" "$tanba" codes check "$first"
forged=$(echo "$first" | sed 's/(92)\(.....\)./(92)\1A/; s/(92)\(.....\)A/(92)\1B/')
step "A forged verification tail is caught" "$tanba" codes check "$forged"
step "The life cycle every code follows" "$tanba" codes states
step "Print their labels: GS1 DataMatrix with the text, on A4 sheets (open labels.html and print)" \
  "$tanba" codes labels @"$dir/codes.txt" -o "$dir/labels"

# The document pipeline: an accompanying document for two bottles, checked, previewed, applied, receipted.
hub=(--hub-key "$dir/pki/participants/hub.key.pem" --hub-cert "$dir/pki/participants/hub.cert.pem")
"$tanba" participants add --id 031240500125 --name "ТОО «Шымкент Сауда»" --roles wholesaler,retailer --groups water >/dev/null
"$tanba" codes order --participant 050140001238 --gtin 04870001000011 --count 2 --format identification -o "$dir/esd-codes.txt" >/dev/null
"$tanba" codes change apply @"$dir/esd-codes.txt" --participant 050140001238 >/dev/null
"$tanba" codes change introduce @"$dir/esd-codes.txt" --participant 050140001238 >/dev/null
codes=$(sed 's|.*|<Code>&</Code>|' "$dir/esd-codes.txt" | tr -d '\n')
sed "s|<!--CODES-->|$codes|" samples/pipeline/shipment-template.xml > "$dir/esd.xml"
"$tanba" sign --key "$dir/pki/participants/company-head.key.pem" --cert "$dir/pki/participants/company-head.cert.pem" \
  --output "$dir/esd-signed.xml" "$dir/esd.xml" >/dev/null
step "Dry run of an accompanying document: every control, a preview of the changes, nothing applied" \
  "$tanba" submit --dry-run --json "${trust[@]}" "${hub[@]}" "$dir/esd-signed.xml"
step "Submit it: codes locked in transit, a receipt signed by the hub" \
  "$tanba" submit --json -o "$dir/esd-receipt.xml" "${trust[@]}" "${hub[@]}" "$dir/esd-signed.xml"
step "The same document again: the same receipt, applied once" \
  "$tanba" submit --json "${trust[@]}" "${hub[@]}" "$dir/esd-signed.xml"
step "The buyer's inbox" "$tanba" documents list --recipient 031240500125
step "The receipt verifies with the hub's certificate" "$tanba" verify --no-schema "${trust[@]}" "$dir/esd-receipt.xml"
step "A code's history" "$tanba" codes history "$(head -1 "$dir/esd-codes.txt")"

# The seller cancels a second shipment before the buyer answers: the codes come back, the shipment is cancelled.
"$tanba" codes order --participant 050140001238 --gtin 04870001000011 --count 2 --format identification -o "$dir/esd2-codes.txt" >/dev/null
"$tanba" codes change apply @"$dir/esd2-codes.txt" --participant 050140001238 >/dev/null
"$tanba" codes change introduce @"$dir/esd2-codes.txt" --participant 050140001238 >/dev/null
codes=$(sed 's|.*|<Code>&</Code>|' "$dir/esd2-codes.txt" | tr -d '\n')
sed "s|<!--CODES-->|$codes|; s|ESD-2026/0001|ESD-2026/0002|" samples/pipeline/shipment-template.xml > "$dir/esd2.xml"
if "$tanba" sign --key "$dir/pki/participants/company-head.key.pem" --cert "$dir/pki/participants/company-head.cert.pem" \
  --output "$dir/esd2-signed.xml" "$dir/esd2.xml" >/dev/null &&
  "$tanba" submit --json "${trust[@]}" "${hub[@]}" "$dir/esd2-signed.xml" >/dev/null; then
  number=$(sed -n 's|.*<DocumentNumber>\(.*\)</DocumentNumber>.*|\1|p' "$dir/esd2.xml" | head -1)
  sed "s|AD-2026/000615|$number|; s|<DocumentDate>2026-11-19</DocumentDate>|<DocumentDate>$(date +%F)</DocumentDate>|" \
    samples/shipment-cancellation/valid.xml > "$dir/cancel.xml"
  "$tanba" sign --key "$dir/pki/participants/company-head.key.pem" --cert "$dir/pki/participants/company-head.cert.pem" \
    --output "$dir/cancel-signed.xml" "$dir/cancel.xml" >/dev/null
  step "The seller cancels a shipment the buyer has not answered: its codes are released" \
    "$tanba" submit --json "${trust[@]}" "${hub[@]}" "$dir/cancel-signed.xml"
fi

# The buyer's answer to the first shipment (accept all), for the README's curl session: unsigned, the buyer signs it.
cat > "$dir/answer.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<ShipmentAnswer xmlns="urn:kz:tanba:shipment-answer:1" version="1.0">
  <Header><DocumentNumber>PR-DEMO-1</DocumentNumber><DocumentDate>$(date +%F)</DocumentDate>
    <Sender><BIN>031240500125</BIN><Name>ТОО «Шымкент Сауда»</Name></Sender></Header>
  <Shipment><Number>ESD-2026/0001</Number><Date>2026-11-20</Date></Shipment>
  <Seller><BIN>050140001238</BIN><Name>ТОО «Алатау Дистрибьюшн»</Name></Seller>
  <Decision>AcceptAll</Decision>
</ShipmentAnswer>
XML

port=${DEMO_PORT:-8080}
cat <<TXT

Demo files are in $dir (store: $TANBA_STORE).

The hub now serves this store on http://127.0.0.1:$port (Ctrl-C stops it; DEMO_SERVE=0 skips this). From another
terminal, log in with the seller's certificate and read the outbox (README.md has the whole session):

  curl -s -X POST localhost:$port/v1/auth/challenge | python3 -c 'import sys,json; print(json.load(sys.stdin)["document"])' > $dir/challenge.xml
  $tanba sign --key $dir/pki/participants/company-head.key.pem --cert $dir/pki/participants/company-head.cert.pem -o $dir/challenge-signed.xml $dir/challenge.xml
  TOKEN=\$(curl -s --data-binary @$dir/challenge-signed.xml localhost:$port/v1/auth/token | python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])')
  curl -s -H "Authorization: Bearer \$TOKEN" localhost:$port/v1/outbox

Anyone checks a code without logging in (docs/PUBLIC.md): http://127.0.0.1:$port/check, made for a phone (type it, or
photograph a label from $dir/labels/labels.html), or

  curl -s "localhost:$port/v1/public/check?code=\$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))' '$first')"

Or in a browser: open http://127.0.0.1:$port/ (the web application, docs/WEB.md). To sign in the browser without
NCALayer, run the local signer with the seller's keys in another terminal, open https://127.0.0.1:13579 once to
accept its certificate, then log in with "Sign and log in":

  $tanba signer --key $dir/pki/participants/company-head.key.pem --cert $dir/pki/participants/company-head.cert.pem --allow-origin http://127.0.0.1:$port
TXT
if [ "${DEMO_SERVE:-1}" != 0 ]; then
  # The state systems' simulators beside the hub (docs/INTEGRATIONS.md): an EAEU partner receiving the departures
  # of EAEU shipments, and the registers' gateway answering every demo participant as active. They stop with it.
  integrations=()
  sim="$(dirname "$tanba")/tanba-sim"
  if [ -x "$sim" ]; then
    "$tanba" participants list --json | python3 -c '
import json, sys
print(json.dumps({p["id"]: {"status": "ACTIVE", "name": p["name"]} for p in json.load(sys.stdin)}, ensure_ascii=False))
' > "$dir/register.json"
    "$sim" eaeu --port 0 --trust "$dir/pki/participants/hub.cert.pem" --record "$dir/eaeu-received.jsonl" \
      > "$dir/eaeu-sim.log" 2>&1 &
    eaeu_pid=$!
    # The registers' gateway signs its answers (the demo PKI's company-employee key stands in for its own); the hub
    # pins that certificate with --register-cert.
    "$sim" egov --port 0 --registry "$dir/register.json" --key "$dir/pki/participants/company-employee.key.pem" \
      --cert "$dir/pki/participants/company-employee.cert.pem" > "$dir/egov-sim.log" 2>&1 &
    egov_pid=$!
    # The Ministry of Finance (the demo PKI's buyer-head key stands in for the Ministry's).
    "$sim" mof --port 0 --key "$dir/pki/participants/buyer-head.key.pem" \
      --cert "$dir/pki/participants/buyer-head.cert.pem" --trust "$dir/pki/participants/hub.cert.pem" \
      --record "$dir/mof-received.jsonl" > "$dir/mof-sim.log" 2>&1 &
    mof_pid=$!
    trap 'kill $eaeu_pid $egov_pid $mof_pid 2>/dev/null' EXIT
    for _ in $(seq 1 100); do
      grep -q listening "$dir/eaeu-sim.log" && grep -q listening "$dir/egov-sim.log" \
        && grep -q listening "$dir/mof-sim.log" && break
      sleep 0.1
    done
    eaeu_url=$(grep -o 'http://[0-9.:]*' "$dir/eaeu-sim.log" | head -1)
    egov_url=$(grep -o 'http://[0-9.:]*' "$dir/egov-sim.log" | head -1)
    mof_url=$(grep -o 'http://[0-9.:]*' "$dir/mof-sim.log" | head -1)
    # A fiscal data operator, and three pairs of shoes on the seller's shelf for its till to sell.
    "$tanba" participants add --id 100740001231 --name "ТОО «Демо ОФД»" --roles ofd >/dev/null
    "$tanba" codes order --participant 050140001238 --gtin 04870001000011 --count 3 -o "$dir/till-codes.txt" >/dev/null
    "$tanba" codes change apply @"$dir/till-codes.txt" --participant 050140001238 >/dev/null
    "$tanba" codes change introduce @"$dir/till-codes.txt" --participant 050140001238 >/dev/null
    # Russia's system, for arrivals: the demo PKI's certificate of a CA the trust store does not hold, pinned.
    integrations=(--eaeu-endpoint "$eaeu_url/eaeu/soap" --register-endpoint "$egov_url/egov/sync"
      --register-cert "$dir/pki/participants/company-employee.cert.pem"
      --eaeu-partner "RU=$dir/pki/participants/untrusted.cert.pem"
      --mof-endpoint "$mof_url/mof/exports" --mof-cert "$dir/pki/participants/buyer-head.cert.pem"
      --mof-schedule 00:30)
    echo "EAEU partner simulator: $eaeu_url (what it received: $eaeu_url/eaeu/received); registers' gateway: $egov_url ($dir/register.json)"
    echo "The outbox of messages to them: $tanba outbox counts"
    echo "Ministry of Finance simulator: $mof_url (daily exports at 00:30; today's, now: $tanba mof export --from \$(date +%F) --to \$(date +%F) ${hub[*]})"
    echo "A till selling the seller's shoes through the OFD (docs/INTEGRATIONS.md, Fiscal data):"
    echo "  $sim ofd --hub http://127.0.0.1:$port --key $dir/pki/participants/ofd.key.pem --cert $dir/pki/participants/ofd.cert.pem --seller 050140001238 --codes $dir/till-codes.txt --lines 3"
    echo "Russia's system sending goods to ТОО «Шымкент Сауда» (docs/INTEGRATIONS.md, Arrivals):"
    echo "  $sim eaeu-send --hub http://127.0.0.1:$port --key $dir/pki/participants/untrusted.key.pem --cert $dir/pki/participants/untrusted.cert.pem --receiver 031240500125 --gtin 04870001000011 --count 3"
  fi
  "$tanba" serve --port "$port" "${trust[@]}" "${hub[@]}" "${integrations[@]}"
fi
