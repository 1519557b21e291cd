"""A long-lived worker: leases jobs over HTTP with long polling, runs them on threads, heartbeats, acks or fails."""
import logging
import signal
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

from .client import LeaseLost, QueueError
from .registry import TASKS, client as default_client

log = logging.getLogger("slipway_jobs")


class Worker:
    """Runs the jobs of `queues`, `concurrency` at once per queue, until stop() (or SIGTERM/SIGINT with run_forever).

    Each job is leased for `lease` seconds and heartbeated every third of it while it runs, so a job may run far longer
    than its lease and still never be handed to a second worker while this one lives. A heartbeat that finds the lease
    lost (this process stalled past it and another worker took the job) drops the job's result. On stop, leasing ends,
    running jobs get `stop_grace` seconds, and what is still running then goes back to the queue unspent.
    """

    def __init__(self, queues, concurrency=4, lease=30.0, wait=10.0, stop_grace=30.0, client=None,
                 before_job=None, after_job=None):
        self.queues = list(queues)
        self.concurrency = concurrency
        self.lease = lease
        self.wait = wait
        self.stop_grace = stop_grace
        self.client = client or default_client()
        self.before_job = before_job
        self.after_job = after_job
        self._stopping = threading.Event()
        self._lock = threading.Condition()
        self._running = {}  # (queue, id, attempt) -> lost flag
        self._acks = []  # successes waiting for the ack thread: (queue, id, attempt, output)
        self._acks_cv = threading.Condition()
        self._acks_closed = False
        self._pool = ThreadPoolExecutor(max_workers=concurrency * len(self.queues), thread_name_prefix="job")
        self.done = 0
        self.failed = 0

    # -- lifecycle -------------------------------------------------------------------------------------------------
    def run_forever(self):
        """run() with SIGTERM (what supervisors send) and Ctrl-C stopping it gracefully."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stop())
        self.run()

    def run(self):
        log.info("taking jobs from %s, %d at a time per queue", ", ".join(self.queues), self.concurrency)
        threads = [threading.Thread(target=self._lease_loop, args=(q,), name=f"lease-{q}", daemon=True) for q in self.queues]
        threads.append(threading.Thread(target=self._heartbeat_loop, name="heartbeat", daemon=True))
        acker = threading.Thread(target=self._ack_loop, name="ack", daemon=True)
        for t in threads + [acker]:
            t.start()
        # Wait on the event in steps: a signal handler runs in the main thread only between these waits.
        while not self._stopping.wait(0.5):
            pass
        for t in threads[:-1]:
            t.join(self.wait + 5)
        self._drain()
        with self._acks_cv:
            self._acks_closed = True
            self._acks_cv.notify_all()
        acker.join(self.stop_grace)
        log.info("stopped: %d jobs done, %d failed", self.done, self.failed)

    def stop(self):
        self._stopping.set()
        with self._lock:
            self._lock.notify_all()

    # -- leasing ---------------------------------------------------------------------------------------------------
    def _lease_loop(self, queue):
        while not self._stopping.is_set():
            with self._lock:
                while self._busy(queue) >= self.concurrency and not self._stopping.is_set():
                    self._lock.wait()
                free = self.concurrency - self._busy(queue)
            if self._stopping.is_set():
                return
            try:
                jobs = self.client.lease(queue, max_jobs=free, wait=self.wait, lease=self.lease)
            except QueueError as e:
                log.warning("cannot lease from %s: %s; trying again in 1s", queue, e)
                self._stopping.wait(1)
                continue
            for job in jobs:
                if self._stopping.is_set():
                    self._give_back(queue, job["id"], job["attempt"])
                    continue
                key = (queue, job["id"], job["attempt"])
                with self._lock:
                    self._running[key] = False
                self._pool.submit(self._run_job, key, job)

    def _busy(self, queue):
        return sum(1 for q, _, _ in self._running if q == queue)

    # -- running ---------------------------------------------------------------------------------------------------
    def _run_job(self, key, job):
        queue, job_id, attempt = key
        started = time.monotonic()
        try:
            if self.before_job:
                self.before_job()
            payload = job["payload"]
            task = TASKS.get(payload.get("task")) if isinstance(payload, dict) else None
            if task is None:
                raise LookupError(f"unknown task {payload.get('task') if isinstance(payload, dict) else payload!r}: "
                                  "is the module that defines it imported by the worker?")
            result = task.direct(*payload.get("args", []), **payload.get("kwargs", {}))
            self._finish(key, ok=True, output=None if result is None else repr(result)[:4000], started=started)
        except Exception as e:  # noqa: BLE001 - any failure of the job's code fails the job, with its traceback kept
            self._finish(key, ok=False, message=f"{type(e).__name__}: {e}", output=traceback.format_exc(), started=started)
        finally:
            if self.after_job:
                self.after_job()
            with self._lock:
                self._running.pop(key, None)
                self._lock.notify_all()

    def _finish(self, key, ok, started, message=None, output=None):
        queue, job_id, attempt = key
        with self._lock:
            lost = self._running.get(key, True)
        took = time.monotonic() - started
        if lost:
            log.warning("job %d attempt %d finished in %.1fs after its lease was lost; its result is dropped", job_id, attempt, took)
            return
        try:
            if ok:
                # Recorded by the ack thread, many per request (one transaction): what a request-per-job would cost
                # is most of a no-op job's time.
                with self._acks_cv:
                    self._acks.append((queue, job_id, attempt, output))
                    self._acks_cv.notify()
                log.info("job %d (%s) attempt %d succeeded in %.2fs", job_id, queue, attempt, took)
            else:
                state = self.client.fail(queue, job_id, attempt, message, output)
                with self._lock:
                    self.failed += 1
                log.warning("job %d (%s) attempt %d failed (%s): %s", job_id, queue, attempt, state, message)
        except LeaseLost:
            log.warning("job %d attempt %d: the lease was lost before its result was recorded; another worker runs it", job_id, attempt)
        except QueueError as e:
            log.error("job %d attempt %d: cannot record the result (%s); it comes back after its lease", job_id, attempt, e)

    def _ack_loop(self):
        while True:
            with self._acks_cv:
                while not self._acks and not self._acks_closed:
                    self._acks_cv.wait()
                if not self._acks:
                    return
                batch, self._acks = self._acks, []
            by_queue = {}
            for queue, job_id, attempt, output in batch:
                by_queue.setdefault(queue, []).append((job_id, attempt, output))
            for queue, jobs in by_queue.items():
                try:
                    lost = self.client.ack_many(queue, jobs)
                except QueueError as e:
                    log.error("cannot record %d successes in %s (%s); they come back after their lease", len(jobs), queue, e)
                    continue
                with self._lock:
                    self.done += len(jobs) - len(lost)
                for job_id, attempt in lost:
                    log.warning("job %d attempt %d: the lease was lost before its result was recorded; another worker runs it",
                                job_id, attempt)

    # -- heartbeats ------------------------------------------------------------------------------------------------
    def _heartbeat_loop(self):
        while not self._stopping.wait(self.lease / 3):
            self._heartbeat()
        # Keep beating while running jobs finish within the grace time.
        deadline = time.monotonic() + self.stop_grace
        while self._running and time.monotonic() < deadline:
            time.sleep(min(self.lease / 3, max(0.05, deadline - time.monotonic())))
            self._heartbeat()

    def _heartbeat(self):
        with self._lock:
            by_queue = {}
            for q, i, a in self._running:
                by_queue.setdefault(q, []).append((i, a))
        for queue, leases in by_queue.items():
            try:
                lost = self.client.heartbeat(queue, leases, lease=self.lease)
            except QueueError as e:
                log.warning("heartbeat to %s failed: %s", queue, e)
                continue
            with self._lock:
                for i, a in lost:
                    if (queue, i, a) in self._running:
                        self._running[(queue, i, a)] = True
                        log.warning("job %d attempt %d: lease lost (another worker may run it now)", i, a)

    # -- stopping --------------------------------------------------------------------------------------------------
    def _drain(self):
        deadline = time.monotonic() + self.stop_grace
        with self._lock:
            while self._running and time.monotonic() < deadline:
                self._lock.wait(max(0.05, deadline - time.monotonic()))
            left = list(self._running)
            for key in left:
                self._running[key] = True  # results that still arrive are dropped: the job is given back
        for queue, job_id, attempt in left:
            self._give_back(queue, job_id, attempt)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _give_back(self, queue, job_id, attempt):
        try:
            self.client.release(queue, job_id, attempt)
            log.info("job %d attempt %d given back to %s", job_id, attempt, queue)
        except QueueError as e:
            log.warning("job %d attempt %d: could not give it back (%s); it comes back after its lease", job_id, attempt, e)
