# Shared by the scripts: project root, build-if-stale, classpaths and JVM flags.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORE="$ROOT/model-core"
STAMP="$CORE/target/.built"
JAVA_FLAGS=(--add-modules=jdk.incubator.vector '-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%6$s%n')

# Builds model-core (main and test classes, classpath files) when sources changed since last time.
ensure_built() {
  if [[ ! -f "$STAMP" ]] || [[ -n "$(find "$ROOT/pom.xml" "$CORE/pom.xml" "$CORE/src" -newer "$STAMP" -print -quit)" ]]; then
    echo "building model-core (mvn -DskipTests package)..." >&2
    (cd "$ROOT" && mvn -B -q -Dstyle.color=never -DskipTests -pl model-core -am package) >&2
    touch "$STAMP"
  fi
}

runtime_cp() { echo "$CORE/target/classes:$(cat "$CORE/target/runtime-classpath.txt")"; }
test_cp() { echo "$CORE/target/test-classes:$CORE/target/classes:$(cat "$CORE/target/test-classpath.txt")"; }

# One BLAS thread per worker thread unless the user says otherwise: no oversubscription.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
