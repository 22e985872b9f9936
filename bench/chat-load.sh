#!/usr/bin/env bash
# Chat load: Romotica next to a Socket.IO 4 peer (bench/peers/socketio, Node, room broadcast) in the same run
# on the same machine, driven by the same client (bench/ChatLoad.java: N WebSocket clients in one process).
# Usage: bench/chat-load.sh [runs]     (default 1; each run measures both servers, order alternating)
# Environment:
#   ROMOTICA_JAR=/path/romotica-server.jar  use this built server (with its lib/ beside it) instead of
#                                           server/target (built with the Maven wrapper when missing)
#   CHATLOAD_OPTS="duration=20 rates=100,500"  extra key=value options for bench/ChatLoad.java
#   CHATLOAD_RESULTS=/some/dir              keep the raw result files there (default: a temp dir, removed)
#   CHATLOAD_QUIET_WAIT=300                 seconds to wait at most, before each server, for the rest of
#                                           the machine to go quiet (< 0.25 busy cores over 3 s); 0: no wait
# Phases per server, each on a fresh process and bounded in time (about 3 minutes per server):
#   memory     RSS and live heap after a full GC, before/after 4,750 idle connections, per connection
#   throughput 1 room, 1,000 subscribers, 8 senders x 8 unacknowledged messages, 5 s warm-up + 20 s:
#              delivered messages/s counted at the subscribers
#   latency    5,000 connected clients (4,750 idle + 50 rooms x 5 sockets), 100 then 500 messages/s in
#              total (5 s warm-up + 20 s each), end-to-end p50/p99 from the scheduled send time to
#              receipt at the other 4 sockets of the room
# Romotica runs on its embedded defaults (H2 file database, every acknowledged message committed first)
# with plain HTTP on 127.0.0.1 (the peer has no TLS either) and the chat rate limits raised.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-1}"
JAVA_HOME="$(./romotica java-home)"; export JAVA_HOME
if [ -n "${ROMOTICA_JAR:-}" ]; then
  jar="$ROMOTICA_JAR"
else
  jar=server/target/romotica-server.jar
  [ -f "$jar" ] || ./mvnw -q -B -Dmaven.test.skip=true -Dspotless.check.skip=true -pl server -am package
fi
[ -f "$jar" ] || { echo "no server jar at $jar" >&2; exit 1; }
command -v node >/dev/null || { echo "node (18 or newer) is needed for the Socket.IO peer" >&2; exit 1; }
peer_dir=bench/peers/socketio
[ -d "$peer_dir/node_modules/socket.io" ] || (cd "$peer_dir" && npm ci --no-audit --no-fund --loglevel=error)
# 5,000+ sockets in the client and in each server.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge 12000 ] || { echo "need at least 12000 open files (ulimit -n), have $(ulimit -n)" >&2; exit 1; }

rport=18480
sport=18481
work="$(mktemp -d)"
results="${CHATLOAD_RESULTS:-$work/results}"
mkdir -p "$results"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Stops the server started last (SIGTERM, then SIGKILL after 20 s).
stop_server() {
  local i
  kill "$server_pid" 2>/dev/null || true
  for i in $(seq 1 200); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }

# Other work on the machine skews every figure: wait (bounded) until it is quiet, and say so if it is not.
wait_quiet() {
  local i a b
  for i in $(seq 1 $(( ${CHATLOAD_QUIET_WAIT:-300} / 3 ))); do
    a=$(busy_ticks); sleep 3; b=$(busy_ticks)
    [ $((b - a)) -lt 75 ] && return 0 # 75 ticks in 3 s at 100 Hz = 0.25 cores
  done
  [ "${CHATLOAD_QUIET_WAIT:-300}" -eq 0 ] || echo "warning: the machine is still busy (load $(cut -d' ' -f1-3 /proc/loadavg)); measuring anyway" >&2
}

# Waits (at most 90 s) until $1 answers 200.
wait_ready() {
  local i
  for i in $(seq 1 900); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "server exited; log:" >&2; tail -20 "$work/server.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "server not ready after 90 s" >&2; exit 1
}

harness() { # peer port out
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" -Xms512m -Xmx2g bench/ChatLoad.java "peer=$1" "port=$2" "pid=$server_pid" "out=$3" \
    ${CHATLOAD_OPTS:-}
}

run_romotica() { # run
  local data="$work/data-$1"
  wait_quiet
  mkdir -p "$data"
  # The launcher's default JVM options (./romotica), without the class-data archive (start-up only).
  ROMOTICA_DATA_DIR="$data" ROMOTICA_HOST=127.0.0.1 ROMOTICA_PORT=$rport ROMOTICA_TLS_ENABLED=false \
    ROMOTICA_CHAT_MESSAGES_PER_MINUTE=100000 ROMOTICA_CHAT_NEW_VISITORS_PER_MINUTE=100000 \
    ROMOTICA_CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS=1000000 ROMOTICA_CHAT_NEW_CONVERSATIONS_PER_MINUTE=100000 \
    "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xss512k -XX:MaxRAMPercentage=50 -jar "$jar" >"$work/server.log" 2>&1 &
  server_pid=$!
  wait_ready "http://127.0.0.1:$rport/health/ready"
  harness romotica $rport "$results/romotica-$1.properties"
  stop_server
  rm -rf "$data"
}

run_socketio() { # run
  wait_quiet
  PORT=$sport node --expose-gc "$peer_dir/server.js" >"$work/server.log" 2>&1 &
  server_pid=$!
  wait_ready "http://127.0.0.1:$sport/health"
  harness socketio $sport "$results/socketio-$1.properties"
  stop_server
}

echo "JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); node $(node --version);" \
  "socket.io $(node -p "require('./$peer_dir/node_modules/socket.io/package.json').version");" \
  "cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
files=()
for i in $(seq 1 "$runs"); do
  echo "== run $i"
  if [ $((i % 2)) -eq 1 ]; then
    run_romotica "$i"; run_socketio "$i"
  else
    run_socketio "$i"; run_romotica "$i"
  fi
  files+=("$results/romotica-$i.properties" "$results/socketio-$i.properties")
done
"$JAVA_HOME/bin/java" bench/ChatLoad.java report "${files[@]}"
[ -n "${CHATLOAD_RESULTS:-}" ] && echo "raw results: $results"
exit 0
