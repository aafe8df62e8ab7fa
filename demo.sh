#!/usr/bin/env bash
# The demo: two MCP servers (official MCP Java SDK) and the gateway in front of them on 127.0.0.1:8080.
#   bash demo.sh                      # build (first run fetches dependencies), then run
#   bash demo.sh --port 9090 --backends http://127.0.0.1:3001/mcp,http://127.0.0.1:3002/mcp
#   bash demo.sh --config appsettings.json
#   bash demo.sh --help
# It builds the runnable gateway (gateway-examples/target/mcp-gateway.jar with its lib/ beside it) and runs it with
# java -jar, as a service would (README, "Run it as a service"): its exit code is its own (2: a wrong flag or
# configuration, 1: the port is taken).
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -DskipTests install -pl gateway-examples -am
exec java -jar gateway-examples/target/mcp-gateway.jar "$@"
