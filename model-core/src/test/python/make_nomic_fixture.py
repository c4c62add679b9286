#!/usr/bin/env python3
"""Makes the tiny NomicBERT fixture of issue 14 (models/nomicbert-tiny/) and its cross-check
outputs computed by llama.cpp (reference_llamacpp.jsonl.gz, long_reference_llamacpp.jsonl.gz). The
primary reference, nomic's own NomicBertModel on this directory, is make_nomic_reference.py's
(run it after this script).

NomicBertModel is not in transformers: its modeling code lives with the hub checkpoint
(trust_remote_code), which no registry here ships. llama.cpp implements the architecture itself
(convert_hf_to_gguf.py's NomicBertModel reads the checkpoint's tensor names and config fields;
src/models/bert.cpp builds the graph), so it is the independent reference: the HF directory written
here is converted to GGUF at f32 by llama.cpp's own converter and run by llama.cpp, through
llama-cpp-python 0.3.36 (its vendored llama.cpp; see requirements.txt), one text at a time,
pooling none, embeddings on, flash attention off.

config.json: nomic-ai/nomic-embed-text-v1.5's published config.json, every field kept, at a
small size:
  n_embd 64 (768 there), n_head 4 (12; head size 16), n_layer 4 (12), n_inner 256 (3072: the same
  4x ratio; fc11 and fc12 are each [n_inner, n_embd]), vocab_size 30528 (as there: the WordPiece
  vocabulary's 30522 padded to a multiple of pad_vocab_size_multiple 64);
  as published: activation_function "swiglu", rotary_emb_base 1000, rotary_emb_fraction 1.0,
  rotary_emb_interleaved false, rotary_emb_scale_base null, rotary_scaling_factor null,
  qkv_proj_bias false, mlp_fc1_bias false, mlp_fc2_bias false, prenorm false,
  layer_norm_epsilon 1e-12, type_vocab_size 2, n_positions 8192, max_trained_positions 2048
  (llama.cpp's converter accepts exactly this pair and caps the context at 2048), causal false,
  use_rms_norm false, parallel_block false, model_type "nomic_bert",
  architectures ["NomicBertModel"].
Tensors, under the checkpoint's own names (the ones llama.cpp's tensor_mapping.py lists for
nomic-bert): embeddings.word_embeddings.weight, embeddings.token_type_embeddings.weight,
emb_ln.{weight,bias}, encoder.layers.L.attn.Wqkv.weight [3·n_embd, n_embd],
encoder.layers.L.attn.out_proj.weight, encoder.layers.L.norm1.{weight,bias},
encoder.layers.L.mlp.fc11.weight (value, "up"), encoder.layers.L.mlp.fc12.weight (gate, through
SiLU), encoder.layers.L.mlp.fc2.weight, encoder.layers.L.norm2.{weight,bias}; no biases besides
the norms', as v1.5. Seeded random weights at make_family_fixtures.py's scales (embeddings
N(0, 1), Linear weights N(0, 1.5/sqrt(fan_in)), norm gains 1 + N(0, 0.2), norm biases N(0, 0.1)),
so a wrong rotary layout or swapped GLU halves shows far above 1e-4. Stored as float16 (the word
embeddings alone are 7.8 MB in float32); llama.cpp and model-core both widen them to float32 once,
so both compute with the same float32 values.

Tokenizer: all-MiniLM-L6-v2's tokenizer.json (bert-base-uncased's WordPiece, from the catalog's
langchain4j jar, truncation and padding settings removed), the tokenizer nomic-embed-text uses:
tokens are not under test, and llama.cpp is fed our token ids (its own tokenization is compared
and the differences counted). sentence-transformers modules: mean pooling, Normalize,
max_seq_length 512 (nomic-embed-text-v1.5's sentence_bert_config.json says 8192; 512 keeps the
short-text reference to the other fixtures' texts, long ones go to long_reference.jsonl.gz).

Texts: make_family_fixtures.pick_texts with this tokenizer (76 languages, emoji, 7 texts cut at
512, edge cases), plus make_family_fixtures' long texts (1000 to 2048 tokens, LONG_MAX_LENGTH).
reference_llamacpp.jsonl.gz and long_reference_llamacpp.jsonl.gz: make_family_fixtures' formats (every token, 6
decimals; the long ones every 8th token and the last).

  python3 make_nomic_fixture.py --tokenizer-json PATH/all-minilm-l6-v2-tokenizer.json
"""
import argparse
import gzip
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch
from safetensors.torch import save_file
from transformers import PreTrainedTokenizerFast

import make_family_fixtures as fam

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(fam.RES, "models", "nomicbert-tiny")
SEED = 14 + 4
H, HEADS, LAYERS, FF, VOCAB = 64, 4, 4, 256, 30528


def config():
    return {
        "_name_or_path": "nomic-ai/nomic-bert-2048",
        "activation_function": "swiglu",
        "architectures": ["NomicBertModel"],
        "attn_pdrop": 0.0,
        "bos_token_id": None,
        "causal": False,
        "dense_seq_output": True,
        "embd_pdrop": 0.0,
        "eos_token_id": None,
        "fused_bias_fc": True,
        "fused_dropout_add_ln": True,
        "initializer_range": 0.02,
        "layer_norm_epsilon": 1e-12,
        "max_trained_positions": 2048,
        "mlp_fc1_bias": False,
        "mlp_fc2_bias": False,
        "model_type": "nomic_bert",
        "n_embd": H,
        "n_head": HEADS,
        "n_inner": FF,
        "n_layer": LAYERS,
        "n_positions": 8192,
        "pad_vocab_size_multiple": 64,
        "parallel_block": False,
        "parallel_block_tied_norm": False,
        "prenorm": False,
        "qkv_proj_bias": False,
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.0,
        "rotary_emb_base": 1000,
        "rotary_emb_fraction": 1.0,
        "rotary_emb_interleaved": False,
        "rotary_emb_scale_base": None,
        "rotary_scaling_factor": None,
        "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True,
        "summary_activation": None,
        "summary_first_dropout": 0.0,
        "summary_proj_to_labels": True,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "torch_dtype": "float16",
        "transformers_version": "4.34.0",
        "type_vocab_size": 2,
        "use_cache": True,
        "use_flash_attn": True,
        "use_rms_norm": False,
        "use_xentropy": True,
        "vocab_size": VOCAB,
    }


def weights():
    g = torch.Generator().manual_seed(SEED)

    def linear(out, inp):
        return 1.5 / math.sqrt(inp) * torch.randn((out, inp), generator=g)

    def norm(prefix, t):
        t[prefix + "weight"] = 1 + 0.2 * torch.randn(H, generator=g)
        t[prefix + "bias"] = 0.1 * torch.randn(H, generator=g)

    t = {"embeddings.word_embeddings.weight": torch.randn((VOCAB, H), generator=g),
         "embeddings.token_type_embeddings.weight": torch.randn((2, H), generator=g)}
    norm("emb_ln.", t)
    for l in range(LAYERS):
        p = f"encoder.layers.{l}."
        t[p + "attn.Wqkv.weight"] = linear(3 * H, H)
        t[p + "attn.out_proj.weight"] = linear(H, H)
        norm(p + "norm1.", t)
        t[p + "mlp.fc11.weight"] = linear(FF, H)
        t[p + "mlp.fc12.weight"] = linear(FF, H)
        t[p + "mlp.fc2.weight"] = linear(H, FF)
        norm(p + "norm2.", t)
    return {k: v.to(torch.float16).contiguous() for k, v in t.items()}


def write_directory(tokenizer_json):
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    with open(os.path.join(OUT, "config.json"), "w") as f:
        json.dump(config(), f, indent=2)
        f.write("\n")
    save_file(weights(), os.path.join(OUT, "model.safetensors"), metadata={"format": "pt"})
    tj = json.load(open(tokenizer_json, encoding="utf-8"))
    tj["truncation"] = None
    tj["padding"] = None
    with open(os.path.join(OUT, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tj, f, ensure_ascii=False)
    fam.write_sentence_transformers(OUT, H)
    with open(os.path.join(OUT, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "BertTokenizerFast", "model_max_length": 8192,
                   "do_lower_case": True, "cls_token": "[CLS]", "sep_token": "[SEP]",
                   "unk_token": "[UNK]", "pad_token": "[PAD]", "mask_token": "[MASK]"},
                  f, indent=2)
        f.write("\n")


def convert(llama_dir, gguf_path):
    env = dict(os.environ, PYTHONPATH=os.path.join(llama_dir, "gguf-py"))
    subprocess.run([sys.executable, os.path.join(llama_dir, "convert_hf_to_gguf.py"), OUT,
                    "--outtype", "f32", "--outfile", gguf_path], check=True, env=env)


class Reference:
    """llama.cpp on the GGUF, fed token ids; per-token hidden states of the last layer."""

    def __init__(self, gguf_path):
        import llama_cpp
        self.llama_cpp = llama_cpp
        self.llm = llama_cpp.Llama(model_path=gguf_path, embedding=True, n_ctx=2048,
                                   n_batch=2048, n_ubatch=2048, n_threads=1,
                                   pooling_type=llama_cpp.LLAMA_POOLING_TYPE_NONE,
                                   flash_attn=False, verbose=False)
        self.version = llama_cpp.__version__

    def tokenize(self, text):
        return self.llm.tokenize(text.encode("utf-8"), add_bos=True, special=False)

    def hidden(self, ids):
        llm = self.llm
        llm._batch.reset()
        llm._ctx.kv_cache_clear()
        llm._batch.add_sequence(ids, 0, True)
        llm._ctx.decode(llm._batch)
        ptr = self.llama_cpp.llama_get_embeddings(llm._ctx.ctx)
        n = len(ids) * H
        h = np.ctypeslib.as_array(ptr, shape=(n,)).copy().reshape(len(ids), H)
        llm._batch.reset()
        return h.astype(np.float64)


def line_of(lang, text, ids, truncated, h):
    pooled = h.mean(axis=0)
    pooled = pooled / np.linalg.norm(pooled)
    return {"lang": lang, "text": text, "input_ids": ids, "truncated": truncated,
            "last_hidden_state": [[fam.r6(float(v)) for v in row] for row in h],
            "sentence_embedding": [fam.r6(float(v)) for v in pooled]}


def write_gz(path, lines):
    with open(path, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        for line in lines:
            gz.write((json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
                     .encode("utf-8"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer-json", required=True)
    ap.add_argument("--llama-cpp", default="/tmp/llamacpp/llama_cpp_python-0.3.36/vendor/llama.cpp",
                    help="llama.cpp's sources (llama-cpp-python 0.3.36's sdist, vendor/llama.cpp)")
    args = ap.parse_args()
    write_directory(args.tokenizer_json)
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(OUT, "tokenizer.json"))
    with tempfile.TemporaryDirectory() as tmp:
        gguf_path = os.path.join(tmp, "nomicbert-tiny-f32.gguf")
        convert(args.llama_cpp, gguf_path)
        ref = Reference(gguf_path)
        texts = fam.pick_texts(tok)
        lines, differ, n_tokens = [], 0, 0
        for lang, text in texts:
            ids = tok(text, truncation=True, max_length=fam.MAX_LENGTH)["input_ids"]
            full = len(tok(text)["input_ids"])
            theirs = ref.tokenize(text)[:fam.MAX_LENGTH]
            differ += theirs != ids
            h = ref.hidden(ids)
            # the same ids alone again: llama.cpp's output must not depend on the previous call
            assert np.array_equal(h, ref.hidden(ids)), text
            n_tokens += len(ids)
            lines.append(line_of(lang, text, ids, full > fam.MAX_LENGTH, h))
        write_gz(os.path.join(OUT, "reference_llamacpp.jsonl.gz"), lines)
        print(f"nomicbert-tiny: llama-cpp-python {ref.version}: {len(texts)} texts, "
              f"{n_tokens} tokens; llama.cpp's own tokenization differs on {differ}")
        # long texts, as make_family_fixtures.write_long_reference picks them
        rows = [json.loads(line) for line in gzip.open(fam.CORPUS, "rt", encoding="utf-8")]
        rng = random.Random(fam.SEED + 3)
        langs = sorted({r["lang"] for r in rows})
        targets = [600, 1000, 1500, 2100, 2100, 2100]
        long_lines = []
        for target, lang in zip(targets, rng.sample(langs, len(targets))):
            mine = [r["text"] for r in rows if r["lang"] == lang]
            parts = []
            while len(tok("\n".join(parts))["input_ids"]) < target:
                parts.append(rng.choice(mine))
            text = "\n".join(parts)
            ids = tok(text, truncation=True, max_length=fam.LONG_MAX_LENGTH)["input_ids"]
            h = ref.hidden(ids)
            n = len(ids)
            keep = sorted(set(range(0, n, 8)) | {n - 1})
            long_lines.append({"lang": lang, "text": text, "input_ids": ids, "rows": keep,
                               "hidden": [[fam.r6(float(v)) for v in h[t]] for t in keep]})
            print(f"  long: {lang}, {n} tokens")
        write_gz(os.path.join(OUT, "long_reference_llamacpp.jsonl.gz"), long_lines)


if __name__ == "__main__":
    main()
