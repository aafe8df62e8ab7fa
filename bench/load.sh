#!/usr/bin/env bash
# Load benchmark, on loopback only. Compares calling an MCP backend directly, through nginx as a reverse proxy, and
# through the gateway (JDK HttpServer and Jetty adapters, on each JDK given), for what users run:
#
#   post     tools/call POSTs answered with JSON (closed loop, wrk)
#   okhttp   the same through the gateway with plain backends on OkHttp (-Dio.openharbor.mcp.gateway.transport=okhttp)
#   session  the same with an MCP session: the gateway's sealed Mcp-Session-Id token on every call
#   sse      tools/call answered with a text/event-stream (one message event)
#   local    the gateway's host server answering the canned JSON itself: the gateway's own CPU share
#   strace   system calls per request (strace -f -c attached while wrk runs; needs strace, STRACE=1)
#   streams  many idle GET streams through the gateway (heap, RSS, threads) and event latency (Java 21+ only)
#
#   bash bench/load.sh                                   # everything, ~15 min
#   PHASES="post local" DURATION=5 bash bench/load.sh    # some phases only
#   SKIP_BUILD=1 DURATION=2 WARMUP=1 CONNS=16 EXTRA_CONNS=16 STRACE_DURATION=2 STREAMS=200 bash bench/load.sh  # smoke
#
# Bounded: every wrk run lasts DURATION seconds, every wait has a limit, and every process started here is stopped on
# exit (trap). Results: bench/out/results.md (written also when the run stops early).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}          # seconds per measured wrk run
WARMUP=${WARMUP:-8}               # seconds of wrk before each measured run (JIT)
CONNS=${CONNS:-"16 64"}           # connection counts of the post and local rows
EXTRA_CONNS=${EXTRA_CONNS:-64}    # connection counts of the session and sse rows
JAVAS=${JAVAS:-"/usr/lib/jvm/java-17-openjdk-amd64/bin/java /usr/lib/jvm/temurin-25-jdk-amd64/bin/java"}
PHASES=${PHASES:-"post okhttp session sse local strace streams"}
STRACE=${STRACE:-$(command -v strace >/dev/null 2>&1 && echo 1 || echo 0)}
STRACE_DURATION=${STRACE_DURATION:-5}   # seconds of wrk (16 connections) with strace attached
STREAMS=${STREAMS:-"1000 10000"}        # idle GET streams held open at once (capped by the fd limit)
LATENCY_STREAMS=${LATENCY_STREAMS:-100} # streams open while the latency is measured
ROUNDS=${ROUNDS:-50}                    # latency: rounds of one event per stream
PAUSE_MS=${PAUSE_MS:-20}                # latency: pause between rounds
HEAP=${HEAP:-512m}                      # -Xms/-Xmx of the JVM servers of the wrk phases
STREAM_HEAP=${STREAM_HEAP:-2g}          # -Xms/-Xmx of the gateway and backend of the streams phase (~55 KiB/stream)
STREAM_ADAPTERS=${STREAM_ADAPTERS:-"jdk jetty"}
SKIP_BUILD=${SKIP_BUILD:-0}             # 1: use the classes already built (smoke runs)
OUT=bench/out
mkdir -p "$OUT/tmp"
rm -rf "$OUT/logs" && mkdir -p "$OUT/logs"
BACKEND_PORT=18181 NGINX_PORT=18182 GW_PORT=18183 LOCAL_PORT=18184 SB_PORT=18190 SGW_PORT=18191

has_phase() { [[ " $PHASES " == *" $1 "* ]]; }
need() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "$@" >/dev/null
}
if ! need nginx || ! need wrk; then apt_install nginx-light wrk; fi
if has_phase strace && [ "$STRACE" = 1 ] && ! need strace; then apt_install strace; fi

# 10,000 streams are ~20,000 sockets in the gateway: raise the open-file limit as far as the hard limit allows.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)

# ---- results: rows are collected here and written to results.md at the end (also on an early exit) ----
MAIN_ROWS=() SHARE_ROWS=() STRACE_ROWS=() STREAM_ROWS=() LATENCY_ROWS=() NOTES=()
declare -A DIRECT_RPS=() DIRECT_P50=() CPU=()
write_results() {
  {
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r);" \
      "wrk -t2, ${DURATION}s per run after ${WARMUP}s warm-up; phases: $PHASES"
    if [ ${#MAIN_ROWS[@]} -gt 0 ]; then
      echo
      echo "server CPU: user+system time of the process(es) named, per request (nginx proxy: its own 2 workers, not" \
        "the backend's; gateway and local: the JVM). vs direct: req/s and p50 against the direct row of the same kind."
      echo
      echo '| kind | path | conns | req/s | req/s vs direct | p50 | p50 vs direct | p99 | server CPU µs/req | errors |'
      echo '|---|---|---|---|---|---|---|---|---|---|'
      printf '%s\n' "${MAIN_ROWS[@]}"
    fi
    if [ ${#SHARE_ROWS[@]} -gt 0 ]; then
      echo
      echo "Gateway's own share of the CPU: gateway (post) − the same host server answering the canned JSON itself."
      echo
      echo '| Java | adapter | conns | gateway CPU µs/req | host local CPU µs/req | gateway own µs/req |'
      echo '|---|---|---|---|---|---|'
      printf '%s\n' "${SHARE_ROWS[@]}"
    fi
    if [ ${#STRACE_ROWS[@]} -gt 0 ]; then
      echo
      echo "System calls per request (session-less POST, wrk -c16 for ${STRACE_DURATION}s under strace -f -c;" \
        "all threads of the process(es) named, background threads included; strace slows the server a lot)."
      echo
      echo '| path | requests | syscalls/req | top 6 per request |'
      echo '|---|---|---|---|'
      printf '%s\n' "${STRACE_ROWS[@]}"
    fi
    if [ ${#STREAM_ROWS[@]} -gt 0 ]; then
      echo
      echo "Idle GET streams held open through the gateway (gateway -Xmx$STREAM_HEAP, heap used after jcmd GC.run; per stream:" \
        "(figure − the same gateway before any stream) / streams). Open-file limit: $NOFILE."
      echo
      echo '| Java | adapter | streams asked | open ok/failed | backend holds | heap MiB | RSS MiB | threads | fds | heap KiB/stream | RSS KiB/stream |'
      echo '|---|---|---|---|---|---|---|---|---|---|---|'
      printf '%s\n' "${STREAM_ROWS[@]}"
    fi
    if [ ${#LATENCY_ROWS[@]} -gt 0 ]; then
      echo
      echo "Event latency: $LATENCY_STREAMS streams open, $ROUNDS rounds of one event per stream, ${PAUSE_MS} ms apart;" \
        "receive System.nanoTime() − the one the backend wrote into the event."
      echo
      echo '| Java | path | events received | p50 µs | p99 µs | max µs |'
      echo '|---|---|---|---|---|---|'
      printf '%s\n' "${LATENCY_ROWS[@]}"
    fi
    if [ ${#NOTES[@]} -gt 0 ]; then
      echo
      printf -- '- %s\n' "${NOTES[@]}"
    fi
  } > "$OUT/results.md"
}
note() { NOTES+=("$*"); echo "note: $*" >&2; }
if has_phase strace && [ "$STRACE" != 1 ]; then note "strace phase skipped: STRACE=$STRACE"; PHASES=${PHASES//strace/}; fi

# ---- processes: everything started here is recorded and stopped on exit ----
pids=()
# stop PID: TERM, then KILL after 5 s; waits for it and forgets it.
stop() {
  local p=$1 i q rest=()
  kill "$p" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  for q in "${pids[@]:-}"; do [ "$q" = "$p" ] || rest+=("$q"); done
  pids=("${rest[@]:-}")
}
# Stops the two nginx of this script (also those a previous run left, by their pid files).
nginx_stop() {
  local f p i
  for f in "$OUT/nginx-backend.pid" "$OUT/nginx-proxy.pid"; do
    p=$(cat "$f" 2>/dev/null || true)
    if [ -n "$p" ] && grep -q nginx "/proc/$p/cmdline" 2>/dev/null; then
      kill -QUIT "$p" 2>/dev/null || true
      for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$f"
  done
}
cleanup() {
  local p
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && stop "$p"; done
  nginx_stop
  write_results
  echo "results: $OUT/results.md" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- nginx: the canned backend (2 workers) and, as a process of its own, the reverse proxy (2 workers) ----
CALL_RESULT='{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"hi"}],"isError":false}}'
nginx_common() {
  cat <<NGINX
worker_processes 2;
pid $PWD/$OUT/nginx-$1.pid;
error_log $PWD/$OUT/nginx-$1-error.log warn;
events { worker_connections 4096; }
NGINX
}
{
  nginx_common backend
  cat <<NGINX
http {
  access_log off;
  client_body_temp_path $PWD/$OUT/tmp;
  proxy_temp_path $PWD/$OUT/tmp;
  server {
    listen 127.0.0.1:$BACKEND_PORT;
    location = /mcp {           # tools/call answered with JSON
      default_type application/json;
      return 200 '$CALL_RESULT';
    }
    location = /mcp-session {   # the same, in an MCP session the backend names
      default_type application/json;
      add_header Mcp-Session-Id bench-session-1;
      return 200 '$CALL_RESULT';
    }
    location = /mcp-sse {       # tools/call answered with a one-event SSE stream
      default_type text/event-stream;
      add_header Cache-Control no-cache;
      return 200 'event: message\ndata: $CALL_RESULT\n\n';
    }
  }
}
NGINX
} > "$OUT/nginx-backend.conf"
{
  nginx_common proxy
  cat <<NGINX
http {
  access_log off;
  client_body_temp_path $PWD/$OUT/tmp;
  proxy_temp_path $PWD/$OUT/tmp;
  upstream mcp { server 127.0.0.1:$BACKEND_PORT; keepalive 256; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://mcp;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
NGINX
} > "$OUT/nginx-proxy.conf"
nginx_stop
nginx -p "$PWD/$OUT" -c nginx-backend.conf
nginx -p "$PWD/$OUT" -c nginx-proxy.conf
sleep 0.5
workers() { pgrep -P "$(cat "$OUT/nginx-$1.pid")" | tr '\n' ' '; }

# ---- wrk scripts ----
lua() { # lua FILE [SESSION-ID]: a tools/call POST, with the session header if given
  {
    echo 'wrk.method = "POST"'
    echo "wrk.body = '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"hi\"}}}'"
    echo 'wrk.headers["Content-Type"] = "application/json"'
    echo 'wrk.headers["Accept"] = "application/json, text/event-stream"'
    [ -z "${2:-}" ] || echo "wrk.headers[\"Mcp-Session-Id\"] = \"$2\""
  } > "$1"
}
lua "$OUT/call.lua"
lua "$OUT/call-session.lua" bench-session-1

# ---- build ----
if [ "$SKIP_BUILD" != 1 ]; then
  mvn -B -q -DskipTests install   # so that the numbers are those of the working tree
fi
if [ "$SKIP_BUILD" != 1 ] || [ ! -s "$OUT/classpath.txt" ]; then
  mvn -B -q -pl gateway-examples dependency:build-classpath -Dmdep.outputFile="$PWD/$OUT/classpath.txt"
fi
# The run uses a copy of the project's own classes and jars, so that a build during the run changes nothing under it.
rm -rf "$OUT/lib" && mkdir -p "$OUT/lib"
cp -r gateway-examples/target/classes "$OUT/lib/examples-classes"
CP="$OUT/lib/examples-classes"
for jar in $(tr ':' ' ' < "$OUT/classpath.txt"); do
  case $jar in
    */io/openharbor/*)
      # This tree's own jar (the local Maven repository holds whichever tree was installed last, which with
      # SKIP_BUILD=1 may not be this one).
      name=$(basename "$jar"); module=${name%-[0-9]*}
      [ -f "$module/target/$name" ] && jar="$module/target/$name"
      cp "$jar" "$OUT/lib/"; CP="$CP:$OUT/lib/$name" ;;
    *) CP="$CP:$jar" ;;
  esac
done

# ---- helpers ----
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
to_us() { # wrk's duration (245.00us, 1.20ms, 2.00s) in µs
  awk -v d="$1" 'BEGIN { v = d + 0; if (d ~ /us$/) f = 1; else if (d ~ /ms$/) f = 1e3; else if (d ~ /s$/) f = 1e6;
    else f = 0; if (f) printf "%.0f", v * f; else print "" }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b > 0) printf "%.2f×", a / b; else print "-" }'; }

# measure URL LUA CONNS PIDS...: warm-up, then one measured wrk run; sets R_REQS R_RPS R_P50 R_P99 R_CPU R_ERRS.
measure() {
  local url=$1 script=$2 c=$3; shift 3
  local before=0 after=0 p
  wrk -t2 -c"$c" -d"${WARMUP}s" -s "$script" "$url" >/dev/null 2>&1 || true
  for p in "$@"; do before=$((before + $(cpu_ticks "$p"))); done
  wrk -t2 -c"$c" -d"${DURATION}s" --latency -s "$script" "$url" > "$OUT/wrk.txt" 2>&1 || true
  for p in "$@"; do after=$((after + $(cpu_ticks "$p"))); done
  R_REQS=$(awk '/requests in/ {print $1}' "$OUT/wrk.txt"); R_REQS=${R_REQS:-0}
  R_RPS=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$OUT/wrk.txt")
  R_P50=$(awk '$1=="50%" {print $2}' "$OUT/wrk.txt")
  R_P99=$(awk '$1=="99%" {print $2}' "$OUT/wrk.txt")
  R_ERRS=$(awk '/Non-2xx|Socket errors/ {sub(/^ +/, ""); printf "%s ", $0}' "$OUT/wrk.txt")
  R_CPU="-"
  if [ $# -gt 0 ] && [ "$R_REQS" -gt 0 ]; then
    R_CPU=$(awk -v t=$((after - before)) -v n="$R_REQS" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  fi
}

# row KIND LABEL URL LUA CONNS-LIST PIDS...: one measured run per connection count, one table row each.
# KIND is post, session, sse or local; a "direct" label records the reference of its kind.
row() {
  local kind=$1 label=$2 url=$3 script=$4 conns=$5 c ref; shift 5
  for c in $conns; do
    measure "$url" "$script" "$c" "$@"
    ref=$kind; [ "$kind" = local ] && ref=post
    if [[ $label == direct* ]]; then DIRECT_RPS[$ref:$c]=$R_RPS; DIRECT_P50[$ref:$c]=$(to_us "$R_P50"); fi
    CPU[$label:$c]=$R_CPU
    MAIN_ROWS+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' "$kind" "$label" "$c" "$R_RPS" \
      "$(ratio "$R_RPS" "${DIRECT_RPS[$ref:$c]:-}")" "$R_P50" "$(ratio "$(to_us "$R_P50")" "${DIRECT_P50[$ref:$c]:-}")" \
      "$R_P99" "$R_CPU" "${R_ERRS:-none}")")
    echo "${MAIN_ROWS[-1]}"
  done
}

# strace_row LABEL URL PIDS...: syscalls per request of the processes (all their threads) during a fixed wrk run.
strace_row() {
  local label=$1 url=$2 p i; shift 2
  local args=()
  for p in "$@"; do args+=(-p "$p"); done
  strace -f -c -o "$OUT/strace.txt" "${args[@]}" 2> "$OUT/strace.err" &
  local sp=$!; pids+=("$sp")
  sleep 1   # attaching to every thread of a JVM takes a moment
  wrk -t2 -c16 -d"${STRACE_DURATION}s" -s "$OUT/call.lua" "$url" > "$OUT/wrk-strace.txt" 2>&1 || true
  kill -INT "$sp" 2>/dev/null || true   # strace detaches and writes its summary
  for i in $(seq 1 100); do kill -0 "$sp" 2>/dev/null || break; sleep 0.1; done
  stop "$sp"
  local reqs; reqs=$(awk '/requests in/ {print $1}' "$OUT/wrk-strace.txt"); reqs=${reqs:-0}
  if [ "$reqs" -eq 0 ] || ! grep -q total "$OUT/strace.txt" 2>/dev/null; then
    STRACE_ROWS+=("| $label | $reqs | - | strace failed: $(head -c 200 "$OUT/strace.err" | tr '\n|' '  ') |"); return
  fi
  local total top
  total=$(awk -v n="$reqs" '$NF=="total" {printf "%.1f", $4 / n}' "$OUT/strace.txt")
  top=$(awk '$1 ~ /^[0-9.]+$/ && $NF != "total" {print $4, $NF}' "$OUT/strace.txt" | sort -rn | head -6 |
    awk -v n="$reqs" '{printf "%s%s %.2f", (NR > 1 ? ", " : ""), $2, $1 / n}')
  STRACE_ROWS+=("| $label | $reqs | $total | $top |")
  echo "${STRACE_ROWS[-1]}"
}

java_version() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}'; }

# start_java LOG JAVA ARGS...: starts a JVM server, waits (at most 20 s) for its "ready" line; sets STARTED.
start_java() {
  local log=$1 java=$2 i; shift 2
  # shellcheck disable=SC2086 # JVM_OPTS: extra JVM flags, split on spaces
  "$java" -Xms"${JVM_HEAP:-$HEAP}" -Xmx"${JVM_HEAP:-$HEAP}" -Dsun.net.httpserver.nodelay=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    ${JVM_OPTS:-} -cp "$CP" "$@" > "$log" 2>&1 &
  STARTED=$!; pids+=("$STARTED")
  for i in $(seq 1 200); do grep -q ready "$log" && return 0; kill -0 "$STARTED" 2>/dev/null || break; sleep 0.1; done
  echo "server did not start: $*" >&2; cat "$log" >&2; return 1
}
# bench_gateway JAVA MODE PORT ARGS...: a BenchGateway process; its log is $OUT/logs/NN-MODE-javaV.log (in SERVER_LOG).
SERVERS=0
bench_gateway() {
  SERVERS=$((SERVERS + 1))
  SERVER_LOG="$OUT/logs/$(printf %02d "$SERVERS")-$2-java$(java_version "$1").log"
  start_java "$SERVER_LOG" "$1" io.openharbor.mcp.gateway.examples.BenchGateway "${@:2}"
}
# alive PID LABEL: notes a server that is gone (it must live through its rows).
alive() { kill -0 "$1" 2>/dev/null || note "$2: the server process exited early; see $SERVER_LOG: $(tail -c 300 "$SERVER_LOG" | tr '\n|' '  ')"; }

MCP_HEADERS=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream')
INIT='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
CALL='{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}'

# session_token LABEL: the gateway's sealed token from one initialize, checked to answer 200 (and a forged one 404).
session_token() {
  local label=$1 token code forged
  curl -s -m 10 -D "$OUT/init-headers.txt" -o /dev/null "${MCP_HEADERS[@]}" -d "$INIT" "http://127.0.0.1:$GW_PORT/mcp"
  token=$(awk -F': *' 'tolower($1)=="mcp-session-id" {gsub(/\r/, "", $2); print $2}' "$OUT/init-headers.txt")
  if [ -z "$token" ] || [ "$token" = bench-session-1 ]; then
    note "$label: initialize gave no sealed token ('$token'); session rows use it anyway"; token=${token:-none}
  fi
  code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "${MCP_HEADERS[@]}" -H "Mcp-Session-Id: $token" -d "$CALL" \
    "http://127.0.0.1:$GW_PORT/mcp")
  forged=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "${MCP_HEADERS[@]}" -H "Mcp-Session-Id: x${token:1}" \
    -d "$CALL" "http://127.0.0.1:$GW_PORT/mcp")
  note "$label: sealed token of ${#token} chars; tools/call with it answered $code, with a forged one $forged"
  lua "$OUT/call-gw-session.lua" "$token"
}

# ---- reference rows: direct to the nginx backend, and through the nginx proxy ----
if has_phase post || has_phase local; then
  row post "direct (nginx canned backend)" "http://127.0.0.1:$BACKEND_PORT/mcp" "$OUT/call.lua" "$CONNS"
fi
if has_phase post; then
  row post "nginx reverse proxy (2 workers)" "http://127.0.0.1:$NGINX_PORT/mcp" "$OUT/call.lua" "$CONNS" $(workers proxy)
fi
if has_phase session; then
  row session "direct (nginx canned backend)" "http://127.0.0.1:$BACKEND_PORT/mcp-session" "$OUT/call-session.lua" "$EXTRA_CONNS"
  row session "nginx reverse proxy (2 workers)" "http://127.0.0.1:$NGINX_PORT/mcp-session" "$OUT/call-session.lua" "$EXTRA_CONNS" $(workers proxy)
fi
if has_phase sse; then
  row sse "direct (nginx canned backend)" "http://127.0.0.1:$BACKEND_PORT/mcp-sse" "$OUT/call.lua" "$EXTRA_CONNS"
  row sse "nginx reverse proxy (2 workers)" "http://127.0.0.1:$NGINX_PORT/mcp-sse" "$OUT/call.lua" "$EXTRA_CONNS" $(workers proxy)
fi
if has_phase strace; then
  wrk -t2 -c16 -d1s -s "$OUT/call.lua" "http://127.0.0.1:$NGINX_PORT/mcp" >/dev/null 2>&1 || true
  strace_row "direct (nginx backend workers)" "http://127.0.0.1:$BACKEND_PORT/mcp" $(workers backend)
  strace_row "nginx reverse proxy (its 2 workers)" "http://127.0.0.1:$NGINX_PORT/mcp" $(workers proxy)
fi

# ---- the JVM rows: for each JDK and adapter, the host answering locally, then the gateway for each kind ----
for java in $JAVAS; do
  [ -x "$java" ] || { note "no JDK at $java"; continue; }
  v=$(java_version "$java")
  for adapter in jdk jetty; do
    if has_phase local || has_phase strace; then
      bench_gateway "$java" "local-$adapter" "$LOCAL_PORT"; srv=$STARTED
      label="host local answer, $adapter adapter, Java $v"
      if has_phase local; then
        row local "$label" "http://127.0.0.1:$LOCAL_PORT/mcp" "$OUT/call.lua" "$CONNS" "$srv"
      else
        wrk -t2 -c16 -d"${WARMUP}s" -s "$OUT/call.lua" "http://127.0.0.1:$LOCAL_PORT/mcp" >/dev/null 2>&1 || true
      fi
      if has_phase strace; then strace_row "$label" "http://127.0.0.1:$LOCAL_PORT/mcp" "$srv"; fi
      alive "$srv" "$label"; stop "$srv"
    fi
    label="gateway, $adapter adapter, Java $v"
    if has_phase post || has_phase local || has_phase strace; then
      bench_gateway "$java" "$adapter" "$GW_PORT" "http://127.0.0.1:$BACKEND_PORT/mcp"; gw=$STARTED
      if has_phase post || has_phase local; then
        row post "$label" "http://127.0.0.1:$GW_PORT/mcp" "$OUT/call.lua" "$CONNS" "$gw"
      else
        wrk -t2 -c16 -d"${WARMUP}s" -s "$OUT/call.lua" "http://127.0.0.1:$GW_PORT/mcp" >/dev/null 2>&1 || true
      fi
      if has_phase strace; then strace_row "$label" "http://127.0.0.1:$GW_PORT/mcp" "$gw"; fi
      alive "$gw" "$label (post)"; stop "$gw"
    fi
    if has_phase okhttp; then
      # the same gateway with plain backends sent through OkHttp (the transport before Http1Transport)
      olabel="gateway (OkHttp transport), $adapter adapter, Java $v"
      JVM_OPTS=-Dio.openharbor.mcp.gateway.transport=okhttp bench_gateway "$java" "$adapter" "$GW_PORT" \
        "http://127.0.0.1:$BACKEND_PORT/mcp"; gw=$STARTED
      row post "$olabel" "http://127.0.0.1:$GW_PORT/mcp" "$OUT/call.lua" "$CONNS" "$gw"
      if has_phase strace; then strace_row "$olabel" "http://127.0.0.1:$GW_PORT/mcp" "$gw"; fi
      alive "$gw" "$olabel (post)"; stop "$gw"
    fi
    if has_phase local; then
      for c in $CONNS; do
        g=${CPU["$label:$c"]:-} l=${CPU["host local answer, $adapter adapter, Java $v:$c"]:-}
        own=$(awk -v g="$g" -v l="$l" 'BEGIN { if (g != "" && l != "" && g != "-" && l != "-") printf "%.1f", g - l; else print "-" }')
        SHARE_ROWS+=("| $v | $adapter | $c | $g | $l | $own |")
      done
    fi
    if has_phase session; then
      bench_gateway "$java" "$adapter" "$GW_PORT" "http://127.0.0.1:$BACKEND_PORT/mcp-session"; gw=$STARTED
      session_token "$label"
      row session "$label" "http://127.0.0.1:$GW_PORT/mcp" "$OUT/call-gw-session.lua" "$EXTRA_CONNS" "$gw"
      alive "$gw" "$label (session)"; stop "$gw"
    fi
    if has_phase sse; then
      bench_gateway "$java" "$adapter" "$GW_PORT" "http://127.0.0.1:$BACKEND_PORT/mcp-sse"; gw=$STARTED
      row sse "$label" "http://127.0.0.1:$GW_PORT/mcp" "$OUT/call.lua" "$EXTRA_CONNS" "$gw"
      alive "$gw" "$label (sse)"; stop "$gw"
    fi
  done
done

# ---- streams: idle GET streams held open through the gateway, and event latency (Java 21+) ----
# proc_field PID NAME: a number from /proc/PID/status (VmRSS in kB, Threads).
proc_field() { awk -v f="$2:" '$1==f {print $2}' "/proc/$1/status"; }
# gateway_figures JAVA PID: "heap-KiB rss-KiB threads fds" of the gateway JVM, heap used after a full GC.
gateway_figures() {
  local jcmd heap
  jcmd="$(dirname "$1")/jcmd"
  timeout 60 "$jcmd" "$2" GC.run >/dev/null 2>&1 || true
  heap=$(timeout 60 "$jcmd" "$2" GC.heap_info 2>/dev/null | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9)
  echo "${heap:-0} $(proc_field "$2" VmRSS) $(proc_field "$2" Threads) $(ls "/proc/$2/fd" | wc -l)"
}
stream_bench() { # stream_bench LOG JAVA ARGS...: the StreamBench client, in the background; sets STARTED
  local log=$1 java=$2; shift 2
  "$java" -Xmx1g -cp "$CP" io.openharbor.mcp.gateway.examples.StreamBench "$@" > "$log" 2>&1 &
  STARTED=$!; pids+=("$STARTED")
}
# wait_for PID SECONDS: waits for a process to end, killing it after SECONDS.
wait_for() {
  local i
  for i in $(seq 1 $(($2 * 10))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  stop "$1"
}

if has_phase streams; then
  JVM_HEAP=$STREAM_HEAP
  # two sockets per stream in the gateway (client side and backend side), plus the JVM's own files
  max_streams=$(( (NOFILE - 400) / 2 / 100 * 100 ))
  for java in $JAVAS; do
    [ -x "$java" ] || continue
    v=$(java_version "$java")
    if [ "${v%%.*}" -lt 21 ]; then note "streams: skipped on Java $v (needs virtual threads, Java 21+)"; continue; fi
    for adapter in $STREAM_ADAPTERS; do
      gw_args=("$adapter" "$SGW_PORT" --max-connections 20000 --jetty-virtual-threads "http://127.0.0.1:$SB_PORT/mcp")
      for n in $STREAMS; do
        asked=$n
        if [ "$n" -gt "$max_streams" ]; then
          note "streams: $n asked, $max_streams opened: open-file limit $NOFILE (hard limit $(ulimit -Hn)), 2 sockets per stream in the gateway"
          n=$max_streams
        fi
        start_java "$OUT/stream-backend.log" "$java" io.openharbor.mcp.gateway.examples.StreamBench backend "$SB_PORT"; be=$STARTED
        bench_gateway "$java" "${gw_args[@]}"; gw=$STARTED
        read -r h0 r0 _ _ <<< "$(gateway_figures "$java" "$gw")"
        rm -f "$OUT/release"
        stream_bench "$OUT/stream-client.log" "$java" hold "http://127.0.0.1:$SGW_PORT/mcp" "$n" "$PWD/$OUT/release" 240
        cl=$STARTED
        for _ in $(seq 1 2000); do grep -q 'established.* ms' "$OUT/stream-client.log" && break; kill -0 "$cl" 2>/dev/null || break; sleep 0.1; done
        established=$(grep -o 'ok=[0-9]* failed=[0-9]*' "$OUT/stream-client.log" | sed 's/ok=//; s/ failed=/\//' || true)
        held=$(curl -s -m 10 "http://127.0.0.1:$SB_PORT/count" || echo "?")
        read -r h r t f <<< "$(gateway_figures "$java" "$gw")"
        touch "$OUT/release"
        wait_for "$cl" 30
        STREAM_ROWS+=("$(awk -v v="$v" -v a="$adapter" -v asked="$asked" -v e="${established:-none}" -v held="$held" \
          -v h="$h" -v r="$r" -v t="$t" -v f="$f" -v h0="$h0" -v r0="$r0" -v n="$n" 'BEGIN {
            printf "| %s | %s | %s | %s | %s | %.1f | %.1f | %s | %s | %.1f | %.1f |", v, a, asked, e, held,
              h / 1024, r / 1024, t, f, (h - h0) / n, (r - r0) / n }')")
        echo "${STREAM_ROWS[-1]}"
        grep -q problems "$OUT/stream-client.log" && note "streams $adapter $n: $(grep -o 'problems.*' "$OUT/stream-client.log" | head -c 300)"
        stop "$gw"; stop "$be"
      done
      # latency through this gateway
      start_java "$OUT/stream-backend.log" "$java" io.openharbor.mcp.gateway.examples.StreamBench backend "$SB_PORT"; be=$STARTED
      bench_gateway "$java" "${gw_args[@]}"; gw=$STARTED
      stream_bench "$OUT/latency.log" "$java" latency "http://127.0.0.1:$SGW_PORT/mcp" "$LATENCY_STREAMS" \
        "http://127.0.0.1:$SB_PORT" "$ROUNDS" "$PAUSE_MS"
      wait_for "$STARTED" 120
      LATENCY_ROWS+=("$(awk -v v="$v" -v p="gateway, $adapter adapter" '/^latency/ {
        for (i = 1; i <= NF; i++) { split($i, kv, "="); m[kv[1]] = kv[2] }
        printf "| %s | %s | %s | %s | %s | %s |", v, p, m["events"], m["p50_us"], m["p99_us"], m["max_us"] }' "$OUT/latency.log")")
      [ -n "${LATENCY_ROWS[-1]}" ] || LATENCY_ROWS[-1]="| $v | gateway, $adapter adapter | failed: $(tail -c 200 "$OUT/latency.log" | tr '\n|' '  ') | | | |"
      echo "${LATENCY_ROWS[-1]}"
      stop "$gw"; stop "$be"
    done
    # the same latency straight from the backend, for reference
    start_java "$OUT/stream-backend.log" "$java" io.openharbor.mcp.gateway.examples.StreamBench backend "$SB_PORT"; be=$STARTED
    stream_bench "$OUT/latency.log" "$java" latency "http://127.0.0.1:$SB_PORT/mcp" "$LATENCY_STREAMS" \
      "http://127.0.0.1:$SB_PORT" "$ROUNDS" "$PAUSE_MS"
    wait_for "$STARTED" 120
    LATENCY_ROWS+=("$(awk -v v="$v" '/^latency/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); m[kv[1]] = kv[2] }
      printf "| %s | direct (the backend) | %s | %s | %s | %s |", v, m["events"], m["p50_us"], m["p99_us"], m["max_us"] }' "$OUT/latency.log")")
    echo "${LATENCY_ROWS[-1]}"
    stop "$be"
  done
fi
