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
then "SCRIPTS\n", the script names (SCRIPTS below, one a line, an empty line after the last), and
a second two-level table of the same shape whose bytes are Script property values (indices into
the names; Unknown is 0).
Deterministic (blocks numbered in first-use order; gzip header without name or time).

Needs unicodedata2==16.0.0 (general categories) and regex==2024.11.6 (Alphabetic, White_Space and
Script, Unicode 16.0.0 in that release):
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

# Script values: Java 17's Character.UnicodeScript order (Unicode 13.0), then those added in
# Unicode 14.0-16.0. Unknown (unassigned code points) is number 0.
SCRIPTS = [
    "UNKNOWN",
    "COMMON", "LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "HEBREW", "ARABIC", "SYRIAC", "THAANA",
    "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA", "TAMIL", "TELUGU", "KANNADA",
    "MALAYALAM", "SINHALA", "THAI", "LAO", "TIBETAN", "MYANMAR", "GEORGIAN", "HANGUL", "ETHIOPIC",
    "CHEROKEE", "CANADIAN_ABORIGINAL", "OGHAM", "RUNIC", "KHMER", "MONGOLIAN", "HIRAGANA",
    "KATAKANA", "BOPOMOFO", "HAN", "YI", "OLD_ITALIC", "GOTHIC", "DESERET", "INHERITED",
    "TAGALOG", "HANUNOO", "BUHID", "TAGBANWA", "LIMBU", "TAI_LE", "LINEAR_B", "UGARITIC",
    "SHAVIAN", "OSMANYA", "CYPRIOT", "BRAILLE", "BUGINESE", "COPTIC", "NEW_TAI_LUE", "GLAGOLITIC",
    "TIFINAGH", "SYLOTI_NAGRI", "OLD_PERSIAN", "KHAROSHTHI", "BALINESE", "CUNEIFORM",
    "PHOENICIAN", "PHAGS_PA", "NKO", "SUNDANESE", "BATAK", "LEPCHA", "OL_CHIKI", "VAI",
    "SAURASHTRA", "KAYAH_LI", "REJANG", "LYCIAN", "CARIAN", "LYDIAN", "CHAM", "TAI_THAM",
    "TAI_VIET", "AVESTAN", "EGYPTIAN_HIEROGLYPHS", "SAMARITAN", "MANDAIC", "LISU", "BAMUM",
    "JAVANESE", "MEETEI_MAYEK", "IMPERIAL_ARAMAIC", "OLD_SOUTH_ARABIAN", "INSCRIPTIONAL_PARTHIAN",
    "INSCRIPTIONAL_PAHLAVI", "OLD_TURKIC", "BRAHMI", "KAITHI", "MEROITIC_HIEROGLYPHS",
    "MEROITIC_CURSIVE", "SORA_SOMPENG", "CHAKMA", "SHARADA", "TAKRI", "MIAO",
    "CAUCASIAN_ALBANIAN", "BASSA_VAH", "DUPLOYAN", "ELBASAN", "GRANTHA", "PAHAWH_HMONG", "KHOJKI",
    "LINEAR_A", "MAHAJANI", "MANICHAEAN", "MENDE_KIKAKUI", "MODI", "MRO", "OLD_NORTH_ARABIAN",
    "NABATAEAN", "PALMYRENE", "PAU_CIN_HAU", "OLD_PERMIC", "PSALTER_PAHLAVI", "SIDDHAM",
    "KHUDAWADI", "TIRHUTA", "WARANG_CITI", "AHOM", "ANATOLIAN_HIEROGLYPHS", "HATRAN", "MULTANI",
    "OLD_HUNGARIAN", "SIGNWRITING", "ADLAM", "BHAIKSUKI", "MARCHEN", "NEWA", "OSAGE", "TANGUT",
    "MASARAM_GONDI", "NUSHU", "SOYOMBO", "ZANABAZAR_SQUARE", "HANIFI_ROHINGYA", "OLD_SOGDIAN",
    "SOGDIAN", "DOGRA", "GUNJALA_GONDI", "MAKASAR", "MEDEFAIDRIN", "ELYMAIC", "NANDINAGARI",
    "NYIAKENG_PUACHUE_HMONG", "WANCHO", "YEZIDI", "CHORASMIAN", "DIVES_AKURU",
    "KHITAN_SMALL_SCRIPT",
    "CYPRO_MINOAN", "OLD_UYGHUR", "TANGSA", "TOTO", "VITHKUQI", "KAWI", "NAG_MUNDARI", "GARAY",
    "GURUNG_KHEMA", "KIRAT_RAI", "OL_ONAL", "SUNUWAR", "TODHRI", "TULU_TIGALARI",
]

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "main", "resources", "io", "corpusencoder", "core", "tokenize",
                   "unicode-16.0.0.bin.gz")


def two_level(value):
    """Block numbers and unique 256-byte blocks of value(cp) for every code point."""
    index = {}
    blocks = []
    numbers = []
    for b in range(0x1100):
        data = bytes(value((b << 8) | i) for i in range(256))
        if data not in index:
            index[data] = len(blocks)
            blocks.append(data)
        numbers.append(index[data])
    return numbers, blocks


def script_values():
    """The Script property of every code point, as indices into SCRIPTS."""
    values = bytearray(0x110000)
    every = "".join(chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF)
    for k, name in enumerate(SCRIPTS):
        if k == 0:
            continue
        found = 0
        for m in regex.finditer(r"\p{Script=%s}+" % name, every):
            for ch in m.group():
                values[ord(ch)] = k
                found += 1
        assert found > 0, name
    return values


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
    scripts = script_values()
    snumbers, sblocks = two_level(lambda cp: scripts[cp])
    raw.write(b"SCRIPTS\n")
    for name in SCRIPTS:
        raw.write(name.encode("ascii") + b"\n")
    raw.write(b"\n")
    raw.write(struct.pack(">%dH" % len(snumbers), *snumbers))
    for data in sblocks:
        raw.write(data)
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as z:
        z.write(raw.getvalue())
    with open(OUT, "wb") as f:
        f.write(out.getvalue())
    print("%d + %d unique blocks, %d bytes -> %s" % (len(blocks), len(sblocks), len(out.getvalue()),
                                                    OUT))


if __name__ == "__main__":
    main()
