#!/usr/bin/env bash
# syslog_forward benchmark: does forwarding every line to a log server slow the program down?
# One program writes 64-byte lines flat out for CAPTURE_SECS; captured lines/s (its log file) are measured for
# supervisord (reference), slipway without forwarding, slipway forwarding to a TCP sink that reads everything, and
# slipway forwarding to a port where nothing listens (everything dropped). Then a paced writer (LINES lines at
# RATE lines/s) checks that the sink receives every line when it can keep up.
#
#   bash bench/scripts/supervise-forward-bench.sh      # from the repo root; SKIP_BUILD=1 to use the built dll
#
# Environment: SLIPWAY_DLL (default src/Slipway.Cli/bin/Release/net10.0/slipway.dll), CAPTURE_SECS=3,
# LINES=20000, RATE=20000.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
SLIPWAY_DLL=${SLIPWAY_DLL:-$ROOT/src/Slipway.Cli/bin/Release/net10.0/slipway.dll}
CAPTURE_SECS=${CAPTURE_SECS:-3}
LINES=${LINES:-20000}
RATE=${RATE:-20000}
if [ "${SKIP_BUILD:-}" != 1 ] || [ ! -f "$SLIPWAY_DLL" ]; then dotnet build src/Slipway.Cli -c Release -nologo -v q >/dev/null; fi
command -v supervisord >/dev/null || { echo "supervisor not installed: bash scripts/deps/supervise.sh" >&2; exit 2; }

WORK=$(mktemp -d /tmp/supervise-fwd.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A TCP sink that counts octet-counted frames (stops after IDLE seconds without data).
sink() { # PORT OUTFILE
  python3 - "$1" "$2" <<'PY' &
import socket, sys
port, out = int(sys.argv[1]), sys.argv[2]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", port)); s.listen(1)
c, _ = s.accept(); c.settimeout(3)
buf = bytearray(); frames = 0
try:
    while True:
        d = c.recv(1 << 20)
        if not d: break
        buf += d
        pos = 0
        while True:
            sp = buf.find(b" ", pos)
            if sp < 0: break
            end = sp + 1 + int(buf[pos:sp])
            if end > len(buf): break
            pos = end; frames += 1
        del buf[:pos]
except socket.timeout:
    pass
open(out, "w").write(str(frames))
PY
  PIDS+=($!)
}

run() { # KIND NAME COMMAND FORWARD(or empty) -> prints captured lines
  local kind=$1 name=$2 cmd=$3 fwd=$4 dir=$WORK/$2
  mkdir -p "$dir"
  cat > "$dir/supervisord.conf" <<CONF
[supervisord]
logfile=$dir/supervisord.log
pidfile=$dir/supervisord.pid
childlogdir=$dir
${fwd:+syslog_forward=$fwd}
[unix_http_server]
file=$dir/sock
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[program:writer]
command=$cmd
autorestart=false
startsecs=0
stdout_logfile=$dir/writer.log
stdout_logfile_maxbytes=0
CONF
  if [ "$kind" = supervisord ]; then
    /usr/bin/supervisord -n -c "$dir/supervisord.conf" >/dev/null 2>&1 &
  else
    dotnet "$SLIPWAY_DLL" supervise -n -c "$dir/supervisord.conf" >/dev/null 2>&1 &
  fi
  local pid=$!
  PIDS+=($pid)
  for _ in $(seq 1 100); do [ -S "$dir/sock" ] && break; sleep 0.1; done
  local secs=$CAPTURE_SECS; [ "$name" = paced ] && secs=$((LINES / RATE + 2))
  sleep $((secs + 2))
  if [ "$kind" = slipway ]; then
    curl -s --unix-socket "$dir/sock" http://localhost/metrics | grep -E '^supervisor_log_forward' > "$dir/metrics" || true
  fi
  kill -TERM "$pid"; for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  echo $(( $(stat -c %s "$dir/writer.log") / 64 ))
}
metric() { grep "^$2 " "$WORK/$1/metrics" | awk '{print $2}'; }
mlps() { echo "$1 / $CAPTURE_SECS / 1000000" | bc -l | xargs printf '%.2f'; }

line=$(printf 'x%.0s' $(seq 1 63))
flat="timeout $CAPTURE_SECS yes $line"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
sv=$(run supervisord sv "$flat" "")
off=$(run slipway off "$flat" "")
port=$(free_port); sink "$port" "$WORK/sink-count"
on=$(run slipway on "$flat" "tcp://127.0.0.1:$port")
down=$(run slipway down "$flat" "tcp://127.0.0.1:$(free_port)")

printf '%-48s %10s %14s %14s\n' "flat-out writer, 64-byte lines" "M lines/s" "forwarded" "dropped"
printf '%-48s %10s %14s %14s\n' "supervisord 4.2.5 (no forwarding)" "$(mlps "$sv")" "-" "-"
printf '%-48s %10s %14s %14s\n' "slipway, syslog_forward off" "$(mlps "$off")" "-" "-"
printf '%-48s %10s %14s %14s\n' "slipway, forwarding to a TCP sink" "$(mlps "$on")" "$(metric on supervisor_log_forward_lines_total)" "$(metric on supervisor_log_forward_dropped_total)"
printf '%-48s %10s %14s %14s\n' "slipway, forwarding to a closed port" "$(mlps "$down")" "$(metric down supervisor_log_forward_lines_total)" "$(metric down supervisor_log_forward_dropped_total)"
printf 'capture with forwarding / without: %s (sink), %s (server down)\n' \
  "$(echo "$on / $off" | bc -l | xargs printf '%.2f')" "$(echo "$down / $off" | bc -l | xargs printf '%.2f')"

port=$(free_port); sink "$port" "$WORK/paced-count"
cat > "$WORK/paced.py" <<PY
import sys, time
n, r, t = $LINES, $RATE, time.time()
for i in range(n):
    sys.stdout.write('%063d\n' % i)
    if i % 100 == 99:
        sys.stdout.flush(); time.sleep(max(0, t + (i + 1) / r - time.time()))
sys.stdout.flush()
PY
paced="python3 $WORK/paced.py"
got=$(run slipway paced "$paced" "tcp://127.0.0.1:$port")
for _ in $(seq 1 50); do [ -s "$WORK/paced-count" ] && break; sleep 0.2; done
printf 'paced writer, %s lines at %s/s: %s captured, %s received by the sink, %s dropped\n' "$LINES" "$RATE" "$got" \
  "$(cat "$WORK/paced-count" 2>/dev/null || echo '?')" "$(metric paced supervisor_log_forward_dropped_total)"
