#!/usr/bin/env bash
# `slipway monitor serve` against Nagios Core 4 (Debian's nagios4-core) and a plain bash loop running the same
# plugins, one after the other in one run: half check_tcp against a local listener, half check_dummy, each check once a
# minute, at 1,000 and 10,000 checks a minute. Prints CPU per run, the ratios and start lateness (p99, max);
# bench/scripts/monitor_bench.py says how each is measured.
#
#   bash bench/scripts/monitor-bench.sh                       # RATES="1000 10000", WARM=70 s, MEASURE=120 s
#   RATES=1000 ENGINES="slipway nagios" MEASURE=60 bash bench/scripts/monitor-bench.sh
#
# Needs root (a cpuacct cgroup per contender), Debian's monitoring-plugins and nagios4-core (bash scripts/deps/monitor.sh)
# and a Release build of the CLI (SLIPWAY_DLL overrides its path). SKIP_BUILD=1 skips the build.
# RESULTS=FILE also writes the figures as JSON; CONCURRENCY sets monitor.max_concurrency (default 64).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x /usr/sbin/nagios4 ] || { echo "monitor-bench: apt-get install nagios4-core (or bash scripts/deps/monitor.sh)" >&2; exit 1; }
[ -x /usr/lib/nagios/plugins/check_tcp ] || { echo "monitor-bench: bash scripts/deps/monitor.sh" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "monitor-bench: run as root (it makes a cpuacct cgroup per contender)" >&2; exit 1; }
[ "${SKIP_BUILD:-0}" = 1 ] || dotnet build src/Slipway.Cli -c Release -nologo -v quiet
export PYTHONDONTWRITEBYTECODE=1
exec /usr/bin/python3 bench/scripts/monitor_bench.py
