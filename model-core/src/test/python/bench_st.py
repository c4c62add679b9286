#!/usr/bin/env python3
"""scripts/bench.sh's sentence-transformers anchor: SentenceTransformer(model_dir).encode on PyTorch
CPU, one thread (torch.set_num_threads(1)), its own batching (batch_size 32, which it sorts by
length itself), at the given max length, over the texts BenchMain wrote (JSON lines {"id", "text"}).

Prints one JSON line: {"texts", "real_tokens", "seconds": [per repetition], "median_seconds",
"version"}. real_tokens is the sum of the tokenizer's ids per text (special tokens included,
truncated at max_length), as BenchMain counts ours.

  tokref/bin/python bench_st.py --model DIR --texts FILE.jsonl --max-length 512 --reps 3
"""
import argparse
import json
import statistics
import time

import torch


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--texts", required=True)
    p.add_argument("--max-length", type=int, default=512)
    p.add_argument("--reps", type=int, default=3)
    args = p.parse_args()
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
