#!/usr/bin/env python3
"""Builds the Unicode 16.0 character table the byte-level BPE pre-tokenizers use (UnicodeTable.java).

Hugging Face tokenizers 0.21.4 as DJL 0.38.0 bundles it compiles its split regexes with Oniguruma
(onig 6.5.1) and the Whitespace pre-tokenizer's with Rust's regex-syntax 0.8.5; both carry Unicode
16.0 tables, while Java 17's Character knows Unicode 13.0 (over 11,000 code points differ in
\\p{L} and \\p{N} alone). So the Java side reads its classes from this table instead.

Output: model-core/src/main/resources/io/corpusencoder/core/tokenize/unicode-16.0.0.bin.gz, gzip of
  "UCD16\\n", then 0x1100 big-endian u16 block numbers (one per 256 code points),
  then the unique 256-byte blocks. Each byte describes one code point:
    bits 0-4  general category, in UnicodeTable's order (GC below)
    bit  5    White_Space
    bit  6    Alphabetic
Deterministic (blocks numbered in first-use order; gzip header without name or time).

Needs unicodedata2==16.0.0 (general categories) and regex==2024.11.6 (Alphabetic and White_Space,
Unicode 16.0.0 in that release):
  python3 -m venv /tmp/ucd && /tmp/ucd/bin/pip install unicodedata2==16.0.0 regex==2024.11.6
  /tmp/ucd/bin/python make_unicode_tables.py
"""
import gzip
import io
import os
import struct

import regex
import unicodedata2

GC = ["Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps", "Pe",
      "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"]

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "main", "resources", "io", "corpusencoder", "core", "tokenize",
                   "unicode-16.0.0.bin.gz")


def main():
    assert unicodedata2.unidata_version == "16.0.0", unicodedata2.unidata_version
    ws = regex.compile(r"\p{White_Space}")
    alpha = regex.compile(r"\p{Alphabetic}")
    # regex 2024.11.6 knows Garay (new in 16.0) and no Unicode 17 character.
    assert alpha.match("\U00010D50") and not alpha.match("\U00011DB0")
    index = {}
    blocks = []
    numbers = []
    for b in range(0x1100):
        data = bytearray(256)
        for i in range(256):
            cp = (b << 8) | i
            ch = chr(cp)
            v = GC.index(unicodedata2.category(ch))
            if ws.match(ch):
                v |= 1 << 5
            if alpha.match(ch):
                v |= 1 << 6
            data[i] = v
        data = bytes(data)
        if data not in index:
            index[data] = len(blocks)
            blocks.append(data)
        numbers.append(index[data])
    raw = io.BytesIO()
    raw.write(b"UCD16\n")
    raw.write(struct.pack(">%dH" % len(numbers), *numbers))
    for data in blocks:
        raw.write(data)
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as z:
        z.write(raw.getvalue())
    with open(OUT, "wb") as f:
        f.write(out.getvalue())
    print("%d unique blocks, %d bytes -> %s" % (len(blocks), len(out.getvalue()), OUT))


if __name__ == "__main__":
    main()
