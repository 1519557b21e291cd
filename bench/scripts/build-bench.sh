#!/usr/bin/env bash
# Dependency-build benchmark (issue 17):
#  1. the no-change decision for a DAG of N packages: `slipway build --dry-run` against GNU Make deciding the same with
#     stamp files (`make -rR`, Make's best case: no built-in rules, one stamp per package, nothing to do), for N=50
#     and N=1000 (BIG=0 skips the 1,000);
#  2. restoring 50 cached artifacts from s3rver on 127.0.0.1 into an empty local store (`slipway build` on a fresh
#     clone) against 50 sequential downloads with the aws CLI (`aws s3 cp`, one process per object, as a Makefile
#     fetching tarballs would do).
#
#   bash bench/scripts/build-bench.sh         # from the repo root; needs dotnet, make, s3rver (scripts/deps/build.sh)
#
# Environment: SLIPWAY (a command, default "dotnet src/Slipway.Cli/bin/Release/net10.0/slipway.dll", built first),
# RUNS=5 (timed runs per case, median reported), BIG=1. Everything is in a temp dir removed on exit; the only server is
# s3rver on 127.0.0.1.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
RUNS=${RUNS:-5}
BIG=${BIG:-1}
if [ -z "${SLIPWAY:-}" ]; then
  dotnet build src/Slipway.Cli -c Release -nologo -v quiet >/dev/null
  SLIPWAY="dotnet $ROOT/src/Slipway.Cli/bin/Release/net10.0/slipway.dll"
fi
WORK=$(mktemp -d /tmp/slw-build-bench-XXXXXX)
S3PID=""
cleanup() { [ -n "$S3PID" ] && kill "$S3PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

now() { date +%s.%N; }
# median of RUNS timings of "$@": "WALLs (cpu CPUs)", seconds with 3 decimals; CPU is user+sys of the command and its
# children, which a loaded machine disturbs far less than the wall time.
median() {
  local walls=() cpus=() line
  local TIMEFORMAT='%R %U %S'
  for _ in $(seq "$RUNS"); do
    line=$( { time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
    walls+=("$(echo "$line" | awk '{print $1}')")
    cpus+=("$(echo "$line" | awk '{print $2 + $3}')")
  done
  local wall cpu
  wall=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}')
  echo "${wall}s (cpu ${cpu}s)"
}

# A project of N packages in blocks of 50: within a block, package i depends on i-1 and i/2 (long chains and fan-in),
# each a local folder with one file and one step. The Makefile decides the same graph with one stamp per package.
# Blocks, because a package's steps get every transitive dependency's prefix in CPATH, LIBRARY_PATH… (docs/build.md):
# one chain of 1,000 made p912's environment exceed the kernel's limit for one variable (E2BIG).
make_project() {
  local dir=$1 n=$2 s3=${3:-}
  mkdir -p "$dir"
  {
    echo "application: bench"
    echo "deploy_to: /srv/bench"
    echo "stages: { local: { hosts: [{ host: localhost, transport: local }] } }"
    echo "build:"
    [ -n "$s3" ] && echo "  s3: { url: s3://artifacts/bench, endpoint: $s3 }"
    echo "  jobs: 2"
    echo "  packages:"
  } > "$dir/slipway.yml"
  : > "$dir/Makefile"
  local all=""
  for i in $(seq 1 "$n"); do
    mkdir -p "$dir/src/p$i"
    echo "package $i" > "$dir/src/p$i/README"
    local deps=() mdeps="" base=$(( (i - 1) / 50 * 50 )) j=$(( (i - 1) % 50 + 1 ))
    [ "$j" -gt 1 ] && deps+=("p$((i - 1))")
    [ "$j" -gt 3 ] && deps+=("p$((base + j / 2))")
    for d in "${deps[@]}"; do mdeps="$mdeps stamps/$d"; done
    local dl
    dl=$(IFS=,; echo "${deps[*]}")
    cat >> "$dir/slipway.yml" <<EOF
    p$i:
      source: { path: src/p$i }
      depends: [$dl]
      steps: ["mkdir -p \$PREFIX/share && cp README \$PREFIX/share/p$i"]
EOF
    printf 'stamps/p%s: src/p%s/README%s\n\tmkdir -p stamps out/p%s && cp src/p%s/README out/p%s/ && touch $@\n' \
      "$i" "$i" "$mdeps" "$i" "$i" "$i" >> "$dir/Makefile"
    all="$all stamps/p$i"
  done
  sed -i "1i all:$all\n" "$dir/Makefile"
}

decision() {
  local n=$1
  local dir="$WORK/dag$n"
  make_project "$dir" "$n"
  echo "== $n packages: building once (slipway and make)" >&2
  (cd "$dir" && $SLIPWAY build -f slipway.yml >/dev/null)
  (cd "$dir" && make -rR -s >/dev/null)
  local plan
  plan=$(cd "$dir" && $SLIPWAY build --dry-run -f slipway.yml | tail -1)
  local slw mk
  slw=$(cd "$dir" && median $SLIPWAY build --dry-run -f slipway.yml)
  mk=$(cd "$dir" && median make -rR -s)
  local mkq
  mkq=$(cd "$dir" && make -rR -q && echo "nothing to do" || echo "WOULD REBUILD")
  echo "no-change decision, $n packages: slipway build --dry-run $slw ($plan); make -rR $mk (make -q: $mkq)"
}

restore() {
  command -v s3rver >/dev/null || { echo "s3rver missing: bash scripts/deps/build.sh" >&2; return 1; }
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$WORK/s3data"
  s3rver -d "$WORK/s3data" -a 127.0.0.1 -p "$port" --no-vhost-buckets --configure-bucket artifacts >"$WORK/s3rver.log" 2>&1 &
  S3PID=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1
  local endpoint="http://127.0.0.1:$port"
  make_project "$WORK/pub" 50 "$endpoint"
  echo "== 50 packages: building and pushing once" >&2
  (cd "$WORK/pub" && $SLIPWAY build -f slipway.yml | tail -1) >&2
  local times=() t0 t1 line=""
  for r in $(seq "$RUNS"); do
    rm -rf "$WORK/clone"; make_project "$WORK/clone" 50 "$endpoint"
    t0=$(now); line=$(cd "$WORK/clone" && $SLIPWAY build -f slipway.yml | tail -1); t1=$(now)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  local slw
  slw=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}')
  # The same 50 tarballs, one aws process each, one after another.
  local blobs
  blobs=$(aws --endpoint-url "$endpoint" s3 ls --recursive s3://artifacts/bench/.blobs/ | awk '{print $4}')
  fetch_all() {
    rm -rf "$WORK/dl"; mkdir -p "$WORK/dl"
    for b in $blobs; do aws --endpoint-url "$endpoint" s3 cp --quiet "s3://artifacts/$b" "$WORK/dl/"; done
  }
  local aws_t
  aws_t=$(median fetch_all)
  echo "restore 50 artifacts from s3rver: slipway build (fresh clone) ${slw}s wall ($line); sequential aws s3 cp x$(echo "$blobs" | wc -l) $aws_t"
}

echo "# build-bench $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores; slipway: $SLIPWAY; $(make --version | head -1); runs: $RUNS (median)"
decision 50
[ "$BIG" = 1 ] && decision 1000
restore
