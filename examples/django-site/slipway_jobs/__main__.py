"""python -m slipway_jobs worker QUEUE… --import MODULE…   (outside Django; inside it, manage.py runjobs)."""
import argparse
import importlib
import logging
import sys

from .worker import Worker


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m slipway_jobs", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    worker = sub.add_parser("worker", help="run the jobs of QUEUE… until SIGTERM or Ctrl-C")
    add_worker_arguments(worker)
    worker.add_argument("--import", dest="modules", action="append", default=[], metavar="MODULE",
                        help="import this module first (it defines the @job functions); repeat for several")
    worker.add_argument("--quiet", action="store_true", help="log warnings only, not a line per job")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, stream=sys.stderr, format="slipway_jobs: %(message)s")
    for module in args.modules:
        importlib.import_module(module)
    worker_from(args).run_forever()


def add_worker_arguments(parser):
    parser.add_argument("queues", nargs="+", metavar="QUEUE")
    parser.add_argument("--concurrency", type=int, default=4, help="jobs at once per queue (threads; default 4)")
    parser.add_argument("--lease", type=float, default=30.0, help="seconds; heartbeats every third of it (default 30)")
    parser.add_argument("--wait", type=float, default=10.0, help="seconds one lease request waits for jobs (default 10)")
    parser.add_argument("--stop-grace", type=float, default=30.0, help="seconds running jobs get on SIGTERM (default 30)")


def worker_from(args, **hooks):
    return Worker(args.queues, concurrency=args.concurrency, lease=args.lease, wait=args.wait,
                  stop_grace=args.stop_grace, **hooks)


if __name__ == "__main__":
    main()
