#!/usr/bin/env bash
# Test dependencies of the monitoring area: Debian's monitoring-plugins (the real check_http, check_tcp,
# check_disk, check_procs, check_dummy the plugin runner is tested against, in /usr/lib/nagios/plugins).
# Idempotent; quiet when everything is present.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
for pkg in monitoring-plugins-basic monitoring-plugins-standard; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} (needed by the monitor tests)..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
exit 0
