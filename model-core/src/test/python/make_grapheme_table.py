#!/usr/bin/env python3
"""Prints the property data string of Graphemes.java (DATA: 8-hex-digit entries, the first
code point of a run and its properties: grapheme category in the low 4 bits, 0x10 InCB=Extend,
0x20 InCB=Linker) from src/tables.rs of the Rust crate unicode-segmentation 1.12.0 (Unicode
16.0.0), the crate Hugging Face tokenizers 0.21.4 (DJL 0.38.0) segments graphemes with.

tables.rs comes with the crate's source (crates.io, or `git show v1.12.0:src/tables.rs` in the
crate's repository). Paste the output over the string in Graphemes.java; run on v1.12.0's file it
gives the committed string exactly (checked 2026-11-26).

Usage: python3 make_grapheme_table.py path/to/unicode-segmentation-1.12.0/src/tables.rs
"""
import re, sys
src = open(sys.argv[1]).read()
CATS = ["Any", "CR", "LF", "Control", "Extend", "ZWJ", "Prepend", "SpacingMark", "L", "V", "T",
        "LV", "LVT", "Regional_Indicator", "InCB_Consonant", "Extended_Pictographic"]
def table(name):
    m = re.search(r"const %s: &\[[^\]]*\] = &\[(.*?)\];" % name, src, re.S)
    return m.group(1)
val = bytearray(0x110000)
seen = 0
for lo, hi, cat in re.findall(r"\('\\u\{([0-9a-f]+)\}',\s*'\\u\{([0-9a-f]+)\}',\s*GC_(\w+)\)", table("grapheme_cat_table")):
    c = CATS.index(cat)
    for cp in range(int(lo, 16), int(hi, 16) + 1):
        assert val[cp] == 0; val[cp] = c
    seen += 1
ext = 0
for lo, hi in re.findall(r"\('\\u\{([0-9a-f]+)\}',\s*'\\u\{([0-9a-f]+)\}'\)", table("InCB_Extend_table")):
    for cp in range(int(lo, 16), int(hi, 16) + 1):
        val[cp] |= 16
    ext += 1
m = re.search(r"pub fn is_incb_linker\(c: char\) -> bool \{\s*matches!\(c,(.*?)\)\s*\}", src, re.S)
linkers = re.findall(r"'\\u\{([0-9A-Fa-f]+)\}'(?:\.\.'\\u\{([0-9A-Fa-f]+)\}')?", m.group(1))
for lo, hi in linkers:
    for cp in range(int(lo, 16), int(hi or lo, 16) + 1):
        val[cp] |= 32
# surrogates: not chars in Rust; the crate's table has no entry for them (GC_Any)
out = []
prev = -1
for cp in range(0x110000):
    if val[cp] != prev:
        out.append("%06X%02X" % (cp, val[cp]))
        prev = val[cp]
sys.stderr.write("ranges %d incb-extend %d linkers %s boundaries %d\n" % (seen, ext, linkers, len(out)))
s = "".join(out)
lines = [s[i:i + 88] for i in range(0, len(s), 88)]
print("      \"" + "\"\n      + \"".join(lines) + "\";")
