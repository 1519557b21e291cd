#!/usr/bin/env bash
# Process-supervisor benchmark: Debian's supervisord 4.2.5 vs `slipway supervise`, same configs, one run.
#
#   bash bench/scripts/supervise-bench.sh            # from the repo root
#
# Environment:
#   SLIPWAY_DLL=path/to/slipway.dll   default: src/Slipway.Cli/bin/Release/net10.0/slipway.dll (built if missing)
#   RTT_CALLS=30                      getAllProcessInfo calls per median
#   CAPTURE_SECS=3                    how long the log-capture writer runs
#
# Everything runs in a temp dir on 127.0.0.1; daemons are stopped by pid on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
SLIPWAY_DLL=${SLIPWAY_DLL:-$ROOT/src/Slipway.Cli/bin/Release/net10.0/slipway.dll}
RTT_CALLS=${RTT_CALLS:-30}
CAPTURE_SECS=${CAPTURE_SECS:-3}
CLIENT="/usr/bin/python3 $ROOT/bench/scripts/supervise_client.py"
[ -f "$SLIPWAY_DLL" ] || dotnet build src/Slipway.Cli -c Release -nologo -v q >/dev/null
command -v supervisord >/dev/null || { echo "supervisor not installed: bash scripts/deps/supervise.sh" >&2; exit 2; }

WORK=$(mktemp -d /tmp/supervise-bench.XXXXXX)
DAEMON_PID=""
cleanup() {
  if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
    kill -TERM "$DAEMON_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DAEMON_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# write_config DIR N [extra program section]
write_config() {
  local dir=$1 n=$2 port
  port=$(free_port)
  mkdir -p "$dir"
  cat > "$dir/supervisord.conf" <<CONF
[supervisord]
logfile=$dir/supervisord.log
pidfile=$dir/supervisord.pid
childlogdir=$dir
[unix_http_server]
file=$dir/sock
[inet_http_server]
port=127.0.0.1:$port
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://$dir/sock
CONF
  if [ "$n" -gt 0 ]; then
    cat >> "$dir/supervisord.conf" <<CONF
[program:s]
command=sleep 100000
process_name=s_%(process_num)03d
numprocs=$n
CONF
  fi
  echo "$port" > "$dir/port"
}

start_daemon() { # KIND DIR
  if [ "$1" = supervisord ]; then
    /usr/bin/supervisord -n -c "$2/supervisord.conf" >/dev/null 2>&1 &
  else
    dotnet "$SLIPWAY_DLL" supervise -n -c "$2/supervisord.conf" >/dev/null 2>&1 &
  fi
  DAEMON_PID=$!
}

stop_daemon() {
  kill -TERM "$DAEMON_PID"
  for _ in $(seq 1 300); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
  DAEMON_PID=""
}

rss_mib() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

declare -A R
for kind in supervisord slipway; do
  for n in 50 500; do
    dir=$WORK/$kind-$n
    write_config "$dir" "$n"
    start_daemon "$kind" "$dir"
    R[$kind,running,$n]=$($CLIENT "unix://$dir/sock" wait-running "$n" 60)
    sleep 1
    R[$kind,rss,$n]=$(rss_mib "$DAEMON_PID")
    R[$kind,rtt_unix,$n]=$($CLIENT "unix://$dir/sock" rtt "$RTT_CALLS")
    R[$kind,rtt_tcp,$n]=$($CLIENT "http://127.0.0.1:$(cat "$dir/port")" rtt "$RTT_CALLS")
    R[$kind,raw_unix,$n]=$($CLIENT "unix://$dir/sock" rtt-raw "$RTT_CALLS")
    R[$kind,raw_tcp,$n]=$($CLIENT "http://127.0.0.1:$(cat "$dir/port")" rtt-raw "$RTT_CALLS")
    if [ "$n" = 50 ]; then
      t0=$(date +%s.%N)
      supervisorctl -c "$dir/supervisord.conf" restart all >/dev/null
      R[$kind,restart,$n]=$(echo "$(date +%s.%N) - $t0" | bc -l | xargs printf '%.2f')
      $CLIENT "unix://$dir/sock" wait-running "$n" 60 >/dev/null
      sleep 5 # let start-up work (JIT tiering) settle before measuring idle
      c0=$(cpu_ticks "$DAEMON_PID"); sleep 10; c1=$(cpu_ticks "$DAEMON_PID")
      R[$kind,idle,$n]=$(echo "($c1 - $c0) / $(getconf CLK_TCK) / 10 * 100" | bc -l | xargs printf '%.2f')
    fi
    stop_daemon
  done

  # Log capture: one program writing 64-byte lines flat out, for CAPTURE_SECS seconds.
  dir=$WORK/$kind-capture
  write_config "$dir" 0
  line=$(printf 'x%.0s' $(seq 1 63))
  cat >> "$dir/supervisord.conf" <<CONF
[program:writer]
command=timeout $CAPTURE_SECS yes $line
autorestart=false
startsecs=0
stdout_logfile=$dir/writer.log
stdout_logfile_maxbytes=0
CONF
  start_daemon "$kind" "$dir"
  sleep $((CAPTURE_SECS + 2))
  R[$kind,capture]=$(echo "$(stat -c %s "$dir/writer.log") / 64 / $CAPTURE_SECS / 1000000" | bc -l | xargs printf '%.2f')
  stop_daemon
done

line=$(printf 'x%.0s' $(seq 1 63))
timeout "$CAPTURE_SECS" yes "$line" > "$WORK/floor.log" || true
floor=$(echo "$(stat -c %s "$WORK/floor.log") / 64 / $CAPTURE_SECS / 1000000" | bc -l | xargs printf '%.2f')

ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }
printf '%-42s %12s %12s %10s\n' "metric" "supervisord" "slipway" "ratio"
row() { printf '%-42s %12s %12s %10s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")x"; }
for n in 50 500; do
  row "time until $n RUNNING (s)" "${R[supervisord,running,$n]}" "${R[slipway,running,$n]}"
  row "daemon RSS at $n (MiB)" "${R[supervisord,rss,$n]}" "${R[slipway,rss,$n]}"
  row "getAllProcessInfo at $n, unix (ms)" "${R[supervisord,rtt_unix,$n]}" "${R[slipway,rtt_unix,$n]}"
  row "getAllProcessInfo at $n, TCP (ms)" "${R[supervisord,rtt_tcp,$n]}" "${R[slipway,rtt_tcp,$n]}"
  row "  same, reply not parsed, unix (ms)" "${R[supervisord,raw_unix,$n]}" "${R[slipway,raw_unix,$n]}"
  row "  same, reply not parsed, TCP (ms)" "${R[supervisord,raw_tcp,$n]}" "${R[slipway,raw_tcp,$n]}"
done
row "supervisorctl restart all, 50 (s)" "${R[supervisord,restart,50]}" "${R[slipway,restart,50]}"
printf '%-42s %12s %12s\n' "idle CPU over 10 s, 50 programs (%)" "${R[supervisord,idle,50]}" "${R[slipway,idle,50]}"
printf '%-42s %12s %12s %10s\n' "log capture (M lines/s; floor $floor)" "${R[supervisord,capture]}" "${R[slipway,capture]}" \
  "$(ratio "${R[slipway,capture]}" "$floor")x of floor"
