#!/usr/bin/env bash
# spark-submit of the job for any master: local[*], spark://HOST:PORT, yarn, k8s://URL.
#   scripts/submit.sh --master URL [spark-submit options] [job options, as scripts/encode.sh]
# spark-submit options taken here: --deploy-mode, --driver-memory, --executor-memory,
#   --executor-cores, --total-executor-cores, --num-executors, --spark-conf KEY=VALUE (repeatable).
# Everything else goes to the job (--help lists its options). It uses conf/spark-defaults.conf
# and conf/encoder.properties (unless you pass --conf), and prints the exact command it runs.
# Spark comes from $SPARK_HOME (a Spark 3.5 or 4.x distribution, the folder of a pip-installed
# pyspark, or a line module's target/spark-home), else the project's own Spark 4
# (spark-job/target/spark-home, filled by the build). The job jar is the one built for that
# SPARK_HOME's line, read from its jars/spark-core_<scala>-<version>.jar. Its bin/spark-submit runs
# the job when it has one; otherwise SparkSubmit from its jars.
# A master of scripts/cluster.sh (spark://127.0.0.1:PORT) gets that cluster's secret from
# --cluster-dir DIR (default out/cluster), in a properties file only this user can read.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

master="" submit_opts=() job_args=() has_conf=false cluster_dir="$ROOT/out/cluster"
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
    --cluster-dir=*) cluster_dir="${1#*=}"; shift;;
    --cluster-dir) value "$@"; cluster_dir="$2"; shift 2;;
    --conf=*) has_conf=true; job_args+=("$1"); shift;;
    --conf) value "$@"; has_conf=true; job_args+=("$1" "$2"); shift 2;;
    *) job_args+=("$1"); shift;;
  esac
done
if [[ -z "$master" ]]; then
  echo "submit.sh: --master is required (local[*], spark://127.0.0.1:7077, yarn, k8s://...)" >&2
  exit 2
fi
own_home="$JOB/target/spark-home"
home="${SPARK_HOME:-$own_home}"
if [[ "$home" == "$own_home" && ! -d "$own_home/jars" ]]; then ensure_job_built "$DEFAULT_LINE"; fi
line="$(spark_home_line "$home")" || exit 2
ensure_job_built "$line"
jar="$(job_jar "$line")"
[[ -n "$jar" ]] || { echo "submit.sh: no job jar for Spark $line in $(line_module "$line")/target: build it with mvn -DskipTests package" >&2; exit 2; }
export SPARK_HOME="$home" SPARK_SCALA_VERSION="$(line_scala "$line")"

$has_conf || job_args=(--conf "$ROOT/conf/encoder.properties" "${job_args[@]}")
properties="$ROOT/conf/spark-defaults.conf"
# On this machine (local mode or the loopback cluster) executors reach the driver on loopback.
case "$master" in
  local*|spark://127.0.0.1:*|spark://localhost:*) submit_opts+=(--conf spark.driver.host=127.0.0.1);;
esac
case "$master" in
  spark://127.0.0.1:*|spark://localhost:*)
    if [[ "$(cat "$cluster_dir/master-url" 2>/dev/null)" == "spark://127.0.0.1:${master##*:}" \
          && -f "$cluster_dir/auth.properties" ]]; then
      # The cluster's secret goes in a file, never on a command line other users can read.
      properties="$(umask 077; mktemp "$cluster_dir/submit-XXXXXX.properties")"
      trap 'rm -f "$properties"' EXIT
      cat "$ROOT/conf/spark-defaults.conf" "$cluster_dir/auth.properties" > "$properties"
    else
      echo "submit.sh: $master is not the cluster of $cluster_dir (scripts/cluster.sh); submitting without a cluster secret (--cluster-dir DIR names the cluster's folder)" >&2
    fi;;
esac

if [[ -x "$home/bin/spark-submit" ]]; then
  cmd=("$home/bin/spark-submit")
else
  mkdir -p "$home/conf"
  cmd=(java -Xmx"${ENCODER_DRIVER_MEMORY:-4g}" "${SPARK_JAVA_FLAGS[@]}"
       -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties"
       -cp "$home/conf:$home/jars/*" org.apache.spark.deploy.SparkSubmit)
fi
cmd+=(--master "$master" --properties-file "$properties" "${submit_opts[@]}"
      --class io.corpusencoder.spark.job.EncodeJob "$jar" "${job_args[@]}")
{ printf '+'; printf ' %q' "${cmd[@]}"; printf '\n'; } >&2
"${cmd[@]}"
