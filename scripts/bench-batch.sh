#!/usr/bin/env bash
# Throughput of `squeeze batch compress` (issue #17's goals): the single-process loop (what `squeeze compress` does per
# record, one thread), the job on Beam's DirectRunner, and on Spark local[2], over one corpus (every NQ-open gold
# passage and the 49 essays, COPIES times), in alternated rounds; prints each round and the medians (wall seconds,
# input tokens per wall second and per CPU-second of the whole process). See docs/PERFORMANCE.md.
#
#   scripts/bench-batch.sh [ROUNDS [COPIES]]
#
# Runs twice: on JDK 25 (the CLI's JVM, Vector API on) loop and direct; on JDK 17 (Spark 3.5 does not start on 23+)
# loop, direct and spark. Extra Maven arguments: SQUEEZE_BENCH_MVN (e.g. -o). Records `uptime` before each run.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
rounds=${1:-5}
copies=${2:-8}
. scripts/jdk25.sh
. scripts/jdk17.sh
squeeze_jdk17
echo "bench-batch: JDK 25 (loop, direct); load: $(uptime)"
mvn -B -q ${SQUEEZE_BENCH_MVN:-} -Pbatch-bench -pl squeeze-beam -am test-compile \
    -Dbench.java="$JAVA_HOME/bin/java" -Dbench.args="$rounds $copies loop,direct"
echo "bench-batch: JDK 17 (loop, direct, spark); load: $(uptime)"
mvn -B -q ${SQUEEZE_BENCH_MVN:-} -Pbatch-bench,jdk17 -pl squeeze-beam -am test-compile \
    -Dbench.java="$SQUEEZE_JDK17/bin/java" -Dbench.args="$rounds $copies loop,direct,spark"
echo "bench-batch: done; load: $(uptime)"
