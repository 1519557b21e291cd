#!/usr/bin/env bash
# Dependency-build benchmark (issue 17):
#  1. the no-change decision for a DAG of N packages: `slipway build --dry-run` against GNU Make deciding the same with
#     stamp files (`make -rR`, Make's best case: no built-in rules, one stamp per package, nothing to do), for N=50
#     and N=1000 (BIG=0 skips the 1,000);
#  2. restoring 50 cached artifacts from s3rver on 127.0.0.1 into an empty local store (`slipway build` on a fresh
#     clone) against 50 sequential downloads with the aws CLI (`aws s3 cp`, one process per object, as a Makefile
#     fetching tarballs would do).
#
#   bash bench/scripts/build-bench.sh         # from the repo root; needs dotnet, clang, make, s3rver (scripts/deps/build.sh)
#
# The DAG is like real recipes: every fifth package is a git source (a repository on this machine, branch main) with a
# patch and `tools: [cc]`; Make's stamp for it depends on the patch, the branch's ref file and the compiler, as a
# Makefile of the kind slipway replaces would. The others are local folders.
#
# Environment: SLIPWAY (a command; default the shipped native binary, artifacts/native/slipway, published first by
# scripts/publish-native.sh when missing), RUNS=5 (timed runs per case, median reported), BIG=1, RESTORE=1 (0 skips the
# S3 case), RESULTS (a file to append the result lines to). Everything is in a temp dir removed on exit; the only
# server is s3rver on 127.0.0.1.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
RUNS=${RUNS:-5}
BIG=${BIG:-1}
RESTORE=${RESTORE:-1}
if [ -z "${SLIPWAY:-}" ]; then
  [ -x artifacts/native/slipway ] || bash scripts/publish-native.sh artifacts/native >&2
  SLIPWAY="$ROOT/artifacts/native/slipway"
fi
load() { cut -d' ' -f1-3 /proc/loadavg; }
say() { echo "$*"; [ -n "${RESULTS:-}" ] && echo "$*" >> "$RESULTS"; return 0; }
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

# A project of N packages in blocks of 50: within a block, package i depends on i-1 and i/2 (long chains and fan-in).
# Every fifth package is a git source with a patch and `tools: [cc]`, the others a local folder with one file; each has
# one step. The Makefile decides the same graph with one stamp per package.
# Blocks, because a package's steps get every transitive dependency's prefix in CPATH, LIBRARY_PATH… (docs/build.md):
# one chain of 1,000 made p912's environment exceed the kernel's limit for one variable (E2BIG).
make_project() {
  local dir=$1 n=$2 s3=${3:-}
  mkdir -p "$dir/patches"
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
  local all="" cc
  cc=$(readlink -f "$(command -v cc)")
  for i in $(seq 1 "$n"); do
    local deps=() mdeps="" base=$(( (i - 1) / 50 * 50 )) j=$(( (i - 1) % 50 + 1 ))
    [ "$j" -gt 1 ] && deps+=("p$((i - 1))")
    [ "$j" -gt 3 ] && deps+=("p$((base + j / 2))")
    for d in "${deps[@]}"; do mdeps="$mdeps stamps/$d"; done
    local dl
    dl=$(IFS=,; echo "${deps[*]}")
    if [ $((i % 5)) -eq 0 ]; then
      git_upstream "$dir/upstream/p$i" "$i"
      printf 'diff --git a/PATCHED b/PATCHED\nnew file mode 100644\n--- /dev/null\n+++ b/PATCHED\n@@ -0,0 +1 @@\n+patched %s\n' "$i" > "$dir/patches/p$i.patch"
      cat >> "$dir/slipway.yml" <<EOF
    p$i:
      source: { git: ./upstream/p$i, ref: main }
      patches: [patches/p$i.patch]
      tools: [cc]
      depends: [$dl]
      steps: ["mkdir -p \$PREFIX/share && cp README PATCHED \$PREFIX/share/"]
EOF
      printf 'stamps/p%s: upstream/p%s/.git/refs/heads/main patches/p%s.patch %s%s\n\tmkdir -p stamps out/p%s && git -C upstream/p%s archive main | tar -x -C out/p%s && cd out/p%s && git apply ../../patches/p%s.patch && cd ../.. && touch $@\n' \
        "$i" "$i" "$i" "$cc" "$mdeps" "$i" "$i" "$i" "$i" "$i" >> "$dir/Makefile"
    else
      mkdir -p "$dir/src/p$i"
      echo "package $i" > "$dir/src/p$i/README"
      cat >> "$dir/slipway.yml" <<EOF
    p$i:
      source: { path: src/p$i }
      depends: [$dl]
      steps: ["mkdir -p \$PREFIX/share && cp README \$PREFIX/share/p$i"]
EOF
      printf 'stamps/p%s: src/p%s/README%s\n\tmkdir -p stamps out/p%s && cp src/p%s/README out/p%s/ && touch $@\n' \
        "$i" "$i" "$mdeps" "$i" "$i" "$i" >> "$dir/Makefile"
    fi
    all="$all stamps/p$i"
  done
  sed -i "1i all:$all\n" "$dir/Makefile"
}

# A one-commit repository with a README on branch main.
git_upstream() {
  local repo=$1 i=$2
  mkdir -p "$repo"
  echo "upstream $i" > "$repo/README"
  git -C "$repo" init --quiet --initial-branch=main
  git -C "$repo" add README
  git -C "$repo" -c user.name=bench -c user.email=bench@example.org commit --quiet -m "p$i"
}

decision() {
  local n=$1
  local dir="$WORK/dag$n"
  make_project "$dir" "$n"
  echo "== $n packages: building once (slipway and make), $(date -u +%H:%M:%S)" >&2
  (cd "$dir" && $SLIPWAY build -f slipway.yml 2>/dev/null | tail -1) >&2
  (cd "$dir" && make -rR -s >/dev/null)
  local plan
  plan=$(cd "$dir" && $SLIPWAY build --dry-run -f slipway.yml | tail -1)
  local build dry mk mkq
  build=$(cd "$dir" && median $SLIPWAY build -f slipway.yml)
  dry=$(cd "$dir" && median $SLIPWAY build --dry-run -f slipway.yml)
  mk=$(cd "$dir" && median make -rR -s)
  mkq=$(cd "$dir" && make -rR -q && echo "nothing to do" || echo "WOULD REBUILD")
  say "no-change decision, $n packages (load $(load)): slipway build $build; slipway build --dry-run $dry ($plan); make -rR $mk (make -q: $mkq)"
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
  say "restore 50 artifacts from s3rver (load $(load)): slipway build (fresh clone) ${slw}s wall ($line); sequential aws s3 cp x$(echo "$blobs" | wc -l) $aws_t"
}

say "# build-bench $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load $(load); slipway: $SLIPWAY ($($SLIPWAY --version)); $(make --version | head -1); runs: $RUNS (median)"
decision 50
[ "$BIG" = 1 ] && decision 1000
[ "$RESTORE" = 1 ] && restore
true
