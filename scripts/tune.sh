#!/usr/bin/env bash
# Measures how to run the job fastest on this machine, and predicts a corpus's cost elsewhere.
#   scripts/tune.sh --input CORPUS --model NAME --output DIR [--sample 1000] [--cores C]
#                   [--input-format F --text-column T --id-column I]
#       samples the corpus, measures its token lengths, sweeps batch token budget, chunk length,
#       task slots x BLAS threads and partitions with real encoding runs, and writes DIR/index.html
#       (charts), DIR/recommended.properties (scripts/encode.sh --conf it) and DIR/tune.json.
#   scripts/tune.sh --predict --tuned DIR --executors E --cores C [--docs N]
#       predicted wall time, core-hours and executor memory for the corpus (or N documents).
#   scripts/tune.sh --check --tuned DIR [--skip-cluster]
#       real runs on held-out documents (local[1], local[2], the loopback cluster) next to their
#       predictions, with the error of each.
#   scripts/tune.sh --help      every option (--name value or --name=value; a boolean alone is true)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_job_built
mapfile -t props < <(spark_defaults_props)
exec java -Xmx"${ENCODER_DRIVER_MEMORY:-4g}" "${SPARK_JAVA_FLAGS[@]}" "${props[@]}" \
  -Dspark.driver.host=127.0.0.1 -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties" \
  -Dcorpusencoder.root="$ROOT" -Djava.awt.headless=true \
  '-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n' \
  -cp "$(spark_cp)" io.corpusencoder.spark.tune.TuneMain "$@"
