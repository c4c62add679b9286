#!/usr/bin/env python3
"""Makes the tiny GTE NewModel fixtures of issue 14 (models/gte-en-tiny/, models/gte-multi-tiny/)
and their reference outputs, computed by Alibaba-NLP's own NewModel code.

GTE's NewModel (model_type "new") is not in transformers: its modeling code is Alibaba-NLP's
"new-impl" (modeling.py + configuration.py, "Copyright 2024 The GTE Team Authors and Alibaba
Group"), which the checkpoints load through trust_remote_code. The reference is that code, RUN
from a mirror of a public repository that ships an unmodified-looking copy of it:

  github.com/jflachman/local_rag_llm at ed0742db31f3a7001b1e17bc497584f1523a6773,
  models/em_stella_en/modeling.py (blob 2864f6ebd7f66e5318bdb6349388dee022ee8e43) and
  models/em_stella_en/configuration.py (blob 8f8b2bd73f37c270aed02826ed1dee44a8691a0a),
  the copy of new-impl that dunzhang/stella_en_400M_v5 ships with its checkpoint.

Its inference path (NewEmbeddings, RotaryEmbedding/NTKScalingRotaryEmbedding, NewAttention,
NewGatedMLP, NewLayer, NewModel.forward) is line for line the same as a second, independent public
copy found by the code index (78 kB, whose only differences are training-only: a hand-written
gradient-checkpointing helper and a torch.distributed import). The two files are read with
`git show` from the mirror (--mirror, default /work/.mirror/jflachman+local_rag_llm/repo), their
blob ids checked, written to a temporary package and imported; nothing of them is committed.
The model runs in eval mode, fp32, CPU, attn_implementation "eager" (NewAttention), unpad_inputs
and use_memory_efficient_attention false (no xformers), one text at a time.

config.json: the published configs at a small size, every other field as published.
  gte-en-tiny: Alibaba-NLP/gte-base-en-v1.5's config.json (as mirrored in the same repository,
    models/em_gte_base_en/config.json): hidden_size 64 (768 there), num_attention_heads 4 (12;
    head size 16), num_hidden_layers 4 (12), intermediate_size 256 (3072: the same 4x ratio);
    as published: vocab_size 30528, type_vocab_size 0, rope_theta 500000, rope_scaling
    {"type": "ntk", "factor": 2.0}, max_position_embeddings 8192, hidden_act "gelu",
    layer_norm_type "layer_norm", layer_norm_eps 1e-12, pack_qkv true, pad_token_id 0,
    unpad_inputs false, use_memory_efficient_attention false. Tokenizer: nomicbert-tiny's
    tokenizer.json (bert-base-uncased's WordPiece, the one gte-base-en-v1.5 ships).
  gte-multi-tiny: gte-multilingual-base's settings as its public fine-tunes' config.json carry
    them (e.g. louisbrulenaudet/lemone-embed-pro, _name_or_path Alibaba-NLP/gte-multilingual-base;
    Alibaba's own file was not reachable here): the same small size; rope_theta 20000,
    rope_scaling {"type": "ntk", "factor": 8.0}, type_vocab_size 1, pad_token_id 1,
    max_position_embeddings 8192, logn_attention_scale false, layer_norm_eps 1e-12;
    vocab_size 8002 (250048 there) to fit xlmr-tiny's Unigram tokenizer, which it reuses.
Weights: seeded random at make_family_fixtures.py's scales (embeddings N(0, 1), Linear weights
N(0, 1.5/sqrt(fan_in)), norm gains 1 + N(0, 0.2), biases N(0, 0.1)), saved by the reference's
save_pretrained (bare NewModel names) as float16 for gte-en-tiny (its word embeddings alone are
7.8 MB in float32) and float32 for gte-multi-tiny; the reference runs on the saved values widened
to float32, as model-core does.

Texts: make_family_fixtures.pick_texts with each tokenizer, and its long texts (up to 2048
tokens, every 8th token and the last); longest_reference.jsonl.gz: one text of 4096 tokens, every
8th token and the last. Formats: make_family_fixtures'. beyond_4096_reference.jsonl.gz: two texts
past 4096 tokens, cut at 6000 (an odd length) and at 8192 (max_position_embeddings), pieces of
every language of the corpus with about one in 7 one of make_family_fixtures' ADVERSARIAL pieces
(random.Random(SEED + 5)), joined by newlines: "input_ids", every 16th token's hidden state and
the last ("rows", "hidden") and the mean-pooled, normalized vector over all tokens
("sentence_embedding"). Eager attention holds [heads, len, len] scores: at 8192 tokens and these
fixtures' 4 heads, 1 GiB a copy (about 3 GiB at the peak, measured); --beyond-4096-only writes just
that file from the committed model directories (after checking that they reproduce the committed
reference.jsonl.gz's first text). Mean pooling + Normalize
modules (the published models pool CLS; pooling is not what is under test here).

  python3 make_gte_fixtures.py [--mirror PATH] [--beyond-4096-only]
"""
import argparse
import atexit
import gzip
import importlib
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

import torch
from transformers import PreTrainedTokenizerFast

import make_family_fixtures as fam

COMMIT = "ed0742db31f3a7001b1e17bc497584f1523a6773"
FILES = {"modeling.py": ("models/em_stella_en/modeling.py",
                         "2864f6ebd7f66e5318bdb6349388dee022ee8e43"),
         "configuration.py": ("models/em_stella_en/configuration.py",
                              "8f8b2bd73f37c270aed02826ed1dee44a8691a0a")}
H, HEADS, LAYERS, FF = 64, 4, 4, 256
MIRROR = "/work/.mirror/jflachman+local_rag_llm/repo"
LONGEST = 4096  # eager attention's [heads, len, len] scores: 256 MB at 4096
BEYOND = (6000, 8192)  # 1 GiB of scores at 8192 with 4 heads
BERT_TOKENIZER = os.path.join(fam.RES, "models", "nomicbert-tiny", "tokenizer.json")


def load_reference(mirror, tmp):
    """Alibaba-NLP's new-impl code from the mirror, as the package gte_reference."""
    pkg = os.path.join(tmp, "gte_reference")
    os.makedirs(pkg)
    open(os.path.join(pkg, "__init__.py"), "w").close()
    for name, (path, blob) in FILES.items():
        got = subprocess.run(["git", "-C", mirror, "rev-parse", f"{COMMIT}:{path}"], check=True,
                             capture_output=True, text=True).stdout.strip()
        assert got == blob, f"{path} at {COMMIT} is blob {got}, expected {blob}"
        text = subprocess.run(["git", "-C", mirror, "show", f"{COMMIT}:{path}"], check=True,
                              capture_output=True).stdout
        with open(os.path.join(pkg, name), "wb") as f:
            f.write(text)
    sys.path.insert(0, tmp)
    return (importlib.import_module("gte_reference.modeling"),
            importlib.import_module("gte_reference.configuration"))


_loaded = {}


def reference(mirror=None):
    """(modeling, configuration) for other scripts (make_bench_models.py, bench_st.py): the same
    code as load_reference, from mirror, $GTE_REFERENCE_REPO or MIRROR, once per process."""
    mirror = mirror or os.environ.get("GTE_REFERENCE_REPO") or MIRROR
    if not _loaded:
        tmp = tempfile.mkdtemp(prefix="gte-reference-")
        atexit.register(shutil.rmtree, tmp, True)
        _loaded[os.path.abspath(mirror)] = load_reference(mirror, tmp)
    if os.path.abspath(mirror) not in _loaded:
        raise ValueError(f"the GTE reference is already loaded from {list(_loaded)}, not {mirror}")
    return _loaded[os.path.abspath(mirror)]


def gte_base_config(vocab):
    """Alibaba-NLP/gte-base-en-v1.5's config.json, at the small size."""
    return {
        "architectures": ["NewModel"],
        "attention_probs_dropout_prob": 0.0,
        "auto_map": {
            "AutoConfig": "Alibaba-NLP/new-impl--configuration.NewConfig",
            "AutoModel": "Alibaba-NLP/new-impl--modeling.NewModel",
            "AutoModelForMaskedLM": "Alibaba-NLP/new-impl--modeling.NewForMaskedLM",
            "AutoModelForMultipleChoice": "Alibaba-NLP/new-impl--modeling.NewForMultipleChoice",
            "AutoModelForQuestionAnswering":
                "Alibaba-NLP/new-impl--modeling.NewForQuestionAnswering",
            "AutoModelForSequenceClassification":
                "Alibaba-NLP/new-impl--modeling.NewForSequenceClassification",
            "AutoModelForTokenClassification":
                "Alibaba-NLP/new-impl--modeling.NewForTokenClassification"},
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": H,
        "initializer_range": 0.02,
        "intermediate_size": FF,
        "layer_norm_eps": 1e-12,
        "layer_norm_type": "layer_norm",
        "max_position_embeddings": 8192,
        "model_type": "new",
        "num_attention_heads": HEADS,
        "num_hidden_layers": LAYERS,
        "pack_qkv": True,
        "pad_token_id": 0,
        "position_embedding_type": "rope",
        "rope_scaling": {"factor": 2.0, "type": "ntk"},
        "rope_theta": 500000,
        "torch_dtype": "float32",
        "transformers_version": "4.39.1",
        "type_vocab_size": 0,
        "unpad_inputs": False,
        "use_memory_efficient_attention": False,
        "vocab_size": vocab,
    }


def gte_multilingual_config(vocab):
    """gte-multilingual-base's settings (see the docstring), at the small size."""
    c = gte_base_config(vocab)
    c.update({"architectures": ["NewModel"], "classifier_dropout": 0.0,
              "logn_attention_clip1": False, "logn_attention_scale": False, "pad_token_id": 1,
              "rope_scaling": {"factor": 8.0, "type": "ntk"}, "rope_theta": 20000,
              "transformers_version": "4.44.2", "type_vocab_size": 1})
    return c


def randomize(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1 and name.endswith("weight"):  # LayerNorm gains
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=g))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=g))
            elif "embeddings" in name:
                p.copy_(torch.randn(p.shape, generator=g))
            else:  # nn.Linear weight, [out, in]
                p.copy_(1.5 / math.sqrt(p.shape[1]) * torch.randn(p.shape, generator=g))
    return model


def write_gz(path, lines):
    with open(path, "wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        for line in lines:
            gz.write((json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
                     .encode("utf-8"))


def make(name, modeling, configuration, cfg, tokenizer_json, tokenizer_config, seed, dtype):
    out = os.path.join(fam.RES, "models", name)
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    config = configuration.NewConfig(**{k: v for k, v in cfg.items() if k != "architectures"},
                                     architectures=cfg["architectures"],
                                     attn_implementation="eager")
    model = randomize(modeling.NewModel(config), seed).to(dtype)
    model.save_pretrained(out, safe_serialization=True)
    with open(os.path.join(out, "config.json"), "w") as f:  # the published field set, as is
        json.dump(cfg, f, indent=2)
        f.write("\n")
    shutil.copyfile(tokenizer_json, os.path.join(out, "tokenizer.json"))
    fam.write_sentence_transformers(out, H)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump(tokenizer_config, f, indent=2)
        f.write("\n")
    # the reference: the saved values, widened to float32, in the reference's NewModel
    model = modeling.NewModel.from_pretrained(out, config=config, torch_dtype=torch.float32,
                                              attn_implementation="eager").eval()
    assert type(model.encoder.layer[0].attention) is modeling.NewAttention
    assert model.config.rope_scaling == cfg["rope_scaling"]
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(out, "tokenizer.json"))

    def hidden(ids):
        with torch.no_grad():
            return model(input_ids=torch.tensor([ids]),
                         attention_mask=torch.ones(1, len(ids), dtype=torch.long)
                         ).last_hidden_state[0]

    lines, n_tokens = [], 0
    for lang, text in fam.pick_texts(tok):
        ids = tok(text, truncation=True, max_length=fam.MAX_LENGTH)["input_ids"]
        full = len(tok(text)["input_ids"])
        h = hidden(ids)
        pooled = h.mean(dim=0)
        pooled = pooled / pooled.norm()
        n_tokens += len(ids)
        lines.append({"lang": lang, "text": text, "input_ids": ids,
                      "truncated": full > fam.MAX_LENGTH,
                      "last_hidden_state": [[fam.r6(v) for v in row] for row in h.tolist()],
                      "sentence_embedding": [fam.r6(v) for v in pooled.tolist()]})
    write_gz(os.path.join(out, "reference.jsonl.gz"), lines)
    print(f"{name}: torch {torch.__version__}: {len(lines)} texts, {n_tokens} tokens")
    # long texts, as make_family_fixtures.write_long_reference picks them
    rows = [json.loads(line) for line in gzip.open(fam.CORPUS, "rt", encoding="utf-8")]
    rng = random.Random(fam.SEED + 3)
    langs = sorted({r["lang"] for r in rows})
    targets = [600, 1000, 1500, 2100, 2100, 2100]
    long_lines = []
    for target, lang in zip(targets, rng.sample(langs, len(targets))):
        mine = [r["text"] for r in rows if r["lang"] == lang]
        parts = []
        while len(tok("\n".join(parts))["input_ids"]) < target:
            parts.append(rng.choice(mine))
        text = "\n".join(parts)
        ids = tok(text, truncation=True, max_length=fam.LONG_MAX_LENGTH)["input_ids"]
        h = hidden(ids)
        n = len(ids)
        keep = sorted(set(range(0, n, 8)) | {n - 1})
        long_lines.append({"lang": lang, "text": text, "input_ids": ids, "rows": keep,
                           "hidden": [[fam.r6(v) for v in h[t].tolist()] for t in keep]})
        print(f"  long: {lang}, {n} tokens")
    write_gz(os.path.join(out, "long_reference.jsonl.gz"), long_lines)
    # past 2048: one text cut at LONGEST tokens, every 8th token and the last
    rng = random.Random(fam.SEED + 4)
    lang = rng.choice(langs)
    mine = [r["text"] for r in rows if r["lang"] == lang]
    parts = []
    while len(tok("\n".join(parts))["input_ids"]) < LONGEST:
        parts.append(rng.choice(mine))
    text = "\n".join(parts)
    ids = tok(text, truncation=True, max_length=LONGEST)["input_ids"]
    h = hidden(ids)
    keep = sorted(set(range(0, LONGEST, 8)) | {LONGEST - 1})
    write_gz(os.path.join(out, "longest_reference.jsonl.gz"), [
        {"lang": lang, "text": text, "input_ids": ids, "rows": keep,
         "hidden": [[fam.r6(v) for v in h[t].tolist()] for t in keep]}])
    print(f"  longest: {lang}, {len(ids)} tokens")
    write_beyond_4096_reference(out, hidden, tok)


def load_committed(name, modeling, configuration):
    """The committed model directory in the reference, checked against its reference.jsonl.gz."""
    out = os.path.join(fam.RES, "models", name)
    with open(os.path.join(out, "config.json")) as f:
        cfg = json.load(f)
    config = configuration.NewConfig(**{k: v for k, v in cfg.items() if k != "architectures"},
                                     architectures=cfg["architectures"],
                                     attn_implementation="eager")
    model = modeling.NewModel.from_pretrained(out, config=config, torch_dtype=torch.float32,
                                              attn_implementation="eager").eval()
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(out, "tokenizer.json"))

    def hidden(ids):
        with torch.no_grad():
            return model(input_ids=torch.tensor([ids]),
                         attention_mask=torch.ones(1, len(ids), dtype=torch.long)
                         ).last_hidden_state[0]

    with gzip.open(os.path.join(out, "reference.jsonl.gz"), "rt", encoding="utf-8") as f:
        first = json.loads(f.readline())
    worst = (hidden(first["input_ids"]) - torch.tensor(first["last_hidden_state"])).abs().max()
    assert worst <= 1e-6, f"{name}: the committed directory gives {worst} off its reference"
    return out, hidden, tok


def write_beyond_4096_reference(out, hidden, tok):
    """Past 4096 tokens (see the docstring): texts cut at BEYOND's lengths."""
    rows = [json.loads(line)["text"] for line in gzip.open(fam.CORPUS, "rt", encoding="utf-8")]
    rng = random.Random(fam.SEED + 5)
    lines = []
    for target in BEYOND:
        parts, n = [], 0
        while n < target:
            piece = rng.choice(fam.ADVERSARIAL) if rng.random() < 0.15 else rng.choice(rows)
            parts.append(piece)
            n += len(tok(piece, add_special_tokens=False)["input_ids"])
        text = "\n".join(parts)
        ids = tok(text, truncation=True, max_length=target)["input_ids"]
        assert len(ids) == target, (target, len(ids))
        h = hidden(ids)
        pooled = h.mean(dim=0)
        pooled = pooled / pooled.norm()
        keep = sorted(set(range(0, target, 16)) | {target - 1})
        lines.append({"lang": f"mixed-{target}", "text": text, "input_ids": ids, "rows": keep,
                      "hidden": [[fam.r6(v) for v in h[t].tolist()] for t in keep],
                      "sentence_embedding": [fam.r6(v) for v in pooled.tolist()]})
        print(f"  beyond 4096: {target} tokens")
    write_gz(os.path.join(out, "beyond_4096_reference.jsonl.gz"), lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", default=MIRROR,
                    help="a git mirror of github.com/jflachman/local_rag_llm")
    ap.add_argument("--beyond-4096-only", action="store_true",
                    help="only (re)write beyond_4096_reference.jsonl.gz in both fixtures, from "
                         "the committed model directories (the rest untouched)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        modeling, configuration = load_reference(args.mirror, tmp)
        if args.beyond_4096_only:
            for name in ("gte-en-tiny", "gte-multi-tiny"):
                out, hidden, tok = load_committed(name, modeling, configuration)
                print(name)
                write_beyond_4096_reference(out, hidden, tok)
            return
        bert_vocab = 30528
        make("gte-en-tiny", modeling, configuration, gte_base_config(bert_vocab), BERT_TOKENIZER,
             {"tokenizer_class": "BertTokenizerFast", "model_max_length": 8192,
              "do_lower_case": True, "cls_token": "[CLS]", "sep_token": "[SEP]",
              "unk_token": "[UNK]", "pad_token": "[PAD]", "mask_token": "[MASK]"},
             14 + 5, torch.float16)
        xlmr = PreTrainedTokenizerFast(tokenizer_file=fam.TOKENIZER)
        vocab = xlmr.backend_tokenizer.get_vocab_size(with_added_tokens=True)
        make("gte-multi-tiny", modeling, configuration, gte_multilingual_config(vocab),
             fam.TOKENIZER,
             {"tokenizer_class": "XLMRobertaTokenizerFast", "model_max_length": 8192,
              "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
              "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>"},
             14 + 6, torch.float32)


if __name__ == "__main__":
    main()
