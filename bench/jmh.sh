#!/usr/bin/env bash
# JMH benchmarks of the gateway's hot paths (peek, session token, balancer picks). About 3 minutes for all.
#   bash bench/jmh.sh                            # all benchmarks, default JDK
#   bash bench/jmh.sh PickBenchmark -prof gc     # one class, with allocation rates
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/build-benchmarks.sh
if [ $# -eq 0 ] || [[ "$1" == -* ]]; then set -- "HotPathBenchmark|PickBenchmark" "$@"; fi
java -cp "$BENCH_CP" org.openjdk.jmh.Main "$@"
