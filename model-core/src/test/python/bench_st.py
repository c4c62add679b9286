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

A NomicBERT directory (config.json's model_type "nomic_bert") has no class in transformers: its
first module is then NomicTransformer, sentence-transformers' Transformer module as it runs with
trust_remote_code (tokenize with padding and truncation at max_seq_length, the model called with
input_ids, attention_mask and token_type_ids, token_embeddings out) over nomic's own
NomicBertModel (nomic_reference.py, from the contrastors mirror: --contrastors or
$CONTRASTORS_REPO), followed by the directory's Pooling and Normalize.

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


class NomicTransformer(torch.nn.Module):
    """sentence-transformers' first module over nomic's NomicBertModel (see the docstring)."""

    def __init__(self, model_dir, max_seq_length, contrastors=None):
        super().__init__()
        import nomic_reference
        from transformers import AutoTokenizer
        self.auto_model = nomic_reference.load(model_dir, contrastors)
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.max_seq_length = max_seq_length

    def tokenize(self, texts, padding=True):
        return self.tokenizer(texts, padding=padding, truncation="longest_first",
                              return_tensors="pt", max_length=self.max_seq_length)

    def forward(self, features):
        out = self.auto_model(input_ids=features["input_ids"],
                              attention_mask=features["attention_mask"],
                              token_type_ids=features.get("token_type_ids"))
        features["token_embeddings"] = out.last_hidden_state
        return features

    def get_word_embedding_dimension(self):
        return self.auto_model.config.n_embd


def sentence_transformer(model_dir, max_length, contrastors):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.models import Normalize, Pooling
    with open(os.path.join(model_dir, "config.json")) as f:
        model_type = json.load(f).get("model_type")
    if model_type != "nomic_bert":
        return SentenceTransformer(model_dir, device="cpu")
    first = NomicTransformer(model_dir, max_length, contrastors)
    modules = [first, Pooling.load(model_dir, subfolder="1_Pooling")]
    with open(os.path.join(model_dir, "modules.json")) as f:
        if any(m["type"].endswith(".Normalize") for m in json.load(f)):
            modules.append(Normalize())
    return SentenceTransformer(modules=modules, device="cpu")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--texts", required=True)
    p.add_argument("--max-length", type=int, default=512)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--gte-mirror", default=None, help="for GTE: see the docstring")
    p.add_argument("--contrastors", default=None, help="for NomicBERT: see the docstring")
    args = p.parse_args()
    register_gte(args.model, args.gte_mirror)
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    import sentence_transformers

    with open(args.texts, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    model = sentence_transformer(args.model, args.max_length, args.contrastors)
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
