#!/usr/bin/env bash
# Call set-up time: agent clicks Accept → first remote video frame on both sides, p50/p95 over N calls
# (default 20, after one warm-up call), direct and through a real coturn relay (both browsers limited to
# relay candidates). Two headless Chromiums with fake camera and microphone on this machine, the server
# in-process on its embedded defaults (server/src/test/java/io/romotica/server/browser/CallSetupBench.java).
# Needs chromium, chromium-driver and coturn (Debian packages), like the tests.
# Usage: bench/call-setup.sh [calls]
set -euo pipefail
cd "$(dirname "$0")/.."
calls="${1:-20}"
JAVA_HOME="$(./romotica java-home)"; export JAVA_HOME
./mvnw -q -B -ntp verify -pl server -am -Dspotless.check.skip=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=CallSetupBench -Dfailsafe.failIfNoSpecifiedTests=false -Dromotica.bench.calls="$calls"
cat server/target/bench/call-setup.txt
