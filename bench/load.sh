#!/usr/bin/env bash
# Load benchmark: tools/call POSTs, closed loop, on loopback only. Compares calling the backend directly, through
# nginx as a reverse proxy, and through the gateway (JDK HttpServer and Jetty adapters, on each JDK given).
# Bounded: every wrk run lasts DURATION seconds; every process started here is stopped on exit.
#
#   bash bench/load.sh                  # defaults: 10 s per run, 16 and 64 connections
#   DURATION=5 CONNS="16" bash bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-8}
CONNS=${CONNS:-"16 64"}
JAVAS=${JAVAS:-"/usr/lib/jvm/java-17-openjdk-amd64/bin/java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java"}
OUT=bench/out
mkdir -p "$OUT"
BACKEND_PORT=18181 NGINX_PORT=18182 GW_PORT=18183

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq nginx-light wrk >/dev/null
fi

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; nginx -p "$PWD/$OUT" -c nginx.conf -s stop 2>/dev/null || true; }
trap cleanup EXIT

# One nginx: a canned MCP backend (answers every POST with a tools/call result) and, on another port, a reverse proxy
# to it with keep-alive upstream connections, two workers.
cat > "$OUT/nginx.conf" <<NGINX
worker_processes 2;
pid $PWD/$OUT/nginx.pid;
error_log $PWD/$OUT/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $PWD/$OUT/tmp;
  proxy_temp_path $PWD/$OUT/tmp;
  upstream mcp { server 127.0.0.1:$BACKEND_PORT; keepalive 256; }
  server {
    listen 127.0.0.1:$BACKEND_PORT;
    location /mcp {
      default_type application/json;
      return 200 '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"hi"}],"isError":false}}';
    }
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location /mcp {
      proxy_pass http://mcp;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
NGINX
mkdir -p "$OUT/tmp"
nginx -p "$PWD/$OUT" -c nginx.conf
sleep 0.5

cat > "$OUT/call.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
LUA

# Always rebuild, so the numbers are those of the working tree.
mvn -B -q -DskipTests install
mvn -B -q -pl gateway-examples dependency:build-classpath -Dmdep.outputFile="$PWD/$OUT/classpath.txt"
CP="gateway-examples/target/classes:$(cat "$OUT/classpath.txt")"

cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
nginx_pids() { pgrep -f "nginx: worker" | tr '\n' ' '; }

# run LABEL URL PIDS...: one wrk run per connection count; prints a markdown row each.
run() {
  local label=$1 url=$2; shift 2
  local pids_to_watch="$*"
  for c in $CONNS; do
    wrk -t2 -c"$c" -d"${WARMUP}s" -s "$OUT/call.lua" "$url" >/dev/null 2>&1 || true   # warm-up (JIT)
    local before=0 after=0 p
    for p in $pids_to_watch; do before=$((before + $(cpu_ticks "$p"))); done
    wrk -t2 -c"$c" -d"${DURATION}s" --latency -s "$OUT/call.lua" "$url" > "$OUT/wrk.txt" 2>&1
    for p in $pids_to_watch; do after=$((after + $(cpu_ticks "$p"))); done
    local reqs rps p50 p99 errs
    reqs=$(awk '/requests in/ {print $1}' "$OUT/wrk.txt")
    rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$OUT/wrk.txt")
    p50=$(awk '$1=="50%" {print $2}' "$OUT/wrk.txt")
    p99=$(awk '$1=="99%" {print $2}' "$OUT/wrk.txt")
    errs=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' "$OUT/wrk.txt")
    local cpu_us="-"
    if [ -n "$pids_to_watch" ] && [ "$reqs" -gt 0 ]; then
      cpu_us=$(awk -v t=$((after - before)) -v n="$reqs" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$c" "$rps" "$p50" "$p99" "$cpu_us" "${errs:-none}"
  done
}

{
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); wrk -t2, ${DURATION}s per run"
echo
echo '| path | connections | req/s | p50 | p99 | proxy CPU µs/req | errors |'
echo '|---|---|---|---|---|---|---|'
run "direct (nginx canned backend)" "http://127.0.0.1:$BACKEND_PORT/mcp"
run "nginx reverse proxy (2 workers)" "http://127.0.0.1:$NGINX_PORT/mcp" $(nginx_pids)
for java in $JAVAS; do
  [ -x "$java" ] || continue
  v=$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  for adapter in jdk jetty; do
    "$java" -Xms512m -Xmx512m -Dsun.net.httpserver.nodelay=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
      -cp "$CP" io.openharbor.mcp.gateway.examples.BenchGateway "$adapter" "$GW_PORT" \
      "http://127.0.0.1:$BACKEND_PORT/mcp" > "$OUT/gateway.log" 2>&1 &
    gw=$!; pids+=("$gw")
    for _ in $(seq 1 100); do grep -q ready "$OUT/gateway.log" && break; sleep 0.1; done
    run "gateway, $adapter adapter, Java $v" "http://127.0.0.1:$GW_PORT/mcp" "$gw"
    kill "$gw"; wait "$gw" 2>/dev/null || true
  done
done
} | tee "$OUT/results.md"
