#!/usr/bin/env bash
# Cold start to /health/ready and idle memory of one server node on the embedded defaults, next to a peer
# measured in the same run: a bare Javalin 7 + Jetty hello world (bench/peers/BareJavalin.java) on the same
# JDK and JVM options. Usage: bench/cold-start.sh [runs]
# One line per run: kind (first = empty data dir: generates the TLS certificate and creates the database;
# warm = existing data dir), milliseconds from launch to the first 200 from /health/ready, and the
# resident set size (RSS) after 10 s idle.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
JAVA_HOME="$(./romotica java-home)"; export JAVA_HOME
[ -f server/target/romotica-server.jar ] || ./mvnw -q -B -Dmaven.test.skip=true -Dspotless.check.skip=true -pl server -am package
port=18443
data="$(mktemp -d)"
peer="$(mktemp -d)"
trap 'rm -rf "$data" "$peer"' EXIT

# Waits for /health/ready ($1 = scheme), prints "ready_ms idle_rss_mb", stops the process.
measure() {
  local scheme="$1" pid="$2" start="$3" end rss
  until curl -skf -o /dev/null "$scheme://127.0.0.1:$port/health/ready"; do
    kill -0 "$pid" 2>/dev/null || { echo "process died" >&2; exit 1; }
    sleep 0.02
  done
  end=$(date +%s%N)
  sleep 10
  rss=$(ps -o rss= -p "$pid" | tr -d ' ')
  kill "$pid"; wait "$pid" 2>/dev/null || true
  printf 'ready_ms=%d idle_rss_mb=%d\n' $(( (end - start) / 1000000 )) $(( rss / 1024 ))
}

romotica() {
  local start
  start=$(date +%s%N)
  ROMOTICA_DATA_DIR="$data" ROMOTICA_PORT=$port ROMOTICA_HOST=127.0.0.1 ./romotica server >"$data.log" 2>&1 &
  printf '%-18s ' "romotica $1"
  measure https $! "$start"
}

bare() {
  local start
  start=$(date +%s%N)
  PORT=$port "$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xss512k -XX:MaxRAMPercentage=50 -XX:+AutoCreateSharedArchive \
    "-XX:SharedArchiveFile=$peer/bare.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off \
    -cp "$peer:server/target/lib/*" BareJavalin >/dev/null 2>&1 &
  printf '%-18s ' "bare-javalin $1"
  measure http $! "$start"
}

"$JAVA_HOME/bin/javac" -d "$peer" -cp "server/target/lib/*" bench/peers/BareJavalin.java
echo "JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); cores: $(nproc)"
rm -rf "${data:?}"/*
romotica first
bare first
for _ in $(seq 2 "$runs"); do romotica warm; bare warm; done
