#!/usr/bin/env python3
"""Builds the multilingual tokenizer test corpus (issue 11) from Debian's own data on this machine.

Output: model-core/src/test/resources/tokenize/multilingual-texts.jsonl.gz, one JSON object a line,
{"lang": "de", "text": "..."}, about 4000 texts balanced across languages, a mix of lengths:
  short  a synopsis (DDTP) or an AppStream summary: one line
  full   a whole package description: synopsis, then the long description's paragraphs
  long   several full descriptions of one language joined by blank lines, long enough to exceed
         512 tokens with any BERT-family tokenizer
  emoji  CLDR emoji annotations in that language: emoji (ZWJ sequences, skin tones, flags,
         keycaps) each followed by its name and keywords

Sources, all Debian's (read from local files; nothing else is downloaded):
  1. apt's translated package descriptions (DDTP), /var/lib/apt/lists/*_i18n_Translation-*,
     read with /usr/lib/apt/apt-helper cat-file (as scripts/bench.sh does for English). Fetch them
     with: apt-get update -o Acquire::Languages=en,de,fr,...  (Debian's docker images set
     Acquire::Languages "none"; the list of languages a suite has is in its InRelease file).
  2. AppStream (DEP-11) metadata, /var/lib/apt/lists/*_dep11_Components-*.yml.gz, already fetched
     by a plain apt-get update: upstream-translated summaries and descriptions of desktop apps;
     this is where Arabic, Hebrew, Persian, Hindi, Thai, Georgian, ... come from (DDTP has none).
  3. Unicode CLDR emoji annotations from the Debian package unicode-cldr-core
     (/usr/share/unicode/cldr/common/annotations{,Derived}/*.xml).

Deterministic: inputs are read in sorted order, duplicates dropped, records sorted before a
seeded shuffle; the gzip header carries no name or time. Run as root to let it fetch the indexes
and install unicode-cldr-core itself if they are missing. Needs PyYAML (requirements.txt).

  python3 make_multilingual_corpus.py [--out FILE] [--total 4000] [--seed 11]
"""
import argparse
import collections
import functools
import glob
import gzip
import html
import io
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET

import yaml

LISTS = "/var/lib/apt/lists"
CLDR = "/usr/share/unicode/cldr/common"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "resources", "tokenize", "multilingual-texts.jsonl.gz")

# Language codes as written in the output; variants are folded into one.
ALIASES = {
    "de_DE": "de", "pt_AO": "pt", "pt_PT": "pt", "pt-BR": "pt_BR", "pt_br": "pt_BR",
    "zh": "zh_CN", "zh-CN": "zh_CN", "zh-Hans": "zh_CN", "zh_Hans_CN": "zh_CN", "zh-HANS": "zh_CN",
    "zh-TW": "zh_TW", "zh_Hant": "zh_TW", "zh-HK": "zh_HK", "nb_NO": "nb", "nb-NO": "nb",
    "sr@latin": "sr_Latn", "sr-Latn": "sr_Latn", "ca-valencia": "ca", "ca@valencia": "ca",
    "fr_FR": "fr", "es_ES": "es", "it_IT": "it", "nl_NL": "nl", "ru_RU": "ru", "pl_PL": "pl",
    "uk_UA": "uk", "cs_CZ": "cs", "ro_RO": "ro", "tr_TR": "tr", "sk_SK": "sk", "ja_JP": "ja",
    "id_ID": "id", "da_DK": "da", "hy_AM": "hy", "hye": "hy", "bn_BD": "bn", "ms_MY": "ms",
    "es_MX": "es", "es_419": "es", "fr_CA": "fr", "sr_ijekavian": "sr", "sr_ijekavianlatin": "sr_Latn",
    "uz@Latn": "uz", "af_ZA": "af", "nl_BE": "nl", "sr_ME": "sr",
}
# The writing system each language must mostly be written in (untranslated copies are dropped).
SCRIPT_OF = {
    "ar": "Arabic", "fa": "Arabic", "ur": "Arabic", "ckb": "Arabic", "he": "Hebrew",
    "hi": "Devanagari", "mr": "Devanagari", "ne": "Devanagari", "th": "Thai", "lo": "Lao",
    "km": "Khmer", "my": "Myanmar", "ka": "Georgian", "hy": "Armenian", "el": "Greek",
    "ru": "Cyrillic", "uk": "Cyrillic", "bg": "Cyrillic", "be": "Cyrillic", "sr": "Cyrillic",
    "kk": "Cyrillic", "mk": "Cyrillic", "tg": "Cyrillic", "ta": "Tamil", "te": "Telugu",
    "kn": "Kannada", "ml": "Malayalam", "gu": "Gujarati", "pa": "Gurmukhi", "bn": "Bengali",
    "bn_IN": "Bengali", "or": "Oriya", "si": "Sinhala", "ja": "Japanese", "zh_CN": "Han",
    "zh_TW": "Han", "zh_HK": "Han", "ko": "Hangul",
}
SKIP_LANGS = {"C", "be@latin", "ms@Arab", "en_GB", "en-GB", "en_AU", "en_CA", "en_US", "en-US", "en-CA", "en@quot",
              "x-eg", "tok", "ia", "ie"}  # English variants (en comes from DDTP), constructed languages
CANDIDATES = 400        # records considered per language (after a seeded shuffle)
MIN_TEXTS = 30          # a language with fewer usable texts is left out
SHORT, FULL, LONG, EMOJI = 0.27, 0.55, 0.10, 0.08  # shares of each language's texts
WIDE_SCRIPTS = {"Han", "Japanese", "Hangul", "Thai", "Lao", "Khmer", "Myanmar"}


@functools.lru_cache(maxsize=None)
def script_of_char(ch):
    cp = ord(ch)
    if is_emoji(cp):
        return "Emoji"
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    if name.startswith("CJK") or 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF:
        return "Han"
    if name.startswith(("HIRAGANA", "KATAKANA")) or 0x30A0 <= cp <= 0x30FF or 0xFF66 <= cp <= 0xFF9D:
        return "Kana"
    if name.startswith("HANGUL"):
        return "Hangul"
    word = name.split(" ")[0]
    return {"LATIN": "Latin", "CYRILLIC": "Cyrillic", "GREEK": "Greek", "ARABIC": "Arabic",
            "HEBREW": "Hebrew", "DEVANAGARI": "Devanagari", "THAI": "Thai", "LAO": "Lao",
            "KHMER": "Khmer", "MYANMAR": "Myanmar", "GEORGIAN": "Georgian", "ARMENIAN": "Armenian",
            "TAMIL": "Tamil", "TELUGU": "Telugu", "KANNADA": "Kannada", "MALAYALAM": "Malayalam",
            "GUJARATI": "Gujarati", "GURMUKHI": "Gurmukhi", "BENGALI": "Bengali", "ORIYA": "Oriya",
            "SINHALA": "Sinhala"}.get(word, word.title() or None)


def is_emoji(cp):
    return (0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or 0x1F1E6 <= cp <= 0x1F1FF
            or 0x2B00 <= cp <= 0x2BFF or cp in (0x203C, 0x2049, 0x231A, 0x231B, 0x2328))
    # (ZWJ, VS16 and the keycap mark are parts of emoji sequences, but Malayalam, Sinhala and
    # others use ZWJ in plain text, so they do not make a text count as one with emoji)


def scripts(text):
    c = collections.Counter(s for s in map(script_of_char, text) if s)
    return c


def main_script(lang, text):
    c = scripts(text)
    c.pop("Emoji", None)
    if not c:
        return None
    if lang == "ja" and (c.get("Kana", 0) or c.get("Han", 0)):
        return "Japanese"
    if c.get("Kana"):
        c["Han"] += c.pop("Kana")
    return c.most_common(1)[0][0]


def in_expected_script(lang, text):
    want = SCRIPT_OF.get(lang.split("_")[0] if lang not in SCRIPT_OF else lang, "Latin")
    c = scripts(text)
    c.pop("Emoji", None)
    total = sum(c.values())
    if total == 0:
        return False
    if want == "Japanese":
        return c.get("Kana", 0) > 0 and (c.get("Kana", 0) + c.get("Han", 0)) / total >= 0.4
    if want == "Han":
        return c.get("Han", 0) / total >= 0.4 and c.get("Kana", 0) == 0
    if lang == "sr_Latn":
        want = "Latin"
    return c.get(want, 0) / total >= 0.5


def norm_lang(code):
    code = ALIASES.get(code, code).replace("-", "_")
    return ALIASES.get(code, code)


# ---------------------------------------------------------------- DDTP: Translation-* indexes

def ensure_apt_indexes():
    have = glob.glob(os.path.join(LISTS, "*_i18n_Translation-*"))
    if len([f for f in have if not f.endswith(("Translation-en", "Translation-en.lz4"))]) >= 20:
        return
    if os.geteuid() != 0:
        sys.exit("no translated package descriptions under %s; as root run: apt-get update "
                 "-o Acquire::Languages=<the languages in the suite's InRelease>" % LISTS)
    release = sorted(glob.glob(os.path.join(LISTS, "*_dists_*_InRelease")))
    langs = set()
    for f in release:
        with open(f, encoding="utf-8", errors="replace") as fh:
            langs.update(re.findall(r"/i18n/Translation-([A-Za-z_]+)\.", fh.read()))
    langs.add("en")
    subprocess.run(["apt-get", "update", "-qq", "-o", "Acquire::Languages=" + ",".join(sorted(langs))],
                   check=True, stdout=sys.stderr)


def read_ddtp():
    """{lang: [(key, synopsis, [paragraph, ...])]} from every Translation-* index."""
    out = collections.defaultdict(dict)
    for f in sorted(glob.glob(os.path.join(LISTS, "*_i18n_Translation-*"))):
        raw = subprocess.run(["/usr/lib/apt/apt-helper", "cat-file", f], check=True,
                             stdout=subprocess.PIPE).stdout.decode("utf-8", errors="replace")
        for rec in raw.split("\n\n"):
            pkg, lang, syn, body = None, None, None, []
            for line in rec.split("\n"):
                if line.startswith("Package: "):
                    pkg = line[9:].strip()
                elif line.startswith("Description-") and not line.startswith("Description-md5"):
                    k, _, v = line.partition(": ")
                    lang, syn = k[len("Description-"):], v.strip()
                elif syn is not None and line.startswith(" "):
                    body.append(line[1:])
            if not syn:
                continue
            paras, cur = [], []
            for line in body:
                if line.strip() == ".":
                    if cur:
                        paras.append(cur)
                    cur = []
                else:
                    cur.append(line)
            if cur:
                paras.append(cur)
            # a paragraph's lines are joined by spaces, except verbatim (indented) lines and lists
            text_paras = []
            for p in paras:
                if any(l.startswith(" ") for l in p):
                    text_paras.append("\n".join(l.strip() if not l.startswith(" ") else l.rstrip() for l in p))
                else:
                    text_paras.append(" ".join(l.strip() for l in p))
            lang = norm_lang(lang)
            out[lang].setdefault((pkg or "", syn), (syn, text_paras))
    return {l: [(k[0], v[0], v[1]) for k, v in sorted(d.items())] for l, d in out.items()}


# ---------------------------------------------------------------- DEP-11 (AppStream)

BLOCK = re.compile(r"</?(p|ul|ol)\s*>", re.I)


def html_to_text(s):
    s = re.sub(r"\s*<li>\s*", "\n• ", s, flags=re.I)
    s = re.sub(r"\s*</li>\s*", "", s, flags=re.I)
    s = BLOCK.sub("\n\n", s)
    s = re.sub(r"<[^>]+>", "", s)
    s = html.unescape(s)
    paras = []
    for p in re.split(r"\n\s*\n", s):
        lines = [re.sub(r"\s+", " ", l).strip() for l in p.split("\n")]
        lines = [l for l in lines if l]
        if not lines:
            continue
        # a paragraph that is plain text reflows; list items keep their own lines
        if any(l.startswith("• ") for l in lines):
            paras.append("\n".join(lines))
        else:
            paras.append(" ".join(lines))
    return paras


def read_dep11():
    """{lang: [(key, summary, [paragraph, ...] or None)]}"""
    out = collections.defaultdict(dict)
    for f in sorted(glob.glob(os.path.join(LISTS, "*_dep11_Components-*.yml.gz"))):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            docs = yaml.load_all(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            for d in docs:
                if not isinstance(d, dict) or "ID" not in d:
                    continue
                summ = d.get("Summary") or {}
                desc = d.get("Description") or {}
                c_sum, c_desc = summ.get("C"), desc.get("C")
                for code in sorted(set(summ) | set(desc)):
                    if code in SKIP_LANGS or code.startswith("en"):
                        continue
                    s, ds = summ.get(code), desc.get(code)
                    if not isinstance(s, str) or not s.strip() or s == c_sum:
                        continue
                    paras = None
                    if isinstance(ds, str) and ds != c_desc:
                        paras = html_to_text(ds)
                    lang = norm_lang(code)
                    out[lang].setdefault((d["ID"], s.strip()), (s.strip(), paras))
    return {l: [(k[0], v[0], v[1]) for k, v in sorted(d.items())] for l, d in out.items()}


# ---------------------------------------------------------------- CLDR emoji annotations

def ensure_cldr():
    if os.path.isdir(os.path.join(CLDR, "annotations")):
        return
    if os.geteuid() != 0:
        sys.exit("no %s/annotations: as root run apt-get install unicode-cldr-core" % CLDR)
    subprocess.run(["apt-get", "install", "-y", "-qq", "unicode-cldr-core"], check=True, stdout=sys.stderr)


@functools.lru_cache(maxsize=None)
def read_cldr(lang):
    """[(emoji, name, keywords)] for a language, from annotations and annotationsDerived."""
    code = {"zh_CN": "zh", "zh_TW": "zh_Hant", "pt_BR": "pt", "sr_Latn": "sr_Latn", "nb": "no"}.get(lang, lang)
    names, keys = {}, {}
    for sub in ("annotations", "annotationsDerived"):
        f = os.path.join(CLDR, sub, code + ".xml")
        if not os.path.exists(f):
            continue
        for a in ET.parse(f).getroot().iter("annotation"):
            cp, t = a.get("cp"), (a.text or "").strip()
            if not t or t == "↑↑↑" or not any(is_emoji(ord(c)) for c in cp):
                continue
            if a.get("type") == "tts":
                names[cp] = t
            else:
                keys[cp] = [k.strip() for k in t.split("|") if k.strip()]
    return [(cp, names[cp], keys.get(cp, [])) for cp in sorted(names)]


def emoji_texts(lang, n, rng):
    ann = read_cldr(lang)
    if len(ann) < 50:
        return []
    texts = []
    for i in range(n):
        k = rng.randint(2, 12)
        picks = rng.sample(ann, k)
        style = i % 3
        if style == 0:    # "😀 grinning face, 👍🏽 thumbs up: medium skin tone"
            t = ", ".join("%s %s" % (cp, name) for cp, name, _ in picks)
        elif style == 1:  # one per line with keywords
            t = "\n".join("%s: %s (%s)" % (name, cp, ", ".join(kw[:4])) for cp, name, kw in picks)
        else:             # a run of emoji and then their names, no spaces between the emoji
            t = "".join(cp for cp, _, _ in picks) + " — " + "; ".join(name for _, name, _ in picks)
        texts.append(t)
    return texts


# ---------------------------------------------------------------- assembling

def full_text(syn, paras):
    return "\n".join([syn] + paras) if paras else syn


def build(total, seed):
    ensure_apt_indexes()
    ensure_cldr()
    ddtp = read_ddtp()
    dep11 = read_dep11()
    langs = {}
    rng = random.Random(seed)
    for lang in sorted(set(ddtp) | set(dep11)):
        recs = ddtp.get(lang, []) + dep11.get(lang, [])
        random.Random("%d:%s" % (seed, lang)).shuffle(recs)
        # distinct texts in the language's own script, at most CANDIDATES of them
        seen, uniq = set(), []
        for key, syn, paras in recs:
            t = full_text(syn, paras)
            if t not in seen and in_expected_script(lang, t):
                seen.add(t)
                uniq.append((key, syn, paras))
                if len(uniq) >= CANDIDATES:
                    break
        if len(uniq) >= MIN_TEXTS:
            langs[lang] = uniq
    # balanced: every language gets the same quota, the rest of a short language's share is
    # spread over the others
    quota = {l: 0 for l in langs}
    avail = {l: len(v) + (int(len(v) * EMOJI) if read_cldr(l) else 0) for l, v in langs.items()}
    left = total
    while left > 0:
        open_ = [l for l in langs if quota[l] < avail[l]]
        if not open_:
            break
        share = max(1, left // len(open_))
        for l in open_:
            add = min(share, avail[l] - quota[l], left)
            quota[l] += add
            left -= add
            if left == 0:
                break
    rows = []
    for lang in sorted(langs):
        recs = list(langs[lang])
        rng.shuffle(recs)
        q = quota[lang]
        n_emoji = int(round(q * EMOJI))
        emo = emoji_texts(lang, n_emoji, rng)
        q_text = q - len(emo)
        n_long = max(1, int(round(q * LONG)))
        n_short = int(round(q * SHORT))
        n_full = max(0, q_text - n_long - n_short)
        wide = SCRIPT_OF.get(lang) in WIDE_SCRIPTS
        long_chars = 1100 if wide else 3200
        out = []
        # short: synopses/summaries
        for key, syn, paras in recs[:n_short]:
            out.append(syn)
        # full: prefer records that have a long description
        rest = recs[n_short:]
        with_body = [r for r in rest if r[2]]
        without = [r for r in rest if not r[2]]
        pool = with_body + without
        for key, syn, paras in pool[:n_full]:
            out.append(full_text(syn, paras))
        # long: join further full descriptions (cycling through this language's records)
        donors = (pool[n_full:] + with_body + recs) or recs
        di = 0
        for _ in range(n_long):
            parts, size = [], 0
            guard = 0
            while size < long_chars and guard < len(donors) + 1:
                key, syn, paras = donors[di % len(donors)]
                di += 1
                guard += 1
                t = full_text(syn, paras)
                if t in parts:
                    continue
                parts.append(t)
                size += len(t)
            out.append("\n\n".join(parts))
        out.extend(emo)
        for t in out:
            rows.append({"lang": lang, "text": t})
    # drop exact duplicates across kinds, keep order stable
    seen, uniq = set(), []
    for r in rows:
        k = (r["lang"], r["text"])
        if k not in seen:
            seen.add(k)
            uniq.append(r)
    rng.shuffle(uniq)
    return uniq


def summary(rows):
    by_lang = collections.OrderedDict()
    by_script = collections.Counter()
    emoji_rows = 0
    for r in sorted(rows, key=lambda r: r["lang"]):
        s = main_script(r["lang"], r["text"]) or "none"
        if s == "Kana":
            s = "Japanese"
        e = any(is_emoji(ord(c)) for c in r["text"])
        emoji_rows += e
        d = by_lang.setdefault(r["lang"], {"n": 0, "script": collections.Counter(), "chars": 0,
                                           "max": 0, "emoji": 0, "long": 0})
        d["n"] += 1
        d["script"][s] += 1
        d["chars"] += len(r["text"])
        d["max"] = max(d["max"], len(r["text"]))
        d["emoji"] += e
        d["long"] += len(r["text"]) >= (1100 if SCRIPT_OF.get(r["lang"]) in WIDE_SCRIPTS else 3200)
        by_script[s] += 1
    lines = ["lang     texts  script(s)                 mean_chars  max_chars  long  with_emoji"]
    for l, d in by_lang.items():
        sc = ",".join("%s:%d" % kv for kv in d["script"].most_common(2))
        lines.append("%-8s %5d  %-25s %10d %10d %5d %11d" % (l, d["n"], sc, d["chars"] // d["n"],
                                                           d["max"], d["long"], d["emoji"]))
    lines.append("total %d texts in %d languages; texts with emoji: %d" % (len(rows), len(by_lang), emoji_rows))
    lines.append("by main script: " + ", ".join("%s %d" % kv for kv in sorted(by_script.items())))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--total", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    rows = build(a.total, a.seed)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        for r in rows:
            gz.write((json.dumps(r, ensure_ascii=False) + "\n").encode("utf-8"))
    with open(a.out, "wb") as fh:
        fh.write(buf.getvalue())
    print(summary(rows))
    print("wrote %s (%d bytes)" % (os.path.relpath(a.out), len(buf.getvalue())))


if __name__ == "__main__":
    main()
