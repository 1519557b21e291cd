#!/usr/bin/env bash
# Runs every test Slipway has, unit and integration, on a fresh Debian machine with the .NET SDK.
# Installs what the integration tests need (OpenSSH server and client) when it is missing, then runs
# `dotnet test` over the whole solution and ends with one summary line: "N passed, M failed[, K skipped]".
set -euo pipefail
cd "$(dirname "$0")/.."

need_packages=()
[ -x /usr/sbin/sshd ] || need_packages+=(openssh-server)
command -v ssh >/dev/null || need_packages+=(openssh-client)
command -v git >/dev/null || need_packages+=(git)
if [ ${#need_packages[@]} -gt 0 ]; then
  echo "Installing ${need_packages[*]} (needed by the integration tests)..."
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi
# Each feature area lists what its tests need (Debian packages, npm packages, servers to start) in its own
# scripts/deps/<area>.sh, so areas can grow without editing this file. They run as root or through sudo.
for deps in scripts/deps/*.sh; do
  [ -e "$deps" ] || continue
  echo "Preparing test dependencies: $deps"
  bash "$deps"
done
# sshd refuses to start without its privilege-separation directory (systemd normally makes it).
[ -d /run/sshd ] || { [ "$(id -u)" -eq 0 ] && mkdir -p /run/sshd; } || true

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build Slipway.slnx -c Release -nologo -v quiet
# The native executables (Native AOT, needs clang from scripts/deps/supervise.sh): NativeCliTests runs the native
# slipway, and the supervisorctl suite also runs against the native daemon `slipway-supervise`.
bash scripts/publish-native.sh artifacts/native
mkdir -p artifacts/supervise-aot
cp artifacts/native/slipway-supervise artifacts/supervise-aot/slipway-supervise

log=$(mktemp)
set +e
dotnet test --solution Slipway.slnx -c Release --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Microsoft.Testing.Platform prints one summary block per run; sum the counts it gives.
sum() { grep -E "^\s+$1: [0-9]+" "$log" | awk '{s+=$2} END {print s+0}'; }
passed=$(sum succeeded); failed=$(sum failed); skipped=$(sum skipped)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the run itself broke (build, crash, time-out) without counting a failed test
  echo "dotnet test exited with $status" >&2
fi
rm -f "$log"
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
exit "$status"
