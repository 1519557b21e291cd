#!/usr/bin/env bash
# Central logs benchmark: intake rate over TCP (octet-counted RFC 5424) into SQLite and into MariaDB, next to
# rsyslog (imtcp + ommysql) writing the same stream into the same MariaDB, then filtered full-text search time.
# Everything runs on 127.0.0.1 in a temp dir and is stopped by pid on exit.
#   bash bench/scripts/logs-bench.sh            # N=300000 events per run, SEARCH_N=1000000 events for the search table
#   N=100000 SEARCH_N=200000 bash bench/scripts/logs-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-300000}
SEARCH_N=${SEARCH_N:-1000000}
need=()
command -v rsyslogd >/dev/null || need+=(rsyslog)
[ -e /usr/lib/x86_64-linux-gnu/rsyslog/ommysql.so ] || need+=(rsyslog-mysql)
[ -x /usr/sbin/mariadbd ] || need+=(mariadb-server)
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
[ "${SKIP_BUILD:-0}" = 1 ] || dotnet build src/Slipway.Cli -c Release -nologo -v quiet >/dev/null
DLL=src/Slipway.Cli/bin/Release/net10.0/slipway.dll
T=$(mktemp -d /tmp/slipway-logs-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$T"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1==m {print $2}'; }

# Runs slipway logs serve on DB, sends N events, prints events/s once all are written.
slipway_rate() {
  local db=$1 tcp http pid t0 t1
  tcp=$(port); http=$(port)
  dotnet "$DLL" logs serve --db "$db" --syslog-tcp "127.0.0.1:$tcp" --http "127.0.0.1:$http" >"$T/serve.log" 2>&1 &
  pid=$!; pids+=("$pid")
  until curl -s "http://127.0.0.1:$http/metrics" >/dev/null; do sleep 0.2; done
  t0=$(now)
  python3 bench/scripts/logs-send.py 127.0.0.1 "$tcp" "$N" 4
  until [ "$(metric "$http" slipway_logs_written_total)" -ge "$N" ]; do sleep 0.05; done
  t1=$(now)
  kill -TERM "$pid"; wait "$pid" || true
  python3 -c "print(int($N/($t1-$t0)))"
}

echo "== intake: $N events over TCP, 4 connections, octet-counted RFC 5424"
sqlite_rate=$(slipway_rate "$T/bench.db")
echo "slipway -> SQLite:  $sqlite_rate events/s"

# MariaDB, as the tests start it.
MPORT=$(port)
mariadb-install-db --no-defaults --datadir="$T/mdb" --user=root --auth-root-authentication-method=normal --skip-test-db >/dev/null 2>&1
/usr/sbin/mariadbd --no-defaults --datadir="$T/mdb" --socket="$T/mdb.sock" --port="$MPORT" --bind-address=127.0.0.1 --user=root \
  --skip-grant-tables --skip-log-bin --innodb-buffer-pool-size=512M --innodb-flush-log-at-trx-commit=2 >"$T/mdb.log" 2>&1 &
pids+=($!)
until mariadb --no-defaults -h127.0.0.1 -P"$MPORT" -uroot -e 'select 1' >/dev/null 2>&1; do sleep 0.2; done
sql() { mariadb --no-defaults -h127.0.0.1 -P"$MPORT" -uroot -N -e "$1"; }
sql "CREATE DATABASE slipway; CREATE DATABASE Syslog"
mysql_rate=$(slipway_rate "mysql://root:@127.0.0.1:$MPORT/slipway")
echo "slipway -> MariaDB: $mysql_rate events/s"

# rsyslog imtcp + ommysql into the stock SystemEvents table (Debian's createDB script), same MariaDB.
mariadb --no-defaults -h127.0.0.1 -P"$MPORT" -uroot Syslog < /usr/share/dbconfig-common/data/rsyslog-mysql/install/mysql
RPORT=$(port)
mkdir -p "$T/rsyslog"
cat >"$T/rsyslog.conf" <<CONF
global(workDirectory="$T/rsyslog")
module(load="imtcp")
module(load="ommysql")
input(type="imtcp" port="$RPORT" address="127.0.0.1")
*.* action(type="ommysql" server="127.0.0.1" serverport="$MPORT" db="Syslog" uid="root" pwd=""
           queue.type="LinkedList" queue.size="1000000" queue.dequeueBatchSize="1000")
CONF
rsyslogd -n -f "$T/rsyslog.conf" -i "$T/rsyslog.pid" >"$T/rsyslog.log" 2>&1 &
pids+=($!)
until python3 -c "import socket; socket.create_connection(('127.0.0.1',$RPORT)).close()" 2>/dev/null; do sleep 0.2; done
t0=$(now)
python3 bench/scripts/logs-send.py 127.0.0.1 "$RPORT" "$N" 4
until [ "$(sql 'SELECT COUNT(*) FROM Syslog.SystemEvents')" -ge "$N" ]; do sleep 0.2; done
t1=$(now)
rsyslog_rate=$(python3 -c "print(int($N/($t1-$t0)))")
echo "rsyslog -> MariaDB: $rsyslog_rate events/s"
python3 -c "print('slipway/rsyslog into MariaDB: %.2fx' % ($mysql_rate/$rsyslog_rate))"

echo "== search: $SEARCH_N events in SQLite, 'logs query --text' with a host filter (wall time of the CLI, startup included)"
N=$SEARCH_N slipway_rate "$T/search.db" >/dev/null
times=()
for w in "alpha bravo" "charlie" "juliet india" "delta golf" "hotel"; do
  for h in web3 web7; do
    s=$(now); dotnet "$DLL" logs query --db "$T/search.db" --host "$h" --text "$w" --limit 50 >/dev/null; e=$(now)
    times+=("$(python3 -c "print(round(($e-$s)*1000))")")
  done
done
s=$(now); dotnet "$DLL" logs query --db "$T/search.db" --limit 1 >/dev/null; e=$(now)
startup=$(python3 -c "print(round(($e-$s)*1000))")
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "filtered text search over $SEARCH_N events: median ${median} ms (CLI with an unfiltered 1-row query: ${startup} ms)"
