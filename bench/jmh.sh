#!/usr/bin/env bash
# JMH benchmarks of the gateway's hot paths (peek, session token, balancer pick). About 1 minute.
#   bash bench/jmh.sh                 # all benchmarks, default JDK
#   bash bench/jmh.sh -prof gc        # with allocation rates
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
mvn -B -q -DskipTests install -pl gateway-core -am
mvn -B -q -DskipTests package -pl gateway-benchmarks
mvn -B -q -pl gateway-benchmarks dependency:build-classpath -Dmdep.outputFile="$PWD/bench/out/jmh-classpath.txt"
java -cp "gateway-benchmarks/target/classes:$(cat bench/out/jmh-classpath.txt)" org.openjdk.jmh.Main HotPathBenchmark "$@"
