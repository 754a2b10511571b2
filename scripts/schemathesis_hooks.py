"""Schemathesis hooks for the Tanba hub: strategies for the string formats /openapi.json names.

A pattern cannot carry a check digit or "a cursor the hub gave out", so the description names these values by
format, and the fuzzer needs to know how to make valid ones (scripts/schemathesis.sh loads this file through
SCHEMATHESIS_HOOKS). Without them, "valid" data would be refused and every positive check would fail for the
fuzzer's ignorance, not the hub's fault.
"""

import base64
import datetime
import struct
import zlib

import schemathesis
from hypothesis import strategies as st

DIGITS = "0123456789"
# GS1 AI encodable character set 82 (what serials and AI 91-93 values may hold), without `%`: schemathesis takes
# a `%` and two hex digits in a path parameter for an escape it need not encode again, so a code holding one
# would reach the hub as another code (the fuzzer's quirk, not the hub's; CodeLookupTests covers such serials,
# sent encoded as `%25`).
SET82 = "!\"&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


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
# Marking codes shaped as the national formats have them (reference/product-groups.json): a serial of 13 with
# AI 91 of 4 and AI 92 of 44, or a serial of 6 or 7 with AI 93 of 4; GS1 syntax alone allows more, but a code
# must be valid under both.
def text82(length: int):
    return st.text(SET82, min_size=length, max_size=length)


identification = st.builds(lambda g, s: "01" + g + "21" + s, gtin14, text82(13))
with_91_92 = st.builds(
    lambda g, s, k, v: "01" + g + "21" + s + "\x1d91" + k + "\x1d92" + v, gtin14, text82(13), text82(4), text82(44)
)
with_93 = st.builds(
    lambda g, s, t: "01" + g + "21" + s + "\x1d93" + t, gtin14, st.one_of(text82(6), text82(7)), text82(4)
)
sscc = with_check_digit(18)
gs1_code = st.one_of(
    identification,
    with_91_92,
    with_93,
    with_91_92.map(lambda c: "]d2" + c),
    sscc.map(lambda s: "00" + s),
    sscc,
)


def cursor(seconds: float, key: str, tag: str = "v1") -> str:
    return base64.urlsafe_b64encode(f"{tag}|{seconds}|{key}".encode()).decode().rstrip("=")


tanba_cursor = st.builds(
    cursor,
    st.floats(min_value=0, max_value=4_000_000_000, allow_nan=False),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=40),
)
# The list of Ministry of Finance exports: its own tag, and an export's id (a UUID in lower case) as the key.
tanba_mof_cursor = st.builds(
    lambda seconds, id: cursor(seconds, str(id), "mof1"),
    st.floats(min_value=0, max_value=4_000_000_000, allow_nan=False),
    st.uuids(),
)
# The list of reconciliation reports: as the exports', with its own tag.
tanba_mof_reconciliation_cursor = st.builds(
    lambda seconds, id: cursor(seconds, str(id), "mofr1"),
    st.floats(min_value=0, max_value=4_000_000_000, allow_nan=False),
    st.uuids(),
)
# The SNTs in force, by day then number: the day (a calendar day) is the cursor's position, an SNT's number (the
# schema's SNTNumber: 1 to 50 Latin letters, digits, - and /) its key.
SNT_NUMBER = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-/"
tanba_mof_snt_cursor = st.builds(
    lambda day, number: base64.urlsafe_b64encode(f"snt1|{day.isoformat()}|{number}".encode()).decode().rstrip("="),
    st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)),
    st.text(SNT_NUMBER, min_size=1, max_size=50),
)


def png(width: int, height: int, shade: int) -> str:
    """A small grey PNG (what a phone's photo is to the hub: pixels to re-encode), base64 as the report takes it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes([shade]) * width for _ in range(height))
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return base64.b64encode(data).decode()


REFERENCE = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
geo_point = st.builds(
    lambda lat, lon: f"{lat},{lon}",
    st.floats(min_value=-90, max_value=90, allow_nan=False),
    st.floats(min_value=-180, max_value=180, allow_nan=False),
)
tanba_photo = st.builds(png, st.integers(1, 64), st.integers(1, 64), st.integers(0, 255))
violation_cursor = st.builds(
    lambda t, r: f"{t}_V-{r}",
    st.floats(min_value=0, max_value=4_000_000_000, allow_nan=False),
    st.text(REFERENCE, min_size=10, max_size=10),
)

schemathesis.openapi.format("kz-iin-bin", iin_bin)
schemathesis.openapi.format("geo-point", geo_point)
schemathesis.openapi.format("tanba-photo", tanba_photo)
schemathesis.openapi.format("tanba-violation-cursor", violation_cursor)
schemathesis.openapi.format("gtin", gtin)
schemathesis.openapi.format("gs1-code", gs1_code)
schemathesis.openapi.format("tanba-cursor", tanba_cursor)
schemathesis.openapi.format("tanba-mof-cursor", tanba_mof_cursor)
schemathesis.openapi.format("tanba-mof-reconciliation-cursor", tanba_mof_reconciliation_cursor)
schemathesis.openapi.format("tanba-mof-snt-cursor", tanba_mof_snt_cursor)
