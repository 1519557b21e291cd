#!/usr/bin/env bash
# Deploy benchmark: `slipway deploy` / `rollback` against Capistrano 3 (Debian's capistrano package) on the
# same small git repository and the same 1 and 5 loopback sshd hosts, next to the floor (N parallel `ssh host true`).
#
#   bash bench/scripts/deploy-bench.sh            # from the repo root (installs capistrano with apt if missing)
#
# Environment:
#   SLIPWAY=/path/to/slipway   the binary to time (default: artifacts/native/slipway from scripts/publish-native.sh;
#                              the ReadyToRun single file for comparison: dotnet publish src/Slipway.Cli -c Release -r linux-x64
#                              --self-contained -p:PublishSingleFile=true -p:PublishReadyToRun=true -o artifacts/slipway)
#   SKIP_BUILD=1               reuse artifacts/native/slipway as is
#   RUNS=7 WARMUP=1            hyperfine settings per scenario
#   RESULTS_DIR=bench/results  where deploy-bench.txt / deploy-bench.json go
#
# Every host is a real sshd on 127.0.0.1 (bench/scripts/lib-sshd.sh) started in its own mount namespace with a
# private /srv/slwbench, so all hosts use the same deploy_to (Capistrano has no per-host deploy_to) yet keep their own
# files. Both tools use the git strategy: a bare mirror in deploy_to/repo and `git archive` into the release. No
# application hooks: this measures the release mechanics. Nothing leaves the machine; everything is removed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=lib-sshd.sh
source bench/scripts/lib-sshd.sh

RUNS=${RUNS:-7}
WARMUP=${WARMUP:-1}
RESULTS_DIR=${RESULTS_DIR:-bench/results}
MOUNT_POINT=/srv/slwbench
DEPLOY_TO=$MOUNT_POINT/app
REAL_SSHD=${SSHD_BIN:-/usr/sbin/sshd}

for tool in hyperfine jq ssh ssh-keygen git python3 unshare; do
  command -v "$tool" >/dev/null || { echo "deploy-bench: $tool is required" >&2; exit 1; }
done
if ! command -v cap >/dev/null; then
  echo "== installing Debian's capistrano" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq capistrano >/dev/null
fi
unshare -m --propagation private true 2>/dev/null || { echo "deploy-bench: needs mount namespaces (unshare -m; run as root)" >&2; exit 1; }

SLIPWAY=${SLIPWAY:-$ROOT/artifacts/native/slipway}
if [[ ${SKIP_BUILD:-0} != 1 || ! -x $SLIPWAY ]] && [[ $SLIPWAY == "$ROOT/artifacts/native/slipway" ]]; then
  echo "== publishing slipway (native: scripts/publish-native.sh)" >&2
  bash scripts/publish-native.sh artifacts/native >&2
fi

# Each sshd runs in its own mount namespace with its host dir bound over /srv/slwbench.
mkdir -p "$MOUNT_POINT"
WRAPPER=$(mktemp "${TMPDIR:-/tmp}/slw-sshd-wrap.XXXXXX")
cat >"$WRAPPER" <<SH
#!/bin/sh
# Called by lib-sshd.sh as: WRAPPER -D -f DIR/sshd_config -E DIR/sshd.log
root=\$(dirname "\$3")/root
mkdir -p "\$root"
exec unshare -m --propagation private /bin/sh -c 'mount --bind "\$0" $MOUNT_POINT && exec $REAL_SSHD "\$@"' "\$root" "\$@"
SH
chmod +x "$WRAPPER"
SSHD_BIN=$WRAPPER
NHOSTS=5
sshd_bench_start "$NHOSTS"
trap 'sshd_bench_stop_all; rm -f "$WRAPPER"' EXIT
mkdir -p "$BENCH_DIR/json" "$RESULTS_DIR"
host_root() { echo "$BENCH_DIR/h$1/root"; }

# The application: a small git repository (a Django-sized tree of text files).
REPO="$BENCH_DIR/repo"
git init -q -b main "$REPO"
for d in app app/templates app/static static; do mkdir -p "$REPO/$d"; done
for i in $(seq 1 40); do printf 'line %s\n' $(seq 1 50) >"$REPO/app/module$i.py"; done
for i in $(seq 1 10); do printf '<p>%s</p>\n' $(seq 1 20) >"$REPO/app/templates/page$i.html"; done
echo v0 >"$REPO/index.html"
git -C "$REPO" add -A
git -C "$REPO" -c user.name=bench -c user.email=bench@example.com commit -q -m v0
cat >"$BENCH_DIR/commit.sh" <<SH
#!/bin/sh
# A new commit, as between two real deploys.
date +%s%N >"$REPO/index.html"
git -C "$REPO" -c user.name=bench -c user.email=bench@example.com commit -q -am next
SH
chmod +x "$BENCH_DIR/commit.sh"

# Slipway's configuration: one stage per host count.
SW="$BENCH_DIR/slipway"
mkdir -p "$SW"
{
  echo "application: bench"
  echo "repo_url: $REPO"
  echo "deploy_to: $DEPLOY_TO"
  echo "source_strategy: git"
  echo "keep_releases: 5"
  echo "ssh:"
  echo "  user: root"
  echo "  identity_file: $BENCH_KEY"
  echo "  known_hosts: $BENCH_KNOWN_HOSTS"
  # The fresh-connection columns: every run connects afresh (connections persist 60 s by default).
  echo "  control_persist: 0"
  echo "stages:"
  for n in 1 5; do
    echo "  bench$n:"
    echo "    branch: main"
    echo "    hosts:"
    for ((i = 0; i < n; i++)); do echo "      - { host: 127.0.0.1, port: ${BENCH_PORTS[$i]}, roles: [web] }"; done
  done
} >"$SW/slipway.yml"
# The same with the upload strategy: one `git archive` locally, uploaded to every host (hosts need no git access).
mkdir -p "$SW/upload"
sed 's/^source_strategy: git/source_strategy: upload/' "$SW/slipway.yml" >"$SW/upload/slipway.yml"
# The git strategy again with `ssh.control_persist`: each host's connection stays open for the next run (OpenSSH
# ControlPersist, Ansible's default), so runs after the first skip the handshake. Capistrano's net-ssh cannot do that.
mkdir -p "$SW/persist"
sed 's/^  control_persist: 0$/  control_persist: 60/' "$SW/slipway.yml" >"$SW/persist/slipway.yml"
grep -q "control_persist: 60" "$SW/persist/slipway.yml" || { echo "deploy-bench: could not add control_persist" >&2; exit 1; }

# Capistrano's project: the same repository, hosts and deploy_to.
CAP="$BENCH_DIR/cap"
mkdir -p "$CAP/config/deploy"
cat >"$CAP/Capfile" <<'RB'
require "capistrano/setup"
require "capistrano/deploy"
require "capistrano/scm/git"
install_plugin Capistrano::SCM::Git
RB
cat >"$CAP/config/deploy.rb" <<RB
set :application, "bench"
set :repo_url, "$REPO"
set :branch, "main"
set :deploy_to, "$DEPLOY_TO"
set :keep_releases, 5
set :format, :dot
set :log_level, :warn
set :ssh_options, { user: "root", keys: ["$BENCH_KEY"], keys_only: true, user_known_hosts_file: "$BENCH_KNOWN_HOSTS",
                    global_known_hosts_file: "/dev/null", verify_host_key: :always }
RB
for n in 1 5; do
  : >"$CAP/config/deploy/bench$n.rb"
  for ((i = 0; i < n; i++)); do
    echo "server \"127.0.0.1\", port: ${BENCH_PORTS[$i]}, user: \"root\", roles: %w{web app}" >>"$CAP/config/deploy/bench$n.rb"
  done
done

reset_hosts() { # reset_hosts N: removes deploy_to on the first N hosts (a first deploy starts from nothing)
  local i
  for ((i = 1; i <= $1; i++)); do rm -rf "$(host_root "$i")/app"; done
}
cat >"$BENCH_DIR/reset.sh" <<SH
#!/bin/sh
for i in \$(seq 1 \$1); do rm -rf "$BENCH_DIR/h\$i/root/app"; done
SH
chmod +x "$BENCH_DIR/reset.sh"
cat >"$BENCH_DIR/par.sh" <<SH
#!/bin/sh
# par.sh N: N parallel ssh HOST true, fresh connections (the floor of any multi-host command).
pids=""
for i in \$(seq 1 \$1); do ssh -F "$BENCH_SSH_CONFIG" h\$i true & pids="\$pids \$!"; done
rc=0; for p in \$pids; do wait \$p || rc=1; done; exit \$rc
SH
chmod +x "$BENCH_DIR/par.sh"

SLW="$(printf '%q' "$SLIPWAY")"
SWF="-f $SW/slipway.yml"
CAPCMD="cd $CAP && cap"

# Sanity: both tools deploy and roll back for real before anything is timed.
echo "== sanity run" >&2
for n in 1 5; do
  $SLW deploy "bench$n" $SWF >/dev/null || { echo "slipway deploy bench$n failed" >&2; $SLW deploy "bench$n" $SWF; exit 1; }
  $SLW deploy "bench$n" $SWF >/dev/null
  $SLW rollback "bench$n" $SWF >/dev/null
  reset_hosts "$n"
  (cd "$CAP" && cap "bench$n" deploy >/dev/null 2>&1) || { echo "cap deploy bench$n failed" >&2; (cd "$CAP" && cap "bench$n" deploy); exit 1; }
  (cd "$CAP" && cap "bench$n" deploy >/dev/null 2>&1 && cap "bench$n" deploy:rollback >/dev/null 2>&1)
  [[ -L $(host_root 1)/app/current ]] || { echo "no current link after cap" >&2; exit 1; }
  reset_hosts "$n"
done

run() { # run NAME PREPARE COMMAND
  hyperfine --style none --runs "$RUNS" --warmup "$WARMUP" --prepare "$2" --export-json "$BENCH_DIR/json/$1.json" \
    --command-name "$1" "$3" >&2
}
median() { jq -r '.results[0].median' "$BENCH_DIR/json/$1.json"; }

for n in 1 5; do
  echo "== $n host(s)" >&2
  run "floor-$n" "true" "$BENCH_DIR/par.sh $n"
  for tool in slipway slipway_upload slipway_persist cap; do
    if [[ $tool == slipway ]]; then
      deploy="$SLW deploy bench$n $SWF"; rollback="$SLW rollback bench$n $SWF"
    elif [[ $tool == slipway_persist ]]; then
      deploy="$SLW deploy bench$n -f $SW/persist/slipway.yml"; rollback="$SLW rollback bench$n -f $SW/persist/slipway.yml"
    elif [[ $tool == slipway_upload ]]; then
      deploy="$SLW deploy bench$n -f $SW/upload/slipway.yml"; rollback="$SLW rollback bench$n -f $SW/upload/slipway.yml"
    else
      deploy="$CAPCMD bench$n deploy"; rollback="$CAPCMD bench$n deploy:rollback"
    fi
    run "$tool-first-$n" "$BENCH_DIR/reset.sh $n" "$deploy >/dev/null 2>&1"
    run "$tool-redeploy-$n" "$BENCH_DIR/commit.sh" "$deploy >/dev/null 2>&1"
    # Each rollback goes back from a fresh deploy (not timed), so there is always a release to return to.
    run "$tool-rollback-$n" "$BENCH_DIR/commit.sh && $deploy >/dev/null 2>&1" "$rollback >/dev/null 2>&1"
    reset_hosts "$n"
  done
done

# Django: the same redeploy on 1 host with `migrate` and `collectstatic` run in the new release before it goes live.
DJANGO=${DJANGO:-1}
if [[ $DJANGO == 1 ]]; then
  PY=/usr/bin/python3
  if ! $PY -c 'import django' 2>/dev/null; then
    echo "== installing Debian's python3-django" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-django >/dev/null
  fi
  (cd "$REPO" && $PY -m django startproject benchsite .)
  cat >>"$REPO/benchsite/settings.py" <<'PY'
STATIC_ROOT = BASE_DIR / "static_collected"
DATABASES["default"]["NAME"] = BASE_DIR / "var" / "db.sqlite3"
PY
  git -C "$REPO" add -A
  git -C "$REPO" -c user.name=bench -c user.email=bench@example.com commit -q -m django
  DJ="$SW/django"
  mkdir -p "$DJ"
  sed 's/^keep_releases: 5/keep_releases: 5\nlinked_dirs: [var]/' "$SW/slipway.yml" >"$DJ/slipway.yml"
  cat >>"$DJ/slipway.yml" <<YML
hooks:
  after_update:
    - { run: "$PY manage.py migrate --noinput && $PY manage.py collectstatic --noinput" }
YML
  cat >>"$CAP/config/deploy.rb" <<RB
append :linked_dirs, "var"
namespace :django do
  task :steps do
    on roles(:app) do
      within release_path do
        execute "$PY", "manage.py", "migrate", "--noinput"
        execute "$PY", "manage.py", "collectstatic", "--noinput"
      end
    end
  end
end
after "deploy:updated", "django:steps"
RB
  echo "== django, 1 host" >&2
  reset_hosts 1
  $SLW deploy bench1 -f "$DJ/slipway.yml" >/dev/null || { $SLW deploy bench1 -f "$DJ/slipway.yml"; exit 1; }
  run "slipway-django-redeploy-1" "$BENCH_DIR/commit.sh" "$SLW deploy bench1 -f $DJ/slipway.yml >/dev/null 2>&1"
  sed 's/^  control_persist: 0$/  control_persist: 60/' "$DJ/slipway.yml" >"$DJ/persist.yml"
  run "slipway_persist-django-redeploy-1" "$BENCH_DIR/commit.sh" "$SLW deploy bench1 -f $DJ/persist.yml >/dev/null 2>&1"
  reset_hosts 1
  (cd "$CAP" && cap bench1 deploy >/dev/null 2>&1) || { (cd "$CAP" && cap bench1 deploy); exit 1; }
  run "cap-django-redeploy-1" "$BENCH_DIR/commit.sh" "$CAPCMD bench1 deploy >/dev/null 2>&1"
  reset_hosts 1
fi

out="$RESULTS_DIR/deploy-bench.txt"
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.2fx", x / y }'; }
{
  echo "deploy-bench $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, load average at the end: $(cut -d" " -f1-3 /proc/loadavg); runs=$RUNS; medians in seconds; no app hooks"
  echo "slipway = git strategy (like cap), a fresh connection per run; upload = slipway's upload strategy;"
  echo "persist = git strategy with ssh.control_persist (the connection kept for the next run); floor = N parallel fresh 'ssh host true'"
  printf '%-9s %5s %8s %8s %8s %8s %8s %12s %12s %12s %13s %13s\n' scenario hosts slipway upload persist cap floor \
    cap/slipway cap/upload cap/persist slipway/floor persist/floor
  for n in 1 5; do
    f=$(median "floor-$n")
    for s in first redeploy rollback; do
      a=$(median "slipway-$s-$n"); u=$(median "slipway_upload-$s-$n"); p=$(median "slipway_persist-$s-$n"); b=$(median "cap-$s-$n")
      printf '%-9s %5s %8.3f %8.3f %8.3f %8.3f %8.3f %12s %12s %12s %13s %13s\n' "$s" "$n" "$a" "$u" "$p" "$b" "$f" \
        "$(ratio "$b" "$a")" "$(ratio "$b" "$u")" "$(ratio "$b" "$p")" "$(ratio "$a" "$f")" "$(ratio "$p" "$f")"
    done
  done
  if [[ $DJANGO == 1 ]]; then
    a=$(median "slipway-django-redeploy-1"); p=$(median "slipway_persist-django-redeploy-1"); b=$(median "cap-django-redeploy-1")
    f=$(median floor-1)
    printf '%-9s %5s %8.3f %8s %8.3f %8.3f %8.3f %12s %12s %12s %13s %13s\n' "django" 1 "$a" "-" "$p" "$b" "$f" \
      "$(ratio "$b" "$a")" "-" "$(ratio "$b" "$p")" "$(ratio "$a" "$f")" "$(ratio "$p" "$f")"
  fi
} | tee "$out"
jq -s '[.[].results[0] | {name: .command, median, mean, stddev, min, max}]' "$BENCH_DIR"/json/*.json >"$RESULTS_DIR/deploy-bench.json"
echo "results: $out" >&2
