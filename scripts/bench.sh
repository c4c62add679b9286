#!/usr/bin/env bash
# Throughput of model-core against ONNX Runtime on the same real texts, in one process, and
# against sentence-transformers on PyTorch CPU (one thread, its own batching) in a side process.
# Options (all optional): --texts N (2000) --models a,b (all-minilm-l6-v2,bge-small-en-v1.5; a
#   catalog name or a model directory: config.json + weights + tokenizer.json, its ONNX export
#   read from model.onnx or onnx/model.onnx, "n/a" without one)
#   --threads 1,2 --reps 3 --max-length 256 --batch 32 --corpus FILE --ort-corpus-order yes|no
# The sentence-transformers anchor (model directories only, compared with model-core's 1-thread
# run) runs in the tokref venv (~/.cache/corpus-encoder/tokref, model-core/src/test/python/
# requirements.txt); without it a line says it was skipped and why.
# scripts/bench.sh --families [options above]: all-mpnet-base-v2 (setup.sh's cache; its ONNX
#   export made into bench-models/all-mpnet-base-v2, linking the cache's files) and the
#   base-size random-weight XLM-R and ModernBERT under ~/.cache/corpus-encoder/bench-models/
#   (made by make_bench_models.py when absent), GTE's gte-base-en-v1.5 (made and run by
#   Alibaba-NLP's new-impl code from a public copy, $GTE_REFERENCE_REPO, when there is one) and
#   NomicBERT's nomicbert-base (made and run by nomic's own modeling code from a
#   nomic-ai/contrastors mirror, $CONTRASTORS_REPO, when there is one), max length 512, ONNX
#   Runtime length-sorted only (--ort-corpus-order no).
# scripts/bench.sh --long [--tokens 4096] [--model DIR] [--threads 1] [--reps 3]: texts of exactly
#   N tokens (default ModernBERT-base, 8192 positions), model-core and ONNX Runtime each in its own
#   process: real tokens/s and the process's peak RSS while encoding (ours also its peak heap).
# scripts/bench.sh --spark [--texts N] [--model M] [--reps R]: the Spark job on local[2] against
#   model-core on 2 threads over the same texts.
# scripts/bench.sh --tokenizers [--reps R] [--max-length N] [--tokenizers a,b] [--extra f.json,...]:
#   our tokenizers against Hugging Face tokenizers (via DJL), one thread, multilingual texts.
# The corpus is Debian's package descriptions (apt's Translation-en index), built once under
# ~/.cache/corpus-encoder; generated test texts are used if it cannot be built.
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
  exit 0
fi
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
if [[ "${1:-}" == "--tokenizers" ]]; then
  # Our tokenizers against Hugging Face tokenizers (Rust, via DJL) on the multilingual texts.
  shift
  exec java "${JAVA_FLAGS[@]}" -Xmx4g -cp "$(test_cp)" io.corpusencoder.core.bench.TokenizerBench "$@"
fi
BENCH_MODELS="$CACHE/bench-models"
export GTE_REFERENCE_REPO="${GTE_REFERENCE_REPO:-/work/.mirror/jflachman+local_rag_llm/repo}"
export CONTRASTORS_REPO="${CONTRASTORS_REPO:-/work/.mirror/nomic-ai+contrastors/repo}"
PY="$CACHE/tokref/bin/python"
PYDIR="$CORE/src/test/python"
# Builds the random-weight family models once (needs the tokref venv: torch, transformers).
ensure_bench_models() {
  local name
  local names=(xlmr-base modernbert-base)
  # all-mpnet-base-v2's ONNX export, from setup.sh's copy of the real weights
  [[ -s "$CACHE/all-mpnet-base-v2/model.safetensors" ]] && names+=(all-mpnet-base-v2)
  # GTE is built by Alibaba-NLP's own modeling code, run from its public copy when there is one
  [[ -d "$GTE_REFERENCE_REPO" ]] && names+=(gte-base-en-v1.5)
  # NomicBERT is built by nomic's own modeling code, run from a contrastors mirror when there is one
  [[ -d "$CONTRASTORS_REPO" ]] && names+=(nomicbert-base)
  for name in "${names[@]}"; do
    if [[ ! -s "$BENCH_MODELS/$name/model.onnx" ]]; then
      [[ -x "$PY" ]] || { echo "bench.sh: $BENCH_MODELS/$name is missing and so is the venv $PY to make it" >&2; return 2; }
      echo "making $BENCH_MODELS/$name (make_bench_models.py)..." >&2
      "$PY" "$PYDIR/make_bench_models.py" --out "$BENCH_MODELS" --only "$name" >&2
    fi
  done
}
BENCH_JAVA=(java "${JAVA_FLAGS[@]}" -Xmx6g "-Dcorpusencoder.bench.python-dir=$PYDIR" -cp "$(test_cp)"
  io.corpusencoder.core.bench.BenchMain)

if [[ "${1:-}" == "--long" ]]; then
  shift
  tokens=4096 model="$BENCH_MODELS/modernbert-base" threads=1 reps=3
  while (($#)); do case "$1" in
    --tokens) tokens="$2"; shift 2;; --model) model="$2"; shift 2;;
    --threads) threads="$2"; shift 2;; --reps) reps="$2"; shift 2;;
    *) echo "bench.sh --long: unknown option $1" >&2; exit 2;; esac; done
  [[ "$model" == "$BENCH_MODELS/modernbert-base" ]] && ensure_bench_models
  for engine in model-core onnxruntime; do
    "${BENCH_JAVA[@]}" --corpus "$CORPUS" --models "$model" --long-tokens "$tokens" \
      --long-engine "$engine" --threads "$threads" --reps "$reps" | grep -v '^corpus:'
  done
  exit 0
fi

args=("$@")
if [[ "${1:-}" == "--families" ]]; then
  ensure_bench_models
  mpnet="$BENCH_MODELS/all-mpnet-base-v2"; [[ -s "$mpnet/model.onnx" ]] || mpnet="$CACHE/all-mpnet-base-v2"
  models="$mpnet,$BENCH_MODELS/xlmr-base,$BENCH_MODELS/modernbert-base"
  [[ -s "$BENCH_MODELS/nomicbert-base/config.json" ]] && models="$models,$BENCH_MODELS/nomicbert-base"
  [[ -s "$BENCH_MODELS/gte-base-en-v1.5/config.json" ]] && models="$models,$BENCH_MODELS/gte-base-en-v1.5"
  args=(--models "$models" --max-length 512 --ort-corpus-order no "${@:2}")
fi
[[ -s "$CORPUS" ]] && args=(--corpus "$CORPUS" "${args[@]}")
if [[ ! -x "$PY" ]]; then
  args+=(--st-skip "no Python venv at $PY (model-core/src/test/python/requirements.txt)")
elif ! "$PY" -c 'import sentence_transformers' 2>/dev/null; then
  args+=(--st-skip "$PY cannot import sentence_transformers (pip install -r model-core/src/test/python/requirements.txt)")
else
  args+=(--st-python "$PY")
fi

if [[ "${1:-}" == "--spark" ]]; then
  # The Spark job end to end on local[2] against model-core on 2 threads, same texts.
  shift
  ensure_job_built
  texts=2000
  while (($#)); do case "$1" in --texts) texts="$2"; shift 2;; *) break;; esac; done
  jsonl="$CACHE/bench-$texts.jsonl"
  java "${JAVA_FLAGS[@]}" -cp "$(test_cp)" io.corpusencoder.core.bench.BenchMain \
    --corpus "$CORPUS" --texts "$texts" --write-jsonl "$jsonl" >/dev/null
  (cd "$ROOT/spark-job" && [[ -f target/test-classpath.txt ]] || mvn -B -q -Dstyle.color=never test-compile >&2)
  exec java -Xmx6g "${SPARK_JAVA_FLAGS[@]}" -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties" \
    -cp "$JOB/target/test-classes:$JOB/target/classes:$CORE/target/classes:$(cat "$JOB/target/test-classpath.txt")" \
    io.corpusencoder.spark.job.SparkBench --input "$jsonl" "$@"
fi
exec "${BENCH_JAVA[@]}" "${args[@]}"
