#!/usr/bin/env bash
# Process-supervisor benchmark: Debian's supervisord 4.2.5 vs `slipway supervise`, same configs, one run.
#
#   bash bench/scripts/supervise-bench.sh            # from the repo root
#
# Environment:
#   SLIPWAY_DLL=path/to/slipway.dll   default: src/Slipway.Cli/bin/Release/net10.0/slipway.dll (built if missing)
#   SLIPWAY_NATIVE=path               the Native AOT daemon; default artifacts/supervise-aot/slipway-supervise
#                                     (published if missing; needs clang). NATIVE=0 leaves it out.
#   RTT_CALLS=30                      getAllProcessInfo calls per median
#   CAPTURE_SECS=3                    how long the log-capture writer runs
#   RESTARTS=3                        `supervisorctl restart all` runs per median (and rounds of the per-RPC breakdown)
#   KINDS="supervisord slipway native"  which daemons to time (slipway = the managed one)
#   SIZES="50 500"                    program counts (restart all and idle CPU are measured at 50)
#   CAPTURE=1                         CAPTURE=0 skips the log-capture runs
#   SKIP_BUILD=1                      use the binaries already built instead of building/publishing them first
#
# e.g. the RSS and restart figures of the native daemon alone:
#   KINDS=native CAPTURE=0 SKIP_BUILD=1 bash bench/scripts/supervise-bench.sh
#
# Everything runs in a temp dir on 127.0.0.1; daemons are stopped by pid on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
SLIPWAY_DLL=${SLIPWAY_DLL:-$ROOT/src/Slipway.Cli/bin/Release/net10.0/slipway.dll}
RTT_CALLS=${RTT_CALLS:-30}
CAPTURE_SECS=${CAPTURE_SECS:-3}
CLIENT="/usr/bin/python3 $ROOT/bench/scripts/supervise_client.py"
RESTARTS=${RESTARTS:-3}
SIZES=${SIZES:-50 500}
SLIPWAY_NATIVE=${SLIPWAY_NATIVE:-$ROOT/artifacts/supervise-aot/slipway-supervise}
if [ -z "${KINDS:-}" ]; then
  KINDS="supervisord slipway"
  [ "${NATIVE:-1}" = 1 ] && KINDS="$KINDS native"
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  case " $KINDS " in *" slipway "*) dotnet build src/Slipway.Cli -c Release -nologo -v q >/dev/null ;; esac
  case " $KINDS " in *" native "*) dotnet publish src/Slipway.SupervisorHost -c Release -r linux-x64 -o "$(dirname "$SLIPWAY_NATIVE")" -nologo -v q >/dev/null ;; esac
fi
case " $KINDS " in *" slipway "*) [ -f "$SLIPWAY_DLL" ] || { echo "$SLIPWAY_DLL is not built" >&2; exit 2; } ;; esac
case " $KINDS " in *" native "*) [ -x "$SLIPWAY_NATIVE" ] || { echo "$SLIPWAY_NATIVE is not built" >&2; exit 2; } ;; esac
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
  elif [ "$1" = native ]; then
    "$SLIPWAY_NATIVE" -n -c "$2/supervisord.conf" >/dev/null 2>&1 &
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

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
seconds() { local t0; t0=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $t0" | bc -l | xargs printf '%.3f'; }

rss_mib() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

declare -A R
for kind in $KINDS; do
  for n in $SIZES; do
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
    R[$kind,rss_after,$n]=$(rss_mib "$DAEMON_PID")
    if [ "$n" = 50 ]; then
      # restart all = Python start-up + stopAllProcesses(wait) + startAllProcesses(wait) (startsecs=1 is its floor);
      # `supervisorctl pid` is the start-up alone, and the per-RPC breakdown is the daemon's share.
      pids="" restarts=""
      for _ in $(seq 1 "$RESTARTS"); do
        pids="$pids $(seconds supervisorctl -c "$dir/supervisord.conf" pid)"
        restarts="$restarts $(seconds supervisorctl -c "$dir/supervisord.conf" restart all)"
        $CLIENT "unix://$dir/sock" wait-running "$n" 60 >/dev/null
      done
      R[$kind,ctl_pid,$n]=$(echo "$pids" | median | xargs printf '%.2f')
      R[$kind,restart,$n]=$(echo "$restarts" | median | xargs printf '%.2f')
      read -r R[$kind,stop_rpc,$n] R[$kind,start_rpc,$n] < <($CLIENT "unix://$dir/sock" restart-rpc "$RESTARTS")
      $CLIENT "unix://$dir/sock" wait-running "$n" 60 >/dev/null
      sleep 5 # let start-up work (JIT tiering) settle before measuring idle
      c0=$(cpu_ticks "$DAEMON_PID"); sleep 10; c1=$(cpu_ticks "$DAEMON_PID")
      R[$kind,idle,$n]=$(echo "($c1 - $c0) / $(getconf CLK_TCK) / 10 * 100" | bc -l | xargs printf '%.2f')
    fi
    stop_daemon
  done

  [ "${CAPTURE:-1}" = 1 ] || continue
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
floor=""
if [ "${CAPTURE:-1}" = 1 ]; then
  timeout "$CAPTURE_SECS" yes "$line" > "$WORK/floor.log" || true
  floor=$(echo "$(stat -c %s "$WORK/floor.log") / 64 / $CAPTURE_SECS / 1000000" | bc -l | xargs printf '%.2f')
fi

spawn_floor=""
case " $SIZES " in *" 50 "*) spawn_floor=$($CLIENT - spawn-floor 50 "$((RESTARTS * 2 + 1))") ;; esac

ratio() { [ -n "$1" ] && [ -n "$2" ] && echo "$1 / $2" | bc -l | xargs printf '%.2fx' || echo "-"; }
# Columns: supervisord, the managed daemon (`dotnet slipway.dll supervise`), the Native AOT one (what `slipway
# supervise` execs when slipway-supervise is installed beside it); ratios are supervisord / slipway (higher is better).
printf '%-46s %12s %10s %10s %9s %9s\n' "metric" "supervisord" "managed" "native" "managed" "native"
row() { printf '%-46s %12s %10s %10s %9s %9s\n' "$1" "${2:--}" "${3:--}" "${4:--}" "$(ratio "${2:-}" "${3:-}")" "$(ratio "${2:-}" "${4:-}")"; }
get() { echo "${R[$1]:-}"; }
for n in $SIZES; do
  for m in "running:time until $n RUNNING (s)" "rss:daemon RSS at $n (MiB)" "rss_after:  same, after the calls below (MiB)" \
           "rtt_unix:getAllProcessInfo at $n, unix (ms)" "rtt_tcp:getAllProcessInfo at $n, TCP (ms)" \
           "raw_unix:  same, reply not parsed, unix (ms)" "raw_tcp:  same, reply not parsed, TCP (ms)"; do
    key=${m%%:*}
    row "${m#*:}" "$(get "supervisord,$key,$n")" "$(get "slipway,$key,$n")" "$(get "native,$key,$n")"
  done
done
case " $SIZES " in
  *" 50 "*)
    row "supervisorctl restart all, 50 (s)" "$(get supervisord,restart,50)" "$(get slipway,restart,50)" "$(get native,restart,50)"
    row "  supervisorctl pid: its start-up alone (s)" "$(get supervisord,ctl_pid,50)" "$(get slipway,ctl_pid,50)" "$(get native,ctl_pid,50)"
    row "  stopAllProcesses(wait), 50 (ms)" "$(get supervisord,stop_rpc,50)" "$(get slipway,stop_rpc,50)" "$(get native,stop_rpc,50)"
    row "  startAllProcesses(wait), 50 (ms)" "$(get supervisord,start_rpc,50)" "$(get slipway,start_rpc,50)" "$(get native,start_rpc,50)"
    # The floor no daemon can beat with startsecs=1: the client's start-up, startsecs, and starting 50 children at all
    # (measured by a bare posix_spawn loop; on 2 cores the children's exec and dynamic loading make it ~30 ms).
    floor_of() { [ -n "$1" ] && echo "$1 + 1 + $spawn_floor / 1000" | bc -l | xargs printf '%.2f'; }
    printf '%-46s %12s %10s %10s\n' "  floor: start-up + 1 s + spawning 50 (s)" "$(floor_of "$(get supervisord,ctl_pid,50)")" \
      "$(floor_of "$(get slipway,ctl_pid,50)")" "$(floor_of "$(get native,ctl_pid,50)")"
    echo "  (spawning 50 sleep children with a bare posix_spawn loop: $spawn_floor ms)"
    printf '%-46s %12s %10s %10s\n' "idle CPU over 10 s, 50 programs (%)" "$(get supervisord,idle,50)" "$(get slipway,idle,50)" "$(get native,idle,50)"
    ;;
esac
if [ -n "$floor" ]; then
  of_floor() { [ -n "$1" ] && echo "$1 / $floor" | bc -l | xargs printf '%.2fx' || echo "-"; }
  printf '%-46s %12s %10s %10s %9s %9s\n' "log capture (M lines/s; floor $floor)" "$(get supervisord,capture)" "$(get slipway,capture)" \
    "$(get native,capture)" "$(of_floor "$(get slipway,capture)")" "$(of_floor "$(get native,capture)")"
  echo "(log capture ratios are of the floor: the same writer straight to a file)"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
