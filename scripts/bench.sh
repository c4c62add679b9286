#!/usr/bin/env bash
# Throughput of model-core against ONNX Runtime on the same real texts, in one process.
# Options (all optional): --texts N (1000) --models a,b (all-minilm-l6-v2,bge-small-en-v1.5)
#   --threads 1,2 --reps 3 --max-length 256 --batch 32 --corpus FILE
# The corpus is Debian's package descriptions (apt's Translation-en index), built once under
# ~/.cache/corpus-encoder; generated test texts are used if it cannot be built.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_built

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/corpus-encoder"
CORPUS="$CACHE/debian-translation-en.txt"
if [[ ! -s "$CORPUS" ]]; then
  mkdir -p "$CACHE"
  if [[ $(id -u) -eq 0 ]]; then
    apt-get update -qq -o Acquire::Languages=en >&2 || true
  fi
  shopt -s nullglob
  files=(/var/lib/apt/lists/*_i18n_Translation-en*)
  if ((${#files[@]})); then
    for f in "${files[@]}"; do /usr/lib/apt/apt-helper cat-file "$f"; done > "$CORPUS.tmp"
    mv "$CORPUS.tmp" "$CORPUS"
  fi
fi
args=("$@")
[[ -s "$CORPUS" ]] && args=(--corpus "$CORPUS" "${args[@]}")
exec java "${JAVA_FLAGS[@]}" -Xmx6g -cp "$(test_cp)" io.corpusencoder.core.bench.BenchMain "${args[@]}"
