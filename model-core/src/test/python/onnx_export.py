"""torch.onnx export of a Hugging Face encoder as users get it, importable by other scripts
(make_family_onnx_fixtures.py; scripts/bench.sh's ONNX Runtime anchor may reuse it).

export_onnx(model, out_dir) writes out_dir/model.onnx with the TorchScript exporter
(torch.onnx.export(..., dynamo=False)) at opset 18: what users get today from both
`torch.onnx.export` in torch 2.8 (dynamo=False and opset 18, torch.onnx._constants.
ONNX_DEFAULT_OPSET, are its defaults) and `optimum-cli export onnx` (optimum-onnx 0.1.0 calls
torch.onnx.export with dynamo=False, its OnnxConfig.DEFAULT_ONNX_OPSET is 18 and its BERT, RoBERTa,
XLM-R, MPNet and ModernBERT configs keep it; they export input_ids and attention_mask, plus
token_type_ids for BERT). At 18 LayerNorm is one LayerNormalization node (below 17 it is
decomposed; opset=14 gives older optimum's graphs, which the importer reads too). Inputs
input_ids and attention_mask (token_type_ids too when the model has token types), output
last_hidden_state,
dynamic batch and sequence axes. Weights are inlined (the file stays below protobuf's 2 GB; larger
models need external data, which torch then writes next to model.onnx).

Needs torch 2.8.0 and transformers 4.55.4 (requirements.txt).
"""
import os

import torch

OPSET = 18


def export_onnx(model, out_dir, opset=OPSET, sample_ids=None):
    """Exports model (a transformers *Model in eval mode) to out_dir/model.onnx; returns the path."""
    os.makedirs(out_dir, exist_ok=True)
    model = model.eval()
    ids = sample_ids if sample_ids is not None else torch.tensor([[0, 7, 11, 5, 9, 2]])
    mask = torch.ones_like(ids)
    names = ["input_ids", "attention_mask"]
    args = (ids, mask)
    # token_type_ids only where there is more than one type: optimum's RoBERTa/XLM-R/MPNet/
    # ModernBERT configs export input_ids and attention_mask alone.
    if getattr(model.config, "type_vocab_size", 0) > 1:
        names.append("token_type_ids")
        args = (ids, mask, torch.zeros_like(ids))
    path = os.path.join(out_dir, "model.onnx")
    # The model itself, not a wrapper: scope paths and initializer names stay the model's own
    # ("/encoder/layer.0/...", "encoder.layer.0.attention.self.query.bias"), as optimum exports.
    with torch.no_grad():
        torch.onnx.export(
            model, args[:1], path, kwargs=dict(zip(names[1:], args[1:])), dynamo=False,
            opset_version=opset, input_names=names, output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "sequence"} for n in names + ["last_hidden_state"]})
    return path
