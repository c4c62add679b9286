#!/usr/bin/env python3
"""NomicBERT's primary reference outputs (issue 14), computed by nomic's own NomicBertModel: the
Hugging Face modeling code that trust_remote_code runs for nomic-embed-text v1 and v1.5,
src/contrastors/models/huggingface/modeling_hf_nomic_bert.py (with configuration_hf_nomic_bert.py)
at nomic-ai/contrastors commit 613ddfd37309e538cceadb05b1e6423e7b09f603, run from a local mirror
(--contrastors, a bare git directory; nomic_reference.py reads the two files from it; nothing of
it is copied here). CPU, fp32, torch 2.8.0, transformers 4.55.4, one text at a time, no padding.

On models/nomicbert-tiny as make_nomic_fixture.py wrote it (weights and config unchanged; that
script's llama.cpp outputs are the cross-check: reference_llamacpp.jsonl.gz,
long_reference_llamacpp.jsonl.gz). Writes, in make_family_fixtures' formats:
  reference.jsonl.gz       the same 335 texts (make_family_fixtures.pick_texts), every token;
                           sentence_embedding by sentence-transformers 5.1.2's Pooling (mean) and
                           Normalize modules over nomic's token embeddings
  long_reference.jsonl.gz  llama.cpp's 6 long texts (1021 to 2048 tokens), every 8th token + last
  beyond_2048_reference.jsonl.gz  texts of exactly 2049, 3000, 4096 and 8192 tokens, every 8th
                           token + last: "hidden" with nomic's plain rotary (config as published:
                           rotary_scaling_factor null) and "hidden_ntk" with rotary_scaling_factor
                           2 (NomicBertDynamicNTKRotaryEmbedding, as nomic's model card loads it for
                           8192 tokens), each text in a freshly loaded model (nomic's rotary module
                           keeps state between calls), plus "inv_freq_ntk": layer 0's inverse
                           frequencies after that forward (float32 values)
Checks on the way (printed): every text's ids equal llama.cpp's file's; the same text run twice
gives the same bits; the attention path (torch's SDPA backend choice for these shapes) and its
distance to the MATH backend; that a text's NTK output depends on the padded batch length and on
the previous call in nomic's code (why ours is defined per sequence).

  tokref/bin/python make_nomic_reference.py --contrastors /work/.mirror/nomic-ai+contrastors/repo
"""
import argparse
import gzip
import json
import os
import random

import numpy as np
import torch
from sentence_transformers.models import Normalize, Pooling
from torch.nn.attention import SDPBackend, sdpa_kernel
from transformers import PreTrainedTokenizerFast

import make_family_fixtures as fam
import nomic_reference as nomic

OUT = os.path.join(fam.RES, "models", "nomicbert-tiny")
NTK_FACTOR = 2.0
BEYOND = [2049, 3000, 4096, 8192]


def read_gz(path):
    return [json.loads(line) for line in gzip.open(path, "rt", encoding="utf-8")]


def write_gz(path, lines):
    with open(path, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        for line in lines:
            gz.write((json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
                     .encode("utf-8"))


def rows_of(h, n):
    keep = sorted(set(range(0, n, 8)) | {n - 1})
    return keep, [[fam.r6(float(v)) for v in h[t]] for t in keep]


def pooled(h):
    """sentence-transformers' Pooling (mean) then Normalize over the fp32 token embeddings."""
    dim = h.shape[1]
    tokens = torch.tensor(h, dtype=torch.float32).unsqueeze(0)
    features = {"token_embeddings": tokens,
                "attention_mask": torch.ones(tokens.shape[:2], dtype=torch.long)}
    features = Pooling(dim, pooling_mode="mean")(features)
    return Normalize()(features)["sentence_embedding"][0].tolist()


def long_text(tok, rows, rng, lang, target):
    mine = [r["text"] for r in rows if r["lang"] == lang]
    parts = []
    while len(tok("\n".join(parts))["input_ids"]) < target:
        parts.append(rng.choice(mine))
    text = "\n".join(parts)
    ids = tok(text, truncation=True, max_length=target)["input_ids"]
    assert len(ids) == target, (lang, target, len(ids))
    return text, ids


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--contrastors", default=os.environ.get("CONTRASTORS_REPO",
                                                             nomic.DEFAULT_REPO),
                    help="bare git mirror of nomic-ai/contrastors (holding commit "
                         + nomic.CONTRASTORS_COMMIT + ")")
    args = ap.parse_args()
    torch.set_num_threads(1)
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(OUT, "tokenizer.json"))
    model = nomic.load(OUT, args.contrastors)
    print(f"nomic's NomicBertModel from contrastors {nomic.CONTRASTORS_COMMIT[:12]}, torch "
          f"{torch.__version__}, {torch.get_num_threads()} thread")

    # the 335 texts, as make_nomic_fixture.py picked them (and fed llama.cpp)
    llama = read_gz(os.path.join(OUT, "reference_llamacpp.jsonl.gz"))
    texts = fam.pick_texts(tok)
    assert [t for _, t in texts] == [r["text"] for r in llama]
    lines, worst_llama = [], 0.0
    for (lang, text), other in zip(texts, llama):
        ids = tok(text, truncation=True, max_length=fam.MAX_LENGTH)["input_ids"]
        assert ids == other["input_ids"], text
        h = nomic.last_hidden_state(model, ids)
        worst_llama = max(worst_llama, float(np.abs(h - np.array(other["last_hidden_state"]))
                                             .max()))
        lines.append({"lang": lang, "text": text, "input_ids": ids,
                      "truncated": other["truncated"],
                      "last_hidden_state": [[fam.r6(float(v)) for v in row] for row in h],
                      "sentence_embedding": [fam.r6(v) for v in pooled(h)]})
    again = nomic.last_hidden_state(model, lines[0]["input_ids"])
    assert np.array_equal(again, nomic.last_hidden_state(nomic.load(OUT, args.contrastors),
                                                         lines[0]["input_ids"]))
    write_gz(os.path.join(OUT, "reference.jsonl.gz"), lines)
    print(f"reference.jsonl.gz: {len(lines)} texts; max |nomic - llama.cpp| {worst_llama:.3g}")

    long_lines, worst_llama = [], 0.0
    for other in read_gz(os.path.join(OUT, "long_reference_llamacpp.jsonl.gz")):
        ids = tok(other["text"], truncation=True, max_length=fam.LONG_MAX_LENGTH)["input_ids"]
        assert ids == other["input_ids"]
        h = nomic.last_hidden_state(model, ids)
        keep, hidden = rows_of(h, len(ids))
        assert keep == other["rows"]
        worst_llama = max(worst_llama, float(np.abs(np.array(hidden) - np.array(other["hidden"]))
                                             .max()))
        long_lines.append({"lang": other["lang"], "text": other["text"], "input_ids": ids,
                           "rows": keep, "hidden": hidden})
    write_gz(os.path.join(OUT, "long_reference.jsonl.gz"), long_lines)
    print(f"long_reference.jsonl.gz: {len(long_lines)} texts up to "
          f"{max(len(x['input_ids']) for x in long_lines)} tokens; max |nomic - llama.cpp| "
          f"{worst_llama:.3g}")

    # past 2048: plain rotary and dynamic NTK, each text alone in a fresh model
    corpus = read_gz(fam.CORPUS)
    rng = random.Random(fam.SEED + 5)
    langs = rng.sample(sorted({r["lang"] for r in corpus}), len(BEYOND))
    beyond = []
    for target, lang in zip(BEYOND, langs):
        text, ids = long_text(tok, corpus, rng, lang, target)
        plain = nomic.last_hidden_state(nomic.load(OUT, args.contrastors), ids)
        ntk_model = nomic.load(OUT, args.contrastors, rotary_scaling_factor=NTK_FACTOR)
        ntk = nomic.last_hidden_state(ntk_model, ids)
        inv = nomic.inverse_frequencies(ntk_model)
        keep, hidden = rows_of(plain, target)
        _, hidden_ntk = rows_of(ntk, target)
        beyond.append({"lang": lang, "text": text, "input_ids": ids, "rows": keep,
                       "hidden": hidden, "rotary_scaling_factor": NTK_FACTOR,
                       "hidden_ntk": hidden_ntk, "inv_freq_ntk": [float(v) for v in inv]})
        print(f"  beyond 2048: {lang}, {target} tokens; max |ntk - plain| "
              f"{np.abs(ntk - plain).max():.3g}")
    write_gz(os.path.join(OUT, "beyond_2048_reference.jsonl.gz"), beyond)

    # the attention path nomic's code takes here, and how far it is from the plain math
    ids = beyond[-1]["input_ids"]
    heads = model.config.n_head
    q = torch.zeros(1, heads, len(ids), model.config.n_embd // heads)
    mask = torch.zeros(1, 1, 1, len(ids))
    choice = torch._fused_sdp_choice(q, q, q, mask, 0.0, False)
    fresh = nomic.load(OUT, args.contrastors)
    default = nomic.last_hidden_state(fresh, ids)
    with sdpa_kernel(SDPBackend.MATH):
        math_path = nomic.last_hidden_state(fresh, ids)
    print(f"attention: F.scaled_dot_product_attention, backend {SDPBackend(choice).name} for "
          f"fp32 on CPU; max |that - MATH backend| at {len(ids)} tokens "
          f"{np.abs(default - math_path).max():.3g}")

    # why ours is per sequence: nomic's NTK base follows the padded batch and the previous call
    short = lines[0]["input_ids"]
    alone = nomic.last_hidden_state(nomic.load(OUT, args.contrastors, NTK_FACTOR), short)
    m = nomic.load(OUT, args.contrastors, NTK_FACTOR)
    padded = torch.zeros(1, 4096, dtype=torch.long)
    padded[0, :len(short)] = torch.tensor(short)
    att = torch.zeros_like(padded)
    att[0, :len(short)] = 1
    with torch.no_grad():
        in_batch = m(input_ids=padded, attention_mask=att,
                     token_type_ids=torch.zeros_like(padded)).last_hidden_state[0, :len(short)]
    m = nomic.load(OUT, args.contrastors, NTK_FACTOR)
    nomic.last_hidden_state(m, beyond[-1]["input_ids"])
    after_long = nomic.last_hidden_state(m, short)
    print(f"nomic's NTK, a {len(short)}-token text: padded to 4096 differs from alone by "
          f"{np.abs(in_batch.double().numpy() - alone).max():.3g}; run after an 8192-token text "
          f"by {np.abs(after_long - alone).max():.3g}")


if __name__ == "__main__":
    main()
