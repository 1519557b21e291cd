#!/usr/bin/env bash
# Test dependencies of the recipes area, and what scripts/demo.sh installs for itself: Debian's Django, gunicorn,
# python3-venv and git (the example site is deployed from git with them; PyPI is never reached: the virtualenvs use
# system site packages and pip runs with --no-index).
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
for pkg in python3-django gunicorn python3-venv git; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} (needed by the recipes tests and scripts/demo.sh)..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
exit 0
