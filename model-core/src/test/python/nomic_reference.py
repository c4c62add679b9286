"""nomic's own NomicBertModel, the Hugging Face modeling code that trust_remote_code runs for
nomic-embed-text v1 and v1.5, run from a local mirror of nomic-ai/contrastors (never copied into
this repository). The reference is, at commit CONTRASTORS_COMMIT of that repository:
  src/contrastors/models/huggingface/modeling_hf_nomic_bert.py
  src/contrastors/models/huggingface/configuration_hf_nomic_bert.py
both read with `git show COMMIT:PATH` from the mirror (a bare git directory, --contrastors or
$CONTRASTORS_REPO) into a temporary package that is imported from there. It needs einops
(requirements.txt).

What it computes on CPU (checked by make_nomic_reference.py): fp32 weights, attention through
torch.nn.functional.scaled_dot_product_attention (the code never reads use_flash_attn and imports
no flash-attn package); torch 2.8 picks its CPU FLASH_ATTENTION kernel for fp32, which keeps fp32
throughout (no reduced-precision path; it agrees with the MATH backend to rounding).

Its dynamic NTK (NomicBertDynamicNTKRotaryEmbedding, used when rotary_scaling_factor is set)
takes the base from qkv.shape[1], the PADDED batch length, and keeps state between calls (the
inverse frequencies are only replaced for lengths over max_trained_positions, the cos/sin tables
only for lengths over the longest seen so far). So a text's output depends on its batch and on
what the model ran before; load() gives a fresh model, and a reference run of one text with NTK
uses a model nobody else has run: that text alone, its own length.

Used by make_nomic_reference.py (parity fixtures) and make_bench_models.py / bench_st.py (the
bench's ONNX export and sentence-transformers anchor).
"""
import atexit
import importlib
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch

CONTRASTORS_COMMIT = "613ddfd37309e538cceadb05b1e6423e7b09f603"
DEFAULT_REPO = "/work/.mirror/nomic-ai+contrastors/repo"
FILES = ("configuration_hf_nomic_bert.py", "modeling_hf_nomic_bert.py")
FOLDER = "src/contrastors/models/huggingface/"

_modules = {}


def modeling(repo=None, commit=CONTRASTORS_COMMIT):
    """nomic's modeling module (NomicBertModel, NomicBertConfig, ...) from the mirror at commit."""
    repo = repo or os.environ.get("CONTRASTORS_REPO", DEFAULT_REPO)
    key = (os.path.abspath(repo), commit)
    if key in _modules:
        return _modules[key]
    tmp = tempfile.mkdtemp(prefix="nomic-hf-")
    atexit.register(shutil.rmtree, tmp, True)
    package = f"nomic_hf_{commit[:12]}"
    os.makedirs(os.path.join(tmp, package))
    open(os.path.join(tmp, package, "__init__.py"), "w").close()
    for name in FILES:
        src = subprocess.run(["git", "-C", repo, "show", f"{commit}:{FOLDER}{name}"],
                             check=True, capture_output=True).stdout
        with open(os.path.join(tmp, package, name), "wb") as f:
            f.write(src)
    sys.path.insert(0, tmp)
    try:
        module = importlib.import_module(f"{package}.modeling_hf_nomic_bert")
    finally:
        sys.path.remove(tmp)
    _modules[key] = module
    return module


def load(model_dir, repo=None, rotary_scaling_factor=None):
    """A fresh NomicBertModel on model_dir, as AutoModel.from_pretrained(model_dir,
    trust_remote_code=True[, rotary_scaling_factor=F]) builds it (nomic's from_pretrained), eval,
    fp32, every tensor checked against model.safetensors (nomic loads local weights with
    strict=False, so a missing tensor would go unnoticed otherwise)."""
    from safetensors.torch import load_file
    m = modeling(repo)
    kwargs = {"rotary_scaling_factor": rotary_scaling_factor} if rotary_scaling_factor else {}
    model = m.NomicBertModel.from_pretrained(model_dir, **kwargs).eval()
    file = load_file(os.path.join(model_dir, "model.safetensors"))
    state = model.state_dict()
    if set(state) != set(file):
        raise ValueError(f"{model_dir}: model.safetensors has {sorted(set(file) - set(state))} "
                         f"the model lacks, lacks {sorted(set(state) - set(file))}")
    for k, v in file.items():
        if state[k].dtype != torch.float32 or not torch.equal(state[k], v.float()):
            raise ValueError(f"{model_dir}: {k} did not load as its float32 values")
    ntk = [type(layer.attn.rotary_emb).__name__ for layer in model.encoder.layers]
    want = ("NomicBertDynamicNTKRotaryEmbedding" if rotary_scaling_factor
            else "NomicBertRotaryEmbedding")
    if set(ntk) != {want}:
        raise ValueError(f"rotary modules {ntk}, expected {want}")
    return model


@torch.no_grad()
def last_hidden_state(model, ids):
    """One text's token ids alone (no padding, token type 0) -> [len, hidden] float64 of the fp32
    output."""
    input_ids = torch.tensor([ids], dtype=torch.long)
    out = model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                token_type_ids=torch.zeros_like(input_ids)).last_hidden_state
    return out[0].to(torch.float64).numpy()


def inverse_frequencies(model):
    """Layer 0's rotary inverse frequencies as the last forward left them (float32 values)."""
    return model.encoder.layers[0].attn.rotary_emb.inv_freq.numpy().astype(np.float64)
