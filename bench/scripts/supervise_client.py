#!/usr/bin/env python3
"""Long-lived XML-RPC client for supervise-bench.sh (uses supervisor's own unix-socket transport).

  supervise_client.py URL wait-running N TIMEOUT   -> seconds until N processes are RUNNING
  supervise_client.py URL rtt CALLS                -> median getAllProcessInfo round trip in ms (one connection)
  supervise_client.py URL rtt-raw CALLS            -> the same call's round trip without parsing the reply
                                                      (request out, whole response in, on one keep-alive connection)
  supervise_client.py URL restart-rpc ROUNDS       -> median ms of stopAllProcesses(wait) and startAllProcesses(wait),
                                                      the two calls `supervisorctl restart all` makes: "STOP START"
  supervise_client.py - spawn-floor N ROUNDS       -> median ms for this process alone to posix_spawn N `sleep`
                                                      children (own process group, stdout on a pipe): the machine's
                                                      floor for the spawning part of startAllProcesses
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
    if command == "restart-rpc":
        server = proxy(url)
        server.supervisor.getState()
        stops, starts = [], []
        for _ in range(int(sys.argv[3])):
            t = time.perf_counter()
            server.supervisor.stopAllProcesses(True)
            stops.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            server.supervisor.startAllProcesses(True)
            starts.append((time.perf_counter() - t) * 1000)
        print("%.1f %.1f" % (statistics.median(stops), statistics.median(starts)))
        return
    if command == "spawn-floor":
        print("%.1f" % spawn_floor(int(sys.argv[3]), int(sys.argv[4])))
        return
    if command == "rtt-raw":
        print("%.2f" % raw_rtt(url, int(sys.argv[3])))
        return
    sys.exit("unknown command " + command)


def spawn_floor(n, rounds):
    import os
    import shutil
    import signal

    sleep = shutil.which("sleep")
    times = []
    for _ in range(rounds):
        pids, pipes = [], []
        t = time.perf_counter()
        for _ in range(n):
            r, w = os.pipe()
            pids.append(os.posix_spawn(sleep, ["sleep", "100000"], os.environ, setpgroup=0,
                                       file_actions=[(os.POSIX_SPAWN_DUP2, w, 1)]))
            os.close(w)
            pipes.append(r)
        times.append((time.perf_counter() - t) * 1000)
        for pid in pids:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        for r in pipes:
            os.close(r)
        time.sleep(0.2)
    return statistics.median(times)


def raw_rtt(url, calls):
    """Server time plus transfer: the reply is read to its Content-Length and not parsed."""
    import http.client
    import socket

    if url.startswith("unix://"):
        class UnixConnection(http.client.HTTPConnection):
            def connect(self):
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(url[len("unix://"):])
        conn = UnixConnection("localhost")
    else:
        host, port = url[len("http://"):].rstrip("/").split(":")
        conn = http.client.HTTPConnection(host, int(port))
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    body = xmlrpc.client.dumps((), "supervisor.getAllProcessInfo").encode()
    headers = {"Content-Type": "text/xml", "Content-Length": str(len(body))}
    times = []
    for i in range(calls + 1):
        t = time.perf_counter()
        conn.request("POST", "/RPC2", body, headers)
        reply = conn.getresponse().read()
        if i > 0:  # the first call connects and warms up
            times.append((time.perf_counter() - t) * 1000)
    if b"<fault>" in reply:
        sys.exit("fault: %r" % reply[:200])
    return statistics.median(times)


main()
