#!/usr/bin/env bash
# A real standalone Spark cluster on this machine, bound to loopback only: one Master and N
# Workers, each in its own JVM; the Workers launch executors in JVMs of their own. Spark comes
# from $SPARK_HOME's jars/ (Spark 3.5 or 4.x: a distribution, a pip-installed pyspark's folder, or
# a line module's target/spark-home), else from the project's Maven dependencies
# (spark-job/target/spark-home/jars, Spark 4, filled by the build).
# Only this user can use it: every daemon and executor authenticates with a secret generated at
# start (spark.authenticate; DIR/auth.properties, mode 600, which scripts/submit.sh reads), and
# REST submission is off (spark.master.rest.enabled=false).
#   scripts/cluster.sh start [--workers 2] [--worker-cores 1] [--worker-memory 2g]
#                            [--port 7077] [--webui-port 8080] [--dir out/cluster]
#   scripts/cluster.sh status [--dir out/cluster]
#   scripts/cluster.sh stop   [--dir out/cluster]
#   scripts/cluster.sh executors [--dir out/cluster]   pids of its executor JVMs, one per line
# start prints the master URL (spark://127.0.0.1:7077) to pass to scripts/submit.sh --master.
# Logs: DIR/master.log, DIR/worker-N.log; executors' logs under DIR/worker-N/app-*/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd="${1:-}"
[[ -n "$cmd" ]] && shift
workers=2 cores=1 memory=2g port=7077 webui=8080 dir="$ROOT/out/cluster"
while (($#)); do
  case "$1" in
    --workers) workers="$2"; shift 2;;
    --worker-cores) cores="$2"; shift 2;;
    --worker-memory) memory="$2"; shift 2;;
    --port) port="$2"; shift 2;;
    --webui-port) webui="$2"; shift 2;;
    --dir) dir="$2"; shift 2;;
    *) echo "cluster.sh: unknown option $1 (see the header of $0)" >&2; exit 2;;
  esac
done

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Waits until FILE contains TEXT, or fails after SECONDS naming the log to read.
wait_for() {
  local file="$1" text="$2" seconds="$3" pidfile="$4"
  for ((i = 0; i < seconds * 4; i++)); do
    grep -q "$text" "$file" 2>/dev/null && return 0
    if ! alive "$pidfile"; then
      echo "cluster.sh: $(basename "$file" .log) exited; see $file:" >&2; tail -20 "$file" >&2; return 1
    fi
    sleep 0.25
  done
  echo "cluster.sh: no \"$text\" in $file after ${seconds}s" >&2; tail -20 "$file" >&2; return 1
}

daemon() { # NAME CLASS ARGS...: starts one Spark daemon JVM in the background
  local name="$1" class="$2"; shift 2
  # The daemons and the executors they launch see this SPARK_HOME, Scala version and address;
  # the secret travels in the environment (only this user can read it), as Spark's own
  # launcher passes it to executors.
  SPARK_HOME="$SPARK_HOME_DIR" SPARK_CONF_DIR="$dir/conf" SPARK_LOG_DIR="$dir" SPARK_WORKER_DIR="$dir" \
    SPARK_SCALA_VERSION="$(line_scala "$line")" _SPARK_AUTH_SECRET="$secret" \
    nohup java -Xmx512m "${SPARK_JAVA_FLAGS[@]}" \
    -Dlog4j.configurationFile="$dir/conf/log4j2.properties" \
    -Dspark.authenticate=true -Dspark.master.rest.enabled=false \
    -cp "$dir/conf:$SPARK_HOME_DIR/jars/*" "$class" "$@" \
    > "$dir/$name.log" 2>&1 < /dev/null &
  echo $! > "$dir/$name.pid"
}

# Pids of the executor JVMs this cluster's Workers launched (they run in DIR/worker-N/app-*/).
executors() {
  local p
  for p in $(pgrep -f CoarseGrainedExecutorBackend || true); do
    [[ "$(readlink "/proc/$p/cwd" 2>/dev/null)" == "$(realpath "$dir")"/worker-* ]] && echo "$p"
  done
  return 0
}

status() {
  local any=false f
  for f in "$dir"/master.pid "$dir"/worker-*.pid; do
    [[ -f "$f" ]] || continue
    if alive "$f"; then echo "$(basename "$f" .pid): running (pid $(cat "$f"))"; any=true
    else echo "$(basename "$f" .pid): not running (stale $f)"; fi
  done
  $any || { echo "no cluster running from $dir"; return 1; }
  [[ -f "$dir/master-url" ]] && echo "master: $(cat "$dir/master-url"), web UI http://127.0.0.1:$(cat "$dir/webui-port")"
  echo "executor JVMs: $(executors | tr '\n' ' ')"
  return 0
}

stop() {
  local f pids=()
  for f in "$dir"/worker-*.pid "$dir"/master.pid; do
    [[ -f "$f" ]] || continue
    alive "$f" && pids+=("$(cat "$f")")
  done
  # Workers kill their executors on a normal shutdown; children are also killed if left over.
  for p in "${pids[@]}"; do pkill -TERM -P "$p" 2>/dev/null || true; kill -TERM "$p" 2>/dev/null || true; done
  for ((i = 0; i < 40; i++)); do
    local left=false
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && left=true; done
    $left || break
    sleep 0.25
  done
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -f "$dir"/*.pid "$dir/master-url" "$dir/auth.properties"
  echo "cluster stopped (${#pids[@]} daemons)"
}

own_home="$JOB/target/spark-home"
SPARK_HOME_DIR="${SPARK_HOME:-$own_home}"
case "$cmd" in
  start)
    if [[ -f "$dir/master.pid" ]] && alive "$dir/master.pid"; then
      echo "cluster.sh: a cluster is already running from $dir:" >&2; status >&2; exit 1
    fi
    if [[ "$SPARK_HOME_DIR" == "$own_home" && ! -d "$own_home/jars" ]]; then ensure_job_built "$DEFAULT_LINE"; fi
    line="$(spark_home_line "$SPARK_HOME_DIR")" || exit 2
    mkdir -p "$dir/conf"
    cp "$ROOT/conf/log4j2-cluster.properties" "$dir/conf/log4j2.properties"
    secret="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
    (umask 077; printf 'spark.authenticate true\nspark.authenticate.secret %s\n' "$secret" > "$dir/auth.properties")
    url="spark://127.0.0.1:$port"
    daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" \
      --webui-port "$webui"
    wait_for "$dir/master.log" "I have been elected leader" 90 "$dir/master.pid" || { stop >/dev/null; exit 1; }
    for ((w = 1; w <= workers; w++)); do
      mkdir -p "$dir/worker-$w"
      daemon "worker-$w" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
        --cores "$cores" --memory "$memory" --webui-port $((webui + w)) \
        --work-dir "$dir/worker-$w" "$url"
    done
    for ((w = 1; w <= workers; w++)); do
      wait_for "$dir/worker-$w.log" "Successfully registered with master" 90 "$dir/worker-$w.pid" \
        || { stop >/dev/null; exit 1; }
    done
    echo "$url" > "$dir/master-url"
    echo "$webui" > "$dir/webui-port"
    echo "cluster up: Spark $line from $SPARK_HOME_DIR; master $url (web UI http://127.0.0.1:$webui), $workers workers x $cores core(s), $memory each; authenticated, REST off"
    [[ "$SPARK_HOME_DIR" == "$own_home" ]] || echo "(keep SPARK_HOME=$SPARK_HOME_DIR for submit.sh: it picks the job jar of that line)"
    echo "submit with: scripts/submit.sh --master $url --cluster-dir $dir --input ... --output ..."
    ;;
  status) status ;;
  executors) executors ;;
  stop) stop ;;
  *) echo "usage: scripts/cluster.sh start|status|stop [options] (see the header of $0)" >&2; exit 2;;
esac
