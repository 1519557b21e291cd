# An event listener written the way supervisord's users write them: supervisor.childutils from Debian's
# supervisor package. It records every event (headers and payload) as one JSON line, rejects the first
# PROCESS_STATE_STOPPING it sees (RESULT 4 FAIL) so the daemon must send it again, and accepts the rest.
import json
import signal
import sys

from supervisor import childutils

# Ignore SIGTERM so nothing is lost at shutdown: the daemon kills us after stopwaitsecs.
signal.signal(signal.SIGTERM, signal.SIG_IGN)
rejected = False
with open(sys.argv[1], "a", buffering=1) as out:
    while True:
        headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
        out.write(json.dumps({"headers": headers, "payload": payload}) + "\n")
        out.flush()
        if headers["eventname"] == "PROCESS_STATE_STOPPING" and not rejected:
            rejected = True
            childutils.listener.fail(sys.stdout)
        else:
            childutils.listener.ok(sys.stdout)
