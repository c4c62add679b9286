#!/usr/bin/env python3
"""Exports GTE NewModel ONNX files as users' GTE ONNX files are made (torch.onnx TorchScript
exporter, opset 18: onnx_export.export_onnx) from Alibaba-NLP's own NewModel code. The reference
code is make_gte_fixtures.reference(): new-impl's modeling.py + configuration.py run from the
jflachman/local_rag_llm mirror (--mirror or $GTE_REFERENCE_REPO; see make_gte_fixtures.py for the
commit and blob ids, which are checked; nothing of it is copied here). Eager attention (NewAttention).

models/gte-en-tiny/onnx/model.onnx: gte-en-tiny (made by make_gte_fixtures.py) loaded back by the
reference's NewModel.from_pretrained, its float16 weights widened to float32 (as model-core widens
them), exported with inputs input_ids and attention_mask (type_vocab_size 0: no token types).
The trace keeps the NTK rotary cos/sin tables (max_position_embeddings x factor = 16384 rows) and
the position ids (0..8191) as constants; OnnxFamilyParityTest (GteOnnxParityTest) checks the model
the importer reads from it against model.safetensors (bitwise) and ONNX Runtime on the file.

models/onnx-gte-refused/model.onnx: a GTE export whose rotary tables hold a scaling model-core
does not implement (the reference's mixed NTK, rope_scaling {"type": "ntk", "factor": 2.0,
"mixed_b": 0.5}) for OnnxReaderTest's refusal: gte-en-tiny's config.json cut to one layer, a
64-token vocabulary and max_position_embeddings 128 so the file stays small, the reference's own
initialisation seeded (torch.manual_seed(0)).

models/gte-split-order/model.onnx and permuted.onnx: how the importer reads which Split part is
q, k and v and which is up and gate. model.onnx is a real export of the reference's NewModel
(gte-en-tiny's config.json cut to one layer, a 64-token vocabulary and max_position_embeddings
128, NTK factor 2 as published, with one token type as gte-multilingual-base has, which the trace
gathers at position_ids * 0; weights seeded as make_gte_fixtures.randomize sets them, so every
bias is its own). permuted.onnx is that graph rewritten to compute the same function with the
fused products' parts in another order: qkv_proj's weight columns and bias as [v, q, k] with the
Split's outputs reordered to match, up_gate_proj's columns as [gate, up] likewise (the reference
always exports q, k, v and up, gate; this is the only way to give the importer another order).
GteSplitOrderTest checks that both give the same weights and that each matches ONNX Runtime on
its own file.

  python3 make_gte_onnx_fixtures.py [--mirror /path/to/local_rag_llm/git] [--only en|refused|split]
"""
import argparse
import json
import os

import numpy as np
import onnx
import torch
from onnx import numpy_helper

import make_gte_fixtures
from onnx_export import export_onnx


def export_gte_en_tiny(models, modeling, configuration):
    src = os.path.join(models, "gte-en-tiny")
    with open(os.path.join(src, "config.json")) as f:
        fields = json.load(f)
    config = configuration.NewConfig(**fields, attn_implementation="eager")
    model = modeling.NewModel.from_pretrained(src, config=config, torch_dtype=torch.float32,
                                              attn_implementation="eager").eval()
    assert type(model.encoder.layer[0].attention) is modeling.NewAttention
    assert all(p.dtype == torch.float32 for p in model.parameters())
    return export_onnx(model, os.path.join(src, "onnx"))


def export_refused(models, modeling, configuration):
    with open(os.path.join(models, "gte-en-tiny", "config.json")) as f:
        fields = json.load(f)
    fields.update(vocab_size=64, num_hidden_layers=1, max_position_embeddings=128,
                  rope_scaling={"type": "ntk", "factor": 2.0, "mixed_b": 0.5})
    torch.manual_seed(0)
    model = modeling.NewModel(configuration.NewConfig(**fields)).eval()
    ids = torch.tensor([[1, 7, 11, 5, 9, 2]])
    return export_onnx(model, os.path.join(models, "onnx-gte-refused"), sample_ids=ids)


def export_split_order(models, modeling, configuration):
    with open(os.path.join(models, "gte-en-tiny", "config.json")) as f:
        fields = json.load(f)
    fields.update(vocab_size=64, num_hidden_layers=1, max_position_embeddings=128,
                  type_vocab_size=1)
    model = make_gte_fixtures.randomize(modeling.NewModel(configuration.NewConfig(**fields)), 21)
    out = os.path.join(models, "gte-split-order")
    path = export_onnx(model.eval(), out, sample_ids=torch.tensor([[1, 7, 11, 5, 9, 2]]))
    graph = onnx.load(path)
    inits = {t.name: t for t in graph.graph.initializer}
    producers = {o: n for n in graph.graph.node for o in n.output}

    def permute(name, parts, order):
        t = inits[name]
        a = numpy_helper.to_array(t)
        blocks = np.split(a, parts, axis=-1)
        t.CopyFrom(numpy_helper.from_array(np.concatenate([blocks[i] for i in order], axis=-1),
                                           name))

    for split in [n for n in graph.graph.node if n.op_type == "Split"]:
        fused = producers[split.input[0]]
        if len(split.output) == 3:  # qkv_proj: Add(bias, MatMul)
            order = [2, 0, 1]
            matmul = next(producers[i] for i in fused.input if i in producers)
            bias = next(i for i in fused.input if i in inits)
            permute(bias, 3, order)
        else:  # up_gate_proj: the MatMul itself
            order = [1, 0]
            matmul = fused
        assert matmul.op_type == "MatMul", matmul.name
        permute(matmul.input[1], len(order), order)
        outputs = list(split.output)
        del split.output[:]
        split.output.extend(outputs[i] for i in order)
    onnx.checker.check_model(graph)
    permuted = os.path.join(out, "permuted.onnx")
    onnx.save(graph, permuted)
    return path, permuted


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    models = os.path.join(here, "..", "resources", "models")
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default=None)
    ap.add_argument("--only", choices=["en", "refused", "split"])
    args = ap.parse_args()
    torch.set_num_threads(1)
    modeling, configuration = make_gte_fixtures.reference(args.mirror)
    if args.only in (None, "en"):
        path = export_gte_en_tiny(models, modeling, configuration)
        print("wrote", path, os.path.getsize(path), "bytes")
    if args.only in (None, "refused"):
        path = export_refused(models, modeling, configuration)
        print("wrote", path, os.path.getsize(path), "bytes")
    if args.only in (None, "split"):
        for path in export_split_order(models, modeling, configuration):
            print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
