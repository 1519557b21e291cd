"""The @job decorator: calling a decorated function pushes it as a job (in the spirit of django-sqs's @receiver)."""
import functools

from .client import Client

DEFAULT_QUEUE = "default"

# Task name ("module.function") -> Job, filled as modules that define jobs are imported.
TASKS = {}

_client = None


def client():
    """The process's client (SLIPWAY_QUEUE_URL, SLIPWAY_QUEUE_TOKEN), made on first use."""
    global _client
    if _client is None:
        _client = Client()
    return _client


class Job:
    """A function run by a worker. `fn(...)` and `fn.delay(...)` push it; `fn.direct(...)` runs it here and now."""

    def __init__(self, fn, queue=None, max_attempts=None, priority=None):
        functools.update_wrapper(self, fn)
        self.direct = fn
        self.name = f"{fn.__module__}.{fn.__qualname__}"
        self.queue = queue or DEFAULT_QUEUE
        self.max_attempts = max_attempts
        self.priority = priority
        TASKS[self.name] = self

    def __call__(self, *args, **kwargs):
        return self.delay(*args, **kwargs)

    def delay(self, *args, **kwargs):
        """Pushes the call (arguments must be JSON: numbers, strings, lists, dicts); returns the job's id."""
        return self.push(args, kwargs)[0]

    def push(self, args=(), kwargs=None, delay=None, key=None, priority=None):
        """The long form: a delay in seconds (or "5m"), an idempotency key, a priority. Returns (id, created)."""
        payload = {"task": self.name, "args": list(args), "kwargs": kwargs or {}}
        return client().push(self.queue, payload, delay=delay, key=key,
                             priority=priority if priority is not None else self.priority,
                             max_attempts=self.max_attempts)

    def __repr__(self):
        return f"<job {self.name} on queue {self.queue!r}>"


def job(fn=None, *, queue=None, max_attempts=None, priority=None):
    """@job, or @job(queue="emails", max_attempts=3, priority=5)."""
    if fn is None:
        return lambda f: Job(f, queue=queue, max_attempts=max_attempts, priority=priority)
    return Job(fn, queue=queue, max_attempts=max_attempts, priority=priority)
