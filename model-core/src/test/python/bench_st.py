#!/usr/bin/env python3
"""scripts/bench.sh's sentence-transformers anchor: SentenceTransformer(model_dir).encode on PyTorch
CPU, one thread (torch.set_num_threads(1)), its own batching (batch_size 32, which it sorts by
length itself), at the given max length, over the texts BenchMain wrote (JSON lines {"id", "text"}).

Prints one JSON line: {"texts", "real_tokens", "seconds": [per repetition], "median_seconds",
"version"}. real_tokens is the sum of the tokenizer's ids per text (special tokens included,
truncated at max_length), as BenchMain counts ours.

A GTE directory (config.json's model_type "new") has no class in transformers: its checkpoints run
Alibaba-NLP's new-impl code through trust_remote_code. Here transformers' AutoConfig and AutoModel
are taught "new" from that code run from its public copy (make_gte_fixtures.reference: --gte-mirror
or $GTE_REFERENCE_REPO), so SentenceTransformer(DIR) then loads the directory's own modules as for
any other family, without the network.

  tokref/bin/python bench_st.py --model DIR --texts FILE.jsonl --max-length 512 --reps 3
"""
import argparse
import json
import os
import statistics
import time

import torch


def register_gte(model_dir, mirror):
    """AutoConfig/AutoModel learn model_type "new" (see the docstring) when model_dir is GTE."""
    with open(os.path.join(model_dir, "config.json")) as f:
        if json.load(f).get("model_type") != "new":
            return
    import make_gte_fixtures
    from transformers import AutoConfig, AutoModel
    modeling, configuration = make_gte_fixtures.reference(mirror)
    AutoConfig.register("new", configuration.NewConfig)
    AutoModel.register(configuration.NewConfig, modeling.NewModel)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--texts", required=True)
    p.add_argument("--max-length", type=int, default=512)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--gte-mirror", default=None, help="for GTE: see the docstring")
    args = p.parse_args()
    register_gte(args.model, args.gte_mirror)
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    import sentence_transformers
    from sentence_transformers import SentenceTransformer

    with open(args.texts, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    model = SentenceTransformer(args.model, device="cpu")
    model.max_seq_length = args.max_length
    tok = model.tokenizer
    real = sum(len(ids) for ids in tok(texts, truncation=True, max_length=args.max_length)["input_ids"])
    model.encode(texts[:64], batch_size=32)  # warm-up
    seconds = []
    for _ in range(args.reps):
        start = time.perf_counter()
        model.encode(texts, batch_size=32)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"texts": len(texts), "real_tokens": real, "seconds": seconds,
                      "median_seconds": statistics.median(seconds),
                      "version": sentence_transformers.__version__}))


if __name__ == "__main__":
    main()
