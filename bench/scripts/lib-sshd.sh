#!/usr/bin/env bash
# Loopback sshd hosts for benchmarks. Source this file, then:
#
#   sshd_bench_start 5          # starts h1..h5 on 127.0.0.1, installs an EXIT trap
#   ssh -F "$BENCH_SSH_CONFIG" h1 true
#   sshd_bench_stop_all         # optional: the trap does it too
#
# After sshd_bench_start these are set:
#   BENCH_DIR         temp dir holding everything below (removed by stop_all)
#   BENCH_PORTS       array of ports, BENCH_PORTS[0] is h1
#   BENCH_PIDS        array of sshd pids (started with -D, so $! is the listener)
#   BENCH_KEY         ed25519 client private key (BENCH_KEY.pub is authorized)
#   BENCH_KNOWN_HOSTS known_hosts with one "[127.0.0.1]:PORT ssh-ed25519 ..." line per host
#   BENCH_SSH_CONFIG  ssh_config with Host h1..hN aliases
#
# Only 127.0.0.1 is ever listened on or connected to.
#
# BENCH_REMOTE_BASHRC=1 keeps bash's habit of sourcing ~/.bashrc for commands run by sshd.
# By default the sshd config sets SHLVL=1 for sessions, which makes bash skip it: on a dev
# machine root's ~/.bashrc (pyenv init and the like) costs 200+ ms per command, a constant
# of the machine, not of the transport, that would swamp every difference measured here.

SSHD_BIN=${SSHD_BIN:-/usr/sbin/sshd}
SFTP_SERVER=${SFTP_SERVER:-/usr/lib/openssh/sftp-server}
BENCH_DIR=""
BENCH_PORTS=()
BENCH_PIDS=()

_bench_log() { printf '[lib-sshd] %s\n' "$*" >&2; }

# Prints one free TCP port on 127.0.0.1 that is not in BENCH_PORTS yet.
# Asks the kernel for an ephemeral port (bind to 0), which avoids guessing;
# the tiny window before sshd binds it is covered by the retry in _bench_start_one.
_bench_free_port() {
  local port
  while :; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()') || return 1
    [[ " ${BENCH_PORTS[*]} " == *" $port "* ]] || { echo "$port"; return 0; }
  done
}

# Polls until 127.0.0.1:PORT accepts a connection and sends an SSH banner,
# or the pid dies, or ~10 s pass.
_bench_wait_port() {
  local port=$1 pid=$2 i banner
  for ((i = 0; i < 500; i++)); do
    kill -0 "$pid" 2>/dev/null || return 1
    # The braces keep 2>/dev/null from sticking to the shell (exec makes redirections permanent).
    if { exec 9<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      banner=""
      read -r -t 2 banner <&9 || true
      exec 9>&- 9<&-
      [[ $banner == SSH-* ]] && return 0
    fi
    sleep 0.02
  done
  return 1
}

# _bench_start_one INDEX: writes config for host hINDEX and starts sshd. Retries on a port race.
_bench_start_one() {
  local i=$1 attempt port dir pid
  dir="$BENCH_DIR/h$i"
  mkdir -p "$dir"
  ssh-keygen -q -t ed25519 -N '' -C "bench-h$i" -f "$dir/ssh_host_ed25519_key" </dev/null >/dev/null || return 1
  for ((attempt = 0; attempt < 5; attempt++)); do
    port=$(_bench_free_port) || return 1
    cat >"$dir/sshd_config" <<CFG
ListenAddress 127.0.0.1
Port $port
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $BENCH_DIR/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
MaxStartups 100
MaxSessions 50
UseDNS no
PrintMotd no
PrintLastLog no
Subsystem sftp $SFTP_SERVER
CFG
    [[ ${BENCH_REMOTE_BASHRC:-0} == 1 ]] || echo 'SetEnv SHLVL=1' >>"$dir/sshd_config"
    "$SSHD_BIN" -D -f "$dir/sshd_config" -E "$dir/sshd.log" &
    pid=$!
    if _bench_wait_port "$port" "$pid"; then
      BENCH_PORTS+=("$port")
      BENCH_PIDS+=("$pid")
      printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$dir/ssh_host_ed25519_key.pub")" >>"$BENCH_KNOWN_HOSTS"
      return 0
    fi
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    _bench_log "sshd h$i did not come up on port $port (attempt $((attempt + 1))): $(tail -n 2 "$dir/sshd.log" 2>/dev/null)"
  done
  return 1
}

_bench_write_ssh_config() {
  local i
  : >"$BENCH_SSH_CONFIG"
  for i in "${!BENCH_PORTS[@]}"; do
    cat >>"$BENCH_SSH_CONFIG" <<CFG
Host h$((i + 1))
  HostName 127.0.0.1
  Port ${BENCH_PORTS[$i]}
  User root
  IdentityFile $BENCH_KEY
  IdentitiesOnly yes
  UserKnownHostsFile $BENCH_KNOWN_HOSTS
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  LogLevel ERROR

CFG
  done
}

# sshd_bench_start N: starts N hosts; returns non-zero (after cleaning up) on failure.
sshd_bench_start() {
  local n=${1:?usage: sshd_bench_start N} i
  [[ -x $SSHD_BIN ]] || { _bench_log "no sshd at $SSHD_BIN"; return 1; }
  mkdir -p /run/sshd
  BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/slipway-bench.XXXXXX") || return 1
  BENCH_PORTS=()
  BENCH_PIDS=()
  BENCH_KEY="$BENCH_DIR/id_ed25519"
  BENCH_KNOWN_HOSTS="$BENCH_DIR/known_hosts"
  BENCH_SSH_CONFIG="$BENCH_DIR/ssh_config"
  trap sshd_bench_stop_all EXIT
  trap 'sshd_bench_stop_all; exit 130' INT TERM
  ssh-keygen -q -t ed25519 -N '' -C slipway-bench -f "$BENCH_KEY" </dev/null >/dev/null || { sshd_bench_stop_all; return 1; }
  cp "$BENCH_KEY.pub" "$BENCH_DIR/authorized_keys"
  : >"$BENCH_KNOWN_HOSTS"
  for ((i = 1; i <= n; i++)); do
    _bench_start_one "$i" || { _bench_log "could not start h$i"; sshd_bench_stop_all; return 1; }
  done
  _bench_write_ssh_config
  export BENCH_DIR BENCH_KEY BENCH_KNOWN_HOSTS BENCH_SSH_CONFIG
  _bench_log "started $n sshd on 127.0.0.1 ports ${BENCH_PORTS[*]} in $BENCH_DIR"
}

# Closes ssh ControlMaster sockets under BENCH_DIR, stops every sshd we started (by pid),
# and removes BENCH_DIR. Safe to call twice.
sshd_bench_stop_all() {
  local pid sock
  if [[ -n $BENCH_DIR && -d $BENCH_DIR ]]; then
    for sock in "$BENCH_DIR"/cm/*; do
      [[ -S $sock ]] && ssh -o ControlPath="$sock" -O exit _ >/dev/null 2>&1
    done
  fi
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${BENCH_PIDS[@]}"; do
    wait "$pid" 2>/dev/null
  done
  BENCH_PIDS=()
  BENCH_PORTS=()
  if [[ -n $BENCH_DIR && -d $BENCH_DIR ]]; then
    rm -rf -- "$BENCH_DIR"
  fi
  BENCH_DIR=""
}
