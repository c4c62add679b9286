#!/usr/bin/env python3
"""Exports a NomicBERT ONNX file as users' nomic ONNX files are made (torch.onnx TorchScript
exporter, opset 18: onnx_export.export_onnx) from nomic's own NomicBertModel, for the importer's
refusal test: models/onnx-nomic-refused/model.onnx. The model importer does not map NomicBERT
exports (its graph builds the rotary table with an Einsum, slices the rotary part of each head and
scales queries and keys by √(1/√d) each); OnnxReaderTest checks that this real export is refused
naming its first Cos node.

The model is nomicbert-tiny's config.json (nomic-embed-text-v1.5's at hidden 64) cut to one
layer and a 64-token vocabulary so the file stays small (~0.2 MB), with seeded random weights
(nomic's own initialization, torch.manual_seed(0)). nomic's code is the reference
NomicBertModel, src/contrastors/models/huggingface/modeling_hf_nomic_bert.py at contrastors
commit nomic_reference.CONTRASTORS_COMMIT, run from the mirror by nomic_reference.modeling()
(--contrastors or $CONTRASTORS_REPO; never copied here).

Needs torch 2.8.0, transformers 4.55.4 and einops (requirements.txt).

  python3 make_nomic_onnx_refusal_fixture.py [--contrastors /path/to/contrastors/git]
"""
import argparse
import json
import os

import torch

import nomic_reference
from onnx_export import export_onnx


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    models = os.path.join(here, "..", "resources", "models")
    ap = argparse.ArgumentParser()
    ap.add_argument("--contrastors", default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)
    m = nomic_reference.modeling(args.contrastors)
    with open(os.path.join(models, "nomicbert-tiny", "config.json")) as f:
        fields = json.load(f)
    fields.update(vocab_size=64, n_layer=1, torch_dtype="float32")
    config = m.NomicBertConfig(**fields)
    torch.manual_seed(0)
    model = m.NomicBertModel(config, add_pooling_layer=False).eval()
    ids = torch.tensor([[1, 7, 11, 5, 9, 2]])
    path = export_onnx(model, os.path.join(models, "onnx-nomic-refused"), sample_ids=ids)
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
