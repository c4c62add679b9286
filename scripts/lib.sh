# Shared by the scripts: project root, build-if-stale, classpaths and JVM flags.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORE="$ROOT/model-core"
STAMP="$CORE/target/.built"
JAVA_FLAGS=(--add-modules=jdk.incubator.vector '-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n')

# Builds model-core (main and test classes, classpath files) when sources changed since last time.
# CORPUS_ENCODER_NO_BUILD=1 skips these checks (the integration tests run inside a Maven build).
ensure_built() {
  [[ "${CORPUS_ENCODER_NO_BUILD:-}" == 1 ]] && return 0
  if [[ ! -f "$STAMP" ]] || [[ -n "$(find "$ROOT/pom.xml" "$CORE/pom.xml" "$CORE/src" -newer "$STAMP" -print -quit)" ]]; then
    echo "building model-core (mvn -DskipTests package)..." >&2
    (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests -pl model-core -am package) >&2
    touch "$STAMP"
  fi
}

# The job is built once per Spark line from spark-job/src: spark-job (Spark 4.x, Scala 2.13; the
# default line of encode.sh, tune.sh and bench.sh) and spark-job-3.5 (Spark 3.5, Scala 2.12).
JOB="$ROOT/spark-job"
DEFAULT_LINE=4
line_module() { # LINE -> the line's module directory
  case "$1" in
    4) echo "$ROOT/spark-job";;
    3.5) echo "$ROOT/spark-job-3.5";;
    *) echo "no Spark line \"$1\": the job is built for Spark 3.5 and 4" >&2; return 2;;
  esac
}
line_scala() { case "$1" in 4) echo 2.13;; 3.5) echo 2.12;; esac; }

# Builds the job jar of LINE (default: every line), model-core and the Spark classpath files when
# any source changed since last time.
ensure_job_built() {
  [[ "${CORPUS_ENCODER_NO_BUILD:-}" == 1 ]] && return 0
  local line="${1:-}" module stamp pl=()
  if [[ -n "$line" ]]; then
    module="$(line_module "$line")" || return 2
    stamp="$module/target/.built"; pl=(-pl "$(basename "$module")" -am)
  else
    module="$JOB"; stamp="$ROOT/target/.built-all"
  fi
  if [[ ! -f "$stamp" ]] || [[ -n "$(find "$ROOT/pom.xml" "$CORE/pom.xml" "$CORE/src" "$ROOT/spark-parent/pom.xml" "$module/pom.xml" "$JOB/src" -newer "$stamp" -print -quit)" ]]; then
    echo "building the job jar${line:+ for Spark $line} (mvn -DskipTests package)..." >&2
    (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests "${pl[@]}" package) >&2
    mkdir -p "$(dirname "$stamp")"
    touch "$stamp" "$STAMP"
  fi
}

# The shaded job jar of LINE (default 4): MODULE/target/corpus-encoder-spark<LINE>_<SCALA>-<version>-job.jar
job_jar() {
  local line="${1:-$DEFAULT_LINE}" module
  module="$(line_module "$line")" || return 2
  ls "$module"/target/corpus-encoder-spark"$line"_"$(line_scala "$line")"-*-job.jar 2>/dev/null | head -1
}
spark_cp() { echo "$(job_jar):$(cat "$JOB/target/spark-classpath.txt")"; }

# The Spark line of a SPARK_HOME (a Spark distribution, the folder of a pip-installed pyspark, or
# a line module's target/spark-home), read from its jars/spark-core_<scala>-<version>.jar: prints
# "3.5" or "4", or fails naming what it found.
spark_home_line() {
  local home="$1" core name scala version
  core="$(ls "$home"/jars/spark-core_*.jar 2>/dev/null | head -1)"
  if [[ -z "$core" ]]; then
    echo "SPARK_HOME $home has no jars/spark-core_*.jar: expected a Spark distribution, the folder of a pip-installed pyspark, or a target/spark-home of this build" >&2
    return 2
  fi
  name="$(basename "$core" .jar)"            # spark-core_2.12-3.5.9
  scala="${name#spark-core_}"; scala="${scala%%-*}"
  version="${name#spark-core_"$scala"-}"
  case "$scala/$version" in
    2.12/3.5.*) echo 3.5;;
    2.13/4.0.0) echo "SPARK_HOME $home runs Spark 4.0.0, whose Param lacks the constructor the job's Transformer calls (SPARK-52259, fixed in 4.0.1): use Spark 4.0.1 or later" >&2
       return 2;;
    2.13/4.*) echo 4;;
    *) echo "SPARK_HOME $home runs Spark $version on Scala $scala ($core); the job is built for Spark 3.5 on Scala 2.12 (corpus-encoder-spark3.5_2.12) and Spark 4.x on Scala 2.13 (corpus-encoder-spark4_2.13)" >&2
       return 2;;
  esac
}

# The JVM flags spark-submit adds (org.apache.spark.launcher.JavaModuleOptions), for local runs.
SPARK_JAVA_FLAGS=(--add-modules=jdk.incubator.vector
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true)

# conf/spark-defaults.conf as -Dkey=value, which SparkConf reads in a plain JVM.
spark_defaults_props() {
  local f="$ROOT/conf/spark-defaults.conf"
  [[ -f "$f" ]] || return 0
  grep -Ev '^\s*(#|$)' "$f" | while read -r k v; do printf -- '-D%s=%s\n' "$k" "$v"; done
}

export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.13}"

runtime_cp() { echo "$CORE/target/classes:$(cat "$CORE/target/runtime-classpath.txt")"; }
test_cp() { echo "$CORE/target/test-classes:$CORE/target/classes:$(cat "$CORE/target/test-classpath.txt")"; }

# One BLAS thread per worker thread unless the user says otherwise: no oversubscription.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
