#!/usr/bin/env python3
"""Exports the tiny family fixtures (xlmr-tiny, mpnet-tiny, modernbert-tiny, made by
make_family_fixtures.py) to ONNX as users get them: models/NAME/onnx/model.onnx, the layout
optimum-cli and the Hugging Face hub use (config.json, tokenizer.json and the sentence-transformers
modules one directory up).

Each model is loaded back with transformers' own class (AutoModel.from_pretrained on the fixture
directory; ModernBERT with attn_implementation="eager", the path that traces on CPU) and exported
by onnx_export.export_onnx: torch.onnx.export's TorchScript exporter (dynamo=False, torch 2.8's
default and what optimum-onnx's exporter calls), opset 18 (the default of both; see onnx_export),
weights inlined (each file about 2.5 MB), inputs input_ids and attention_mask, output
last_hidden_state. XLM-R's and MPNet's poolers are not part of the fixture's checkpoint
(save_pretrained of the bare model without them), so they are dropped before export rather than
exported with fresh random weights.

The ONNX files carry the same float32 weights as model.safetensors; the Java test
(OnnxFamilyParityTest) checks the ONNX-loaded model against the same reference.jsonl.gz.

Needs torch 2.8.0 and transformers 4.55.4 (requirements.txt).

  python3 make_family_onnx_fixtures.py [--only xlmr-tiny|mpnet-tiny|modernbert-tiny]
"""
import argparse
import os

import torch
from transformers import AutoModel

from onnx_export import export_onnx

FIXTURES = ["xlmr-tiny", "mpnet-tiny", "modernbert-tiny"]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    models = os.path.join(here, "..", "resources", "models")
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=FIXTURES)
    args = ap.parse_args()
    torch.set_num_threads(1)
    for name in [args.only] if args.only else FIXTURES:
        src = os.path.join(models, name)
        if name.startswith("modernbert"):
            model = AutoModel.from_pretrained(src, attn_implementation="eager")
        else:
            model = AutoModel.from_pretrained(src)
            model.pooler = None  # not in the checkpoint: would be exported with random weights
        path = export_onnx(model.eval(), os.path.join(src, "onnx"))
        print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
