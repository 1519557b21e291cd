#!/usr/bin/env bash
# Recipes benchmark: examples/django-site prepared and deployed to 1 loopback sshd host by Slipway (setup, then the
# Django and supervisor recipes) and by Capistrano 3 (Debian's capistrano) running the same steps as tasks:
# a virtualenv per release, pip install --no-index, check --deploy, migrate, collectstatic, gunicorn restarted through
# supervisorctl, then an HTTP check of the site.
#
#   bash bench/scripts/recipes-bench.sh            # from the repo root
#
# Scenarios (hyperfine medians):
#   setup+first  fresh host: prepare it (Slipway: `slipway setup`; Capistrano: a supervisor:setup task writing the
#                env file and supervisord.conf and starting supervisord) and deploy the first release
#   redeploy     a new commit deployed over the running site
#
# Environment:
#   SLIPWAY=/path/to/slipway   the binary to time (default: artifacts/native/slipway, scripts/publish-native.sh,
#                              the same artifact deploy-bench.sh uses)
#   SKIP_BUILD=1               reuse artifacts/native/slipway as is
#   RUNS=3 WARMUP=0            hyperfine settings per scenario
#   RESULTS_DIR=bench/results  where recipes-bench.txt / recipes-bench.json go
#
# The host is a real sshd on 127.0.0.1 (bench/scripts/lib-sshd.sh); gunicorn listens on 127.0.0.1 only. Each tool
# runs its own supervisor (Slipway: `slipway supervise` started by setup; Capistrano: Debian's supervisord) and both
# are stopped, by pid, between runs and on exit. Nothing leaves the machine; everything is removed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=lib-sshd.sh
source bench/scripts/lib-sshd.sh

RUNS=${RUNS:-3}
WARMUP=${WARMUP:-0}
RESULTS_DIR=${RESULTS_DIR:-bench/results}
PY=/usr/bin/python3

for tool in hyperfine jq ssh ssh-keygen git; do
  command -v "$tool" >/dev/null || { echo "recipes-bench: $tool is required" >&2; exit 1; }
done
missing=()
command -v cap >/dev/null || missing+=(capistrano)
[ -x /usr/bin/supervisord ] || missing+=(supervisor)
$PY -c 'import django' 2>/dev/null || missing+=(python3-django)
$PY -c 'import gunicorn' 2>/dev/null || missing+=(gunicorn)
$PY -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  # policy-rc.d 101 keeps Debian's own supervisord service from starting (see scripts/deps/supervise.sh).
  had_policy=0; [ -e /usr/sbin/policy-rc.d ] && had_policy=1
  [ $had_policy = 1 ] || { printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null; $SUDO chmod +x /usr/sbin/policy-rc.d; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  [ $had_policy = 1 ] || $SUDO rm -f /usr/sbin/policy-rc.d
fi

SLIPWAY=${SLIPWAY:-$ROOT/artifacts/native/slipway}
if [[ ${SKIP_BUILD:-0} != 1 || ! -x $SLIPWAY ]] && [[ $SLIPWAY == "$ROOT/artifacts/native/slipway" ]]; then
  echo "== publishing slipway (native: scripts/publish-native.sh)" >&2
  bash scripts/publish-native.sh artifacts/native >&2
fi

sshd_bench_start 1
stop_daemons() { # by the pid in each tool's pidfile; the supervisor stops gunicorn with it
  local f pid
  for f in "$BENCH_DIR"/slw/slipway/supervisord.pid "$BENCH_DIR"/cap-app/shared/supervisor/supervisord.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$f"
  done
}
trap 'stop_daemons; sshd_bench_stop_all' EXIT
mkdir -p "$BENCH_DIR/json" "$RESULTS_DIR"
free_port() { $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SLW_PORT=$(free_port)
CAP_PORT=$(free_port)
SECRET=bench-$(date +%s%N)-not-a-real-secret-but-long-enough-for-check-deploy

# The application: examples/django-site in a git repository of its own.
REPO="$BENCH_DIR/repo"
mkdir -p "$REPO"
(cd examples/django-site && tar --exclude=__pycache__ --exclude=slipway.yml -cf - .) | tar -xf - -C "$REPO"
git -C "$REPO" init -q -b main
git -C "$REPO" add -A
git -C "$REPO" -c user.name=bench -c user.email=bench@example.com commit -q -m site
cat >"$BENCH_DIR/commit.sh" <<SH
#!/bin/sh
# A new commit, as between two real deploys.
date +%s%N >"$REPO/VERSION"
git -C "$REPO" add -A && git -C "$REPO" -c user.name=bench -c user.email=bench@example.com commit -q -m next
SH
chmod +x "$BENCH_DIR/commit.sh"

# Slipway: the recipes as a user writes them.
SLW_TO="$BENCH_DIR/slw"
cat >"$BENCH_DIR/slipway.yml" <<YML
application: bench
repo_url: $REPO
deploy_to: $SLW_TO
source_strategy: git
keep_releases: 5
linked_files: [django.env]
templates:
  django.env: { content: "DJANGO_SECRET_KEY=$SECRET\nDJANGO_DATABASE=$SLW_TO/shared/site.sqlite3\n" }
ssh:
  user: root
  identity_file: $BENCH_KEY
  known_hosts: $BENCH_KNOWN_HOSTS
  control_persist: 0 # like for like with Capistrano, whose net-ssh connects afresh every run
recipes:
  django:
    python: $PY
    system_site_packages: true
    requirements: requirements.txt
    no_index: true
    settings: mysite.settings
    env_file: django.env
    migrate: true
    collectstatic: true
processes:
  web: { command: "python -m gunicorn mysite.wsgi --bind 127.0.0.1:$SLW_PORT --workers 2", stopwaitsecs: 5 }
health:
  web: { http: "http://127.0.0.1:$SLW_PORT/health", expect: 200, contains: ok, timeout: 5s, retries: 20, interval: 250ms }
stages:
  bench:
    branch: main
    hosts:
      - { host: 127.0.0.1, port: ${BENCH_PORTS[0]}, roles: [web, db] }
YML

# Capistrano: the same steps as tasks, the way a Capistrano user writes them (no plugins: Debian ships none).
CAP_TO="$BENCH_DIR/cap-app"
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
set :deploy_to, "$CAP_TO"
set :keep_releases, 5
set :format, :dot
set :log_level, :warn
set :linked_files, ["django.env"]
set :ssh_options, { user: "root", keys: ["$BENCH_KEY"], keys_only: true, user_known_hosts_file: "$BENCH_KNOWN_HOSTS",
                    global_known_hosts_file: "/dev/null", verify_host_key: :always }
SUP = "#{shared_path}/supervisor"
CTL = "supervisorctl -c #{SUP}/supervisord.conf"
DJANGO_ENV = "set -a && . #{shared_path}/django.env && set +a && export DJANGO_SETTINGS_MODULE=mysite.settings SLIPWAY_STATIC_ROOT=#{shared_path}/static"

namespace :supervisor do
  desc "Prepare the host: env file (when missing), supervisord.conf, supervisord running"
  task :setup do
    on roles(:app) do
      execute :mkdir, "-p", SUP, "#{shared_path}/static"
      execute "[ -e #{shared_path}/django.env ] || printf 'DJANGO_SECRET_KEY=$SECRET\\\\nDJANGO_DATABASE=#{shared_path}/site.sqlite3\\\\n' > #{shared_path}/django.env"
      upload! StringIO.new(<<~CONF), "#{SUP}/supervisord.conf"
        [unix_http_server]
        file=#{SUP}/supervisor.sock
        [supervisord]
        logfile=#{SUP}/supervisord.log
        pidfile=#{SUP}/supervisord.pid
        childlogdir=#{SUP}
        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
        [supervisorctl]
        serverurl=unix://#{SUP}/supervisor.sock
        [include]
        files=#{SUP}/programs.conf
      CONF
      execute "[ -e #{SUP}/programs.conf ] || : > #{SUP}/programs.conf"
      execute "[ -f #{SUP}/supervisord.pid ] && kill -0 \$(cat #{SUP}/supervisord.pid) 2>/dev/null || supervisord -c #{SUP}/supervisord.conf"
      execute "i=0; until #{CTL} pid 2>/dev/null | grep -q '^[0-9]'; do i=\$((i+1)); [ \$i -lt 60 ] || exit 1; sleep 0.25; done"
    end
  end

  desc "Programs file, update, restart gunicorn, wait for the site"
  task :restart do
    on roles(:app) do
      upload! StringIO.new(<<~CONF), "#{SUP}/programs.conf"
        [program:web]
        command=/bin/sh -c '#{DJANGO_ENV} && exec #{current_path}/venv/bin/python -m gunicorn mysite.wsgi --bind 127.0.0.1:$CAP_PORT --workers 2'
        directory=#{current_path}
        startsecs=1
        stopwaitsecs=5
        stopasgroup=true
        killasgroup=true
      CONF
      execute "#{CTL} update >/dev/null && #{CTL} restart web"
      execute "i=0; until $PY -c 'import sys, urllib.request; sys.exit(0 if b\"ok\" in urllib.request.urlopen(\"http://127.0.0.1:$CAP_PORT/health\", timeout=5).read() else 1)' 2>/dev/null; do i=\$((i+1)); [ \$i -lt 20 ] || exit 1; sleep 0.25; done"
    end
  end
end

namespace :django do
  task :build do
    on roles(:app) do
      execute "cd #{release_path} && $PY -m venv --system-site-packages venv && venv/bin/pip install -q --no-index --cache-dir #{shared_path}/pip-cache -r requirements.txt"
      execute "cd #{release_path} && #{DJANGO_ENV} && venv/bin/python manage.py check --deploy && venv/bin/python manage.py migrate --noinput && venv/bin/python manage.py collectstatic --noinput"
    end
  end
end
after "deploy:updated", "django:build"
after "deploy:published", "supervisor:restart"
RB
echo "server \"127.0.0.1\", port: ${BENCH_PORTS[0]}, user: \"root\", roles: %w{web app db}" >"$CAP/config/deploy/bench.rb"

cat >"$BENCH_DIR/reset.sh" <<SH
#!/bin/sh
# A fresh host: both supervisors stopped (by pid), both deploy_to trees gone.
for f in "$SLW_TO/slipway/supervisord.pid" "$CAP_TO/shared/supervisor/supervisord.pid"; do
  [ -f "\$f" ] || continue
  pid=\$(cat "\$f"); kill -TERM "\$pid" 2>/dev/null
  i=0; while kill -0 "\$pid" 2>/dev/null && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i+1)); done
done
rm -rf "$SLW_TO" "$CAP_TO"
SH
chmod +x "$BENCH_DIR/reset.sh"

SLW="$(printf '%q' "$SLIPWAY")"
SWF="-f $BENCH_DIR/slipway.yml"
CAPCMD="cd $CAP && cap bench"
answers() { $PY -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode().strip())' "$1"; }

# Sanity: both tools set up, deploy and serve for real before anything is timed.
echo "== sanity run" >&2
"$BENCH_DIR/reset.sh"
$SLW setup bench $SWF >/dev/null && $SLW deploy bench $SWF >/dev/null || { $SLW setup bench $SWF; $SLW deploy bench $SWF; exit 1; }
(cd "$CAP" && cap bench supervisor:setup deploy >/dev/null 2>&1) || { (cd "$CAP" && cap bench supervisor:setup deploy); exit 1; }
echo "slipway: $(answers "http://127.0.0.1:$SLW_PORT/")" >&2
echo "cap:     $(answers "http://127.0.0.1:$CAP_PORT/")" >&2
"$BENCH_DIR/reset.sh"

run() { # run NAME PREPARE COMMAND
  hyperfine --style none --runs "$RUNS" --warmup "$WARMUP" --prepare "$2" --export-json "$BENCH_DIR/json/$1.json" \
    --command-name "$1" "$3" >&2
}
median() { jq -r '.results[0].median' "$BENCH_DIR/json/$1.json"; }

echo "== setup + first deploy" >&2
run slipway-setup-first "$BENCH_DIR/reset.sh" "$SLW setup bench $SWF >/dev/null 2>&1 && $SLW deploy bench $SWF >/dev/null 2>&1"
run cap-setup-first "$BENCH_DIR/reset.sh" "$CAPCMD supervisor:setup deploy >/dev/null 2>&1"
echo "== redeploy" >&2
"$BENCH_DIR/reset.sh"
$SLW setup bench $SWF >/dev/null 2>&1 && $SLW deploy bench $SWF >/dev/null 2>&1
(cd "$CAP" && cap bench supervisor:setup deploy >/dev/null 2>&1)
run slipway-redeploy "$BENCH_DIR/commit.sh" "$SLW deploy bench $SWF >/dev/null 2>&1"
run cap-redeploy "$BENCH_DIR/commit.sh" "$CAPCMD deploy >/dev/null 2>&1"
echo "slipway: $(answers "http://127.0.0.1:$SLW_PORT/")" >&2
echo "cap:     $(answers "http://127.0.0.1:$CAP_PORT/")" >&2

out="$RESULTS_DIR/recipes-bench.txt"
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.2fx", x / y }'; }
{
  echo "recipes-bench $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, load average at the end: $(cut -d" " -f1-3 /proc/loadavg); runs=$RUNS; medians in seconds"
  echo "examples/django-site on 1 loopback sshd host: venv, pip --no-index, check --deploy, migrate, collectstatic, gunicorn restart, HTTP check"
  printf '%-12s %9s %9s %12s\n' scenario slipway cap cap/slipway
  for s in setup-first redeploy; do
    a=$(median "slipway-$s"); b=$(median "cap-$s")
    printf '%-12s %9.3f %9.3f %12s\n' "$s" "$a" "$b" "$(ratio "$b" "$a")"
  done
} | tee "$out"
jq -s '[.[].results[0] | {name: .command, median, mean, stddev, min, max}]' "$BENCH_DIR"/json/*.json >"$RESULTS_DIR/recipes-bench.json"
echo "results: $out" >&2
