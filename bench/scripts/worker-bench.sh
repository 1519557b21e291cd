#!/usr/bin/env bash
# Command workers (`slipway worker Q -- COMMAND`: one process per job, payload on stdin) against the same COMMAND
# started N times by a shell loop with the same payload on stdin: what the queue around each process costs (lease,
# spawn, output kept, ack). Issue 18's target: a command worker's cost per job within 1.5x of the shell loop.
#   bash bench/scripts/worker-bench.sh                 # N=2000 jobs, embedded SQLite store, --concurrency 1 and 2
#   SLIPWAY=artifacts/native/slipway N=500 SKIP_BUILD=1 bash bench/scripts/worker-bench.sh
# Each job's command is `sh -c 'cat >/dev/null; echo >>"$DONE"'` for both (it reads its payload and counts itself).
# Wall time runs from the worker's start (resp. the loop's) to the N-th line; CPU is user+system of the worker and of
# every child it reaped, from /proc (resp. bash's `times` for the loop's shell and its children). The jobs are pushed
# before the clock starts, in one batch through `queue serve`.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-2000}
[ "${SKIP_BUILD:-0}" = 1 ] || dotnet build src/Slipway.Cli -c Release -nologo -v quiet >/dev/null
if [ -n "${SLIPWAY:-}" ]; then SLW=("$SLIPWAY"); else SLW=(dotnet src/Slipway.Cli/bin/Release/net10.0/slipway.dll); fi
T=$(mktemp -d /tmp/slipway-worker-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT
now() { date +%s.%N; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12+$13+$14+$15}'; }
printf '%s' '{"to":"someone@example.com","subject":"hello","n":1}' >"$T/payload"
python3 -c "import json,sys; print(json.dumps({'jobs': [{'payload': json.load(open('$T/payload'))}] * $N}))" >"$T/batch.json"
echo "N=$N jobs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M') UTC, ${SLW[*]}"

# The shell loop: the same command and stdin, one job after the other.
export N DONE="$T/loop-done" PAYLOAD="$T/payload"
: >"$DONE"
t0=$(now)
bash -c 'for ((i = 0; i < N; i++)); do sh -c "cat >/dev/null; echo >>\"\$DONE\"" <"$PAYLOAD"; done; times' >"$T/times"
t1=$(now)
[ "$(wc -l <"$DONE")" -eq "$N" ] || { echo "the loop counted $(wc -l <"$DONE") of $N" >&2; exit 1; }
loop_wall=$(python3 -c "print($t1 - $t0)")
loop_cpu=$(python3 - "$T/times" <<'PY'
import re, sys
secs = [int(m) * 60 + float(s) for m, s in re.findall(r"(\d+)m([\d.]+)s", open(sys.argv[1]).read())]
print(sum(secs))
PY
)
printf '%-34s %8.2f s wall %8.2f ms/job %8.2f ms CPU/job\n' "shell loop" "$loop_wall" \
  "$(python3 -c "print($loop_wall * 1000 / $N)")" "$(python3 -c "print($loop_cpu * 1000 / $N)")"

for c in ${CONCURRENCY:-1 2}; do
  db="$T/queue-$c.db"
  p=$(port)
  "${SLW[@]}" queue serve --url "sqlite://$db" --http "127.0.0.1:$p" --token bench >"$T/serve.log" 2>&1 &
  spid=$!; pids+=("$spid")
  until curl -s -o /dev/null "http://127.0.0.1:$p/metrics"; do sleep 0.1; done
  curl -s -o /dev/null -H 'Authorization: Bearer bench' -H 'Content-Type: application/json' --data-binary "@$T/batch.json" \
    "http://127.0.0.1:$p/api/queues/work/jobs"
  kill -TERM "$spid"; wait "$spid" || true
  export DONE="$T/worker-$c-done"
  : >"$DONE"
  t0=$(now)
  "${SLW[@]}" worker work --url "sqlite://$db" --concurrency "$c" --no-schedules -- sh -c 'cat >/dev/null; echo >>"$DONE"' \
    >"$T/worker.log" 2>&1 &
  wpid=$!; pids+=("$wpid")
  # The worker's own start (runtime, JIT, opening the store) is paid once per process and host, not per job: the
  # figures after the first job leave it out ("steady"), next to the totals that include it.
  until [ "$(wc -l <"$DONE")" -ge 1 ]; do sleep 0.01; done
  tf=$(now); cf=$(ticks "$wpid"); nf=$(wc -l <"$DONE")
  until [ "$(wc -l <"$DONE")" -ge "$N" ]; do sleep 0.05; done
  t1=$(now); cpu=$(ticks "$wpid")
  kill -TERM "$wpid"; wait "$wpid" || true
  wall=$(python3 -c "print($t1 - $t0)")
  printf '%-34s %8.2f s wall %8.2f ms/job %8.2f ms CPU/job   (wall %.2fx, CPU %.2fx the loop)\n' "slipway worker --concurrency $c" "$wall" \
    "$(python3 -c "print($wall * 1000 / $N)")" "$(python3 -c "print($cpu * 10 / $N)")" \
    "$(python3 -c "print($wall / $loop_wall)")" "$(python3 -c "print($cpu / 100 / $loop_cpu)")"
  printf '%-34s %8.2f s wall %8.2f ms/job %8.2f ms CPU/job   (wall %.2fx, CPU %.2fx the loop)\n' "  steady, after the first job" \
    "$(python3 -c "print($t1 - $tf)")" "$(python3 -c "print(($t1 - $tf) * 1000 / ($N - $nf))")" \
    "$(python3 -c "print(($cpu - $cf) * 10 / ($N - $nf))")" \
    "$(python3 -c "print((($t1 - $tf) / ($N - $nf)) / ($loop_wall / $N))")" "$(python3 -c "print((($cpu - $cf) / 100 / ($N - $nf)) / ($loop_cpu / $N))")"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
