#!/usr/bin/env python3
"""Builds Tests/TanbaDomainTests/Resources/gs1-corpus.json: marking codes and the verdict GS1's own reference
implementation (the GS1 Barcode Syntax Engine, C library libgs1encoders) gives each.

The engine is not part of Tanba and is not needed to run the tests: the corpus is generated once and committed.
To regenerate it, build the engine's C library from its public repository (src/c-lib: `make lib`) and run

    python3 scripts/gs1-corpus.py PATH/TO/libgs1encoders.so > Tests/TanbaDomainTests/Resources/gs1-corpus.json

Forms fed to the engine, as a scanner or a person would give them to the hub:
- raw: the element string with GS (0x1D) between elements; the engine gets it as "^" + data with every GS as "^";
- scan: behind the symbology identifier ]d2 (GS1 DataMatrix); the engine's gs1_encoder_setScanData;
- bracketed: the human-readable (AI)value form; the engine's gs1_encoder_setAIdataStr.
"""
import ctypes
import json
import random
import sys

GS = "\x1d"
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B64 = ALNUM + "+/"


def check_digit(body):
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def gtin(rng, good=True):
    body = "0487" + "".join(rng.choice("0123456789") for _ in range(9))
    digit = check_digit(body)
    if not good:
        digit = str((int(digit) + rng.randint(1, 9)) % 10)
    return body + digit


class Engine:
    def __init__(self, path):
        lib = ctypes.CDLL(path)
        lib.gs1_encoder_init.restype = ctypes.c_void_p
        lib.gs1_encoder_init.argtypes = [ctypes.c_void_p]
        for name in ("gs1_encoder_setDataStr", "gs1_encoder_setAIdataStr", "gs1_encoder_setScanData"):
            getattr(lib, name).argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            getattr(lib, name).restype = ctypes.c_bool
        for name in ("gs1_encoder_getErrMsg", "gs1_encoder_getAIdataStr"):
            getattr(lib, name).argtypes = [ctypes.c_void_p]
            getattr(lib, name).restype = ctypes.c_char_p
        lib.gs1_encoder_setSym.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.lib = lib
        self.ctx = lib.gs1_encoder_init(None)
        # gs1_encoder_sDM (GS1 DataMatrix) is 12 in gs1encoders.h's gs1_encoder_symbologies.
        lib.gs1_encoder_setSym(self.ctx, 12)

    def verdict(self, form, text):
        lib, ctx = self.lib, self.ctx
        data = text.encode("latin-1")
        if form == "bracketed":
            ok = lib.gs1_encoder_setAIdataStr(ctx, data)
        elif form == "scan":
            ok = lib.gs1_encoder_setScanData(ctx, data)
        else:  # raw: FNC1 in first position (a leading GS is that FNC1), then every GS is an FNC1
            fnc1 = data.replace(GS.encode(), b"^")
            ok = lib.gs1_encoder_setDataStr(ctx, fnc1 if fnc1.startswith(b"^") else b"^" + fnc1)
        if ok:
            return {"gs1": "valid", "elements": lib.gs1_encoder_getAIdataStr(ctx).decode("latin-1")}
        return {"gs1": "invalid", "gs1Message": lib.gs1_encoder_getErrMsg(ctx).decode("latin-1")}


def escaped(value):
    return value.replace("(", "\\(")


def forms(elements):
    """raw, scan and bracketed renderings of [(ai, value, predefined)]."""
    raw = ""
    for i, (ai, value, predefined) in enumerate(elements):
        raw += ai + value
        if not predefined and i < len(elements) - 1:
            raw += GS
    bracketed = "".join(f"({ai}){escaped(value)}" for ai, value, _ in elements)
    return raw, "]d2" + raw, bracketed


def random_code(rng):
    serial_length = rng.choice([6, 7, 13, 13, 13, 20, 1])
    serial = "".join(rng.choice(CSET82 if rng.random() < 0.4 else ALNUM) for _ in range(serial_length))
    elements = [("01", gtin(rng), True), ("21", serial, False)]
    if rng.random() < 0.6:
        elements += [("91", "".join(rng.choice(ALNUM) for _ in range(4)), False),
                     ("92", "".join(rng.choice(B64) for _ in range(44)), False)]
    else:
        elements += [("93", "".join(rng.choice(B64) for _ in range(4)), False)]
    if rng.random() < 0.2:
        elements.insert(1, ("17", rng.choice(["270131", "261200", "280229"]), True))
    if rng.random() < 0.1:
        elements.append(("8005", "".join(rng.choice("0123456789") for _ in range(6)), False))
    return elements


def main():
    engine = Engine(sys.argv[1])
    rng = random.Random(20261201)
    cases = []

    def add(name, form, text):
        entry = {"name": name, "form": form, "input": text}
        entry.update(engine.verdict(form, text))
        cases.append(entry)

    for n in range(100):
        raw, scan, bracketed = forms(random_code(rng))
        add(f"random {n} raw", "raw", raw)
        add(f"random {n} scan", "scan", scan)
        add(f"random {n} bracketed", "bracketed", bracketed)
        # Mutations a scanner, a printer or a person makes.
        add(f"random {n} trailing GS", "raw", raw + GS)
        add(f"random {n} bracketed with every ( unescaped", "bracketed", bracketed.replace("\\(", "("))
        add(f"random {n} GS dropped", "raw", raw.replace(GS, "", 1))

    g = "04870001000011"
    tail = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZn"
    named = [
        ("issue: unescaped ( with a missing )", "bracketed", f"(01)04008072509649(21)5Kq8ZtR2mWx9Q(91EE06(92){tail}"),
        ("issue: escaped ( parses", "bracketed", f"(01){g}(21)a\\(b)c\\((91)EE06(92){tail}"),
        ("issue: ( before a digit escaped", "bracketed", f"(01){g}(21)a\\(12)b(91)EE06"),
        ("issue: bracketed behind ]d2", "scan", f"]d2(01){g}(21)5Kq8ZtR2mWx9Q(91)EE06(92){tail}"),
        ("issue: bracketed behind ]C1", "scan", f"]C1(01){g}(21)5Kq8ZtR2mWx9Q(91)EE06(92){tail}"),
        ("issue: bracketed behind a leading GS", "raw", f"{GS}(01){g}(21)5Kq8ZtR2mWx9Q(91)EE06(92){tail}"),
        ("issue: trailing GS", "raw", f"01{g}215Kq8ZtR2mWx9Q{GS}91EE06{GS}92{tail}{GS}"),
        ("issue: trailing GS behind ]d2", "scan", f"]d201{g}215Kq8ZtR2mWx9Q{GS}91EE06{GS}92{tail}{GS}"),
        ("two trailing GS", "raw", f"01{g}215Kq8ZtR2mWx9Q{GS}{GS}"),
        ("doubled GS", "raw", f"01{g}215Kq8ZtR2mWx9Q{GS}{GS}91EE06"),
        ("serial of 21 characters", "raw", f"01{g}21" + "a" * 21),
        ("space in serial", "raw", f"01{g}21AB CD"),
        ("bad GTIN check digit", "raw", "0104870001000012215Kq8"),
        ("GTIN of 13 digits", "bracketed", "(01)4870001000011(21)X"),
        ("expiry month 13", "raw", f"01{g}1725134021X"),
        ("AI 92 of 91 characters", "raw", f"01{g}21X{GS}92" + "A" * 91),
        ("empty serial", "raw", f"01{g}21{GS}91EE06"),
        ("duplicate 21", "bracketed", f"(01){g}(21)X(21)Y"),
        ("unterminated bracket", "bracketed", f"(01){g}(21"),
    ]
    for name, form, text in named:
        add(name, form, text)
    json.dump({"generator": "scripts/gs1-corpus.py with the GS1 Barcode Syntax Engine (libgs1encoders)",
               "cases": cases}, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


main()
