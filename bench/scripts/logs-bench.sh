#!/usr/bin/env bash
# Central logs benchmark, everything on 127.0.0.1 in a temp dir, stopped by pid on exit:
#  1. intake over TCP (octet-counted RFC 5424, 4 connections, payload made before the clock starts) into SQLite, MariaDB
#     and PostgreSQL through `slipway logs serve`, next to rsyslog (imtcp + ommysql, and + ompgsql when rsyslog-pgsql
#     is installed) writing the same stream into the same servers; serve's CPU seconds per event too;
#  2. in-process figures of the parts (bench/scripts/logs-harness): parser, each store alone, MariaDB without FULLTEXT;
#  3. filtered text search over SEARCH_N events, filled through the store's batch path (not TCP): HTTP requests to a
#     running `logs serve` (what the web page costs), in-process QueryAsync, and the `logs query` CLI (process start included).
#   bash bench/scripts/logs-bench.sh                          # N=500000, SEARCH_N=10000000 (the fill takes minutes)
#   N=50000 WARM=10000 SLIPWAY_WARM=50000 SEARCH_N=200000 SKIP_BUILD=1 bash bench/scripts/logs-bench.sh   # a quick check
#   SLIPWAY=artifacts/native/slipway ONLY=sqlite bash bench/scripts/logs-bench.sh   # the native build
#   ONLY=search bash bench/scripts/logs-bench.sh             # intake | search | sqlite (intake into SQLite only, + parts)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-500000}
SEARCH_N=${SEARCH_N:-10000000}
WARM=${WARM:-50000}
# The same warm-up for both (a longer one for slipway gave its JIT time to finish tiering: SLIPWAY_WARM=300000 shows
# the steady state of a server that has run for a while, at most a few percent more into MariaDB/PostgreSQL).
SLIPWAY_WARM=${SLIPWAY_WARM:-$WARM}
ONLY=${ONLY:-all}
RSYSLOG_WORKERS=${RSYSLOG_WORKERS:-2}
CONNS=4
need=()
command -v rsyslogd >/dev/null || need+=(rsyslog)
[ -e /usr/lib/x86_64-linux-gnu/rsyslog/ommysql.so ] || need+=(rsyslog-mysql)
[ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
[ -e /usr/lib/x86_64-linux-gnu/rsyslog/ompgsql.so ] || need+=(rsyslog-pgsql)
if [ ${#need[@]} -gt 0 ]; then
  # No database set up by dbconfig-common, no services started: the script starts its own servers.
  echo "rsyslog-pgsql rsyslog-pgsql/dbconfig-install boolean false" | debconf-set-selections 2>/dev/null || true
  echo "rsyslog-mysql rsyslog-mysql/dbconfig-install boolean false" | debconf-set-selections 2>/dev/null || true
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; own_policy=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  [ "$own_policy" = 0 ] || rm -f /usr/sbin/policy-rc.d
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build src/Slipway.Cli -c Release -nologo -v quiet >/dev/null
  dotnet build bench/scripts/logs-harness -c Release -nologo -v quiet >/dev/null
fi
DLL=src/Slipway.Cli/bin/Release/net10.0/slipway.dll
# SLIPWAY=artifacts/native/slipway times the native build (scripts/publish-native.sh) instead of the managed one.
if [ -n "${SLIPWAY:-}" ]; then SLW=("$SLIPWAY"); else SLW=(dotnet "$DLL"); fi
HARNESS="dotnet bench/scripts/logs-harness/bin/Release/net10.0/logs-harness.dll"
T=$(mktemp -d /tmp/slipway-logs-bench.XXXXXX)
chmod 755 "$T"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$T"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1==m {print $2}'; }
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12+$13}'; }
# A database server's CPU ticks: its own, its reaped children's and its live children's (PostgreSQL's backends).
DBPID=""
db_ticks() {
  [ -n "$DBPID" ] || { echo 0; return; }
  { sed 's/.*) //' "/proc/$DBPID/stat" | awk '{print $12+$13+$14+$15}'
    for c in $(pgrep -P "$DBPID"); do cpu_ticks "$c" 2>/dev/null || true; done; } | awk '{s+=$1} END {print s}'
}
# Prints the database server's CPU per event of the last timed part (µs), kept in $T/dbcpu by each rate function.
db_cpu_note() { [ -n "$DBPID" ] && echo ", database server $(cat "$T/dbcpu") us CPU per event"; }
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

# Runs slipway logs serve on DB, sends the N events, prints "events/s events-per-CPU-second" once all are written.
slipway_rate() {
  local db=$1 tcp http pid t0 t1 c0 c1
  tcp=$(port); http=$(port)
  "${SLW[@]}" logs serve --db "$db" --syslog-tcp "127.0.0.1:$tcp" --http "127.0.0.1:$http" >"$T/serve.log" 2>&1 &
  pid=$!; pids+=("$pid")
  until curl -s "http://127.0.0.1:$http/metrics" >/dev/null; do sleep 0.2; done
  # Warm-up (a log server runs for months: the JIT's first minutes are not its rate), then the timed N.
  python3 bench/scripts/logs-send.py send 127.0.0.1 "$tcp" "$T/swarm" $CONNS
  until [ "$(metric "$http" slipway_logs_written_total)" -ge "$SLIPWAY_WARM" ]; do sleep 0.05; done
  # The timed part polls /metrics every 20 ms; warm that path too (or the JIT tiers up Kestrel inside the timing), and
  # give the background JIT a moment to finish what the warm-up queued.
  curl -s -o /dev/null "http://127.0.0.1:$http/metrics?[1-1000]"
  sleep 2
  c0=$(cpu_ticks "$pid"); d0=$(db_ticks); t0=$(now)
  python3 bench/scripts/logs-send.py send 127.0.0.1 "$tcp" "$T/payload" $CONNS
  # Both sides poll every 0.1 s with one client process per poll (curl here, the mariadb/psql client for rsyslog):
  # the same small tax on each, and at most 0.1 s of error on a run of 10 s or more.
  until [ "$(metric "$http" slipway_logs_written_total)" -ge "$((N + SLIPWAY_WARM))" ]; do sleep 0.1; done
  t1=$(now); c1=$(cpu_ticks "$pid"); d1=$(db_ticks)
  python3 -c "print(round(($d1-$d0)*1e4/$N, 1))" >"$T/dbcpu"
  kill -TERM "$pid"; wait "$pid" || true
  python3 -c "print(int($N/($t1-$t0)), int($N/max(($c1-$c0)/100, 0.01)))"
}

# rsyslog imtcp + an output module, timed until COUNT reaches N.
rsyslog_rate() {
  local action=$1 count=$2 rport t0 t1
  rport=$(port)
  mkdir -p "$T/rsyslog"
  cat >"$T/rsyslog.conf" <<CONF
global(workDirectory="$T/rsyslog")
module(load="imtcp")
input(type="imtcp" port="$rport" address="127.0.0.1")
$action
CONF
  rsyslogd -n -f "$T/rsyslog.conf" -i "$T/rsyslog.pid" >"$T/rsyslog.log" 2>&1 &
  local pid=$!; pids+=("$pid")
  until python3 -c "import socket; socket.create_connection(('127.0.0.1',$rport)).close()" 2>/dev/null; do sleep 0.2; done
  python3 bench/scripts/logs-send.py send 127.0.0.1 "$rport" "$T/warm" $CONNS
  until [ "$($count)" -ge "$WARM" ]; do sleep 0.1; done
  local d0 d1 c0 c1; c0=$(cpu_ticks "$pid"); d0=$(db_ticks); t0=$(now)
  python3 bench/scripts/logs-send.py send 127.0.0.1 "$rport" "$T/payload" $CONNS
  until [ "$($count)" -ge "$((N + WARM))" ]; do sleep 0.1; done
  t1=$(now); c1=$(cpu_ticks "$pid"); d1=$(db_ticks)
  python3 -c "print(round(($d1-$d0)*1e4/$N, 1))" >"$T/dbcpu"
  python3 -c "print(round(($c1-$c0)*1e4/$N, 1))" >"$T/rscpu"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  python3 -c "print(int($N/($t1-$t0)))"
}

if [ "$ONLY" != search ]; then
python3 bench/scripts/logs-send.py gen "$N" $CONNS "$T/payload"
python3 bench/scripts/logs-send.py gen "$WARM" $CONNS "$T/warm"
python3 bench/scripts/logs-send.py gen "$SLIPWAY_WARM" $CONNS "$T/swarm"
echo "== intake: $N events over TCP, $CONNS connections, octet-counted RFC 5424 (after $SLIPWAY_WARM warm-up events for slipway, $WARM for rsyslog)"
read -r sqlite_rate sqlite_cpu < <(slipway_rate "$T/bench.db")
echo "slipway -> SQLite:     $sqlite_rate events/s   ($sqlite_cpu events per CPU-second of the server, $(python3 -c "print(round(1e6/$sqlite_cpu, 1))") us CPU per event), load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$ONLY" = sqlite ]; then
  $HARNESS parse "$N"
  $HARNESS store "$N" "$T/alone.db"
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

# MariaDB, as the tests start it.
MPORT=$(port)
mariadb-install-db --no-defaults --datadir="$T/mdb" --user=root --auth-root-authentication-method=normal --skip-test-db >/dev/null 2>&1
/usr/sbin/mariadbd --no-defaults --datadir="$T/mdb" --socket="$T/mdb.sock" --port="$MPORT" --bind-address=127.0.0.1 --user=root \
  --skip-grant-tables --skip-log-bin --innodb-buffer-pool-size=512M --innodb-flush-log-at-trx-commit=2 >"$T/mdb.log" 2>&1 &
pids+=($!); DBPID=$!
until mariadb --no-defaults -h127.0.0.1 -P"$MPORT" -uroot -e 'select 1' >/dev/null 2>&1; do sleep 0.2; done
sql() { mariadb --no-defaults -h127.0.0.1 -P"$MPORT" -uroot -N -e "$1"; }
sql "CREATE DATABASE slipway; CREATE DATABASE slipway_se; CREATE DATABASE Syslog; CREATE DATABASE alone; CREATE DATABASE noft"
read -r mysql_rate mysql_cpu < <(slipway_rate "mysql://root:@127.0.0.1:$MPORT/slipway")
echo "slipway -> MariaDB:    $mysql_rate events/s   ($mysql_cpu events per CPU-second of the server$(db_cpu_note))"
read -r mysql_se_rate mysql_se_cpu < <(slipway_rate "mysql://root:@127.0.0.1:$MPORT/slipway_se?systemevents=1")
echo "slipway -> MariaDB ?systemevents=1: $mysql_se_rate events/s   (own tables + rsyslog's SystemEvents; $mysql_se_cpu events per CPU-second of the server$(db_cpu_note))"
mariadb --no-defaults -h127.0.0.1 -P"$MPORT" -uroot Syslog < /usr/share/dbconfig-common/data/rsyslog-mysql/install/mysql
# MAX(ID), not COUNT(*): one writer fills IDs 1..n in order, and COUNT(*) on a growing InnoDB table scans it, taking
# a core away from rsyslog every poll (the earlier baseline's error, issue 15.8).
count_mysql() { sql 'SELECT COALESCE(MAX(ID), 0) FROM Syslog.SystemEvents'; }
# rsyslog's configuration: imtcp, and the ommysql/ompgsql action on its own LinkedList queue with batches of 1000
# (ommysql commits a batch as one transaction) and RSYSLOG_WORKERS (default 2) worker threads, each with its own
# database connection. queue.workerThreadMinimumMessages must be lowered with them: its default is queue.size divided
# by the workers (500,000 here), so a second worker would never start and the action stays one INSERT round trip at a
# time (about 11,000 rows/s here, the earlier baseline's error). With two workers rsyslog stores about 4x as many
# rows/s. Four workers, a tuned main queue, a Direct action queue and a unix socket were not faster (2026-12-06).
# MAX(ID) with two writers can run ahead of an uncommitted lower batch by at most one batch (1,000 rows).
rsyslog_mysql=$(rsyslog_rate "module(load=\"ommysql\")
*.* action(type=\"ommysql\" server=\"127.0.0.1\" serverport=\"$MPORT\" db=\"Syslog\" uid=\"root\" pwd=\"\"
           queue.type=\"LinkedList\" queue.size=\"1000000\" queue.dequeueBatchSize=\"1000\"
           queue.workerThreads=\"$RSYSLOG_WORKERS\" queue.workerThreadMinimumMessages=\"1000\")" count_mysql)
echo "rsyslog -> MariaDB:    $rsyslog_mysql events/s   (ommysql, SystemEvents without indexes, $RSYSLOG_WORKERS action workers; rsyslogd $(cat "$T/rscpu") us CPU per event$(db_cpu_note))"
python3 -c "print('slipway/rsyslog into MariaDB: %.2fx (own schema), %.2fx (?systemevents=1)' % ($mysql_rate/$rsyslog_mysql, $mysql_se_rate/$rsyslog_mysql))"
echo "-- the MariaDB store alone (in-process, same events as a batch writer gets them), with and without its FULLTEXT index"
$HARNESS store "$N" "mysql://root:@127.0.0.1:$MPORT/alone"
$HARNESS store 1 "mysql://root:@127.0.0.1:$MPORT/noft" >/dev/null
sql "ALTER TABLE noft.log_events DROP INDEX log_events_text"
$HARNESS store "$N" "mysql://root:@127.0.0.1:$MPORT/noft" | sed 's/^store mysql/store mysql, no FULLTEXT/'

# PostgreSQL 15, as the tests start it (trust auth on 127.0.0.1, fsync on, synchronous_commit off like innodb's =2).
PGBIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/postgres | tail -1)")
PPORT=$(port)
mkdir -p "$T/pg"; chown postgres "$T/pg"
runpg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
runpg "$PGBIN/initdb" -D "$T/pg/data" -A trust -U postgres >/dev/null
runpg "$PGBIN/postgres" -D "$T/pg/data" -k "$T/pg" -p "$PPORT" -c listen_addresses=127.0.0.1 -c synchronous_commit=off \
  -c shared_buffers=256MB >"$T/pg.log" 2>&1 &
pids+=($!)
until "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PPORT" >/dev/null 2>&1; do sleep 0.2; done
DBPID=$(head -1 "$T/pg/data/postmaster.pid") # the postmaster (runuser's pid is only its parent)
psql() { "$PGBIN/psql" -h 127.0.0.1 -p "$PPORT" -U postgres -tA "$@"; }
psql -c "CREATE DATABASE slipway" >/dev/null; psql -c "CREATE DATABASE syslog" >/dev/null
read -r pg_rate pg_cpu < <(slipway_rate "postgres://postgres@127.0.0.1:$PPORT/slipway")
echo "slipway -> PostgreSQL: $pg_rate events/s   ($pg_cpu events per CPU-second of the server$(db_cpu_note))"
if [ -e /usr/lib/x86_64-linux-gnu/rsyslog/ompgsql.so ] && [ -e /usr/share/dbconfig-common/data/rsyslog-pgsql/install/pgsql ]; then
  psql -d syslog -f /usr/share/dbconfig-common/data/rsyslog-pgsql/install/pgsql >/dev/null
  count_pg() { psql -d syslog -c 'SELECT COALESCE(MAX(id), 0) FROM systemevents'; }
  rsyslog_pg=$(rsyslog_rate "module(load=\"ompgsql\")
*.* action(type=\"ompgsql\" server=\"127.0.0.1\" port=\"$PPORT\" db=\"syslog\" user=\"postgres\" pass=\"\"
           queue.type=\"LinkedList\" queue.size=\"1000000\" queue.dequeueBatchSize=\"1000\"
           queue.workerThreads=\"$RSYSLOG_WORKERS\" queue.workerThreadMinimumMessages=\"1000\")" count_pg)
  echo "rsyslog -> PostgreSQL: $rsyslog_pg events/s   (ompgsql, $RSYSLOG_WORKERS action workers; rsyslogd $(cat "$T/rscpu") us CPU per event$(db_cpu_note))"
  python3 -c "print('slipway/rsyslog into PostgreSQL: %.2fx' % ($pg_rate/$rsyslog_pg))"
else
  echo "rsyslog -> PostgreSQL: skipped (apt-get install rsyslog-pgsql to include it)"
fi

echo "-- the parts, in-process"
$HARNESS parse "$N"
$HARNESS store "$N" "$T/alone.db"
fi

if [ "$ONLY" != intake ]; then
echo "== search: $SEARCH_N events in SQLite (filled through the store's batch path), host + words, newest 50"
$HARNESS store "$SEARCH_N" "$T/search.db" 20000
ls -la "$T/search.db" | awk '{printf "database file: %.2f GB\n", $5/1e9}'
HPORT=$(port)
"${SLW[@]}" logs serve --db "$T/search.db" --http "127.0.0.1:$HPORT" >"$T/search-serve.log" 2>&1 &
pids+=($!)
until curl -s "http://127.0.0.1:$HPORT/metrics" >/dev/null; do sleep 0.2; done
curl -s -o /dev/null "http://127.0.0.1:$HPORT/?q=warmup"
times=()
for r in 1 2 3; do
  for w in "alpha+bravo" "charlie" "juliet+india" "delta+golf" "hotel"; do
    for h in web3 web7; do
      times+=("$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$HPORT/?host=$h&q=$w")")
    done
  done
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]*1000}')
max=$(printf '%s\n' "${times[@]}" | sort -n | tail -1 | awk '{printf "%.0f", $1*1000}')
echo "web page (GET /?host=H&q=WORDS, 100 rows rendered, over HTTP): median $median ms, max $max ms (30 requests)"
$HARNESS query "$T/search.db" 3
cli=()
for w in "alpha bravo" "charlie" "juliet india" "delta golf" "hotel"; do
  for h in web3 web7; do
    s=$(now); "${SLW[@]}" logs query --db "$T/search.db" --host "$h" --text "$w" --limit 50 >/dev/null; e=$(now)
    cli+=("$(python3 -c "print(round(($e-$s)*1000))")")
  done
done
s=$(now); "${SLW[@]}" logs query --db "$T/search.db" --limit 1 >/dev/null; e=$(now)
startup=$(python3 -c "print(round(($e-$s)*1000))")
cmedian=$(printf '%s\n' "${cli[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "logs query CLI: median $cmedian ms per call, of which process start ~$startup ms (an unfiltered 1-row query)"
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
