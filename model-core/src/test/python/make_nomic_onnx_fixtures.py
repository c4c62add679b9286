#!/usr/bin/env python3
"""Exports NomicBERT ONNX files as users' nomic ONNX files are made (torch.onnx TorchScript
exporter, opset 18: onnx_export.export_onnx) from nomic's own NomicBertModel, for the importer's
tests. nomic's code is the reference NomicBertModel,
src/contrastors/models/huggingface/modeling_hf_nomic_bert.py at contrastors commit
nomic_reference.CONTRASTORS_COMMIT, run from the mirror by nomic_reference (--contrastors or
$CONTRASTORS_REPO; never copied here). Only the exported files are committed.

  models/nomicbert-tiny/onnx/model.onnx   nomicbert-tiny's own weights (model.safetensors, loaded
      by nomic_reference.load: a fresh model), so the file computes its rotary table in the graph
      (Range, Einsum with the constant inverse frequencies, Cos, Sin). NomicBertOnnxParityTest
      loads it in place of model.safetensors on the family texts.
  models/nomic-onnx-tables/model.onnx     one layer of nomicbert-tiny's config with a 64-token
      vocabulary (seeded weights, Wqkv scaled by 8 so attention is far from uniform), run once on
      TABLE_ROWS tokens before the export, as a user who checks the model first does: nomic's
      rotary module keeps its cos/sin tables between calls and rebuilds them only for longer
      inputs, so the trace stores them as constants [TABLE_ROWS, d/2] (no Cos node), and the
      file computes sequences of at most TABLE_ROWS tokens. NomicBertOnnxExportTest reads the
      base back from those tables.
  models/onnx-nomic-refused/model.onnx    the same small model with dynamic NTK
      (rotary_scaling_factor 2 over max_trained_positions 8), exported with a 12-token sample:
      past the trained length, so the trace keeps nomic's NTK branch and computes the rotary
      frequencies in the graph from the sequence length, for every length (the trace fixed the
      branch). The importer refuses it naming the node (OnnxReaderTest).

Needs torch 2.8.0, transformers 4.55.4 and einops (requirements.txt).

  python3 make_nomic_onnx_fixtures.py [--contrastors /path/to/contrastors/git] [--only NAME]
"""
import argparse
import json
import os

import torch

import nomic_reference
from onnx_export import export_onnx

FIXTURES = ["nomicbert-tiny", "nomic-onnx-tables", "onnx-nomic-refused"]
# Positions the constant-table export is run on first: its tables' rows, the longest input it takes.
TABLE_ROWS = 40


def small_model(m, models, **overrides):
    """nomicbert-tiny's config cut to one layer and a 64-token vocabulary, seeded weights."""
    with open(os.path.join(models, "nomicbert-tiny", "config.json")) as f:
        fields = json.load(f)
    fields.update(vocab_size=64, n_layer=1, torch_dtype="float32", **overrides)
    config = m.NomicBertConfig(**fields)
    torch.manual_seed(0)
    model = m.NomicBertModel(config, add_pooling_layer=False).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "Wqkv" in name:
                p.mul_(8.0)  # scores far from uniform, so the rotary shapes the output
    return model


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    models = os.path.join(here, "..", "resources", "models")
    ap = argparse.ArgumentParser()
    ap.add_argument("--contrastors", default=None)
    ap.add_argument("--only", choices=FIXTURES)
    args = ap.parse_args()
    torch.set_num_threads(1)
    m = nomic_reference.modeling(args.contrastors)
    for name in [args.only] if args.only else FIXTURES:
        ids = torch.tensor([[1, 7, 11, 5, 9, 2]])
        if name == "nomicbert-tiny":
            src = os.path.join(models, name)
            model = nomic_reference.load(src, args.contrastors)
            out = os.path.join(src, "onnx")
        elif name == "nomic-onnx-tables":
            model = small_model(m, models)
            with torch.no_grad():
                warm = torch.arange(TABLE_ROWS).remainder(64).unsqueeze(0)
                model(input_ids=warm, attention_mask=torch.ones_like(warm))
            out = os.path.join(models, name)
        else:
            model = small_model(m, models, rotary_scaling_factor=2.0, max_trained_positions=8)
            ids = torch.arange(12).unsqueeze(0)
            out = os.path.join(models, name)
        path = export_onnx(model, out, sample_ids=ids)
        print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
