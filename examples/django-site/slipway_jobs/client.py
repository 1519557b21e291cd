"""The HTTP side: one keep-alive connection per thread to `slipway queue serve` (standard library only)."""
import http.client
import json
import os
import threading
import urllib.parse

DEFAULT_URL = "http://127.0.0.1:8515"


class QueueError(Exception):
    """The server refused a call (status and its message), or could not be reached (status 0)."""

    def __init__(self, status, message):
        super().__init__(f"{status}: {message}" if status else message)
        self.status = status
        self.message = message


class LeaseLost(QueueError):
    """409: the job was leased again (or finished, or deleted) after this worker's lease ran out."""


class Client:
    """Calls the queue's HTTP API. Settings come from SLIPWAY_QUEUE_URL and SLIPWAY_QUEUE_TOKEN unless given."""

    def __init__(self, url=None, token=None, timeout=30.0):
        parsed = urllib.parse.urlsplit(url or os.environ.get("SLIPWAY_QUEUE_URL") or DEFAULT_URL)
        if parsed.scheme not in ("http", "https"):
            raise ValueError(f"SLIPWAY_QUEUE_URL must be http://HOST:PORT, got {url!r}")
        self._scheme = parsed.scheme
        self._host = parsed.hostname or "127.0.0.1"
        self._port = parsed.port or (443 if parsed.scheme == "https" else 80)
        self._base = parsed.path.rstrip("/")
        self._token = token if token is not None else os.environ.get("SLIPWAY_QUEUE_TOKEN")
        self._timeout = timeout
        self._local = threading.local()

    # -- pushing ---------------------------------------------------------------------------------------------------
    def push(self, queue, payload, delay=None, key=None, priority=None, max_attempts=None):
        """Adds one job; returns (id, created). created is False when `key` matched a job already stored."""
        answer = self.call("POST", f"/api/queues/{queue}/jobs", _job(payload, delay, key, priority, max_attempts))
        return answer["id"], answer["created"]

    def push_many(self, queue, jobs):
        """Adds [{"payload": …, "key"?: …}, …] in one transaction; returns [(id, created), …] in order."""
        answer = self.call("POST", f"/api/queues/{queue}/jobs", {"jobs": list(jobs)})
        return [(j["id"], j["created"]) for j in answer["jobs"]]

    # -- working ---------------------------------------------------------------------------------------------------
    def lease(self, queue, max_jobs=1, wait=0, lease=None):
        """Up to max_jobs jobs; waits up to `wait` seconds for the first one (long polling)."""
        body = {"max": max_jobs, "wait": wait}
        if lease is not None:
            body["lease"] = lease
        return self.call("POST", f"/api/queues/{queue}/lease", body, timeout=self._timeout + wait)["jobs"]

    def heartbeat(self, queue, jobs, lease=None):
        """Extends the leases of [(id, attempt), …]; returns the set of those lost (taken over, finished or deleted)."""
        body = {"jobs": [{"id": i, "attempt": a} for i, a in jobs]}
        if lease is not None:
            body["lease"] = lease
        answer = self.call("POST", f"/api/queues/{queue}/heartbeat", body)
        return {(j["id"], j["attempt"]) for j in answer["lost"]}

    def ack(self, queue, job_id, attempt, output=None):
        self.call("POST", f"/api/queues/{queue}/jobs/{job_id}/ack", {"attempt": attempt, "output": output})

    def ack_many(self, queue, jobs):
        """Completes [(id, attempt, output), …] in one transaction; returns the set of (id, attempt) lost."""
        body = {"jobs": [{"id": i, "attempt": a, "output": o} for i, a, o in jobs]}
        return {(j["id"], j["attempt"]) for j in self.call("POST", f"/api/queues/{queue}/ack", body)["lost"]}

    def fail(self, queue, job_id, attempt, message, output=None):
        """Returns "retrying" or "dead"."""
        body = {"attempt": attempt, "message": message, "output": output}
        return self.call("POST", f"/api/queues/{queue}/jobs/{job_id}/fail", body)["state"]

    def release(self, queue, job_id, attempt):
        self.call("POST", f"/api/queues/{queue}/jobs/{job_id}/release", {"attempt": attempt})

    def stats(self, queue):
        return self.call("GET", f"/api/queues/{queue}")

    # -- the wire --------------------------------------------------------------------------------------------------
    def call(self, method, path, body=None, timeout=None):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        # One retry on a fresh connection: a keep-alive connection the server closed while idle fails its next request.
        for tries_left in (1, 0):
            conn = self._connection(timeout or self._timeout)
            try:
                conn.request(method, self._base + path, body=data, headers=headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError) as e:
                conn.close()
                self._local.conn = None
                if not tries_left:
                    raise QueueError(0, f"cannot reach the queue at {self._scheme}://{self._host}:{self._port}: {e}") from e
        answer = json.loads(text) if text.strip() else {}
        if response.status == 409:
            raise LeaseLost(409, answer.get("error", text))
        if response.status >= 400:
            raise QueueError(response.status, answer.get("error", text) if isinstance(answer, dict) else text)
        return answer

    def _connection(self, timeout):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            conn = self._local.conn = cls(self._host, self._port, timeout=timeout)
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn


def _job(payload, delay, key, priority, max_attempts):
    job = {"payload": payload}
    for name, value in (("delay", delay), ("key", key), ("priority", priority), ("max_attempts", max_attempts)):
        if value is not None:
            job[name] = value
    return job
