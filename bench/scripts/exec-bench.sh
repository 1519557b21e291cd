#!/usr/bin/env bash
# Remote-execution benchmark: OpenSSH (plain and ControlMaster) vs the SSH.NET spike (vs `slipway exec` when given).
#
#   bash bench/scripts/exec-bench.sh            # from the repo root
#
# Environment:
#   SLIPWAY=/path/to/slipway      or  SLIPWAY_DLL=/path/to/slipway.dll (run with dotnet): also time `slipway exec`
#   RUNS=15 WARMUP=2              hyperfine settings
#   REPEAT=5                      commands per host in the warm per-command scenarios
#   SKIP_BUILD=1                  reuse artifacts/SshNetSpike as is
#   RESULTS_DIR=bench/results     where exec-bench.json / exec-bench.txt go
#   BENCH_REMOTE_BASHRC=1         let the remote bash source root's ~/.bashrc (see lib-sshd.sh)
#
# Starts 5 sshd on 127.0.0.1 (bench/scripts/lib-sshd.sh); nothing leaves the machine.
# All sshd, ssh masters and temp dirs are removed on exit, also on failure or Ctrl-C.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=lib-sshd.sh
source bench/scripts/lib-sshd.sh

RUNS=${RUNS:-15}
WARMUP=${WARMUP:-2}
REPEAT=${REPEAT:-5}
RESULTS_DIR=${RESULTS_DIR:-bench/results}
SPIKE_DIR="$ROOT/artifacts/SshNetSpike"
SPIKE_R2R_DIR="$ROOT/artifacts/SshNetSpike-r2r"
NHOSTS=5

for tool in hyperfine ssh ssh-keygen python3; do
  command -v "$tool" >/dev/null || { echo "exec-bench: $tool is required" >&2; exit 1; }
done
if ! command -v jq >/dev/null; then
  echo "exec-bench: jq not found; install it with: apt-get install -y jq" >&2
  exit 1
fi

if [[ ${SKIP_BUILD:-0} != 1 || ! -x $SPIKE_DIR/SshNetSpike || ! -x $SPIKE_R2R_DIR/SshNetSpike ]]; then
  echo "== publishing bench/SshNetSpike (Release; JIT and ReadyToRun)" >&2
  dotnet publish bench/SshNetSpike/SshNetSpike.csproj -c Release -o "$SPIKE_DIR" --nologo -v quiet >&2
  dotnet publish bench/SshNetSpike/SshNetSpike.csproj -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$SPIKE_R2R_DIR" --nologo -v quiet >&2
fi

SLIPWAY_CMD=""
if [[ -n ${SLIPWAY:-} ]]; then
  SLIPWAY_CMD=$(printf '%q' "$SLIPWAY")
elif [[ -n ${SLIPWAY_DLL:-} ]]; then
  SLIPWAY_CMD="dotnet $(printf '%q' "$SLIPWAY_DLL")"
fi

sshd_bench_start "$NHOSTS"
mkdir -p "$BENCH_DIR/cm" "$BENCH_DIR/json" "$RESULTS_DIR"

HOSTS=()
for ((i = 1; i <= NHOSTS; i++)); do HOSTS+=("h$i"); done
ALL_HOSTS=${HOSTS[*]}
SSH="ssh -F $BENCH_SSH_CONFIG"
MUX="$SSH -o ControlMaster=auto -o ControlPath=$BENCH_DIR/cm/%C -o ControlPersist=600"
SPIKE_HOSTS=$(printf '127.0.0.1:%s,' "${BENCH_PORTS[@]}")
SPIKE_HOSTS=${SPIKE_HOSTS%,}
SPIKE_ARGS="--key $BENCH_KEY --user root --known-hosts $BENCH_KNOWN_HOSTS --command true"
SPIKE="$SPIKE_DIR/SshNetSpike $SPIKE_ARGS"
SPIKE_R2R="$SPIKE_R2R_DIR/SshNetSpike $SPIKE_ARGS"

# Helper scripts, run by hyperfine through sh. Each fails if any host fails.
cat >"$BENCH_DIR/par.sh" <<SH
# par.sh SSHCMD REPEAT HOST...: REPEAT commands per host, one after another; hosts in parallel.
ssh_cmd=\$1 repeat=\$2; shift 2
pids=""
for h in "\$@"; do
  ( i=0; while [ \$i -lt \$repeat ]; do \$ssh_cmd "\$h" true || exit 1; i=\$((i + 1)); done ) &
  pids="\$pids \$!"
done
rc=0
for p in \$pids; do wait \$p || rc=1; done
exit \$rc
SH
cat >"$BENCH_DIR/mux-close.sh" <<SH
# Closes the ControlMaster of every host given and waits until its socket is gone.
for h in "\$@"; do
  $MUX -O exit "\$h" >/dev/null 2>&1 || true
done
for sock in $BENCH_DIR/cm/*; do
  i=0
  while [ -e "\$sock" ] && [ \$i -lt 200 ]; do sleep 0.01; i=\$((i + 1)); done
done
exit 0
SH
cat >"$BENCH_DIR/mux-open.sh" <<SH
# Makes sure a ControlMaster runs for every host given.
for h in "\$@"; do
  $MUX -O check "\$h" >/dev/null 2>&1 || $MUX "\$h" true || exit 1
done
SH

PAR="sh $BENCH_DIR/par.sh"
ORDER=()

# bench NAME CMD [PREPARE]
bench() {
  local name=$1 cmd=$2 prepare=${3:-} slug
  slug=$(printf '%02d' "${#ORDER[@]}")
  ORDER+=("$name")
  echo "== $name" >&2
  local args=(--warmup "$WARMUP" --runs "$RUNS" --export-json "$BENCH_DIR/json/$slug.json" --command-name "$name" --style basic)
  [[ -n $prepare ]] && args+=(--prepare "$prepare")
  hyperfine "${args[@]}" "$cmd" >&2
}

# Fixed remote cost shared by every transport when BENCH_REMOTE_BASHRC=1: sshd runs the command through
# root's login shell, and bash sources ~/.bashrc when started by sshd. Timed locally to be subtracted by eye.
if [[ ${BENCH_REMOTE_BASHRC:-0} == 1 ]]; then
  bench "remote shell startup (bash + ~/.bashrc, local)" "bash -c '. ~/.bashrc; true'"
fi

bench "1 x ssh (1 host)" "$SSH h1 true"
bench "5 x ssh sequential" "for h in $ALL_HOSTS; do $SSH \$h true || exit 1; done"
bench "5 x ssh parallel" "$PAR '$SSH' 1 $ALL_HOSTS"
bench "SshNetSpike 1 host" "$SPIKE --quiet --hosts 127.0.0.1:${BENCH_PORTS[0]}"
bench "SshNetSpike 5 hosts" "$SPIKE --quiet --hosts $SPIKE_HOSTS"
bench "SshNetSpike ReadyToRun 1 host" "$SPIKE_R2R --quiet --hosts 127.0.0.1:${BENCH_PORTS[0]}"
bench "SshNetSpike ReadyToRun 5 hosts" "$SPIKE_R2R --quiet --hosts $SPIKE_HOSTS"
bench "ssh mux cold, 5 hosts (master made by this command)" "$PAR '$MUX' 1 $ALL_HOSTS" "sh $BENCH_DIR/mux-close.sh $ALL_HOSTS"
bench "ssh mux warm, 1 host (master exists)" "$MUX h1 true" "sh $BENCH_DIR/mux-open.sh h1"
bench "ssh mux warm, 5 hosts (masters exist)" "$PAR '$MUX' 1 $ALL_HOSTS" "sh $BENCH_DIR/mux-open.sh $ALL_HOSTS"
bench "ssh mux warm, 5 hosts x $REPEAT commands" "$PAR '$MUX' $REPEAT $ALL_HOSTS" "sh $BENCH_DIR/mux-open.sh $ALL_HOSTS"
bench "SshNetSpike ReadyToRun 5 hosts x $REPEAT commands" "$SPIKE_R2R --quiet --repeat $REPEAT --hosts $SPIKE_HOSTS"
sh "$BENCH_DIR/mux-close.sh" $ALL_HOSTS

if [[ -n $SLIPWAY_CMD ]]; then
  YML="$BENCH_DIR/slipway.yml"
  {
    echo "application: bench"
    echo "deploy_to: /tmp/slipway-bench"
    echo "ssh: { user: root, identity_file: $BENCH_KEY, known_hosts: $BENCH_KNOWN_HOSTS }"
    echo "stages:"
    echo "  bench1:"
    echo "    branch: main"
    echo "    hosts:"
    echo "      - { host: 127.0.0.1, port: ${BENCH_PORTS[0]}, roles: [web] }"
    echo "  bench:"
    echo "    branch: main"
    echo "    hosts:"
    for p in "${BENCH_PORTS[@]}"; do
      echo "      - { host: 127.0.0.1, port: $p, roles: [web] }"
    done
  } >"$YML"
  cp "$YML" "$RESULTS_DIR/slipway.bench.yml" # for reference; its ports and paths are gone after the run
  bench "slipway exec (1 host)" "$SLIPWAY_CMD exec -f $YML bench1 -- true" ||
    echo "exec-bench: slipway exec (1 host) failed; left out of the table" >&2
  bench "slipway exec (5 hosts)" "$SLIPWAY_CMD exec -f $YML bench -- true" ||
    echo "exec-bench: slipway exec (5 hosts) failed; left out of the table" >&2
fi

# One spike run with its own clock: connection setup vs warm per-command cost, per host.
SPIKE_DETAIL=$($SPIKE_R2R --repeat 20 --hosts "$SPIKE_HOSTS")

# ---- report ----
jq -s '[.[].results[0]]' "$BENCH_DIR"/json/*.json >"$RESULTS_DIR/exec-bench.json"
BASE5="5 x ssh parallel"
BASE1="1 x ssh (1 host)"
{
  echo "# exec-bench $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, loopback, runs=$RUNS warmup=$WARMUP, load avg at end: $(cut -d' ' -f1-3 /proc/loadavg), remote ~/.bashrc: $([[ ${BENCH_REMOTE_BASHRC:-0} == 1 ]] && echo sourced || echo skipped)"
  jq -r --arg b5 "$BASE5" --arg b1 "$BASE1" '
    (map({key: .command, value: (.median * 1000)}) | from_entries) as $m
    | ["scenario", "median ms", "mean ms", "stddev ms", "vs 5 x ssh parallel", "vs 1 x ssh"],
      (.[] | [ .command,
               (.median * 1000 | . * 10 | round / 10 | tostring),
               (.mean * 1000 | . * 10 | round / 10 | tostring),
               (.stddev * 1000 | . * 10 | round / 10 | tostring),
               ((.median * 1000 / $m[$b5]) | . * 100 | round / 100 | tostring) + "x",
               (if (.command | test("1 host")) then ((.median * 1000 / $m[$b1]) | . * 100 | round / 100 | tostring) + "x" else "" end) ])
    | @tsv' "$RESULTS_DIR/exec-bench.json" | column -t -s $'\t'
  [[ -n $SLIPWAY_CMD ]] || echo "(slipway exec: not measured; set SLIPWAY or SLIPWAY_DLL)"
  echo
  echo "SshNetSpike (ReadyToRun) --repeat 20, in-process clock:"
  echo "$SPIKE_DETAIL"
} | tee "$RESULTS_DIR/exec-bench.txt"
