#!/usr/bin/env python3
"""Makes the sentence-transformers module fixtures of issue 14 item 3 and their references.

Each fixture (model-core/src/test/resources/models/st-modules/NAME/) holds only the module files
a user's sentence-transformers directory carries beside the Transformer: modules.json,
1_Pooling/config.json, N_Dense/{config.json, model.safetensors} (seeded weights),
sentence_bert_config.json, config_sentence_transformers.json (prompts). The Transformer itself
is ../xlmr-tiny (config.json, model.safetensors, tokenizer files), which the Java test and this
script both copy next to the module files to make the model directory; so the 7.5 MB of weights
are not committed again.

reference.jsonl.gz, one line per (case, text): {"case", "prompt_name", "truncate_dim",
"normalize", "text", "vector"}, the vector from sentence-transformers' own
SentenceTransformer(dir).encode(text, prompt_name=..., truncate_dim=..., normalize_embeddings=...)
on CPU in float32, one text per call. normalize_embeddings is asked for only with truncate_dim
on a model with a Normalize module: sentence-transformers truncates after its modules, so that is
"truncate, then re-normalize", what Corpus Encoder's --dimensions does.

Texts: every 7th text of xlmr-tiny's reference (multilingual, 76 languages) and all of its texts
that fill the 512 tokens (cut there: long ones), 54 in all per case.

Run with the venv of requirements.txt (sentence-transformers 5.1.2, torch 2.8.0, transformers
4.55.4): python3 make_st_module_fixtures.py
"""
import gzip
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import torch
from sentence_transformers import SentenceTransformer, models

HERE = Path(__file__).resolve().parent
MODELS = HERE.parent / "resources" / "models"
BASE = MODELS / "xlmr-tiny"
OUT = MODELS / "st-modules"
BASE_FILES = ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"]
MODULE_FILES = ["modules.json", "sentence_bert_config.json", "config_sentence_transformers.json"]
SEED = 1414
E5 = {"query": "query: ", "passage": "passage: "}
BGE = {"query": "Represent this sentence for searching relevant passages: "}

# name: (pooling mode, include_prompt, [(in, out, bias, activation)], normalize, max_seq_length,
#        prompts, default_prompt_name, cases [(case, prompt_name, truncate_dim)])
FIXTURES = {
    "cls": ("cls", True, [], False, 512, E5, None,
            [("plain", None, None), ("query", "query", None)]),
    "max": ("max", True, [], False, 512, E5, None,
            [("plain", None, None), ("passage", "passage", None)]),
    "lasttoken": ("lasttoken", True, [], True, 128, E5, None,
                  [("plain", None, None), ("query", "query", None)]),
    "mean-sqrt-len": ("mean_sqrt_len_tokens", True, [], False, 512, {}, None,
                      [("plain", None, None)]),
    "weightedmean": ("weightedmean", True, [], True, 512, E5, None,
                     [("plain", None, None), ("query", "query", None)]),
    # E5 style: mean, Dense 64->32 tanh, Normalize, query/passage prompts; Matryoshka at 16.
    "mean-dense-normalize": ("mean", True, [(64, 32, True, torch.nn.Tanh())], True, 512, E5, None,
                             [("plain", None, None), ("query", "query", None),
                              ("dim16", None, 16), ("query-dim8", "query", 8)]),
    # INSTRUCTOR/GRIT style: the BGE instruction left out of the mean, and it is the default.
    "mean-exclude-prompt": ("mean", False, [], True, 512, BGE, "query",
                            [("default", None, None)]),
    # Two Dense modules: one without bias and with Identity, then tanh.
    "cls-two-dense": ("cls", True, [(64, 48, False, torch.nn.Identity()),
                                    (48, 24, True, torch.nn.Tanh())], True, 256, E5, None,
                      [("plain", None, None), ("passage-dim12", "passage", 12)]),
}


def texts():
    refs = [json.loads(l) for l in gzip.open(BASE / "reference.jsonl.gz", "rt", encoding="utf-8")]
    picked = [r["text"] for i, r in enumerate(refs) if i % 7 == 0]
    picked += [r["text"] for i, r in enumerate(refs) if i % 7 != 0 and len(r["input_ids"]) == 512]
    return picked


def model_dir(fixture, into):
    """The user's directory: xlmr-tiny's Transformer files plus the fixture's module files."""
    for f in BASE_FILES:
        shutil.copy(BASE / f, into / f)
    for f in fixture.rglob("*"):
        if f.name == "reference.jsonl.gz" or f.is_dir():
            continue
        to = into / f.relative_to(fixture)
        to.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, to)
    return into


def build(name, spec, seed):
    mode, include_prompt, denses, normalize, max_seq, prompts, default, _ = spec
    out = OUT / name
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    g = torch.Generator().manual_seed(seed)
    mods = [models.Transformer(str(BASE), max_seq_length=max_seq)]
    mods.append(models.Pooling(64, pooling_mode=mode, include_prompt=include_prompt))
    for (i, o, bias, act) in denses:
        d = models.Dense(i, o, bias=bias, activation_function=act)
        with torch.no_grad():
            d.linear.weight.copy_((torch.rand(o, i, generator=g) * 2 - 1) * (1.5 / i ** 0.5))
            if bias:
                d.linear.bias.copy_((torch.rand(o, generator=g) * 2 - 1) * 0.5)
        mods.append(d)
    if normalize:
        mods.append(models.Normalize())
    st = SentenceTransformer(modules=mods, device="cpu", prompts=prompts,
                             default_prompt_name=default)
    with tempfile.TemporaryDirectory() as tmp:
        st.save(tmp)
        tmp = Path(tmp)
        for f in MODULE_FILES:
            if (tmp / f).exists():
                shutil.copy(tmp / f, out / f)
        for sub in sorted(tmp.iterdir()):
            if sub.is_dir() and sub.name[0].isdigit():
                shutil.copytree(sub, out / sub.name)
    return out


def reference(name, spec, out):
    normalize, cases = spec[3], spec[7]
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        st = SentenceTransformer(str(model_dir(out, Path(tmp))), device="cpu")
        st.eval()
        for case, prompt_name, truncate_dim in cases:
            renorm = truncate_dim is not None and normalize
            for t in texts():
                v = st.encode([t], prompt_name=prompt_name, truncate_dim=truncate_dim,
                              normalize_embeddings=renorm, batch_size=1,
                              convert_to_numpy=True)[0].astype(np.float32)
                lines.append(json.dumps({
                    "case": case, "prompt_name": prompt_name, "truncate_dim": truncate_dim,
                    "normalize": renorm, "text": t,
                    "vector": [float("%.9g" % x) for x in v.tolist()]}, ensure_ascii=False))
    with gzip.GzipFile(out / "reference.jsonl.gz", "wb", mtime=0) as f:
        f.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(name, len(lines), "vectors")


def main():
    torch.set_num_threads(1)
    for k, (name, spec) in enumerate(FIXTURES.items()):
        out = build(name, spec, SEED + k)
        reference(name, spec, out)


if __name__ == "__main__":
    main()
