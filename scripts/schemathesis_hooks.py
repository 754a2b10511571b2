"""Schemathesis hooks for the Tanba hub: strategies for the string formats /openapi.json names.

A pattern cannot carry a check digit or "a cursor the hub gave out", so the description names these values by
format, and the fuzzer needs to know how to make valid ones (scripts/schemathesis.sh loads this file through
SCHEMATHESIS_HOOKS). Without them, "valid" data would be refused and every positive check would fail for the
fuzzer's ignorance, not the hub's fault.
"""

import base64

import schemathesis
from hypothesis import strategies as st

DIGITS = "0123456789"
# GS1 AI encodable character set 82 (what serials and AI 91-93 values may hold).
SET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def gs1_check_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def with_check_digit(length: int):
    return st.text(DIGITS, min_size=length - 1, max_size=length - 1).map(lambda b: b + gs1_check_digit(b))


def iin_bin_check(body: str):
    for weights in (range(1, 12), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        total = sum(int(d) * w for d, w in zip(body, weights)) % 11
        if total != 10:
            return str(total)
    return None


iin_bin = (
    st.text(DIGITS, min_size=11, max_size=11)
    .filter(lambda b: iin_bin_check(b) is not None)
    .map(lambda b: b + iin_bin_check(b))
)
gtin = st.sampled_from([8, 12, 13, 14]).flatmap(with_check_digit)
gtin14 = with_check_digit(14)
serial = st.text(SET82, min_size=1, max_size=20)
tail = st.text(SET82, min_size=1, max_size=44)
identification = st.builds(lambda g, s: "01" + g + "21" + s, gtin14, serial)
raw_with_tail = st.builds(lambda g, s, t: "01" + g + "21" + s + "\x1d91EE06\x1d92" + t, gtin14, serial, tail)
sscc = with_check_digit(18)
gs1_code = st.one_of(
    identification,
    raw_with_tail,
    raw_with_tail.map(lambda c: "]d2" + c),
    sscc.map(lambda s: "00" + s),
    sscc,
)


def cursor(seconds: float, document: str) -> str:
    return base64.urlsafe_b64encode(f"v1|{seconds}|{document}".encode()).decode().rstrip("=")


tanba_cursor = st.builds(
    cursor,
    st.floats(min_value=0, max_value=4_000_000_000, allow_nan=False),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=40),
)

schemathesis.openapi.format("kz-iin-bin", iin_bin)
schemathesis.openapi.format("gtin", gtin)
schemathesis.openapi.format("gs1-code", gs1_code)
schemathesis.openapi.format("tanba-cursor", tanba_cursor)
