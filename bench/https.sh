#!/usr/bin/env bash
# The runnable gateway (gateway-examples/target/mcp-gateway.jar) on the seed's Kestrel endpoints, plain HTTP against
# HTTPS (TLS 1.3, HTTP/1.1 keep-alive), in one run on loopback: requests per second, latency and the gateway's CPU per
# request for the same MCP ping (in a session) to the same two MCP SDK backends.
#
#   bash bench/https.sh                    # builds the jar first
#   SKIP_BUILD=1 DURATION=5 bash bench/https.sh
#
# Bounded: each wrk run lasts DURATION seconds, every wait has a limit, every process started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-15}
CONNS=${CONNS:-8}
ROUNDS=${ROUNDS:-2}
JAVA=${JAVA:-java}
OUT=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$OUT"' EXIT

command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "needs openssl" >&2; exit 1; }
[ -n "${SKIP_BUILD:-}" ] || mvn -B -q -DskipTests install -pl gateway-examples -am
JAR=gateway-examples/target/mcp-gateway.jar

# wait_for FILE PATTERN: until the process writing FILE has printed PATTERN (30 s at most)
wait_for() {
  for _ in $(seq 1 300); do grep -q "$2" "$1" && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; exit 1
}

# two demo MCP SDK servers (the demo without --config starts them; its own gateway is not measured)
"$JAVA" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$JAR" --port 0 > "$OUT/backends.log" 2>&1 &
PIDS+=($!)
wait_for "$OUT/backends.log" "backend replica-2"
B1=$(grep "backend replica-1" "$OUT/backends.log" | awk '{print $4}')
B2=$(grep "backend replica-2" "$OUT/backends.log" | awk '{print $4}')

# the seed's appsettings.Production.json with a generated PFX, listeners on loopback, no redirect, no rate limit
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$OUT/k.pem" -out "$OUT/c.pem" -days 2 \
  -subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
openssl pkcs12 -export -in "$OUT/c.pem" -inkey "$OUT/k.pem" -out "$OUT/gateway.pfx" -passout pass:bench
sed -e "s#/app/certs/gateway.pfx#$OUT/gateway.pfx#" -e "s#http://127.0.0.1:\${PORT1}#$B1#" \
  -e "s#http://127.0.0.1:\${PORT2}#$B2#" -e 's#\*:8080#127.0.0.1:0#' -e 's#\*:8443#127.0.0.1:0#' \
  -e 's#"RequireHttps": true#"RequireHttps": false#' -e 's#"RequestsPerMinute": 100#"RequestsPerMinute": 1000000#' \
  -e 's#"BurstSize": 20#"BurstSize": 1000000#' gateway-config/src/test/resources/seed-appsettings.json > "$OUT/bench.json"
KESTREL__CERTIFICATES__DEFAULT__PASSWORD=bench "$JAVA" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -jar "$JAR" --config "$OUT/bench.json" > "$OUT/gateway.log" 2>&1 &
GW=$!
PIDS+=($GW)
wait_for "$OUT/gateway.log" "listening on https"
HTTP=$(grep -o 'listening on http://[^ ]*' "$OUT/gateway.log" | head -1 | sed 's/listening on //')
HTTPS=$(grep -o 'listening on https://[^ ]*' "$OUT/gateway.log" | head -1 | sed 's/listening on //')

SID=$(curl -s --cacert "$OUT/c.pem" -D - "$HTTPS" -H 'Content-Type: application/json' \
  -H 'Accept: application/json, text/event-stream' -o /dev/null \
  -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"wrk","version":"1"}}}' \
  | grep -i '^mcp-session-id' | awk '{print $2}' | tr -d '\r')
[ -n "$SID" ] || { echo "initialize failed" >&2; cat "$OUT/gateway.log" >&2; exit 1; }
cat > "$OUT/ping.lua" <<EOF
wrk.method = "POST"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"ping"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["MCP-Protocol-Version"] = "2025-11-25"
wrk.headers["Mcp-Session-Id"] = "$SID"
EOF

ticks() { awk '{print $14 + $15}' "/proc/$GW/stat"; }   # the gateway's user + system CPU, in clock ticks
HZ=$(getconf CLK_TCK)
echo "| listener | req/s | p50 | p99 | gateway CPU per request |"
echo "|---|---|---|---|---|"
for _ in 1 2; do for url in "$HTTP" "$HTTPS"; do wrk -t1 -c"$CONNS" -d"${WARMUP}s" -s "$OUT/ping.lua" "$url" > /dev/null; done; done
for _ in $(seq 1 "$ROUNDS"); do
  for url in "$HTTP" "$HTTPS"; do
    t0=$(ticks)
    r=$(wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency -s "$OUT/ping.lua" "$url")
    t1=$(ticks)
    n=$(echo "$r" | awk '/requests in/ {print $1}')
    bad=$(echo "$r" | awk '/Non-2xx/ {print $NF}')
    [ -z "$bad" ] || { echo "$url: $bad answers were not 2xx" >&2; exit 1; }
    echo "| ${url%%:*} | $(echo "$r" | awk '/Requests\/sec/ {print $2}') | $(echo "$r" | awk '$1=="50%" {print $2}') |" \
      "$(echo "$r" | awk '$1=="99%" {print $2}') | $(awk -v a="$t0" -v b="$t1" -v n="$n" -v hz="$HZ" \
      'BEGIN {printf "%.1f µs", (b - a) * 1e6 / hz / n}') |"
  done
done
