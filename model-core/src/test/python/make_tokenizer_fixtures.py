#!/usr/bin/env python3
"""Makes the multilingual tokenizer fixtures of issue 11 with the reference tooling
(requirements.txt: tokenizers 0.21.4, the crate DJL 0.38.0 bundles; transformers; sentencepiece).

Reads the corpus made by make_multilingual_corpus.py
(model-core/src/test/resources/tokenize/multilingual-texts.jsonl.gz) and writes, beside it:

  unigram-xlmr-tokenizer.json            SentencePiece Unigram trained here (nmt_nfkc, 8000 pieces),
                                         converted by transformers' own XLM-RoBERTa converter:
                                         Precompiled charsmap + Replace normalizer, Metaspace,
                                         XLM-R's TemplateProcessing, <s> <pad> </s> <unk> <mask>(lstrip)
  unigram-bytefallback-tokenizer.json    Unigram with byte_fallback (SentencePiece byte_fallback=True),
                                         normalizer Strip/NFKC/Lowercase/Replace, pre-tokenizer
                                         Digits/Punctuation/Metaspace(prepend_scheme first, split),
                                         TemplateProcessing, plus non-special added tokens
  bpe-bytelevel-tokenizer.json           byte-level BPE, RoBERTa style: ByteLevel(add_prefix_space),
                                         RobertaProcessing(trim_offsets), <mask> lstrip
  bpe-bytelevel-gpt2merges-tokenizer.json  the same BPE with merges in the older "a b" string form
  bpe-bytelevel-gpt2-tokenizer.json      the same vocab and merges, GPT-2 style pipeline:
                                         ByteLevel(add_prefix_space=false, use_regex=true),
                                         TemplateProcessing, ignore_merges true
  bpe-split-regex-tokenizer.json         byte-level BPE trained with a Llama-3-style Split regex then
                                         ByteLevel(use_regex=false), ignore_merges true,
                                         TemplateProcessing, plus non-special added tokens

Non-special added tokens (both files that have them): "GNOME" single_word, "GNU/Linux"
normalized, "<br>" rstrip.

Deterministic: one SentencePiece thread and a fixed seed; the BPE trainer is deterministic; the
JSON is written by tokenizers itself (stable order). Each file is loaded
back with tokenizers.Tokenizer.from_file and a few encodings are printed.

  python3 make_tokenizer_fixtures.py [--corpus FILE] [--out DIR]
"""
import argparse
import gzip
import json
import os
import tempfile

import sentencepiece as spm
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
from tokenizers import processors, trainers

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.join(HERE, "..", "resources", "tokenize")
VOCAB = 8000
SEED = 11
LLAMA3_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
                r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
SAMPLES = [
    "Hello world! This is a test.",
    "Zeigt die Exif-Daten in der Seitenleiste an — GNOME 3.38, GNU/Linux<br>  ok",
    "Показывать данные тегов EXIF в боковой панели",
    "Εμφάνιση ετικετών Exif",
    "عرض بيانات Exif في اللوحة الجانبية",
    "הצגת תגיות Exif בלוח הצדי",
    "साइड पैनल में Exif टैग दिखाता है १२३",
    "แสดงแท็ก Exif ในแผงด้านข้าง",
    "在侧面板和选择性地在状态栏里显示 Exif 标签",
    "Exif タグをサイドパネルに表示します（ｶﾀｶﾅ）",
    "가장자리 창에서 EXIF 태그를 표시합니다",
    "👩🏽‍💻 🇩🇪 #️⃣ ok 😀😀",
    "Ｆｕｌｌｗｉｄｔｈ ① ﬁ x² Å <mask> end",
]


def read_corpus(path):
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh]


def sentences(texts):
    """SentencePiece trains on lines: every non-empty line of every text."""
    for t in texts:
        for line in t.split("\n"):
            line = line.strip()
            if line:
                yield line


def train_spm(texts, prefix, **kw):
    spm.set_random_generator_seed(SEED)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(sentences(texts))), model_prefix=prefix, model_type="unigram",
        vocab_size=VOCAB, character_coverage=0.9995, num_threads=1, input_sentence_size=0,
        shuffle_input_sentence=False, max_sentence_length=16384, minloglevel=2, **kw)
    return prefix + ".model"


def added_plain_tokens():
    return [
        AddedToken("GNOME", single_word=True, normalized=False, special=False),
        AddedToken("GNU/Linux", normalized=True, special=False),
        AddedToken("<br>", rstrip=True, normalized=False, special=False),
    ]


def unigram_xlmr(texts, tmp, out):
    from transformers import XLMRobertaTokenizerFast
    model = train_spm(texts, os.path.join(tmp, "xlmr"), normalization_rule_name="nmt_nfkc")
    # transformers' own slow->fast conversion (XLMRobertaConverter), as for the real XLM-R
    # <mask> as in the published XLM-R tokenizer.json: lstrip, not normalized
    tok = XLMRobertaTokenizerFast(vocab_file=model, mask_token=AddedToken(
        "<mask>", lstrip=True, rstrip=False, normalized=False, special=True))
    tok.backend_tokenizer.save(out)


def unigram_bytefallback(texts, tmp, out):
    norm = normalizers.Sequence([
        normalizers.Strip(left=True, right=True),
        normalizers.NFKC(),
        normalizers.Lowercase(),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    # the pieces are learnt on text normalised as the tokenizer will normalise it
    normed = [norm.normalize_str(t) for t in texts]
    model = train_spm(normed, os.path.join(tmp, "bytefallback"), normalization_rule_name="identity",
                      byte_fallback=True, split_digits=True, add_dummy_prefix=True,
                      remove_extra_whitespaces=False)
    sp = spm.SentencePieceProcessor(model_file=model)
    vocab = [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())]
    assert vocab[0][0] == "<unk>" and vocab[1][0] == "<s>" and vocab[2][0] == "</s>"
    assert any(p == "<0xF0>" for p, _ in vocab)
    tk = Tokenizer(models.Unigram(vocab, unk_id=0, byte_fallback=True))
    tk.normalizer = norm
    tk.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.Punctuation(behavior="isolated"),
        pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True),
    ])
    tk.decoder = decoders.Sequence([decoders.ByteFallback(), decoders.Fuse(),
                                    decoders.Metaspace(replacement="▁", prepend_scheme="first", split=True)])
    tk.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in ("<unk>", "<s>", "</s>")])
    tk.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> $B:1 </s>:1",
        special_tokens=[("<s>", 1), ("</s>", 2)])
    tk.add_tokens(added_plain_tokens())
    tk.save(out)


def bpe_train(texts, pre_tokenizer, specials):
    tk = Tokenizer(models.BPE(unk_token="<unk>"))
    tk.pre_tokenizer = pre_tokenizer
    tr = trainers.BpeTrainer(vocab_size=VOCAB, min_frequency=2, show_progress=False,
                             special_tokens=specials,
                             initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tk.train_from_iterator(texts, trainer=tr, length=len(texts))
    return tk


def bpe_bytelevel(texts, out, out_strmerges, out_gpt2):
    # RoBERTa: <s>=0 <pad>=1 </s>=2 <unk>=3 ... <mask> last
    tk = bpe_train(texts, pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True),
                   ["<s>", "<pad>", "</s>", "<unk>"])
    tk.add_special_tokens([AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)])
    tk.decoder = decoders.ByteLevel()
    tk.post_processor = processors.RobertaProcessing(
        sep=("</s>", tk.token_to_id("</s>")), cls=("<s>", tk.token_to_id("<s>")),
        trim_offsets=True, add_prefix_space=True)
    tk.save(out)
    # the same file with merges as "a b" strings (the form of tokenizers < 0.20 and many hub files)
    with open(out, encoding="utf-8") as fh:
        js = json.load(fh)
    js["model"]["merges"] = [" ".join(m) if isinstance(m, list) else m for m in js["model"]["merges"]]
    with open(out_strmerges, "w", encoding="utf-8") as fh:
        json.dump(js, fh, ensure_ascii=False, indent=2)
    # GPT-2 style pipeline over the same vocab and merges
    with open(out, encoding="utf-8") as fh:
        js = json.load(fh)
    js["model"]["ignore_merges"] = True
    gpt2 = Tokenizer.from_str(json.dumps(js))
    gpt2.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True, trim_offsets=True)
    gpt2.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", gpt2.token_to_id("<s>")), ("</s>", gpt2.token_to_id("</s>"))])
    gpt2.save(out_gpt2)


def bpe_split_regex(texts, out):
    pre = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_SPLIT), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
    ])
    tk = bpe_train(texts, pre, ["<|begin_of_text|>", "<|end_of_text|>", "<unk>", "<pad>"])
    js = json.loads(tk.to_str())
    js["model"]["ignore_merges"] = True
    tk = Tokenizer.from_str(json.dumps(js))
    tk.decoder = decoders.ByteLevel()
    bos, eos = tk.token_to_id("<|begin_of_text|>"), tk.token_to_id("<|end_of_text|>")
    tk.post_processor = processors.TemplateProcessing(
        single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|end_of_text|> $B:1 <|end_of_text|>:1",
        special_tokens=[("<|begin_of_text|>", bos), ("<|end_of_text|>", eos)])
    tk.add_tokens(added_plain_tokens())
    tk.save(out)


def describe(path):
    js = json.load(open(path, encoding="utf-8"))

    def kind(c):
        if c is None:
            return "none"
        if c["type"] == "Sequence":
            inner = c.get("normalizers") or c.get("pretokenizers") or c.get("processors") or c.get("decoders") or []
            return "Sequence[" + ", ".join(kind(x) for x in inner) + "]"
        return c["type"]

    m = js["model"]
    extra = {k: m[k] for k in ("byte_fallback", "ignore_merges", "unk_id") if k in m}
    added = ["%s(id %d%s)" % (a["content"], a["id"], "".join(
        "," + k for k in ("special", "single_word", "lstrip", "rstrip", "normalized") if a.get(k)))
             for a in js["added_tokens"]]
    print("%s  %d bytes" % (os.path.basename(path), os.path.getsize(path)))
    print("  normalizer    %s" % kind(js["normalizer"]))
    print("  pre_tokenizer %s" % kind(js["pre_tokenizer"]))
    print("  model         %s vocab %d %s" % (m["type"], len(m["vocab"]), extra))
    print("  post_processor %s; decoder %s" % (kind(js["post_processor"]), kind(js["decoder"])))
    print("  added_tokens  %s" % " ".join(added))


def check(path):
    tk = Tokenizer.from_file(path)
    describe(path)
    for s in SAMPLES[:1] + SAMPLES[1:13:3] + SAMPLES[-2:]:
        e = tk.encode(s)
        print("   %r -> %s" % (s[:40], e.tokens[:24]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=os.path.join(RES, "multilingual-texts.jsonl.gz"))
    ap.add_argument("--out", default=RES)
    a = ap.parse_args()
    texts = read_corpus(a.corpus)
    o = lambda n: os.path.join(a.out, n)
    with tempfile.TemporaryDirectory() as tmp:
        unigram_xlmr(texts, tmp, o("unigram-xlmr-tokenizer.json"))
        unigram_bytefallback(texts, tmp, o("unigram-bytefallback-tokenizer.json"))
    bpe_bytelevel(texts, o("bpe-bytelevel-tokenizer.json"), o("bpe-bytelevel-gpt2merges-tokenizer.json"),
                  o("bpe-bytelevel-gpt2-tokenizer.json"))
    bpe_split_regex(texts, o("bpe-split-regex-tokenizer.json"))
    for n in ("unigram-xlmr", "unigram-bytefallback", "bpe-bytelevel", "bpe-bytelevel-gpt2merges",
              "bpe-bytelevel-gpt2", "bpe-split-regex"):
        check(o(n + "-tokenizer.json"))
    a1 = Tokenizer.from_file(o("bpe-bytelevel-tokenizer.json"))
    a2 = Tokenizer.from_file(o("bpe-bytelevel-gpt2merges-tokenizer.json"))
    assert all(a1.encode(t).ids == a2.encode(t).ids for t in texts[:300]), "merges forms differ"


if __name__ == "__main__":
    main()
