#!/usr/bin/env python3
"""Long-lived XML-RPC client for supervise-bench.sh (uses supervisor's own unix-socket transport).

  supervise_client.py URL wait-running N TIMEOUT   -> seconds until N processes are RUNNING
  supervise_client.py URL rtt CALLS                -> median getAllProcessInfo round trip in ms (one connection)
"""
import statistics
import sys
import time
import xmlrpc.client

from supervisor.xmlrpc import SupervisorTransport


def proxy(url):
    if url.startswith("unix://"):
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=SupervisorTransport(None, None, url))
    return xmlrpc.client.ServerProxy(url, transport=SupervisorTransport(None, None, url))


def main():
    url, command = sys.argv[1], sys.argv[2]
    if command == "wait-running":
        want, timeout = int(sys.argv[3]), float(sys.argv[4])
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            try:
                infos = proxy(url).supervisor.getAllProcessInfo()
                if sum(1 for i in infos if i["state"] == 20) >= want:
                    print("%.3f" % (time.monotonic() - start))
                    return
            except Exception:
                pass
            time.sleep(0.02)
        print("timeout")
        sys.exit(1)
    if command == "rtt":
        calls = int(sys.argv[3])
        server = proxy(url)
        server.supervisor.getAllProcessInfo()  # connect and warm up
        times = []
        for _ in range(calls):
            t = time.perf_counter()
            server.supervisor.getAllProcessInfo()
            times.append((time.perf_counter() - t) * 1000)
        print("%.2f" % statistics.median(times))
        return
    sys.exit("unknown command " + command)


main()
