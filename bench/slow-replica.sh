#!/usr/bin/env bash
# The Linkerd "beyond round robin" experiment on loopback (see SlowReplicaExperiment): 11 backends, one answering in
# 2 s, open-loop load with a 1 s client timeout; success rate and tail latency for roundRobin, leastConnections and
# peakEwma. About 2 minutes with the defaults.
#   bash bench/slow-replica.sh [requests-per-second=300] [seconds=30]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
mvn -B -q -DskipTests install -pl gateway-core -am
mvn -B -q -DskipTests package -pl gateway-benchmarks
mvn -B -q -pl gateway-benchmarks dependency:build-classpath -Dmdep.outputFile="$PWD/bench/out/jmh-classpath.txt"
java -cp "gateway-benchmarks/target/classes:$(cat bench/out/jmh-classpath.txt)" \
  io.openharbor.mcp.gateway.SlowReplicaExperiment "$@" | tee bench/out/slow-replica.txt
