#!/usr/bin/env python3
"""Compute and validate check digits used in Tanba sample documents.

Supported identifiers:
  gtin  GS1 GTIN-14 (also accepts GTIN-8/12/13 when validating)
  sscc  GS1 SSCC (18 digits)
  iin   Kazakh IIN / BIN (12 digits, same checksum algorithm)
  bin   alias of iin

Usage:
  checkdigits.py check KIND NUMBER...     validate full numbers (exit 1 on failure)
  checkdigits.py complete KIND BODY...    append the check digit to a body
                                          (GTIN-14: 13 digits, SSCC: 17, IIN/BIN: 11)
  checkdigits.py selftest                 run built-in self-test
"""

import sys


def gs1_check_digit(body: str) -> int:
    """GS1 mod-10: weights 3,1,3,... from the rightmost body digit."""
    if not body.isdigit():
        raise ValueError(f"not digits: {body!r}")
    total = 0
    for i, ch in enumerate(reversed(body)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10


def kz_check_digit(body: str):
    """Kazakh IIN/BIN check digit for an 11-digit body, or None if unusable."""
    if len(body) != 11 or not body.isdigit():
        raise ValueError(f"IIN/BIN body must be 11 digits: {body!r}")
    digits = [int(c) for c in body]
    first = sum(d * w for d, w in zip(digits, range(1, 12))) % 11
    if first != 10:
        return first
    weights2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
    second = sum(d * w for d, w in zip(digits, weights2)) % 11
    if second != 10:
        return second
    return None  # the number is never issued


LENGTHS = {"gtin": (8, 12, 13, 14), "sscc": (18,), "iin": (12,), "bin": (12,)}


def complete(kind: str, body: str) -> str:
    if kind in ("gtin", "sscc"):
        want = 13 if kind == "gtin" else 17
        if len(body) != want:
            raise ValueError(f"{kind} body must be {want} digits: {body!r}")
        return body + str(gs1_check_digit(body))
    cd = kz_check_digit(body)
    if cd is None:
        raise ValueError(f"{body!r}: checksum is 10 with both weight sets; unusable")
    return body + str(cd)


def is_valid(kind: str, number: str) -> bool:
    if not number.isdigit() or len(number) not in LENGTHS[kind]:
        return False
    body, cd = number[:-1], number[-1]
    if kind in ("gtin", "sscc"):
        return gs1_check_digit(body) == int(cd)
    return kz_check_digit(body) == int(cd)


def selftest() -> None:
    # Known-good GS1 examples
    assert is_valid("gtin", "4006381333931")       # EAN-13 from GS1 documentation
    assert is_valid("gtin", "04006381333931")      # same, as GTIN-14
    assert is_valid("sscc", "106141411234567897")  # SSCC from GS1 General Specifications
    assert not is_valid("gtin", "04006381333932")
    assert not is_valid("sscc", "106141411234567898")
    # IIN/BIN round trip
    for body in ("00000000000", "12345678901", "99061430001"):
        cd = kz_check_digit(body)
        if cd is not None:
            assert is_valid("iin", body + str(cd))
    print("selftest ok")


def main(argv) -> int:
    if len(argv) >= 2 and argv[1] == "selftest":
        selftest()
        return 0
    if len(argv) < 4 or argv[1] not in ("check", "complete") or argv[2] not in LENGTHS:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, kind, values = argv[1], argv[2], argv[3:]
    rc = 0
    for v in values:
        if cmd == "check":
            ok = is_valid(kind, v)
            print(f"{kind} {v}: {'OK' if ok else 'INVALID'}")
            rc |= 0 if ok else 1
        else:
            try:
                print(complete(kind, v))
            except ValueError as e:
                print(f"error: {e}", file=sys.stderr)
                rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))
