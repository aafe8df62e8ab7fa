#!/usr/bin/env bash
# The Linkerd "beyond round robin" experiment on loopback (see SlowReplicaExperiment): 11 backends, one answering in
# 2 s, open-loop load with a 1 s client timeout; success rate and tail latency for roundRobin, leastConnections and
# peakEwma. About 2 minutes with the defaults.
#   bash bench/slow-replica.sh [requests-per-second=300] [seconds=30]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/build-benchmarks.sh
java -cp "$BENCH_CP" io.openharbor.mcp.gateway.SlowReplicaExperiment "$@" | tee bench/out/slow-replica.txt
