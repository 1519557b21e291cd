#!/usr/bin/env bash
# Slipway's queue over HTTP with long-lived Python workers (examples/django-site/slipway_jobs) against Celery 5 on
# the same private Redis and Hangfire 1.8 on the same private PostgreSQL: no-op jobs pushed, then processed
# (bench/scripts/queue_bench.py says how each is driven).
#
#   bash bench/scripts/queue-bench.sh            # N=10000 jobs, 2 worker processes (x 8 threads for Slipway)
#   N=2000 ENGINES=redis PEERS=celery bash bench/scripts/queue-bench.sh
#   N=100000 ENGINES=postgres PEERS=hangfire bash bench/scripts/queue-bench.sh
#
# Needs Debian's python3-celery, python3-redis, redis-server and postgresql, and Release builds of the CLI and of
# bench/scripts/hangfire-bench (SLIPWAY_DLL and HANGFIRE_DLL override their paths). SKIP_BUILD=1 skips the builds.
set -euo pipefail
cd "$(dirname "$0")/../.."
/usr/bin/python3 -c 'import celery, redis' 2>/dev/null || { echo "queue-bench: apt-get install python3-celery python3-redis" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "queue-bench: apt-get install redis-server" >&2; exit 1; }
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || { echo "queue-bench: apt-get install postgresql" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build src/Slipway.Cli -c Release -nologo -v quiet
  dotnet build bench/scripts/hangfire-bench -c Release -nologo -v quiet
fi
export PYTHONDONTWRITEBYTECODE=1
exec /usr/bin/python3 bench/scripts/queue_bench.py
