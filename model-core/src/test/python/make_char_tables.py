#!/usr/bin/env python3
"""Writes UnicodeTables.java: the per-character classes Hugging Face tokenizers' own rules use,
each at the Unicode version of the code that HF (0.21.4, as DJL 0.38.0 bundles it) runs.

Java 17's Character and java.text.Normalizer know Unicode 13.0; HF's rules use four other
versions, none of them 13.0:

  unicode_categories 0.1.1 (crate)   BertNormalizer's clean_text (is_other) and strip_accents
                                     filter (is_mark_nonspacing), BertPreTokenizer's and the
                                     Punctuation pre-tokenizer's is_punctuation. Its tables were
                                     generated from Unicode 8.0's UnicodeData.txt, lines only: a
                                     range given by <..., First>/<..., Last> lines contributes its
                                     two ends only (no Cc/Cf/Mn/P* is given so) and Cn is nowhere,
                                     so an unassigned code point is NOT "other". Private use (Co) is
                                     matched by code on its three full ranges.
  unicode-normalization-alignments   NFD/NFKD/NFC/NFKC (BertNormalizer's strip_accents too) and the
    0.1.12 (crate)                   StripAccents normalizer's is_combining_mark: Unicode 9.0.0.
  Rust std, char methods             is_whitespace, is_numeric, to_lowercase: the Unicode of the
                                     toolchain that built the native library. DJL 0.38.0's
                                     libtokenizers.so says "rustc version 1.98.1 (48a229cea
                                     2026-09-01)": Unicode 17.0.0, as rustc 1.95.0 and the 1.97
                                     nightly of 2026-05-19 report (char::UNICODE_VERSION), there
                                     being no Unicode 18 before September 2026. UnicodeSweepTest
                                     confirms it on the 16.0/17.0 lowercase mappings.
  regex-syntax 0.8.5                 \\w and \\s of added tokens (single_word, lstrip/rstrip) and the
                                     Whitespace pre-tokenizer: Unicode 16.0.0; that table is
                                     UnicodeTable (make_unicode_tables.py), not this one.

Inputs, all local:
  /usr/share/unicode/*.txt   Debian's unicode-data 15.0.0: UnicodeData.txt (the 8.0/9.0 tables
                             are rebuilt from it with DerivedAge.txt and GC_CHANGES below),
                             DerivedAge.txt, PropList.txt, SpecialCasing.txt (cross-checks).
  rustc                      a 20-line program prints Rust std's is_whitespace, is_numeric and
                             to_lowercase for every char: the Rust-std tables are Rust's own
                             (its char::UNICODE_VERSION must be 17.0.0). Everything it says about
                             code points assigned in 15.0 is checked against the 15.0 files.
                             (unicodedata2 17.0.0 from PyPI has categories but no case mappings
                             or White_Space, so it could not stand in for Rust here.)

Self-test (--check-crates DIR): compares the rebuilt 8.0 and 9.0 sets with the crates' own
tables, DIR holding unicode_categories-0.1.1-tables.rs and
unicode-normalization-alignments-0.1.12-tables.rs: their src/tables.rs, as `cargo vendor` of a
project depending on unicode_categories = "=0.1.1" and unicode-normalization-alignments =
"=0.1.12" gives them. Only read, never copied into the output.

Deterministic: the same inputs give the same file.

  python3 model-core/src/test/python/make_char_tables.py [--check-crates DIR] [--rustc RUSTC]
"""
import argparse
import os
import re
import subprocess
import tempfile

UCD = "/usr/share/unicode"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "main", "java", "io", "corpusencoder", "core", "tokenize",
                   "UnicodeTables.java")
RUST_UNICODE = (17, 0, 0)
MAX = 0x10FFFF

# General categories that changed between Unicode 8.0/9.0 and 15.0, for the code points where that
# matters to the sets below: (code point, category before, first version with today's category).
# Found by comparing Python's unicodedata of 3.6 (9.0), 3.7 (11.0), 3.8 (12.1), 3.11 (14.0) and
# the crates' tables (8.0); the self-test confirms the rebuilt sets equal the crates'.
GC_CHANGES = [
    (0x1734, "Mn", (14, 0)),   # HANUNOO SIGN PAMUDPOD: Mn -> Mc
    (0x1885, "Lo", (9, 0)),    # MONGOLIAN LETTER ALI GALI BALUDA: Lo -> Mn
    (0x1886, "Lo", (9, 0)),    # MONGOLIAN LETTER ALI GALI THREE BALUDA: Lo -> Mn
    (0x1CF2, "Mc", (10, 0)),   # VEDIC SIGN ARDHAVISARGA: Mc -> Lo
    (0x1CF3, "Mc", (10, 0)),   # VEDIC SIGN ROTATED ARDHAVISARGA: Mc -> Lo
    (0x111C9, "Po", (10, 0)),  # SHARADA SANDHI MARK: Po -> Mn (Po in 9.0, Mn by 11.0)
    (0x166D, "Po", (12, 0)),   # CANADIAN SYLLABICS CHI SIGN: Po -> So
    (0xA9BD, "Mc", (12, 0)),   # JAVANESE CONSONANT SIGN KERET: Mc -> Mn
]

PRIVATE_USE = [(0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD)]


def ucd_lines(name):
    with open(os.path.join(UCD, name), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                yield [x.strip() for x in line.split(";")]


def code_range(field):
    if ".." in field:
        lo, hi = field.split("..")
        return range(int(lo, 16), int(hi, 16) + 1)
    return range(int(field, 16), int(field, 16) + 1)


def read_ucd():
    with open(os.path.join(UCD, "DerivedAge.txt"), encoding="utf-8") as f:
        head = f.readline().strip()
    version = re.match(r"# DerivedAge-(\d+)\.(\d+)\.(\d+)\.txt", head)
    assert version, head
    version = tuple(int(x) for x in version.groups())
    age = {}
    for f in ucd_lines("DerivedAge.txt"):
        v = tuple(int(x) for x in f[1].split("."))
        for c in code_range(f[0]):
            age[c] = v
    listed = {}   # the lines of UnicodeData.txt: code point -> category (range ends only)
    gc = {}       # every assigned code point -> category
    lower = {}    # simple lowercase mappings
    first = None
    for f in ucd_lines("UnicodeData.txt"):
        c, name, cat = int(f[0], 16), f[1], f[2]
        listed[c] = cat
        if name.endswith(", First>"):
            first = c
            continue
        if name.endswith(", Last>"):
            for x in range(first, c + 1):
                gc[x] = cat
            continue
        gc[c] = cat
        if f[13]:
            lower[c] = [int(f[13], 16)]
    for f in ucd_lines("SpecialCasing.txt"):
        if len(f) > 4 and f[4]:
            continue  # conditional (Final_Sigma, language-specific): not in char::to_lowercase
        c, lo = int(f[0], 16), [int(x, 16) for x in f[1].split()]
        if lo != [c]:
            lower[c] = lo
    white = set()
    for f in ucd_lines("PropList.txt"):
        if f[1] == "White_Space":
            white.update(code_range(f[0]))
    return version, age, listed, gc, lower, white


def category_at(cp, cat_now, version):
    for c, before, since in GC_CHANGES:
        if c == cp and version < since:
            return before
    return cat_now


def listed_at(listed, age, cats, version):
    """Code points with a line of their own in UnicodeData.txt of `version` in one of `cats`."""
    return {c for c, cat in listed.items()
            if age.get(c, (99,)) <= version and category_at(c, cat, version) in cats}


RUST_DUMP = r"""
use std::io::Write;
fn main() {
    let v = char::UNICODE_VERSION;
    let mut o = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(o, "unicode {} {} {}", v.0, v.1, v.2).unwrap();
    for c in 0u32..=0x10FFFF {
        if let Some(ch) = char::from_u32(c) {
            let lower: Vec<String> = ch.to_lowercase().map(|x| format!("{:x}", x as u32)).collect();
            let lower = lower.join(" ");
            let same = lower == format!("{:x}", c);
            if ch.is_whitespace() || ch.is_numeric() || !same {
                writeln!(o, "{:x};{};{};{}", c, ch.is_whitespace() as u8, ch.is_numeric() as u8,
                         if same { "" } else { &lower }).unwrap();
            }
        }
    }
}
"""


def rust_std(rustc):
    """Rust std's is_whitespace, is_numeric and to_lowercase for every char, from Rust itself."""
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = os.path.join(tmp, "dump.rs"), os.path.join(tmp, "dump")
        with open(src, "w") as f:
            f.write(RUST_DUMP)
        subprocess.run([rustc, "-O", "-o", exe, src], check=True)
        out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    lines = out.splitlines()
    version = tuple(int(x) for x in lines[0].split()[1:])
    white, numeric, lower = set(), set(), {}
    for line in lines[1:]:
        c, ws, num, lo = line.split(";")
        c = int(c, 16)
        if ws == "1":
            white.add(c)
        if num == "1":
            numeric.add(c)
        if lo:
            lower[c] = [int(x, 16) for x in lo.split()]
    return version, white, numeric, lower


def ranges(cps):
    out = []
    for c in sorted(cps):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


def lowercase_runs(lower):
    """Single-char mappings as runs (lo, hi, step, delta): every step-th code point from lo to hi
    maps to itself + delta."""
    runs = []
    for c in sorted(lower):
        d = lower[c][0] - c
        if runs:
            lo, hi, step, delta = runs[-1]
            if delta == d and ((lo == hi and c - hi in (1, 2)) or c - hi == step):
                runs[-1] = [lo, c, c - lo if lo == hi else step, delta]
                continue
        runs.append([c, c, 1, d])
    for r in runs:
        if r[0] == r[1]:
            r[2] = 1
    return runs


def check_crates(d, listed, age, gc, sets):
    """The rebuilt 8.0/9.0 sets against the crates' own tables."""
    text = open(os.path.join(d, "unicode_categories-0.1.1-tables.rs"), encoding="utf-8").read()

    def crate(name):
        m = re.search(r"pub static %s\s*:[^=]*=\s*&\[(.*?)\];" % name, text, re.S)
        return {int(x, 16) for x in re.findall(r"\\u\{([0-9A-Fa-f]+)\}", m.group(1))}

    other = crate("OTHER_CONTROL") | crate("OTHER_FORMAT")
    punct = set()
    for n in ("CLOSE", "CONNECTOR", "DASH", "FINAL_QUOTE", "INITIAL_QUOTE", "OPEN", "OTHER"):
        punct |= crate("PUNCTUATION_" + n)
    assert other == sets["other"], sorted(other ^ sets["other"])
    assert punct == sets["punct"], sorted(punct ^ sets["punct"])
    assert crate("MARK_NONSPACING") == sets["mn8"], sorted(crate("MARK_NONSPACING") ^ sets["mn8"])
    pua = crate("OTHER_PRIVATE_USE")
    assert all(any(lo <= c <= hi for lo, hi in PRIVATE_USE) for c in pua), pua
    text = open(os.path.join(d, "unicode-normalization-alignments-0.1.12-tables.rs"),
                encoding="utf-8").read()
    assert "UNICODE_VERSION: (u64, u64, u64) = (9, 0, 0)" in text
    m = re.search(r"COMBINING_MARK_KV: &\[u32\] = &\[(.*?)\];", text, re.S)
    marks = {int(x, 16) for x in re.findall(r"0x([0-9a-fA-F]+)", m.group(1))}
    assert marks == sets["mark9"], sorted(marks ^ sets["mark9"])
    # Every code point with a 9.0 canonical or compatibility decomposition is assigned by 9.0.
    m = re.search(r"CANONICAL_DECOMPOSED_KV: .*? = &\[(.*?)\];", text, re.S)
    keys = {int(x, 16) for x in re.findall(r"\(0x([0-9a-fA-F]+),", m.group(1))}
    m = re.search(r"COMPATIBILITY_DECOMPOSED_KV: .*? = &\[(.*?)\];", text, re.S)
    keys |= {int(x, 16) for x in re.findall(r"\(0x([0-9a-fA-F]+),", m.group(1))}
    assert keys <= sets["age9"], sorted(keys - sets["age9"])[:10]
    print("crate tables: unicode_categories 0.1.1 and unicode-normalization-alignments 0.1.12 "
          "agree (%d other, %d punctuation, %d Mn, %d M, %d decompositions)"
          % (len(other), len(punct), len(sets["mn8"]), len(marks), len(keys)))


def javadoc(doc):
    return ["  /**"] + ["   * " + line.strip() for line in doc.split("\n")] + ["   */"]


def java_ranges(name, doc, rs):
    lines = javadoc(doc) + ["  static final int[] %s = {" % name]
    cells = ["0x%04X, 0x%04X" % (lo, hi) for lo, hi in rs]
    row = "   "
    for cell in cells:
        if len(row) + len(cell) + 2 > 100:
            lines.append(row.rstrip())
            row = "   "
        row += " " + cell + ","
    lines.append(row.rstrip())
    lines.append("  };")
    return "\n".join(lines)


def java_runs(name, doc, runs):
    lines = javadoc(doc) + ["  static final int[] %s = {" % name]
    row = "   "
    for lo, hi, step, delta in runs:
        cell = "0x%04X, 0x%04X, %d, %d" % (lo, hi, step, delta)
        if len(row) + len(cell) + 2 > 100:
            lines.append(row.rstrip())
            row = "   "
        row += " " + cell + ","
    lines.append(row.rstrip())
    lines.append("  };")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check-crates", metavar="DIR")
    ap.add_argument("--rustc", default="rustc")
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()

    version, age, listed, gc, lower15, white15 = read_ucd()
    assert version == (15, 0, 0), version
    rust_version, white, numeric, lower = rust_std(args.rustc)
    assert rust_version == RUST_UNICODE, rust_version

    # The Rust dump and the 15.0 files agree on everything assigned in 15.0.
    for c in range(MAX + 1):
        if c not in age:
            continue
        assert (c in white) == (c in white15), hex(c)
        assert (c in numeric) == (gc.get(c, "Cn") in ("Nd", "Nl", "No")), hex(c)
        assert lower.get(c) == lower15.get(c), (hex(c), lower.get(c), lower15.get(c))
    newer = [c for c in range(MAX + 1) if c not in age
             and (c in white or c in numeric or c in lower)]
    multi = {c: lo for c, lo in lower.items() if len(lo) > 1}
    assert multi == {0x130: [0x69, 0x307]}, multi

    ascii_punct = {c for c in range(0x80) if chr(c) in
                   "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"}
    sets = {
        "other": listed_at(listed, age, ("Cc", "Cf"), (8, 0)),
        "punct": listed_at(listed, age, ("Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"), (8, 0)),
        "mn8": listed_at(listed, age, ("Mn",), (8, 0)),
        "mark9": {c for c, cat in gc.items()
                  if age[c] <= (9, 0) and category_at(c, cat, (9, 0)) in ("Mn", "Mc", "Me")},
        "age9": {c for c, v in age.items() if v <= (9, 0)},
    }
    if args.check_crates:
        check_crates(args.check_crates, listed, age, gc, sets)
    other = set(sets["other"])
    for lo, hi in PRIVATE_USE:
        other.update(range(lo, hi + 1))

    runs = lowercase_runs({c: lo for c, lo in lower.items() if len(lo) == 1})
    tables = [
        java_ranges("BERT_OTHER",
                    "unicode_categories 0.1.1 is_other(): Cc and Cf as listed in UnicodeData.txt "
                    "8.0 (no Cn), and\nthe private-use ranges (Co). %d code points." %
                    len(other), ranges(other)),
        java_ranges("BERT_PUNCTUATION",
                    "char::is_ascii_punctuation or unicode_categories 0.1.1 is_punctuation(): "
                    "ASCII punctuation\nand symbols, and P* as listed in UnicodeData.txt 8.0. "
                    "%d code points." % len(sets["punct"] | ascii_punct),
                    ranges(sets["punct"] | ascii_punct)),
        java_ranges("BERT_NONSPACING_MARK",
                    "unicode_categories 0.1.1 is_mark_nonspacing(): Mn as listed in UnicodeData.txt "
                    "8.0.\n%d code points." % len(sets["mn8"]), ranges(sets["mn8"])),
        java_ranges("COMBINING_MARK_9",
                    "unicode-normalization-alignments 0.1.12 is_combining_mark(): Mn, Mc, Me of "
                    "Unicode 9.0.0.\n%d code points." % len(sets["mark9"]),
                    ranges(sets["mark9"])),
        java_ranges("ASSIGNED_9",
                    "Assigned in Unicode 9.0.0 (DerivedAge): the code points "
                    "unicode-normalization-alignments\n0.1.12 can decompose; any other is its "
                    "own NFD/NFKD there. %d code points." % len(sets["age9"]),
                    ranges(sets["age9"])),
        java_ranges("WHITE_SPACE",
                    "Rust's char::is_whitespace (White_Space), Unicode %d.%d.%d. %d code points."
                    % (RUST_UNICODE + (len(white),)), ranges(white)),
        java_ranges("NUMERIC",
                    "Rust's char::is_numeric (Nd, Nl, No), Unicode %d.%d.%d. %d code points."
                    % (RUST_UNICODE + (len(numeric),)), ranges(numeric)),
        java_runs("LOWERCASE",
                  "Rust's char::to_lowercase, Unicode %d.%d.%d, as runs {lo, hi, step, delta}: "
                  "every step-th code\npoint from lo to hi lowercases to itself + delta. "
                  "%d mappings in %d runs; the one multi-character\nmapping, U+0130 to "
                  "U+0069 U+0307, is not here."
                  % (RUST_UNICODE + (len(lower) - 1, len(runs))), runs),
    ]
    java = HEADER % {"rust": "%d.%d.%d" % RUST_UNICODE} + "\n\n".join(tables) + FOOTER
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(java)
    print("Rust std Unicode %d.%d.%d: %d code points beyond 15.0 whitespace, numeric or "
          "lowercasing" % (RUST_UNICODE + (len(newer),)))
    for name, s in sorted(sets.items()):
        print("%-6s %7d code points in %4d ranges" % (name, len(s), len(ranges(s))))
    print("%d lowercase mappings in %d runs -> %s" % (len(lower), len(runs), args.out))


HEADER = """\
// GENERATED by model-core/src/test/python/make_char_tables.py from Debian's unicode-data 15.0.0
// and Rust %(rust)s's std; do not edit.
package io.corpusencoder.core.tokenize;

/**
 * The per-character classes of Hugging Face tokenizers' own rules, each at the Unicode version HF
 * 0.21.4 (DJL 0.38.0's native library) uses for it; Java 17's Character (Unicode 13.0) is right for
 * none of them. Ranges are sorted {lo, hi} pairs, inclusive; test with {@link #contains}.
 *
 * <ul>
 *   <li>unicode_categories 0.1.1 (BertNormalizer, BertPreTokenizer, Punctuation): Unicode 8.0,
 *       only code points with their own line in UnicodeData.txt, so unassigned ones are in no
 *       class.
 *   <li>unicode-normalization-alignments 0.1.12 (NFD and friends, StripAccents): Unicode 9.0.0.
 *   <li>Rust std's char methods: Unicode %(rust)s (rustc 1.98.1 built the library).
 * </ul>
 */
final class UnicodeTables {
  private UnicodeTables() {}

  /** Whether {@code cp} is in {@code ranges}, sorted inclusive {lo, hi} pairs. */
  static boolean contains(int[] ranges, int cp) {
    int lo = 0;
    int hi = ranges.length / 2 - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (cp < ranges[2 * mid]) {
        hi = mid - 1;
      } else if (cp > ranges[2 * mid + 1]) {
        lo = mid + 1;
      } else {
        return true;
      }
    }
    return false;
  }

  /**
   * Rust's char::to_lowercase of {@code cp} when that is one character (all but U+0130, whose
   * lowercase is U+0069 U+0307).
   */
  static int toLowerCase(int cp) {
    int lo = 0;
    int hi = LOWERCASE.length / 4 - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int i = 4 * mid;
      if (cp < LOWERCASE[i]) {
        hi = mid - 1;
      } else if (cp > LOWERCASE[i + 1]) {
        lo = mid + 1;
      } else {
        return (cp - LOWERCASE[i]) %% LOWERCASE[i + 2] == 0 ? cp + LOWERCASE[i + 3] : cp;
      }
    }
    return cp;
  }

"""

FOOTER = "\n}\n"

if __name__ == "__main__":
    main()
