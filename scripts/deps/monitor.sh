#!/usr/bin/env bash
# Test dependencies of the monitoring area: Debian's monitoring-plugins (the real check_http, check_tcp,
# check_disk, check_procs, check_dummy the plugin runner is tested against, in /usr/lib/nagios/plugins), and Nagios
# Core 4 (nagios4-core), which bench/scripts/monitor-bench.sh runs side by side with `slipway monitor serve`.
# Idempotent; quiet when everything is present.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
for pkg in monitoring-plugins-basic monitoring-plugins-standard nagios4-core; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} (needed by the monitor tests and benchmark)..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
exit 0
