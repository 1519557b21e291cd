#!/usr/bin/env bash
# Publishes Slipway as native executables (Native AOT; needs clang, which scripts/deps/supervise.sh installs):
#   OUT/slipway            the CLI
#   OUT/slipway-supervise  the supervise daemon, which `slipway supervise` execs and `slipway setup` installs on hosts
#   OUT/libe_sqlite3.so    SQLite for `slipway logs`
#
#   bash scripts/publish-native.sh [OUT]     # OUT defaults to artifacts/native
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-artifacts/native}
command -v clang >/dev/null || { echo "publish-native: Native AOT needs clang (apt-get install clang, or bash scripts/deps/supervise.sh)" >&2; exit 1; }
RID=linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet publish src/Slipway.Cli -c Release -r "$RID" -p:PublishAot=true -o "$OUT" -nologo -v quiet
dotnet publish src/Slipway.SupervisorHost -c Release -r "$RID" -o "$OUT" -nologo -v quiet
rm -f "$OUT"/*.dbg "$OUT"/*.pdb "$OUT"/*.xml
echo "$OUT/slipway $("$OUT/slipway" --version)"
