#!/usr/bin/env bash
# Test dependencies of the supervise area: Debian's supervisor 4.2.5 (the real supervisorctl the tests drive,
# and the real supervisord the same tests run against to prove compatibility), python3 for the benchmark client.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ ! -x /usr/bin/supervisorctl ] || [ ! -x /usr/bin/supervisord ]; then
  echo "Installing supervisor (needed by the supervise tests)..."
  $SUDO apt-get update -qq
  # policy-rc.d 101 keeps Debian's own supervisord service from starting during the install.
  had_policy=0
  [ -e /usr/sbin/policy-rc.d ] && had_policy=1
  if [ "$had_policy" -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq supervisor >/dev/null
  [ "$had_policy" -eq 1 ] || $SUDO rm -f /usr/sbin/policy-rc.d
fi
# Debian's own service must not run beside the tests (it would own /var/run/supervisor.sock); only the
# instance with Debian's pidfile is stopped, never a supervisord a test started.
if [ -f /var/run/supervisord.pid ] && kill -0 "$(cat /var/run/supervisord.pid)" 2>/dev/null; then
  $SUDO service supervisor stop >/dev/null 2>&1 || true
fi
command -v systemctl >/dev/null && $SUDO systemctl disable supervisor >/dev/null 2>&1 || true
[ -x /usr/bin/python3 ] || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3 >/dev/null
# Native AOT links the slipway-supervise daemon with clang.
command -v clang >/dev/null || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang >/dev/null
command -v bc >/dev/null || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq bc >/dev/null
exit 0
