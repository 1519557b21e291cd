#!/usr/bin/env bash
# Test dependencies of the central-logs area (slipway logs): real MariaDB and PostgreSQL servers that the
# test fixtures start on 127.0.0.1 in temporary folders, `logger` (util-linux) as a syslog sender, and an
# SMTP sink (Debian's python3-aiosmtpd) for the digest, rsyslog as a forwarder, chromium for the browser test. Idempotent; quiet when everything is present.
set -euo pipefail
need=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
[ -x /usr/lib/postgresql/15/bin/postgres ] || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v logger >/dev/null 2>&1 || need+=(bsdutils)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || need+=(python3-aiosmtpd)
command -v rsyslogd >/dev/null 2>&1 || need+=(rsyslog)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} (needed by the logs tests)..."
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # Packages must not start their own servers: the tests start them on their own ports.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  [ "$own_policy" = 0 ] || $SUDO rm -f /usr/sbin/policy-rc.d
fi
