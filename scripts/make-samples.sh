#!/usr/bin/env bash
# Re-signs the committed signed samples with a new sample PKI. Only public parts (CA certificates, CRLs,
# participant certificates) are kept in samples/pki/; the keys stay in var/ and are not committed.
# Writes samples/shipment/signed/ (the signature cases) and samples/<type>/signed/valid.xml for every other
# document type, signed by its sender (the shipment's is samples/shipment/signed/valid-rsa.xml).
# Needs xmlsec1 and python3. Usage: scripts/make-samples.sh TANBA_BINARY
set -euo pipefail
tanba=$1
keys=var/sample-pki
out=samples/shipment/signed
# Every type but the shipment, and who signs its valid.xml: the first head of the sender (the buyer for the
# answer to a shipment, the company otherwise). Tests/TanbaPipelineTests/SampleWalkTests.swift submits these.
types=(code-order:company-head application-report:company-head introduction-production:company-head
  introduction-import:company-head aggregation:company-head disaggregation:company-head
  reaggregation:company-head shipment-answer:buyer-head shipment-cancellation:company-head withdrawal:company-head
  return-to-circulation:company-head remarking:company-head eaeu-shipment:company-head export:company-head)
rm -rf "$keys" samples/pki "$out"/*.xml "$out"/invalid/*.xml
for entry in "${types[@]}"; do rm -f "samples/${entry%%:*}/signed/valid.xml"; done
mkdir -p samples/pki/participants "$out/invalid"
"$tanba" pki init "$keys" > /dev/null
cp -r "$keys/trust" "$keys/crl" samples/pki/
cp "$keys"/participants/*.cert.pem samples/pki/participants/
# sign WHO PROFILE OUTPUT [INPUT]: INPUT defaults to the shipment's valid.xml.
sign() { "$tanba" sign --key "$keys/participants/$1.key.pem" --cert "$keys/participants/$1.cert.pem" \
  --profile "$2" --output "$3" "${4:-samples/shipment/valid.xml}"; }

for entry in "${types[@]}"; do
  type=${entry%%:*}
  mkdir -p "samples/$type/signed"
  sign "${entry#*:}" standard "samples/$type/signed/valid.xml" "samples/$type/valid.xml"
done

sign company-head standard "$out/valid-rsa.xml"
sign entrepreneur standard "$out/valid-ecdsa.xml"
sign company-head ncalayer "$out/valid-ncalayer.xml"
sign revoked standard "$out/invalid/revoked-signer.xml"
sign expired standard "$out/invalid/expired-signer.xml"
sign untrusted standard "$out/invalid/untrusted-signer.xml"
sign company-auth standard "$out/invalid/authentication-key.xml"
sign gost-company-head ncalayer "$out/valid-gost-ncalayer.xml"
sign gost-entrepreneur standard "$out/valid-gost.xml"
sign gost-revoked ncalayer "$out/invalid/gost-revoked-signer.xml"

# Signed by the xmlsec1 tool from a template (interoperability), and the same with a bare KeyValue.
python3 - "$out" "$keys" <<'PY'
import subprocess, sys
out, keys = sys.argv[1], sys.argv[2]
doc = open("samples/shipment/valid.xml", encoding="utf-8").read()
def template(key_info, method):
    return doc.replace("</Shipment>", '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>'
        '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
        '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#' + method + '"/>'
        '<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
        '</ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference>'
        '</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo>' + key_info + '</ds:KeyInfo></ds:Signature></Shipment>')
# xmlsec1 cannot write an ECDSA KeyValue, so the KeyValue sample is RSA.
for name, key_info, method, who in [
        ("valid-xmlsec1.xml", "<ds:X509Data><ds:X509Certificate/></ds:X509Data>", "ecdsa-sha256", "entrepreneur"),
        ("invalid/bare-keyvalue.xml", "<ds:KeyValue/>", "rsa-sha256", "company-head")]:
    path = f"{out}/{name}.template"
    open(path, "w", encoding="utf-8").write(template(key_info, method))
    subprocess.run(["xmlsec1", "--sign", "--privkey-pem",
                    f"{keys}/participants/{who}.key.pem,{keys}/participants/{who}.cert.pem",
                    "--output", f"{out}/{name}", path], check=True)
    subprocess.run(["rm", path], check=True)

signed = open(f"{out}/valid-rsa.xml", encoding="utf-8").read()
def write(name, text, base=signed):
    assert text != base, name
    open(f"{out}/invalid/{name}", "w", encoding="utf-8").write(text)
write("tampered-content.xml", signed.replace("<Quantity>6</Quantity>", "<Quantity>60</Quantity>", 1))
i = signed.index("<ds:SignatureValue>") + len("<ds:SignatureValue>") + 10
write("tampered-signature.xml", signed[:i] + ("B" if signed[i] == "A" else "A") + signed[i + 1:])
# Signature wrapping: a forged shipment carries the signature, the signed original hidden in ds:Object.
start = signed.index("<ds:Signature")
body = signed[signed.index("<Shipment"):start] + "</Shipment>"
forged = doc.replace("<Quantity>6</Quantity>", "<Quantity>600</Quantity>", 1)
signature = signed[start:signed.index("</ds:Signature>")] + "<ds:Object>" + body + "</ds:Object></ds:Signature>"
write("wrapped-in-object.xml", forged.replace("</Shipment>", signature + "</Shipment>"))
# Signature wrapping: the whole signed document moved inside a forged one.
write("wrapped-in-forged.xml", forged.replace("</Shipment>", signed[signed.index("<Shipment"):] + "</Shipment>"))
write("reference-to-id.xml", signed.replace('<ds:Reference URI="">', '<ds:Reference URI="#doc">'))
gost = open(f"{out}/valid-gost-ncalayer.xml", encoding="utf-8").read()
write("gost-tampered-content.xml", gost.replace("<Quantity>6</Quantity>", "<Quantity>60</Quantity>", 1), base=gost)
write("sha1-digest.xml", signed.replace("http://www.w3.org/2001/04/xmlenc#sha256", "http://www.w3.org/2000/09/xmldsig#sha1"))
PY
echo "signed samples written to $out and samples/<type>/signed/valid.xml (public PKI parts in samples/pki)"
