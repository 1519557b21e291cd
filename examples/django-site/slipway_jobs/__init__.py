"""A small client for Slipway's job queue over HTTP (`slipway queue serve`), on Python's standard library only.

    from slipway_jobs import job

    @job(queue="emails")
    def send_welcome(user_id):
        ...

    send_welcome(42)          # pushes a job; a worker runs send_welcome(42)
    send_welcome.direct(42)   # runs it here

Workers: `python manage.py runjobs emails` in a Django project, or `python -m slipway_jobs worker emails --import app.jobs`.
"""
from .client import Client, LeaseLost, QueueError
from .registry import TASKS, Job, job
from .worker import Worker

__all__ = ["Client", "Job", "LeaseLost", "QueueError", "TASKS", "Worker", "job"]
