#!/usr/bin/env bash
# Throughput of model-core against ONNX Runtime on the same real texts, in one process.
# Options (all optional): --texts N (2000) --models a,b (all-minilm-l6-v2,bge-small-en-v1.5)
#   --threads 1,2 --reps 3 --max-length 256 --batch 32 --corpus FILE
# scripts/bench.sh --spark [--texts N] [--model M] [--reps R]: the Spark job on local[2] against
#   model-core on 2 threads over the same texts.
# scripts/bench.sh --tokenizers [--reps R] [--max-length N] [--tokenizers a,b] [--extra f.json,...]:
#   our tokenizers against Hugging Face tokenizers (via DJL), one thread, multilingual texts.
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
if [[ "${1:-}" == "--tokenizers" ]]; then
  # Our tokenizers against Hugging Face tokenizers (Rust, via DJL) on the multilingual texts.
  shift
  exec java "${JAVA_FLAGS[@]}" -Xmx4g -cp "$(test_cp)" io.corpusencoder.core.bench.TokenizerBench "$@"
fi
args=("$@")
[[ -s "$CORPUS" ]] && args=(--corpus "$CORPUS" "${args[@]}")

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
exec java "${JAVA_FLAGS[@]}" -Xmx6g -cp "$(test_cp)" io.corpusencoder.core.bench.BenchMain "${args[@]}"
