# Shared by the scripts: project root, build-if-stale, classpaths and JVM flags.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORE="$ROOT/model-core"
STAMP="$CORE/target/.built"
JAVA_FLAGS=(--add-modules=jdk.incubator.vector '-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n')

JOB="$ROOT/spark-job"
JOB_STAMP="$JOB/target/.built"

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

# Builds the shaded job jar and the Spark classpath when any source changed since last time.
ensure_job_built() {
  [[ "${CORPUS_ENCODER_NO_BUILD:-}" == 1 ]] && return 0
  if [[ ! -f "$JOB_STAMP" ]] || [[ -n "$(find "$ROOT/pom.xml" "$CORE/pom.xml" "$CORE/src" "$JOB/pom.xml" "$JOB/src" -newer "$JOB_STAMP" -print -quit)" ]]; then
    echo "building the job jar (mvn -DskipTests package)..." >&2
    (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests package) >&2
    touch "$JOB_STAMP" "$STAMP"
  fi
}

job_jar() { ls "$JOB"/target/spark-job-*-job.jar | head -1; }
spark_cp() { echo "$(job_jar):$(cat "$JOB/target/spark-classpath.txt")"; }

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
