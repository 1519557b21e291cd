#!/usr/bin/env bash
# Slipway's queue over HTTP with long-lived Python workers (examples/django-site/slipway_jobs) against Celery 5 on
# the same private Redis: no-op jobs pushed, then processed (bench/scripts/queue_bench.py says how each is driven).
#
#   bash bench/scripts/queue-bench.sh            # N=10000 jobs, 2 worker processes (x 8 threads for Slipway)
#   N=2000 ENGINES=redis bash bench/scripts/queue-bench.sh
#
# Needs Debian's python3-celery and python3-redis, redis-server, and a Release build of the CLI
# (dotnet build src/Slipway.Cli -c Release; SLIPWAY_DLL overrides its path). SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/../.."
/usr/bin/python3 -c 'import celery, redis' 2>/dev/null || { echo "queue-bench: apt-get install python3-celery python3-redis" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "queue-bench: apt-get install redis-server" >&2; exit 1; }
[ "${SKIP_BUILD:-0}" = 1 ] || dotnet build src/Slipway.Cli -c Release -nologo -v quiet
export PYTHONDONTWRITEBYTECODE=1
exec /usr/bin/python3 bench/scripts/queue_bench.py
