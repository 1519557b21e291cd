#!/usr/bin/env python3
"""Slipway's check scheduler (`slipway monitor serve`) against Nagios Core 4 and a plain shell loop, one after the
other in one run, on the same checks: half check_tcp against a local listener, half check_dummy, every check once a
minute. See bench/scripts/monitor-bench.sh for how to run it and docs/benchmarks.md for the figures.

Each contender runs in a cpuacct cgroup of its own, so its CPU includes every plugin it started (and Nagios's worker
processes), whether or not they were waited for. CPU and the number of check runs are counted over a window that starts
after WARM seconds (start-up, JIT, the first spread of checks) and lasts MEASURE seconds. Lateness (start - due) is
what each scheduler itself records: Slipway's `monitor serve` prints the p99 and max of its last 10,000 runs when it
stops; for Nagios the $SERVICELATENCY$ of every result is appended to a perfdata file and the same last 10,000 are
taken.
"""
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

PLUGINS = "/usr/lib/nagios/plugins"
NAGIOS = "/usr/sbin/nagios4"
CGROOT = "/sys/fs/cgroup/cpuacct"

RATES = [int(r) for r in os.environ.get("RATES", "1000 10000").split()]
WARM = float(os.environ.get("WARM", "70"))
MEASURE = float(os.environ.get("MEASURE", "120"))
ENGINES = os.environ.get("ENGINES", "shell slipway nagios").split()
SLIPWAY_DLL = os.environ.get("SLIPWAY_DLL", "src/Slipway.Cli/bin/Release/net10.0/slipway.dll")
CONCURRENCY = int(os.environ.get("CONCURRENCY", "64"))
RESULTS = os.environ.get("RESULTS", "")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Listener:
    """A TCP port that accepts and closes, for check_tcp (outside every measured cgroup)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
                conn.close()
            except OSError:
                return


def checks(n, port):
    """(name, argv) for n checks: even ones check_tcp, odd ones check_dummy."""
    out = []
    for i in range(n):
        if i % 2 == 0:
            out.append((f"tcp{i}", [f"{PLUGINS}/check_tcp", "-H", "127.0.0.1", "-p", str(port), "-w", "1", "-c", "2"]))
        else:
            out.append((f"dummy{i}", [f"{PLUGINS}/check_dummy", "0", "fine"]))
    return out


class Cgroup:
    def __init__(self, name):
        self.path = os.path.join(CGROOT, f"slipway-monitor-bench-{name}-{os.getpid()}")
        os.makedirs(self.path, exist_ok=True)

    def enter(self):
        """For preexec_fn: put the child (and so everything it starts) into the group."""
        with open(os.path.join(self.path, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))

    def usage(self):
        """user + system CPU of the group so far, in seconds."""
        with open(os.path.join(self.path, "cpuacct.usage")) as f:
            return int(f.read()) / 1e9

    def pids(self):
        with open(os.path.join(self.path, "cgroup.procs")) as f:
            return [int(p) for p in f.read().split()]

    def remove(self):
        for _ in range(100):
            left = self.pids()
            if not left:
                break
            for p in left:
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.1)
        os.rmdir(self.path)


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def measured(proc, group, count_runs):
    """Waits WARM, then counts CPU and runs over MEASURE seconds. Returns (cpu seconds, runs, seconds)."""
    deadline = time.monotonic() + WARM
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited early with {proc.returncode}")
        time.sleep(0.5)
    c0, r0, t0 = group.usage(), count_runs(), time.monotonic()
    time.sleep(MEASURE)
    if proc.poll() is not None:
        raise RuntimeError(f"exited early with {proc.returncode}")
    c1, r1, t1 = group.usage(), count_runs(), time.monotonic()
    return c1 - c0, r1 - r0, t1 - t0


# ---- shell loop --------------------------------------------------------------------------------------------------

def run_shell(work, items, rate):
    """The same plugin command lines from one bash loop: all of them back to back, then sleep to the next minute."""
    script = os.path.join(work, "loop.sh")
    counter = os.path.join(work, "shell-runs")
    with open(script, "w") as f:
        f.write("#!/bin/bash\nn=0\nwhile true; do\n  start=$EPOCHSECONDS\n")
        for i, (_, argv) in enumerate(items, 1):
            f.write("  " + " ".join(argv) + " >/dev/null\n")
            if i % 100 == 0:
                f.write(f"  n=$((n + 100)); echo $n > {counter}\n")
        f.write("  left=$((60 - (EPOCHSECONDS - start))); [ $left -gt 0 ] && sleep $left\ndone\n")

    def runs():
        try:
            with open(counter) as f:
                return int(f.read().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    group = Cgroup("shell")
    proc = subprocess.Popen(["bash", script], preexec_fn=group.enter, stdout=subprocess.DEVNULL)
    try:
        cpu, n, secs = measured(proc, group, runs)
        return {"cpu_s": cpu, "runs": n, "secs": secs}
    finally:
        proc.kill()
        proc.wait()
        group.remove()


# ---- slipway -----------------------------------------------------------------------------------------------------

def run_slipway(work, items, rate):
    d = os.path.join(work, "slipway")
    os.makedirs(d, exist_ok=True)
    lines = ["application: bench", f"deploy_to: {d}/srv", "stages:", "  local:", "    hosts:", "      - { host: localhost }",
             "monitor:", "  check_interval: 1m", "  retry_interval: 1m", "  max_check_attempts: 1",
             f"  max_concurrency: {CONCURRENCY}", "  checks:"]
    for name, argv in items:
        lines.append(f"    {name}:")
        lines.append("      command: " + " ".join(argv))
    cfg = os.path.join(d, "slipway.yml")
    with open(cfg, "w") as f:
        f.write("\n".join(lines) + "\n")
    db = os.path.join(d, "monitor.db")
    group = Cgroup("slipway")
    out = open(os.path.join(d, "serve.out"), "w+")
    env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")
    proc = subprocess.Popen(["dotnet", SLIPWAY_DLL, "monitor", "serve", "-f", cfg, "--db", db], preexec_fn=group.enter,
                            stdout=out, stderr=subprocess.STDOUT, env=env)

    def runs():
        # Results reach SQLite in batches: count those stored, over a window as long as the others'.
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
            try:
                return con.execute("SELECT count(*) FROM monitor_results").fetchone()[0]
            finally:
                con.close()
        except sqlite3.Error:
            return 0

    try:
        cpu, n, secs = measured(proc, group, runs)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        group.remove()
    out.seek(0)
    text = out.read()
    stop = [l for l in text.splitlines() if l.startswith("stopped after")]
    p99 = mx = float("nan")
    if stop:
        # "stopped after 412 runs, 412 stored (start lateness p99 3 ms, max 9 ms)"
        s = stop[-1]
        p99 = float(s.split("p99 ")[1].split(" ms")[0]) / 1000
        mx = float(s.split("max ")[1].split(" ms")[0]) / 1000
    else:
        log(text[-2000:])
    return {"cpu_s": cpu, "runs": n, "secs": secs, "p99_s": p99, "max_s": mx}


# ---- nagios ------------------------------------------------------------------------------------------------------

NAGIOS_CFG = """\
# Nagios Core 4 tuned as its documentation advises for large installations (docs: "Tuning Nagios For Maximum
# Performance", "Large Installation Tweaks") and as fast as it goes for this job: no retained state, no external
# command file, no notifications, no host checks.
log_file={d}/nagios.log
cfg_file={d}/objects.cfg
object_cache_file={d}/objects.cache
precached_object_file={d}/objects.precache
resource_file={d}/resource.cfg
status_file={d}/status.dat
status_update_interval=15
temp_file={d}/nagios.tmp
temp_path={d}
lock_file={d}/nagios.lock
check_result_path={d}/checkresults
nagios_user=nagios
nagios_group=nagios
interval_length=60
use_large_installation_tweaks=1
enable_environment_macros=0
max_concurrent_checks=0
check_result_reaper_frequency=1
max_check_result_reaper_time=30
service_inter_check_delay_method=s
max_service_check_spread=1
service_interleave_factor=s
host_inter_check_delay_method=s
max_host_check_spread=1
execute_service_checks=1
execute_host_checks=0
accept_passive_service_checks=0
accept_passive_host_checks=0
check_external_commands=0
retain_state_information=0
use_retained_program_state=0
use_retained_scheduling_info=0
enable_notifications=0
enable_event_handlers=0
enable_flap_detection=1
check_service_freshness=0
check_host_freshness=0
log_initial_states=0
log_passive_checks=0
log_service_retries=0
log_event_handlers=0
log_notifications=0
use_syslog=0
daemon_dumps_core=0
debug_level=0
auto_reschedule_checks=0
process_performance_data=1
service_perfdata_file={d}/latency.log
service_perfdata_file_template=$SERVICELATENCY$
service_perfdata_file_mode=a
service_perfdata_file_processing_interval=0
"""


def run_nagios(work, items, rate):
    d = os.path.join(work, "nagios")
    os.makedirs(os.path.join(d, "checkresults"), exist_ok=True)
    with open(os.path.join(d, "nagios.cfg"), "w") as f:
        f.write(NAGIOS_CFG.format(d=d))
    with open(os.path.join(d, "resource.cfg"), "w") as f:
        f.write(f"$USER1$={PLUGINS}\n")
    obj = ["define timeperiod {\n timeperiod_name always\n alias always\n"
           + "".join(f" {day} 00:00-24:00\n" for day in
                     ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]) + "}",
           "define contact {\n contact_name nobody\n host_notifications_enabled 0\n service_notifications_enabled 0\n"
           " host_notification_period always\n service_notification_period always\n host_notification_options n\n"
           " service_notification_options n\n host_notification_commands noop\n service_notification_commands noop\n}",
           "define command {\n command_name noop\n command_line /bin/true\n}",
           "define host {\n host_name localhost\n address 127.0.0.1\n max_check_attempts 1\n check_period always\n"
           " active_checks_enabled 0\n contacts nobody\n notification_period always\n}"]
    for name, argv in items:
        obj.append(f"define command {{\n command_name {name}\n command_line {' '.join(argv)}\n}}")
        obj.append(f"define service {{\n host_name localhost\n service_description {name}\n check_command {name}\n"
                   " check_interval 1\n retry_interval 1\n max_check_attempts 1\n check_period always\n"
                   " notification_period always\n contacts nobody\n}")
    with open(os.path.join(d, "objects.cfg"), "w") as f:
        f.write("\n".join(obj) + "\n")
    subprocess.run(["chown", "-R", "nagios:nagios", d], check=True)
    verify = subprocess.run([NAGIOS, "-v", os.path.join(d, "nagios.cfg")], capture_output=True, text=True)
    if verify.returncode != 0:
        raise RuntimeError("nagios -v failed:\n" + verify.stdout[-3000:])
    latency = os.path.join(d, "latency.log")

    def runs():
        try:
            with open(latency, "rb") as f:
                return sum(1 for _ in f)
        except FileNotFoundError:
            return 0

    group = Cgroup("nagios")
    proc = subprocess.Popen([NAGIOS, os.path.join(d, "nagios.cfg")], preexec_fn=group.enter,
                            stdout=open(os.path.join(d, "stdout"), "w"), stderr=subprocess.STDOUT)
    try:
        cpu, n, secs = measured(proc, group, runs)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        group.remove()
    with open(latency) as f:
        values = [float(l) for l in f if l.strip()][-10000:]
    return {"cpu_s": cpu, "runs": n, "secs": secs, "p99_s": percentile(values, 99), "max_s": max(values)}


def main():
    if not os.path.isdir(CGROOT):
        sys.exit("monitor-bench: needs cgroup v1 cpuacct at " + CGROOT + " (and root)")
    listener = Listener()
    version = subprocess.run([NAGIOS, "--version"], capture_output=True, text=True).stdout.splitlines()
    report = {"started": time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime()), "warm_s": WARM, "measure_s": MEASURE,
              "nagios": next((l for l in version if l.startswith("Nagios Core")), "?"), "cpus": os.cpu_count(),
              "slipway_max_concurrency": CONCURRENCY, "rates": {}}
    for rate in RATES:
        items = checks(rate, listener.port)  # every check once a minute
        row = {}
        for engine in ENGINES:
            work = tempfile.mkdtemp(prefix=f"monbench-{engine}-")
            os.chmod(work, 0o755)
            log(f"== {rate} checks/min: {engine} (warm {WARM:.0f} s, measure {MEASURE:.0f} s)")
            load0 = os.getloadavg()[0]
            try:
                r = {"shell": run_shell, "slipway": run_slipway, "nagios": run_nagios}[engine](work, items, rate)
            except Exception as e:  # noqa: BLE001 - one failed contender must not lose the others' figures
                log(f"   {engine} failed: {e}")
                r = {"error": str(e)}
            r["load1_before"] = load0
            r["load1_after"] = os.getloadavg()[0]
            if "cpu_s" in r:
                r["cpu_pct"] = 100 * r["cpu_s"] / r["secs"]
                r["cpu_ms_per_run"] = 1000 * r["cpu_s"] / r["runs"] if r["runs"] else float("nan")
            log("   " + json.dumps(r))
            row[engine] = r
            shutil.rmtree(work, ignore_errors=True)
        report["rates"][str(rate)] = row
    print_table(report)
    if RESULTS:
        with open(RESULTS, "w") as f:
            json.dump(report, f, indent=2)


def print_table(report):
    print(f"monitor bench {report['started']}, {report['cpus']} CPUs, {report['nagios']}, "
          f"CPU over {report['measure_s']:.0f} s after {report['warm_s']:.0f} s warm-up")
    print(f"{'checks/min':>10}  {'engine':<8} {'CPU %':>7} {'runs':>7} {'ms CPU/run':>10} {'p99 late':>9} {'max late':>9}  load1")
    for rate, row in report["rates"].items():
        for engine, r in row.items():
            if "error" in r:
                print(f"{rate:>10}  {engine:<8} failed: {r['error']}")
                continue
            p99 = f"{r['p99_s'] * 1000:.0f} ms" if "p99_s" in r else "-"
            mx = f"{r['max_s'] * 1000:.0f} ms" if "max_s" in r else "-"
            print(f"{rate:>10}  {engine:<8} {r['cpu_pct']:>7.1f} {r['runs']:>7.0f} {r['cpu_ms_per_run']:>10.2f} {p99:>9} {mx:>9}"
                  f"  {r['load1_before']:.1f}-{r['load1_after']:.1f}")
        per = {e: r.get("cpu_ms_per_run") for e, r in row.items() if "cpu_ms_per_run" in r}
        if "shell" in per and "slipway" in per:
            print(f"{rate:>10}  ratio slipway / shell loop (CPU per run): {per['slipway'] / per['shell']:.2f}x (target <= 1.3x)")
        if "nagios" in per and "slipway" in per:
            print(f"{rate:>10}  ratio slipway / nagios (CPU per run): {per['slipway'] / per['nagios']:.2f}x (target < 1x)")
        if "nagios" in per and "shell" in per:
            print(f"{rate:>10}  ratio nagios / shell loop (CPU per run): {per['nagios'] / per['shell']:.2f}x")


if __name__ == "__main__":
    main()
