#!/usr/bin/env bash
# Builds gateway-benchmarks and writes its runtime classpath to bench/out/jmh-classpath.txt; sourced by the
# benchmark scripts, which then run: java -cp "$BENCH_CP" <main class> ...
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p bench/out
mvn -B -q -DskipTests install -pl gateway-core,gateway-oauth,gateway-redis,gateway-testing -am
mvn -B -q -DskipTests package -pl gateway-benchmarks
mvn -B -q -pl gateway-benchmarks dependency:build-classpath -Dmdep.outputFile="$PWD/bench/out/jmh-classpath.txt"
BENCH_CP="gateway-benchmarks/target/classes:$(cat bench/out/jmh-classpath.txt)"
export BENCH_CP
