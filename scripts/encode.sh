#!/usr/bin/env bash
# The default run: the Spark job on local[*] (builds what it needs first).
#   scripts/encode.sh                        encodes the sample corpus shipped in sample/
#   scripts/encode.sh --input X --output Y [--name value ...]   your data; --help lists the options
# conf/encoder.properties supplies option defaults (unless you pass --conf), and
# conf/spark-defaults.conf the Spark settings. ENCODER_DRIVER_MEMORY sets the JVM heap (default 4g).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_job_built

args=("$@")
sample=false
if ((${#args[@]} == 0)); then
  sample=true
  args=(--input "$ROOT/sample/corpus.jsonl" --output "$ROOT/out/sample-embeddings"
        --save-mode overwrite --keep-columns lang)
fi
has() { local a; for a in "${args[@]}"; do [[ "$a" == "$1" || "$a" == "$1="* ]] && return 0; done; return 1; }
has --conf || args=(--conf "$ROOT/conf/encoder.properties" "${args[@]}")
has --master || args+=(--master "local[*]")

mapfile -t props < <(spark_defaults_props)
java -Xmx"${ENCODER_DRIVER_MEMORY:-4g}" "${SPARK_JAVA_FLAGS[@]}" "${props[@]}" \
  -Dspark.driver.host=127.0.0.1 -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties" \
  '-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n' \
  -cp "$(spark_cp)" io.corpusencoder.spark.job.EncodeJob "${args[@]}"

if $sample; then
  cat <<EOT

The sample corpus (sample/corpus.jsonl: 302 lines, 2 of them deliberately malformed) is encoded:
  embeddings   $ROOT/out/sample-embeddings/part-*.parquet
  malformed    $ROOT/out/sample-embeddings/_quarantine/ (raw line, source and reason)
  report       $ROOT/out/sample-embeddings/_report.json
Read it with Spark:  spark.read.parquet("out/sample-embeddings").select("id", "chunk", "embedding")
or as JSON lines:    scripts/encode.sh --input sample/corpus.jsonl --output /tmp/e --output-format jsonl
EOT
fi
