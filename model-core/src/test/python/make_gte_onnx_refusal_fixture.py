#!/usr/bin/env python3
"""Exports a GTE NewModel ONNX file as users' GTE ONNX files are made (torch.onnx TorchScript
exporter, opset 18: onnx_export.export_onnx) from Alibaba-NLP's own NewModel code, for the
importer's refusal test: models/onnx-gte-refused/model.onnx. The model importer does not map GTE
exports: the trace stores the NTK rotary cos/sin tables as constants (no Cos node to find) and
splits the fused qkv_proj and up_gate_proj outputs with Split nodes; OnnxReaderTest checks that
this real export is refused naming its first Split node and the family.

The model is gte-en-tiny's config.json (gte-base-en-v1.5's at hidden 64) cut to one layer, a
64-token vocabulary and max_position_embeddings 128 (the reference's rotary tables hold twice that
many rows under NTK factor 2) so the file stays small, with the reference's own initialisation
seeded (torch.manual_seed(0)). The reference code is make_gte_fixtures.reference(): new-impl's
modeling.py + configuration.py run from the jflachman/local_rag_llm mirror (--mirror or
$GTE_REFERENCE_REPO; see make_gte_fixtures.py for the commit and blobs; never copied here).

  python3 make_gte_onnx_refusal_fixture.py [--mirror /path/to/local_rag_llm/git]
"""
import argparse
import json
import os

import torch

import make_gte_fixtures
from onnx_export import export_onnx


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    models = os.path.join(here, "..", "resources", "models")
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default=None)
    args = ap.parse_args()
    torch.set_num_threads(1)
    modeling, configuration = make_gte_fixtures.reference(args.mirror)
    with open(os.path.join(models, "gte-en-tiny", "config.json")) as f:
        fields = json.load(f)
    fields.update(vocab_size=64, num_hidden_layers=1, max_position_embeddings=128)
    torch.manual_seed(0)
    model = modeling.NewModel(configuration.NewConfig(**fields)).eval()
    ids = torch.tensor([[1, 7, 11, 5, 9, 2]])
    path = export_onnx(model, os.path.join(models, "onnx-gte-refused"), sample_ids=ids)
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
