#!/usr/bin/env bash
# Test dependencies of the job-queue area (slipway queue / worker): redis-server from Debian for the Redis engine's
# contract suite (the fixture starts a private one on 127.0.0.1 and a free port, in a temp dir, and stops it).
# Debian's python3-django for the example site's job worker (tests/Slipway.IntegrationTests/Queue/DjangoJobsTests.cs).
# PostgreSQL comes from scripts/deps/logs.sh. Idempotent; quiet when everything is present.
set -euo pipefail
need=()
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || need+=(redis-server)
[ -f /usr/lib/python3/dist-packages/django/__init__.py ] || need+=(python3-django)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} (needed by the queue tests)..."
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
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
