"""torch.onnx export of a Hugging Face encoder as users get it, importable by other scripts
(make_family_onnx_fixtures.py; scripts/bench.sh's ONNX Runtime anchor may reuse it).

export_onnx(model, out_dir) writes out_dir/model.onnx with the TorchScript exporter
(torch.onnx.export(..., dynamo=False)) at opset 14: what `optimum-cli export onnx` does for
BERT-like encoders (optimum's exporter calls torch.onnx.export without dynamo; its default opset for
BERT/RoBERTa/MPNet is 14, LayerNorm stays decomposed below opset 17), inputs input_ids and
attention_mask (token_type_ids too when the model has token types), output last_hidden_state,
dynamic batch and sequence axes. Weights are inlined (the file stays below protobuf's 2 GB; larger
models need external data, which torch then writes next to model.onnx).

Needs torch 2.8.0 and transformers 4.55.4 (requirements.txt).
"""
import os

import torch

OPSET = 14


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
