#!/usr/bin/env bash
# The demo: two MCP servers (official MCP Java SDK) and the gateway in front of them on 127.0.0.1:8080.
#   bash demo.sh                      # build (first run fetches dependencies), then run
#   bash demo.sh --port 9090 --backends http://127.0.0.1:3001/mcp,http://127.0.0.1:3002/mcp
#   bash demo.sh --config appsettings.json
#   bash demo.sh --help
# The demo runs in a JVM of its own, so its log lines show and its exit code is its own (2: a wrong flag or
# configuration, 1: the port is taken).
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -DskipTests install -pl gateway-examples -am
mkdir -p gateway-examples/target
mvn -B -q -pl gateway-examples dependency:build-classpath -Dmdep.outputFile="$PWD/gateway-examples/target/demo-classpath.txt"
exec java -Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=warn \
  -Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS \
  -cp "gateway-examples/target/classes:$(cat gateway-examples/target/demo-classpath.txt)" \
  io.openharbor.mcp.gateway.examples.DemoMain "$@"
