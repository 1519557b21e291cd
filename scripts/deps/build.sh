#!/usr/bin/env bash
# Test dependencies of the dependency-builds area (Slipway.Build): the integration tests build a real C library, a
# program and a Python C extension from git repositories they create, with patches applied. The S3 store's tests run
# against s3rver (an S3-compatible server from npm) that the fixture starts on 127.0.0.1 in a temp dir; Node and npm
# come from Debian when the machine has none. The Django example vendors a patched Pillow built from its upstream
# release tarball (examples/django-site/build/pillow.yml): with no internet but Debian's mirror, that tarball is
# Debian's copy of it (the orig tarball of the python-pillow source package), fetched with `apt-get source` through
# a private deb-src list into /var/cache/slipway-deps (the system's apt sources are left alone), and Pillow's C build
# needs the headers below. Idempotent; quiet when everything is present.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
S3RVER_VERSION=3.7.1
missing=()
DEPS_CACHE=${SLIPWAY_DEPS_CACHE:-/var/cache/slipway-deps}
PILLOW_ORIG=pillow_9.4.0.orig.tar.xz
PILLOW_SHA256=0a58ccfbd002838b32e21773bfdaa954a2de08d1f04b87b63d14e751fec3264d
for pkg in gcc make patch git python3-dev python3-setuptools python3-pip python3-venv libjpeg-dev zlib1g-dev dpkg-dev xz-utils; do
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
if [ "$(sha256sum "$DEPS_CACHE/$PILLOW_ORIG" 2>/dev/null | cut -c1-64)" != "$PILLOW_SHA256" ]; then
  echo "Fetching $PILLOW_ORIG (Debian's python-pillow source package) into $DEPS_CACHE..."
  apt_dir="$DEPS_CACHE/apt"
  $SUDO mkdir -p "$apt_dir/lists/partial" "$DEPS_CACHE/src"
  # deb-src of the suite the machine runs, from the mirror its own sources name.
  . /etc/os-release
  mirror=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | grep -oE 'https?://[^ ]+' | grep -v security | head -1 || true)
  echo "deb-src ${mirror:-http://deb.debian.org/debian} ${VERSION_CODENAME:-bookworm} main" | $SUDO tee "$apt_dir/sources.list" >/dev/null
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$apt_dir/lists")
  $SUDO apt-get "${apt_opts[@]}" update -qq
  (cd "$DEPS_CACHE/src" && $SUDO apt-get "${apt_opts[@]}" source -qq --download-only pillow >/dev/null)
  $SUDO cp "$DEPS_CACHE/src/$PILLOW_ORIG" "$DEPS_CACHE/$PILLOW_ORIG"
  [ "$(sha256sum "$DEPS_CACHE/$PILLOW_ORIG" | cut -c1-64)" = "$PILLOW_SHA256" ] || { echo "$PILLOW_ORIG does not hash to $PILLOW_SHA256" >&2; exit 1; }
fi
exit 0
