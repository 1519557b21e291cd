"""manage.py runjobs QUEUE…: a long-lived worker for the site's @job functions (every installed app's jobs.py)."""
import logging
import sys

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import autodiscover_modules

from slipway_jobs.__main__ import add_worker_arguments, worker_from


class Command(BaseCommand):
    help = "Run the jobs of QUEUE… pulled from slipway queue serve (SLIPWAY_QUEUE_URL, SLIPWAY_QUEUE_TOKEN) until SIGTERM."

    def add_arguments(self, parser):
        add_worker_arguments(parser)

    def handle(self, *args, **options):
        # -v 0: warnings only (failures, lost leases), not a line per job.
        level = logging.WARNING if options["verbosity"] == 0 else logging.INFO
        logging.basicConfig(level=level, stream=sys.stderr, format="runjobs: %(message)s")
        autodiscover_modules("jobs")

        class Args:
            pass

        a = Args()
        a.queues, a.concurrency, a.lease, a.wait, a.stop_grace = (
            options["queues"], options["concurrency"], options["lease"], options["wait"], options["stop_grace"])
        # Each job starts and ends with usable database connections, as a request does.
        worker_from(a, before_job=close_old_connections, after_job=close_old_connections).run_forever()
