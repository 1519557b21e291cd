#!/usr/bin/env bash
# The main job on this machine, with no server to install: examples/django-site set up and deployed by Slipway on
# the local transport (gunicorn under Slipway's own supervisor, SQLite), then a second deploy and a rollback.
#
#   bash scripts/demo.sh            # builds slipway, runs the demo in ./demo, stops what it started at the end
#   bash scripts/demo.sh --keep     # leaves the site running (and says how to stop it)
#   bash scripts/demo.sh --stop     # stops a site left running by --keep
#
# Installs what it needs when missing: Debian's python3-django, gunicorn, python3-venv and git (scripts/deps/recipes.sh).
# Environment: DEMO_DIR (default ./demo), DEMO_PORT (default: a free port), SLIPWAY (a slipway executable to use
# instead of building one), SKIP_BUILD=1 (use the existing Release build).
set -euo pipefail

mode=run
case "${1:-}" in
  "") ;;
  --keep) mode=keep ;;
  --stop) mode=stop ;;
  -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "demo.sh: unknown option $1 (use --keep, --stop or --help)" >&2; exit 2 ;;
esac

repo_root=$(cd "$(dirname "$0")/.." && pwd)
demo=$(mkdir -p "${DEMO_DIR:-./demo}" && cd "${DEMO_DIR:-./demo}" && pwd)
site="$demo/site"
config="$demo/slipway.yml"
marker="$demo/.slipway-demo"

# Stops the supervisor the demo's setup started (it stops gunicorn with it), by the pid in its pidfile.
stop_site() {
  local pidfile="$site/slipway/supervisord.pid" pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "stopped the demo's supervisor (pid $pid) and the site it ran"
  fi
  rm -f "$pidfile"
}

if [ "$mode" = stop ]; then
  stop_site
  exit 0
fi

# What the demo needs, installed when missing (as scripts/test.sh does): Debian's python3-django, gunicorn,
# python3-venv and git, through scripts/deps/recipes.sh (apt-get, as root or through sudo). Debian's python (not a
# pyenv or venv one first on PATH) runs the site.
py=/usr/bin/python3
missing_deps() {
  missing=()
  [ -x "$py" ] || missing+=(python3)
  "$py" -c 'import django' 2>/dev/null || missing+=(python3-django)
  "$py" -c 'import gunicorn' 2>/dev/null || missing+=(gunicorn)
  "$py" -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
  command -v git >/dev/null || missing+=(git)
  [ ${#missing[@]} -gt 0 ]
}
if missing_deps; then
  echo "demo.sh: installing ${missing[*]} (scripts/deps/recipes.sh)..."
  bash "$repo_root/scripts/deps/recipes.sh"
  if missing_deps; then
    echo "demo.sh: ${missing[*]} still missing after scripts/deps/recipes.sh. Fix: apt-get install ${missing[*]}" >&2
    exit 2
  fi
fi

# A previous run's directory is replaced; any other non-empty directory is left alone.
if [ -n "$(ls -A "$demo")" ] && [ ! -e "$marker" ]; then
  echo "demo.sh: $demo is not empty and not a demo directory; set DEMO_DIR to another path" >&2
  exit 2
fi
stop_site
find "$demo" -mindepth 1 -delete
touch "$marker"

if [ -z "${SLIPWAY:-}" ]; then
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "Building slipway (Release)..."
    dotnet build "$repo_root/src/Slipway.Cli" -c Release -nologo -v quiet >/dev/null
  fi
  SLIPWAY="$repo_root/src/Slipway.Cli/bin/Release/net10.0/slipway"
fi
port=${DEMO_PORT:-$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
url="http://127.0.0.1:$port/"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
slipway() { printf '$ slipway %s\n' "$*"; "$SLIPWAY" "$@" -f "$config"; }
get() { printf '$ curl %s\n' "$1"; "$py" -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode(), end="")' "$1"; }
git_repo() { git -C "$demo/repo" -c user.name=Demo -c user.email=demo@example.com "$@"; }

finish() {
  local status=$?
  if [ "$mode" = keep ] && [ $status -eq 0 ]; then
    printf '\nThe site is still running at %s. Stop it with: bash scripts/demo.sh --stop%s\n' "$url" \
      "$([ -n "${DEMO_DIR:-}" ] && printf ' (with DEMO_DIR=%s)' "$DEMO_DIR")"
  else
    stop_site
  fi
  exit $status
}
trap finish EXIT

step "The site: examples/django-site in a git repository of its own ($demo/repo)"
mkdir -p "$demo/repo"
(cd "$repo_root/examples/django-site" && tar --exclude=__pycache__ --exclude=slipway.yml -cf - .) | tar -xf - -C "$demo/repo"
git -C "$demo/repo" init -q -b main
git_repo add -A && git_repo commit -q -m "the example site"
cat > "$config" <<EOF
# The demo's slipway.yml: one host, this machine, reached without SSH (transport: local).
application: django-demo
repo_url: $demo/repo
deploy_to: $site
source_strategy: upload
keep_releases: 3
linked_files: [django.env]
templates:                         # slipway setup writes shared/django.env from this when it is missing, mode 0600
  django.env:
    content: |
      DJANGO_SECRET_KEY=\${DEMO_SECRET_KEY:-}
      DJANGO_DATABASE=$site/shared/site.sqlite3
recipes:
  django:
    python: $py
    system_site_packages: true     # Debian's python3-django and gunicorn; pip never reaches an index
    requirements: requirements.txt
    no_index: true
    settings: mysite.settings
    env_file: django.env
    migrate: { roles: [db] }
    collectstatic: true
supervisor: slipway                # Slipway's own supervisor, started by slipway setup
processes:
  web:
    command: "python -m gunicorn mysite.wsgi --bind 127.0.0.1:\${http_port} --workers 2"
    environment: { PORT: "\${http_port}" }
    roles: [web]
    stopwaitsecs: 5
health:
  web: { http: "http://127.0.0.1:\${http_port}/health", expect: 200, contains: ok, timeout: 5s, retries: 10, interval: 500ms }
stages:
  demo:
    branch: main
    hosts:
      - { host: localhost, transport: local, roles: [web, db], vars: { http_port: $port } }
EOF
sed -n '2,$p' "$config"
# The secret comes from the environment when setup writes shared/django.env (and never from slipway.yml).
DEMO_SECRET_KEY=$("$py" -c 'import secrets; print(secrets.token_hex(32))')
export DEMO_SECRET_KEY

step "Prepare the host: deploy_to tree, shared/django.env from its template, the host binary, Slipway's supervisor started"
slipway setup demo

step "First deploy: virtualenv, check --deploy, migrate, collectstatic, gunicorn started, health checked"
slipway deploy demo
first=$(basename "$(readlink "$site/current")")

step "The release layout Slipway made (Capistrano's)"
echo "\$ ls -l $site"; ls -l "$site" | sed 1d
echo "\$ ls $site/releases $site/shared"; ls "$site/releases" "$site/shared"

step "What runs, and the site answering"
slipway ps demo
get "$url"

step "A change to the site, deployed"
sed -i 's/"SITE_GREETING", "hello"/"SITE_GREETING", "hello again"/' "$demo/repo/mysite/settings.py"
git_repo commit -q -am "a new greeting"
slipway deploy demo
get "$url"
slipway releases demo

step "Rollback to the first release"
slipway rollback demo --to "$first"
get "$url"
