#!/usr/bin/env python3
"""Sends N octet-counted RFC 5424 syslog frames over one TCP connection as fast as the receiver takes them.
Usage: logs-send.py HOST PORT N [CONNECTIONS]"""
import socket, sys, threading

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
conns = int(sys.argv[4]) if len(sys.argv) > 4 else 1
words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"]

def payload(start, count):
    out = bytearray()
    for i in range(start, start + count):
        msg = ("<%d>1 2026-03-10T12:00:00.000Z web%d app%d %d - - request %d %s %s took %d ms" % (
            8 * 16 + (i % 8), i % 20, i % 7, 1000 + i % 50, i, words[i % 10], words[(i // 10) % 10], i % 997)).encode()
        out += str(len(msg)).encode() + b" " + msg
    return bytes(out)

def send(start, count):
    data = payload(start, count)
    s = socket.create_connection((host, port))
    s.sendall(data)
    s.close()

per = n // conns
threads = [threading.Thread(target=send, args=(k * per, per if k < conns - 1 else n - k * per)) for k in range(conns)]
for t in threads: t.start()
for t in threads: t.join()
