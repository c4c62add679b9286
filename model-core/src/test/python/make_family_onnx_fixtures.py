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

modernbert-sdpa-small is ModernBERT as torch.onnx exports it with transformers' default attention
("sdpa": scaled_dot_product_attention decomposed into (q·√s)·(kᵀ·√s)), inside a wrapper module
(names "model."-prefixed as ModernBertForMaskedLM's): modernbert-tiny's config.json with a
64-token vocabulary (so the file stays ~0.6 MB), seeded random weights (torch.manual_seed(0),
Wqkv scaled by 8 so that attention is far from uniform; the norms keep their initial ones, so the
exporter keeps one copy and gives the others as Identity nodes), written to
models/modernbert-sdpa-small/model.onnx alone; the Java test (ModernBertSdpaExportTest) checks
the model read from it against ONNX Runtime on the file.

Needs torch 2.8.0 and transformers 4.55.4 (requirements.txt).

  python3 make_family_onnx_fixtures.py [--only xlmr-tiny|mpnet-tiny|modernbert-tiny|modernbert-sdpa-small]
"""
import argparse
import os

import torch
from transformers import AutoConfig, AutoModel

from onnx_export import export_onnx

FIXTURES = ["xlmr-tiny", "mpnet-tiny", "modernbert-tiny", "modernbert-sdpa-small"]


def export_modernbert_sdpa_small(models):
    config = AutoConfig.from_pretrained(os.path.join(models, "modernbert-tiny"))
    config.vocab_size = 64
    config._attn_implementation = "sdpa"
    torch.manual_seed(0)
    model = AutoModel.from_config(config, attn_implementation="sdpa")
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "Wqkv" in name:
                p.mul_(8.0)  # scores far from uniform, so rotary and window shape the output
    return export_onnx(Wrapped(model.eval()), os.path.join(models, "modernbert-sdpa-small"))


class Wrapped(torch.nn.Module):
    """The model as attribute `model`: every name "model."-prefixed, scopes under /model, as in
    ModernBertForMaskedLM and in exports of a wrapper module."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.config = model.config

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids=input_ids, attention_mask=attention_mask)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    models = os.path.join(here, "..", "resources", "models")
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=FIXTURES)
    args = ap.parse_args()
    torch.set_num_threads(1)
    for name in [args.only] if args.only else FIXTURES:
        if name == "modernbert-sdpa-small":
            path = export_modernbert_sdpa_small(models)
            print("wrote", path, os.path.getsize(path), "bytes")
            continue
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
