"""Long-lived Python workers over Slipway's HTTP API against Celery on the same Redis: no-op jobs, pushed in batches,
then processed. Run through bench/scripts/queue-bench.sh; everything it starts listens on 127.0.0.1 and is stopped.

For each system: push N jobs (Slipway: POST /api/queues/bench/jobs in batches of BATCH; Celery: task.delay() per job,
which is how a Django view pushes, and a pipelined bulk send is not in Celery's API), then start the workers and time
from their start until the N-th job is done ("all done in", start-up included), and the rate from 10% done to the
end ("steady", start-up left out: Celery's worker takes about a second to boot). Slipway: WORKERS processes of `python -m slipway_jobs worker` with
THREADS threads each (lease in batches, acks batched). Celery: `celery worker` with WORKERS prefork children, then
(CELERY_POOLS) with the threads pool and WORKERS x THREADS threads; the default prefetch, and gossip/mingle/heartbeat off. Each no-op task of both does nothing but count (Celery's counts
with an INCR on the same Redis; Slipway's "done" is the store's succeeded count)."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
N = int(os.environ.get("N", "10000"))
BATCH = int(os.environ.get("BATCH", "1000"))
WORKERS = int(os.environ.get("WORKERS", "2"))
THREADS = int(os.environ.get("THREADS", "8"))
LATENCY_JOBS = int(os.environ.get("LATENCY_JOBS", "200"))
ENGINES = os.environ.get("ENGINES", "redis sqlite postgres").split()
# Hangfire 1.8 on Hangfire.PostgreSql (bench/scripts/hangfire-bench), on the same PostgreSQL as Slipway's engine.
HANGFIRE = os.environ.get("HANGFIRE_DLL", os.path.join(ROOT, "bench/scripts/hangfire-bench/bin/Release/net10.0/hangfire-bench.dll"))
HANGFIRE_WORKERS = int(os.environ.get("HANGFIRE_WORKERS", str(WORKERS * THREADS)))
SLIPWAY = os.environ.get("SLIPWAY_DLL", os.path.join(ROOT, "src/Slipway.Cli/bin/Release/net10.0/slipway.dll"))
PY = "/usr/bin/python3"
TOKEN = "bench"
PEERS = os.environ.get("PEERS", "hangfire celery").split()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, what):
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what} did not start")


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def api(port, method, path, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def acked_total(port):
    """slipway_queue_http_acked_total from the server's /metrics: jobs completed through it so far."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=60) as r:
        for line in r.read().decode().splitlines():
            if line.startswith("slipway_queue_http_acked_total"):
                return int(float(line.split()[-1]))
    raise SystemExit("queue-bench: no slipway_queue_http_acked_total in /metrics")


def until(count, what, limit=600):
    """Waits for N jobs done; returns (seconds until all done, jobs/s from 10% done to the end: start-up left out)."""
    start = time.monotonic()
    tenth = None
    while True:
        done = count()
        now = time.monotonic()
        if tenth is None and done >= N // 10:
            tenth = (now, done)
        if done >= N:
            return now - start, (N - tenth[1]) / max(now - tenth[0], 1e-3)
        if now - start > limit:
            sys.exit(f"{what}: {done} of {N} done after {limit}s")
        time.sleep(0.02)


def cpu_of(procs):
    """User+system seconds of the processes and their children so far (from /proc)."""
    total = 0.0
    for p in procs:
        try:
            with open(f"/proc/{p.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        except OSError:
            pass
    return total


def slipway(engine, redis_port, pg_port, tmp):
    port = free_port()
    url = {"sqlite": f"sqlite://{tmp}/queue-{time.time_ns()}.db", "redis": f"redis://127.0.0.1:{redis_port}/0?prefix=bench{time.time_ns()}",
           "postgres": f"postgres://postgres@127.0.0.1:{pg_port}/slipway"}[engine]
    serve = subprocess.Popen(["dotnet", SLIPWAY, "queue", "serve", "--url", url, "--http", f"127.0.0.1:{port}", "--token", TOKEN],
                             stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, f"serve-{engine}.log"), "w"), cwd=tmp)
    workers = []
    try:
        wait_port(port, serve, "slipway queue serve")
        api(port, "POST", "/api/queues/warm/jobs", {"payload": 0})  # JIT and store warm-up, outside the timing
        start = time.monotonic()
        for i in range(0, N, BATCH):
            api(port, "POST", "/api/queues/bench/jobs", {"jobs": [{"payload": {"task": "benchjobs.noop", "args": [], "kwargs": {}}}] * min(BATCH, N - i)})
        push = time.monotonic() - start
        env = dict(os.environ, SLIPWAY_QUEUE_URL=f"http://127.0.0.1:{port}", SLIPWAY_QUEUE_TOKEN=TOKEN,
                   PYTHONPATH=os.pathsep.join([os.path.join(ROOT, "examples/django-site"), tmp]))
        # One by one, as a view calls noop(): the client's keep-alive connection, one POST per job (another queue).
        singles = min(N, 2000)
        start = time.monotonic()
        subprocess.run([PY, "-c", f"from slipway_jobs import Client\nc = Client()\nfor _ in range({singles}): c.push('singles', {{}})"],
                       env=env, cwd=tmp, check=True)
        single = singles / (time.monotonic() - start)
        cpu0 = cpu_of([serve])
        start = time.monotonic()
        workers = [subprocess.Popen([PY, "-m", "slipway_jobs", "worker", "bench", "--import", "benchjobs", "--quiet",
                                     "--concurrency", str(THREADS), "--wait", "5"], env=env, cwd=tmp,
                                    stderr=open(os.path.join(tmp, f"worker-{engine}-{n}.log"), "w")) for n in range(WORKERS)]
        # Counted from the server's acks, not the queue's succeeded list: retention keeps only the newest 10,000
        # finished jobs per queue (pruned once a minute), so at 100,000 jobs that list never reaches N.
        acked0 = acked_total(port)
        run, steady = until(lambda: acked_total(port) - acked0, f"slipway {engine}")
        cpu = cpu_of([serve]) - cpu0 + cpu_of(workers)
        return push, single, run, steady, cpu, slipway_latency(port)
    finally:
        for w in workers:
            stop(w)
        stop(serve)


def slipway_latency(port):
    """Enqueue-to-start on an idle queue: a worker long-polls; each job is pushed alone, LATENCY_JOBS times."""
    sys.path.insert(0, os.path.join(ROOT, "examples/django-site"))
    from slipway_jobs import Client

    pusher, poller = Client(f"http://127.0.0.1:{port}", TOKEN), Client(f"http://127.0.0.1:{port}", TOKEN)
    got = {}

    def poll():
        while len(got) < LATENCY_JOBS:
            for job in poller.lease("idle", max_jobs=1, wait=10):
                got[job["payload"]["n"]] = time.monotonic()
                poller.ack("idle", job["id"], job["attempt"])

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    sent = {}
    for n in range(LATENCY_JOBS):
        time.sleep(0.02)  # the queue is idle again: the worker is back in its long poll
        sent[n] = time.monotonic()
        pusher.push("idle", {"n": n})
        until_seen = time.monotonic() + 10
        while n not in got and time.monotonic() < until_seen:
            time.sleep(0.0005)
    thread.join(15)
    return sorted((got[n] - sent[n]) * 1000 for n in sent if n in got)


def celery_latency(env):
    """The same for Celery: the task records when it started against the time sent, on an idle worker."""
    import redis

    r = redis.Redis.from_url(env["BENCH_BROKER"])
    r.delete("bench_latency")
    code = (f"import time\nfrom celery_bench import stamp\n"
            f"for n in range({LATENCY_JOBS}):\n    time.sleep(0.02)\n    stamp.delay(time.time())\n    time.sleep(0.03)\n")
    subprocess.run([PY, "-c", code], env=env, cwd=env["BENCH_DIR"], check=True)
    deadline = time.monotonic() + 30
    while r.llen("bench_latency") < LATENCY_JOBS and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(float(x) for x in r.lrange("bench_latency", 0, -1))


def start_postgres(tmp):
    """A private PostgreSQL with its stock settings (durable commits), as the queue tests start it; (process, port)."""
    pgbin = os.path.dirname(sorted(__import__("glob").glob("/usr/lib/postgresql/*/bin/postgres"))[-1])
    data = os.path.join(tmp, "pg")
    os.makedirs(data)
    as_pg = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    if as_pg:
        shutil.chown(tmp, "postgres")
        shutil.chown(data, "postgres")
    subprocess.run(as_pg + [f"{pgbin}/initdb", "-D", f"{data}/data", "-A", "trust", "-U", "postgres"], check=True,
                   stdout=subprocess.DEVNULL)
    port = free_port()
    proc = subprocess.Popen(as_pg + [f"{pgbin}/postgres", "-D", f"{data}/data", "-k", data, "-p", str(port),
                                     "-c", "listen_addresses=127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port, proc, "postgres")
    proc.postmaster = os.path.join(data, "data", "postmaster.pid")  # runuser's pid is only the postmaster's parent
    for db in ("slipway", "hangfire"):
        for _ in range(100):
            if subprocess.run([f"{pgbin}/psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c", f"CREATE DATABASE {db}"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
                break
            time.sleep(0.1)
    return proc, port


def hangfire(pg_port):
    """Hangfire's own server in process: push N one by one, then WORKERS x THREADS workers (HANGFIRE_WORKERS)."""
    out = subprocess.run(["dotnet", HANGFIRE, f"Host=127.0.0.1;Port={pg_port};Username=postgres;Database=hangfire;Maximum Pool Size=100",
                          str(N), str(HANGFIRE_WORKERS), str(LATENCY_JOBS)], check=True, stdout=subprocess.PIPE, text=True).stdout
    figures, latencies = out.split("\n")[:2]
    push, run, steady, cpu = (float(x) for x in figures.split())
    return None, push, run, steady, cpu, [float(x) for x in latencies.split()]


def celery(redis_port, tmp, pool):
    env = dict(os.environ, BENCH_BROKER=f"redis://127.0.0.1:{redis_port}/1", PYTHONPATH=tmp, BENCH_DIR=tmp)
    subprocess.run([PY, "-c", "import redis, os; redis.Redis.from_url(os.environ['BENCH_BROKER']).flushdb()"], env=env, check=True)
    start = time.monotonic()
    subprocess.run([PY, "-c", f"from celery_bench import noop\nfor _ in range({N}): noop.delay()"], env=env, cwd=tmp, check=True)
    push = time.monotonic() - start
    single = N / push
    start = time.monotonic()
    worker = subprocess.Popen([PY, "-m", "celery", "-A", "celery_bench", "worker", "-l", "warning",
                               "-P", pool, "-c", str(WORKERS if pool == "prefork" else WORKERS * THREADS),
                               "--without-gossip", "--without-mingle", "--without-heartbeat"], env=env, cwd=tmp,
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "celery.log"), "w"))
    try:
        import redis  # Debian's python3-redis, which Celery's Redis transport needs anyway

        counter = redis.Redis.from_url(env["BENCH_BROKER"])
        run, steady = until(lambda: int(counter.get("bench_done") or 0), "celery")
        children = [int(p) for p in open(f"/proc/{worker.pid}/task/{worker.pid}/children").read().split()]
        cpu = cpu_of([worker] + [type("P", (), {"pid": c})() for c in children])
        return None, single, run, steady, cpu, celery_latency(env)
    finally:
        stop(worker)


def print_row(name, push, single, run, steady, cpu, lat):
    batch = "-" if push is None else f"{N / push:,.0f}"
    p50, p99 = (lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.99))]) if lat else (float("nan"),) * 2
    print(f"{name:<30} {batch:>12} {single:>13,.0f} {run:>10.2f}s {steady:>13,.0f} {cpu / N * 1000:>15.2f} "
          f"{p50:>12.1f} {p99:>7.1f}  ({len(lat)} of {LATENCY_JOBS})", flush=True)


def main():
    tmp = tempfile.mkdtemp(prefix="queue-bench-")
    with open(os.path.join(tmp, "benchjobs.py"), "w") as f:
        f.write("from slipway_jobs import job\n\n@job(queue='bench')\ndef noop():\n    pass\n")
    with open(os.path.join(tmp, "celery_bench.py"), "w") as f:
        f.write("import os, redis\nfrom celery import Celery\n"
                "app = Celery('bench', broker=os.environ['BENCH_BROKER'])\n"
                "app.conf.task_ignore_result = True\n"
                "r = redis.Redis.from_url(os.environ['BENCH_BROKER'])\n\n"
                "@app.task\ndef noop():\n    r.incr('bench_done')\n\n"
                "@app.task\ndef stamp(sent):\n    import time\n    r.rpush('bench_latency', (time.time() - sent) * 1000)\n")
    pg, pg_port = start_postgres(tmp) if "postgres" in ENGINES or "hangfire" in PEERS else (None, None)
    redis_port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", tmp], stdout=subprocess.DEVNULL)
    try:
        wait_port(redis_port, redis, "redis-server")
        print(f"N={N} batch={BATCH} workers={WORKERS} threads={THREADS} load={os.getloadavg()[0]:.1f} "
              f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC")
        print(f"{'system':<30} {'push batch/s':>12} {'push 1-by-1/s':>13} {'all done in':>11} {'steady jobs/s':>13} "
              f"{'CPU s/1000 jobs':>15} {'start p50 ms':>12} {'p99 ms':>7}")
        # Each row is printed as soon as it is measured, so a run cut short (a peer past its limit) keeps the others.
        for e in ENGINES:
            print_row(f"slipway HTTP, {e}", *slipway(e, redis_port, pg_port, tmp))
        if "hangfire" in PEERS:
            print_row(f"hangfire 1.8, postgres ({HANGFIRE_WORKERS}w)", *hangfire(pg_port))
        if "celery" in PEERS:
            for pool in os.environ.get("CELERY_POOLS", "prefork threads").split():
                print_row(f"celery 5.2 {pool}, redis", *celery(redis_port, tmp, pool))
        print(f"load after: {os.getloadavg()[0]:.1f}")
    finally:
        stop(redis)
        if pg is not None:
            os.kill(int(open(pg.postmaster).readline()), signal.SIGTERM)
            pg.wait(30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
