#!/usr/bin/env python3
"""Makes the XLM-R-tokenizer BERT fixture of issue 11 and its PyTorch reference outputs.

paraphrase-multilingual-MiniLM-L12-v2 and multilingual-e5-small are BertModel checkpoints with
XLM-RoBERTa's SentencePiece-Unigram tokenizer (vocab 250037, type_vocab_size 2, absolute
positions counted from 0). No package registry ships their weights, so this script builds a tiny
model of the same shape with the reference library itself, with seeded random weights:

  BertModel(BertConfig(vocab_size=8002 (the Unigram fixture's), hidden_size=64,
      num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
      max_position_embeddings=514, type_vocab_size=2, hidden_act="gelu"))

and writes model-core/src/test/resources/models/xlmr-bert-tiny/:

  config.json, model.safetensors   BertModel.save_pretrained(safe_serialization=True), float32
  tokenizer.json                   a byte-identical copy of
                                   ../../tokenize/unigram-xlmr-tokenizer.json (XLM-R Unigram,
                                   8002 pieces, made by make_tokenizer_fixtures.py)
  tokenizer_config.json            XLMRobertaTokenizerFast, so AutoTokenizer loads the directory
  modules.json, 1_Pooling/config.json, sentence_bert_config.json
                                   sentence-transformers: mean pooling, Normalize, max_seq_length
                                   128 (as paraphrase-multilingual-MiniLM-L12-v2)
  reference.jsonl.gz               PyTorch's outputs, one JSON object a line:
      {"lang", "text", "input_ids", "truncated",
       "last_hidden_state": [[float, ...], ...]   (every token, rounded to 6 decimals:
                                                    |error| <= 5e-7, 0.5% of the 1e-4 tolerance),
       "sentence_embedding": [float, ...]}         (mean over tokens, L2-normalized)

Weights: every tensor is drawn again after BertModel's own init, from torch.manual_seed(SEED), at
scales that make attention far from uniform and GELU far from linear (embeddings N(0, 1), dense
weights N(0, 1.5/sqrt(fan_in)), biases N(0, 0.1), LayerNorm gains 1 + N(0, 0.2), LayerNorm biases
N(0, 0.1)), so a wrong softmax, GELU, LayerNorm or head split shows at far more than 1e-4.

Texts (deterministic; random.Random(SEED) over the corpus in file order): from
multilingual-texts.jsonl.gz, per language (all 76) one text of at most 126 content tokens and
another of 30 to 126 (even positions in sorted order) or under 30 (odd), one language in eight and
all CJK, Arabic, Persian, Hebrew and Thai one text longer than that (truncated to 128 with the
special tokens), 16 emoji texts (CLDR annotations: ZWJ sequences, skin tones, flags), plus a few
edge cases (empty, whitespace only, <mask>, <unk>, mixed scripts, fullwidth, NFD): 194 texts,
10890 tokens, 28 truncated. Tokenized by transformers' PreTrainedTokenizerFast(tokenizer_file=...),
truncation=True, max_length=128 (AutoTokenizer on the written directory must agree); run one text
at a time in float32 eval mode on CPU (one thread); the directory read back by
BertModel.from_pretrained must give bitwise the same outputs.

Needs requirements.txt plus torch 2.8.0 (CPU is enough; see the note in requirements.txt).

  python3 make_xlmr_bert_fixture.py [--out DIR]
"""
import argparse
import gzip
import json
import math
import os
import random
import re
import shutil

import torch
from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.normpath(os.path.join(HERE, "..", "resources"))
TOKENIZER = os.path.join(RES, "tokenize", "unigram-xlmr-tokenizer.json")
CORPUS = os.path.join(RES, "tokenize", "multilingual-texts.jsonl.gz")
OUT = os.path.join(RES, "models", "xlmr-bert-tiny")
SEED = 11
MAX_LENGTH = 128
LONG_LANGS = {"ar", "fa", "he", "ja", "ko", "zh_CN", "zh_TW", "zh_HK", "th"}
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF]")
EDGE_CASES = [
    "",
    "   ",
    "\t\n",
    "Paris is the <mask> of France.",
    "<unk> and <s> in the middle </s>",
    "Hello мир 世界 مرحبا שלום สวัสดี 👋🏽",
    "ＦＵＬＬＷＩＤＴＨ ｶﾀｶﾅ ①②③ ﬁ",
    "e\u0301te\u0301 NFD — café NFC",
]


def r6(x):
    return round(x, 6)


def make_model(vocab_size):
    config = BertConfig(vocab_size=vocab_size, hidden_size=64, num_hidden_layers=2,
                        num_attention_heads=4, intermediate_size=128,
                        max_position_embeddings=514, type_vocab_size=2, hidden_act="gelu",
                        pad_token_id=1, layer_norm_eps=1e-12)
    torch.manual_seed(SEED)
    model = BertModel(config)
    g = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif "embeddings" in name:
                p.copy_(torch.randn(p.shape, generator=g))
            else:  # nn.Linear weight, [out, in]
                p.copy_(1.5 / math.sqrt(p.shape[1]) * torch.randn(p.shape, generator=g))
    return model.eval()


def pick_texts(tok):
    rows = [json.loads(line) for line in gzip.open(CORPUS, "rt", encoding="utf-8")]
    for r in rows:
        r["n"] = len(tok(r["text"], add_special_tokens=False)["input_ids"])
    rng = random.Random(SEED)
    langs = sorted({r["lang"] for r in rows})
    chosen, seen = [], set()

    def take(pool, k=1):
        pool = [r for r in pool if id(r) not in seen]
        for r in rng.sample(pool, min(k, len(pool))):
            seen.add(id(r))
            chosen.append(r)

    emoji = [r for r in rows if EMOJI.search(r["text"])]
    emoji_ids = {id(r) for r in emoji}
    for i, lang in enumerate(langs):
        mine = [r for r in rows if r["lang"] == lang and id(r) not in emoji_ids]
        take([r for r in mine if r["n"] <= MAX_LENGTH - 2])
        if i % 2 == 0:
            take([r for r in mine if 30 <= r["n"] <= MAX_LENGTH - 2])
        else:
            take([r for r in mine if r["n"] < 30])
        if i % 8 == 0 or lang in LONG_LANGS:
            take([r for r in mine if r["n"] > MAX_LENGTH - 2])
    take(emoji, 16)
    return [(r["lang"], r["text"]) for r in chosen] + [("edge", t) for t in EDGE_CASES]


def write_sentence_transformers(out, dim):
    def dump(path, obj):
        with open(os.path.join(out, path), "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=2)
            f.write("\n")

    os.makedirs(os.path.join(out, "1_Pooling"), exist_ok=True)
    dump("modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling",
         "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize",
         "type": "sentence_transformers.models.Normalize"}])
    dump("sentence_bert_config.json", {"max_seq_length": MAX_LENGTH, "do_lower_case": False})
    dump(os.path.join("1_Pooling", "config.json"), {
        "word_embedding_dimension": dim, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False})
    dump("tokenizer_config.json", {
        "tokenizer_class": "XLMRobertaTokenizerFast", "model_max_length": 512,
        "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=OUT)
    args = ap.parse_args()
    torch.set_num_threads(1)
    tok = PreTrainedTokenizerFast(tokenizer_file=TOKENIZER)
    vocab_size = tok.backend_tokenizer.get_vocab_size(with_added_tokens=True)
    model = make_model(vocab_size)

    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    model.save_pretrained(args.out, safe_serialization=True)
    shutil.copyfile(TOKENIZER, os.path.join(args.out, "tokenizer.json"))
    write_sentence_transformers(args.out, model.config.hidden_size)

    texts = pick_texts(tok)
    # The directory loads back in transformers with the same tokens and the same weights.
    again = BertModel.from_pretrained(args.out).eval()
    from transformers import AutoTokenizer
    auto = AutoTokenizer.from_pretrained(args.out)

    n_trunc, n_tokens = 0, 0
    ref = os.path.join(args.out, "reference.jsonl.gz")
    with open(ref, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        for lang, text in texts:
            enc = tok(text, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
            full = len(tok(text)["input_ids"])
            assert auto(text, truncation=True, max_length=MAX_LENGTH)["input_ids"] \
                == enc["input_ids"][0].tolist(), text
            with torch.no_grad():
                h = model(**enc).last_hidden_state[0]
                assert torch.equal(h, again(**enc).last_hidden_state[0])
            pooled = h.mean(dim=0)
            pooled = pooled / pooled.norm()
            n_trunc += full > MAX_LENGTH
            n_tokens += h.shape[0]
            line = {"lang": lang, "text": text, "input_ids": enc["input_ids"][0].tolist(),
                    "truncated": full > MAX_LENGTH,
                    "last_hidden_state": [[r6(v) for v in row] for row in h.tolist()],
                    "sentence_embedding": [r6(v) for v in pooled.tolist()]}
            gz.write((json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
                     .encode("utf-8"))
    print(f"torch {torch.__version__}: {len(texts)} texts, {n_tokens} tokens, {n_trunc} truncated "
          f"at {MAX_LENGTH}, vocab {vocab_size}; wrote {args.out}")
    for name in sorted(os.listdir(args.out)):
        p = os.path.join(args.out, name)
        if os.path.isfile(p):
            print(f"  {name}: {os.path.getsize(p)} bytes")


if __name__ == "__main__":
    main()
