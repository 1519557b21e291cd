#!/usr/bin/env bash
# Test dependencies of the dependency-builds area (Slipway.Build): the integration tests build a real C library, a
# program and a Python C extension from git repositories they create, with patches applied. The S3 store's tests run
# against s3rver (an S3-compatible server from npm) that the fixture starts on 127.0.0.1 in a temp dir; Node and npm
# come from Debian when the machine has none. Idempotent; quiet when everything is present.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
S3RVER_VERSION=3.7.1
missing=()
for pkg in gcc make patch git python3-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} (needed by the build tests)..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v s3rver >/dev/null 2>&1 || [ "$(s3rver --version 2>/dev/null)" != "$S3RVER_VERSION" ]; then
  echo "Installing s3rver $S3RVER_VERSION from npm (the S3 store's tests)..."
  $SUDO npm install -g --silent --no-audit --no-fund "s3rver@$S3RVER_VERSION" >/dev/null
fi
exit 0
