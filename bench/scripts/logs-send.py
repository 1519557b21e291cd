#!/usr/bin/env python3
"""Octet-counted RFC 5424 syslog frames for the logs benchmark.
  logs-send.py gen N K PREFIX          writes the N frames, split into K files PREFIX.0 .. PREFIX.K-1 (not timed)
  logs-send.py send HOST PORT PREFIX K sends file i over connection i, K connections at once, as fast as the receiver reads
The payload is made before the clock starts, so the timed span is the receiver's work (and the kernel's), for
slipway and rsyslog alike."""
import socket, sys, threading

words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]

def host_of(i):
    # scattered independently of the words (a multiplicative hash), so every host has every word
    return (((i * 2654435761) & 0xffffffff) >> 8) % 20

def frames(start, count):
    out = bytearray()
    for i in range(start, start + count):
        msg = ("<%d>1 2026-03-10T12:00:00.000Z web%d app%d %d - - request %d %s %s took %d ms" % (
            8 * 16 + (i % 8), host_of(i), i % 7, 1000 + i % 50, i, words[i % 10], words[(i // 10) % 10], i % 997)).encode()
        out += str(len(msg)).encode() + b" " + msg
    return bytes(out)

if sys.argv[1] == "gen":
    n, k, prefix = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    per = n // k
    for j in range(k):
        with open("%s.%d" % (prefix, j), "wb") as f:
            f.write(frames(j * per, per if j < k - 1 else n - j * per))
else:
    host, port, prefix, k = sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    data = [open("%s.%d" % (prefix, j), "rb").read() for j in range(k)]
    socks = [socket.create_connection((host, port)) for _ in range(k)]
    def send(s, d):
        s.sendall(d)
        s.close()
    threads = [threading.Thread(target=send, args=(socks[j], data[j])) for j in range(k)]
    for t in threads: t.start()
    for t in threads: t.join()
