#!/usr/bin/env python3
"""Makes the ONNX activation fixture of issue 12 item 5: a tiny BertModel whose feed-forward
activation is ReLU and which keeps BERT's pooler (dense + Tanh), exported by torch.onnx.

The pooler's Tanh is outside every encoder layer; the importer must take the activation from the
layers' own feed-forward nodes (intermediate dense -> activation -> output dense), not from any
Tanh anywhere in the graph (which made this model load as tanh-GELU).

  BertModel(BertConfig(vocab_size=30, hidden_size=16, num_hidden_layers=2,
      num_attention_heads=2, intermediate_size=32, max_position_embeddings=16,
      type_vocab_size=2, hidden_act="relu"), add_pooling_layer=True)

Weights are drawn again after BertModel's init from torch.manual_seed(12) at scales that keep
ReLU and GELU far apart (dense weights N(0, 1.5/sqrt(fan_in)), biases N(0, 0.3)). Writes
model-core/src/test/resources/models/onnx-relu-pooler/model.onnx (about 30 KB), exported with
torch.onnx.export (TorchScript exporter, opset 14, inputs input_ids, attention_mask,
token_type_ids, dynamic batch and sequence axes; outputs last_hidden_state, pooler_output).
The test runs ONNX Runtime on this same file as the reference.

Needs torch 2.8.0 and transformers 4.55.4 (requirements.txt; no onnx package needed).

  python3 make_onnx_activation_fixture.py [--out DIR]
"""
import argparse
import math
import os

import torch
from transformers import BertConfig, BertModel

SEED = 12


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "resources", "models", "onnx-relu-pooler")
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=default_out)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    config = BertConfig(vocab_size=30, hidden_size=16, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=32,
                        max_position_embeddings=16, type_vocab_size=2, hidden_act="relu")
    model = BertModel(config, add_pooling_layer=True).eval()
    torch.manual_seed(SEED)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm" in name:
                p.copy_(1 + 0.2 * torch.randn_like(p) if name.endswith("weight")
                        else 0.1 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.3 * torch.randn_like(p))
            elif "embeddings" in name:
                p.copy_(torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) * 1.5 / math.sqrt(p.shape[1]))

    ids = torch.tensor([[2, 7, 11, 5, 3]])
    mask = torch.ones_like(ids)
    types = torch.zeros_like(ids)
    path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(
        model, (ids, mask, types), path, dynamo=False, opset_version=14,
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state", "pooler_output"],
        dynamic_axes={n: {0: "batch", 1: "sequence"}
                      for n in ["input_ids", "attention_mask", "token_type_ids",
                                "last_hidden_state"]} | {"pooler_output": {0: "batch"}})
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
