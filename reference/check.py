#!/usr/bin/env python3
"""Checks the hub's reference files (reference/*.json). Exits 1 and lists every problem found, 0 when all is well.

Usage: python3 reference/check.py [REFERENCE_DIR]   (default: the folder this script is in)
Standard library only.
"""
import datetime
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

XS = "{http://www.w3.org/2001/XMLSchema}"
FILES = ["product-groups", "countries", "units", "vat-rates", "withdrawal-reasons", "document-types"]
EAEU = {"AM", "BY", "KG", "KZ", "RU"}
CODE_FORMATS = {"gs1-datamatrix-92", "gs1-datamatrix-93"}
# The format-logical rules a product group can require of its documents (the hub's FLC codes).
GROUP_RULES = {"FLC_EXPIRY_REQUIRED", "FLC_CERTIFICATE_REQUIRED"}
GROUP_STATUSES = {"mandatory", "scheduled", "suspended", "notMandatory"}
SIGNER_ROLES = {"firstHead", "rightToSign", "financialSignature", "employee", "individual"}
# Countries whose Kazakh name must be a real one, never the Russian fallback.
KK_REQUIRED = EAEU | {
    "CN", "UZ", "TM", "MN", "AZ", "GE", "TR", "IR", "AF", "TJ",
    "DE", "US", "IT", "FR", "KR", "JP", "IN", "PL", "AE", "GB", "ES", "NL", "CZ", "LT", "LV", "EE", "FI", "UA",
}
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LATIN = re.compile(r"[A-Za-z]")
VERSION = re.compile(r"^\d{4}\.(0[1-9]|1[0-2])\.[1-9]\d*$")

problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")


def is_date(value):
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def no_duplicate_keys(pairs):
    keys = [k for k, _ in pairs]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise ValueError(f"duplicate keys {dupes}")
    return dict(pairs)


def nonempty_str(value):
    return isinstance(value, str) and value.strip() == value and value != ""


def check_name(where, field, value, cyrillic):
    if not nonempty_str(value):
        problem(where, f"{field} must be a non-empty string without surrounding spaces")
        return
    if cyrillic and not CYRILLIC.search(value):
        problem(where, f"{field} '{value}' has no Cyrillic letter")
    for word in re.split(r"[\s\-—(),;'/]+", value):
        if CYRILLIC.search(word) and LATIN.search(word):
            problem(where, f"{field} '{value}': word '{word}' mixes Latin and Cyrillic letters")


def load(folder, name):
    path = os.path.join(folder, name + ".json")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f, object_pairs_hook=no_duplicate_keys)
    except (OSError, ValueError) as error:
        problem(name + ".json", f"does not load: {error}")
        return None


def check_common(name, doc):
    where = name + ".json"
    if not isinstance(doc, dict):
        problem(where, "top level must be an object")
        return []
    extra = set(doc) - {"name", "version", "validFrom", "source", "items"}
    if extra:
        problem(where, f"unknown top-level fields {sorted(extra)}")
    if doc.get("name") != name:
        problem(where, f"name must be '{name}', is {doc.get('name')!r}")
    if not isinstance(doc.get("version"), str) or not VERSION.match(doc["version"]):
        problem(where, f"version must be YYYY.MM.N, is {doc.get('version')!r}")
    if not is_date(doc.get("validFrom")):
        problem(where, f"validFrom must be an ISO date, is {doc.get('validFrom')!r}")
    elif isinstance(doc.get("version"), str) and VERSION.match(doc["version"]):
        if doc["version"].split(".")[:2] != doc["validFrom"].split("-")[:2]:
            problem(where, "version's YYYY.MM must match validFrom's year and month")
    if not nonempty_str(doc.get("source")) or "\n" in doc.get("source", ""):
        problem(where, "source must be one non-empty line")
    items = doc.get("items")
    if not isinstance(items, list) or not items:
        problem(where, "items must be a non-empty array")
        return []
    seen = set()
    good = []
    for index, item in enumerate(items):
        at = f"{where} items[{index}]"
        if not isinstance(item, dict):
            problem(at, "must be an object")
            continue
        code = item.get("code")
        if not nonempty_str(code):
            problem(at, "code must be a non-empty string")
            continue
        at = f"{where} {code}"
        if code in seen:
            problem(at, "duplicate code")
        seen.add(code)
        check_name(at, "nameKk", item.get("nameKk"), cyrillic=True)
        check_name(at, "nameRu", item.get("nameRu"), cyrillic=True)
        check_name(at, "nameEn", item.get("nameEn"), cyrillic=False)
        if isinstance(item.get("nameEn"), str) and CYRILLIC.search(item["nameEn"]):
            problem(at, "nameEn contains Cyrillic letters")
        if "note" in item and not nonempty_str(item["note"]):
            problem(at, "note must be a non-empty string")
        for field in ("validFrom", "validTo"):
            if field in item and not is_date(item[field]):
                problem(at, f"{field} must be an ISO date")
        if is_date(item.get("validFrom")) and is_date(item.get("validTo")) and item["validFrom"] > item["validTo"]:
            problem(at, "validFrom is after validTo")
        good.append(item)
    return good


def require(at, item, field, kind):
    value = item.get(field)
    ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
    if not ok:
        problem(at, f"{field} missing or not {kind.__name__}")
    return ok


def check_product_groups(items):
    for item in items:
        at = f"product-groups.json {item['code']}"
        if not re.fullmatch(r"[a-z][a-z0-9]*", item["code"]):
            problem(at, "code must be a lower-case slug")
        if item.get("status") not in GROUP_STATUSES:
            problem(at, f"status must be one of {sorted(GROUP_STATUSES)}")
        if "markingSince" in item and not is_date(item["markingSince"]):
            problem(at, "markingSince must be an ISO date")
        if item.get("status") in ("mandatory", "scheduled") and item.get("codeFormat") and "markingSince" not in item:
            problem(at, "a mandatory or scheduled group marked by the hub needs markingSince")
        for requirement in item.get("requires", []):
            if not isinstance(requirement, dict) or set(requirement) != {"rule", "from"}:
                problem(at, "each of requires is {rule, from}")
                continue
            if requirement["rule"] not in GROUP_RULES:
                problem(at, f"requires rule {requirement['rule']!r} must be one of {sorted(GROUP_RULES)}")
            if not is_date(requirement["from"]):
                problem(at, "requires from must be an ISO date")
        prefixes = item.get("tnvedPrefixes")
        if not isinstance(prefixes, list) or not prefixes:
            problem(at, "tnvedPrefixes must be a non-empty array")
        else:
            for prefix in prefixes:
                if not isinstance(prefix, str) or not re.fullmatch(r"\d{4}(\d{2}){0,3}", prefix):
                    problem(at, f"TN VED prefix {prefix!r} must be 4, 6, 8 or 10 digits")
            if len(set(prefixes)) != len(prefixes):
                problem(at, "duplicate TN VED prefixes")
        if "codeFormat" not in item:
            problem(at, "codeFormat missing (null when the hub issues no codes for the group)")
        elif item["codeFormat"] is None:
            if "note" not in item:
                problem(at, "codeFormat null needs a note saying how the group is marked")
            if "codeElements" in item:
                problem(at, "codeElements without a codeFormat")
        else:
            if item["codeFormat"] not in CODE_FORMATS:
                problem(at, f"codeFormat must be one of {sorted(CODE_FORMATS)} or null")
            check_code_elements(at, item)


# The tail each code format carries after the serial (AI 21), in order.
FORMAT_TAILS = {"gs1-datamatrix-92": ["91", "92"], "gs1-datamatrix-93": ["93"]}


def check_code_elements(at, item):
    elements = item.get("codeElements")
    if not isinstance(elements, list) or not elements:
        problem(at, "codeElements must be a non-empty array of {ai, length}")
        return
    ais = [e.get("ai") for e in elements if isinstance(e, dict)]
    expected = ["21"] + FORMAT_TAILS.get(item["codeFormat"], [])
    if ais != expected:
        problem(at, f"codeElements of {item['codeFormat']} must be the AIs {expected} in that order, not {ais}")
    for element in elements:
        length = element.get("length") if isinstance(element, dict) else None
        # GS1 allows 1-20 characters for AI 21 and 1-90 for AIs 91-93; the national rule picks one length.
        limit = 20 if element.get("ai") == "21" else 90
        if not isinstance(length, int) or not 1 <= length <= limit:
            problem(at, f"codeElements: AI {element.get('ai')} length must be 1-{limit}")


def check_countries(items):
    alpha3, numeric = set(), set()
    for item in items:
        code = item["code"]
        at = f"countries.json {code}"
        if not re.fullmatch(r"[A-Z]{2}", code):
            problem(at, "code must be ISO 3166-1 alpha-2")
        a3, num = item.get("alpha3"), item.get("numeric")
        if not isinstance(a3, str) or not re.fullmatch(r"[A-Z]{3}", a3):
            problem(at, "alpha3 must be 3 upper-case letters")
        elif a3 in alpha3:
            problem(at, f"duplicate alpha3 {a3}")
        else:
            alpha3.add(a3)
        if not isinstance(num, str) or not re.fullmatch(r"\d{3}", num):
            problem(at, "numeric must be a 3-digit string")
        elif num in numeric:
            problem(at, f"duplicate numeric {num}")
        else:
            numeric.add(num)
        if not isinstance(item.get("eaeu"), bool):
            problem(at, "eaeu must be a boolean")
        fallback = item.get("nameKkFallback", False)
        if not isinstance(fallback, bool):
            problem(at, "nameKkFallback must be a boolean")
        elif fallback and item.get("nameKk") != item.get("nameRu"):
            problem(at, "nameKkFallback is true but nameKk differs from nameRu")
        elif fallback and code in KK_REQUIRED:
            problem(at, "needs a real Kazakh name, not the Russian fallback")
    codes = {item["code"] for item in items}
    members = {item["code"] for item in items if item.get("eaeu") is True}
    if members != EAEU:
        problem("countries.json", f"EAEU members must be exactly {sorted(EAEU)}, are {sorted(members)}")
    missing = sorted(KK_REQUIRED - codes)
    if missing:
        problem("countries.json", f"missing countries {missing}")
    if len(items) < 249:
        problem("countries.json", f"ISO 3166-1 has 249 countries, the file has {len(items)}")


def check_units(items):
    for item in items:
        at = f"units.json {item['code']}"
        if not re.fullmatch(r"\d{3}", item["code"]):
            problem(at, "code must be the 3-digit classifier code")
        if not nonempty_str(item.get("symbolRu")):
            problem(at, "symbolRu missing")


def xsd_vat_codes(xsd_dir):
    path = os.path.join(xsd_dir, "tanba-types-1.xsd")
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as error:
        problem("vat-rates.json", f"cannot read {path}: {error}")
        return None
    for simple in root.iter(XS + "simpleType"):
        if simple.get("name") == "VATRate":
            return {e.get("value") for e in simple.iter(XS + "enumeration")}
    problem("vat-rates.json", f"{path} has no simpleType VATRate")
    return None


def check_vat(items, xsd_dir):
    for item in items:
        at = f"vat-rates.json {item['code']}"
        if "ratePercent" not in item:
            problem(at, "ratePercent missing (null when there is no rate)")
            continue
        rate = item["ratePercent"]
        if rate is None:
            if item["code"] != "NoVAT":
                problem(at, "only NoVAT may have ratePercent null")
        elif isinstance(rate, bool) or not isinstance(rate, (int, float)):
            problem(at, "ratePercent must be a number or null")
        elif item["code"] != "NoVAT" and float(item["code"]) != float(rate):
            problem(at, f"ratePercent {rate} does not match the code")
    expected = xsd_vat_codes(xsd_dir)
    if expected is not None:
        codes = {item["code"] for item in items}
        if codes != expected:
            problem("vat-rates.json", f"codes {sorted(codes)} differ from the XSD VATRate enumeration {sorted(expected)}")


def check_withdrawal(items):
    for item in items:
        at = f"withdrawal-reasons.json {item['code']}"
        if not re.fullmatch(r"[a-z][A-Za-z]*", item["code"]):
            problem(at, "code must be lowerCamelCase")
        require(at, item, "allowsReturn", bool)
        require(at, item, "requiresBasisDocument", bool)


def kebab(code):
    return re.sub(r"(?<!^)(?=[A-Z])", "-", code).lower()


def check_documents(items, xsd_dir):
    for item in items:
        code = item["code"]
        at = f"document-types.json {code}"
        if not re.fullmatch(r"[a-z][A-Za-z]*", code):
            problem(at, "code must be lowerCamelCase")
        namespace = f"urn:kz:tanba:{kebab(code)}:1"
        if item.get("namespace") != namespace:
            problem(at, f"namespace must be {namespace}")
        root = item.get("rootElement")
        if not isinstance(root, str) or not re.fullmatch(r"[A-Z][A-Za-z]*", root):
            problem(at, "rootElement must be an XML name in PascalCase")
        require(at, item, "changesOwner", bool)
        roles = item.get("signerRoles")
        if not isinstance(roles, list) or not roles:
            problem(at, "signerRoles must be a non-empty array")
        else:
            unknown = set(roles) - SIGNER_ROLES
            if unknown:
                problem(at, f"unknown signer roles {sorted(unknown)}")
            if len(set(roles)) != len(roles):
                problem(at, "duplicate signer roles")
        if "schema" not in item:
            problem(at, "schema missing (null when there is none yet)")
            continue
        schema = item["schema"]
        if schema is None:
            continue
        if not isinstance(schema, str) or "/" in schema or not schema.endswith(".xsd"):
            problem(at, "schema must be a file name in xsd/")
            continue
        path = os.path.join(xsd_dir, schema)
        try:
            tree = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as error:
            problem(at, f"schema {path} does not load: {error}")
            continue
        if tree.get("targetNamespace") != item.get("namespace"):
            problem(at, f"schema's targetNamespace is {tree.get('targetNamespace')!r}, not the item's namespace")
        roots = {e.get("name") for e in tree.findall(XS + "element")}
        if root not in roots:
            problem(at, f"schema declares no top-level element {root!r}")


def main():
    folder = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
    xsd_dir = os.path.join(os.path.dirname(folder), "xsd")
    present = {f[:-5] for f in os.listdir(folder) if f.endswith(".json")}
    for extra in sorted(present - set(FILES)):
        problem(extra + ".json", "not a known reference list (add it to FILES in check.py)")
    counts = {}
    for name in FILES:
        doc = load(folder, name)
        if doc is None:
            continue
        items = check_common(name, doc)
        counts[name] = len(items)
        if name == "product-groups":
            check_product_groups(items)
        elif name == "countries":
            check_countries(items)
        elif name == "units":
            check_units(items)
        elif name == "vat-rates":
            check_vat(items, xsd_dir)
        elif name == "withdrawal-reasons":
            check_withdrawal(items)
        elif name == "document-types":
            check_documents(items, xsd_dir)
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        print(f"reference: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("reference: ok (" + ", ".join(f"{name} {count}" for name, count in counts.items()) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
