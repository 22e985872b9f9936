#!/usr/bin/env bash
# Cold start to /health/ready and idle memory of one server node, on the embedded defaults.
# Usage: bench/cold-start.sh [runs]   (builds first with ./romotica if needed)
# Prints one line per run: start kind (first = empty data dir, generates TLS cert + creates DB;
# warm = existing data dir), milliseconds from exec to the first 200 from /health/ready, and the
# resident set size (RSS) after 10 s idle.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
JAVA_HOME="$(./romotica java-home)"; export JAVA_HOME
[ -f server/target/romotica-server.jar ] || ./mvnw -q -B -Dmaven.test.skip=true -Dspotless.check.skip=true -pl server -am package
port=18443
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT

one() {
  local kind="$1"
  local start end pid rss
  start=$(date +%s%N)
  ROMOTICA_DATA_DIR="$data" ROMOTICA_PORT=$port ROMOTICA_HOST=127.0.0.1 ./romotica server >"$data/out.log" 2>&1 &
  pid=$!
  until curl -skf -o /dev/null "https://127.0.0.1:$port/health/ready"; do
    kill -0 "$pid" 2>/dev/null || { cat "$data/out.log"; exit 1; }
    sleep 0.02
  done
  end=$(date +%s%N)
  sleep 10
  rss=$(ps -o rss= -p "$(pgrep -P "$pid" java || echo "$pid")" | tr -d ' ')
  [ -n "$rss" ] || rss=$(ps -o rss= -p "$pid" | tr -d ' ')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  printf '%-6s ready_ms=%d idle_rss_mb=%d\n' "$kind" $(( (end - start) / 1000000 )) $(( rss / 1024 ))
}

rm -rf "$data"/*
one first
for _ in $(seq 2 "$runs"); do one warm; done
