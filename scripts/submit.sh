#!/usr/bin/env bash
# spark-submit of the job for any master: local[*], spark://HOST:PORT, yarn, k8s://URL.
#   scripts/submit.sh --master URL [spark-submit options] [job options, as scripts/encode.sh]
# spark-submit options taken here: --deploy-mode, --driver-memory, --executor-memory,
#   --executor-cores, --total-executor-cores, --num-executors, --spark-conf KEY=VALUE (repeatable).
# Everything else goes to the job (--help lists its options). It uses conf/spark-defaults.conf
# and conf/encoder.properties (unless you pass --conf), and prints the exact command it runs.
# With a real Spark installation ($SPARK_HOME/bin/spark-submit) that spark-submit runs; otherwise
# the project's own Spark (spark-job/target/spark-home, filled by the build).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

master="" submit_opts=() job_args=() has_conf=false
# Each option of its own as --name value or --name=value; every other argument goes to the job
# unchanged (the job's parser reads --name value, --name=value and a boolean given alone).
value() { [[ $# -ge 2 ]] || { echo "submit.sh: $1 needs a value" >&2; exit 2; }; }
while (($#)); do
  case "$1" in
    --master=*) master="${1#*=}"; shift;;
    --master) value "$@"; master="$2"; shift 2;;
    --deploy-mode=*|--driver-memory=*|--executor-memory=*|--executor-cores=*|--total-executor-cores=*|--num-executors=*)
      submit_opts+=("${1%%=*}" "${1#*=}"); shift;;
    --deploy-mode|--driver-memory|--executor-memory|--executor-cores|--total-executor-cores|--num-executors)
      value "$@"; submit_opts+=("$1" "$2"); shift 2;;
    --spark-conf=*) submit_opts+=(--conf "${1#*=}"); shift;;
    --spark-conf) value "$@"; submit_opts+=(--conf "$2"); shift 2;;
    --conf=*) has_conf=true; job_args+=("$1"); shift;;
    --conf) value "$@"; has_conf=true; job_args+=("$1" "$2"); shift 2;;
    *) job_args+=("$1"); shift;;
  esac
done
if [[ -z "$master" ]]; then
  echo "submit.sh: --master is required (local[*], spark://127.0.0.1:7077, yarn, k8s://...)" >&2
  exit 2
fi
ensure_job_built
$has_conf || job_args=(--conf "$ROOT/conf/encoder.properties" "${job_args[@]}")
# On this machine (local mode or the loopback cluster) executors reach the driver on loopback.
case "$master" in
  local*|spark://127.0.0.1:*|spark://localhost:*) submit_opts+=(--conf spark.driver.host=127.0.0.1);;
esac

own_home="$JOB/target/spark-home"
if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  cmd=("$SPARK_HOME/bin/spark-submit")
else
  [[ -d "$own_home/jars" ]] || (cd "$ROOT" && mvn -B -q -DskipTests package >&2)
  mkdir -p "$own_home/conf"
  export SPARK_HOME="$own_home"
  cmd=(java -Xmx"${ENCODER_DRIVER_MEMORY:-4g}" "${SPARK_JAVA_FLAGS[@]}"
       -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties"
       -cp "$own_home/conf:$own_home/jars/*" org.apache.spark.deploy.SparkSubmit)
fi
cmd+=(--master "$master" --properties-file "$ROOT/conf/spark-defaults.conf" "${submit_opts[@]}"
      --class io.corpusencoder.spark.job.EncodeJob "$(job_jar)" "${job_args[@]}")
{ printf '+'; printf ' %q' "${cmd[@]}"; printf '\n'; } >&2
exec "${cmd[@]}"
