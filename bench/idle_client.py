#!/usr/bin/env python3
"""Opens N keep-alive connections, makes one full request on each, keeps them idle.

    idle_client.py PORT COUNT [--hold SECONDS] [--timeout SECONDS] [--batch N]

Every connection sends one "GET /idle HTTP/1.1" and reads the whole response
(headers + Content-Length body), so the server holds a real keep-alive
connection after its first exchange. At most --batch connections are being set
up at a time (to stay within accept backlogs). When all are done (or
--timeout expires) it prints

    READY open=<idle keep-alive connections> failed=<n> status=<code:count,...>

then holds them for --hold seconds, checks how many the server closed in the
meantime, prints "DONE still_open=<n>" and exits (closing them all).
Everything is bounded in time; on SIGTERM it exits at once.
"""
import argparse
import errno
import selectors
import signal
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("count", type=int)
    ap.add_argument("--hold", type=float, default=10.0)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--batch", type=int, default=256)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    req = b"GET /idle?client=bench HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: rampart-bench-idle\r\nAccept: */*\r\n\r\n"
    sel = selectors.DefaultSelector()
    idle, failed, status = [], 0, {}
    started = 0
    deadline = time.monotonic() + a.timeout

    class C:
        __slots__ = ("s", "buf", "sent")

    def start_one():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex(("127.0.0.1", a.port))
        if err not in (0, errno.EINPROGRESS):
            s.close()
            return False
        c = C()
        c.s, c.buf, c.sent = s, b"", 0
        sel.register(s, selectors.EVENT_WRITE, c)
        return True

    def finish(c, ok, code=None):
        nonlocal failed
        sel.unregister(c.s)
        if code is not None:
            status[code] = status.get(code, 0) + 1
        if ok:
            idle.append(c.s)
        else:
            failed += 1
            c.s.close()

    def response_complete(buf):
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = buf[:end].decode("latin-1").split("\r\n")
        code = head[0].split(" ")[1] if len(head[0].split(" ")) > 1 else "?"
        length = 0
        for h in head[1:]:
            k, _, v = h.partition(":")
            if k.strip().lower() == "content-length":
                length = int(v.strip())
            if k.strip().lower() == "transfer-encoding":
                # not expected from the benchmark origin; accept the headers
                return code
        return code if len(buf) >= end + 4 + length else None

    while time.monotonic() < deadline:
        while started < a.count and len(sel.get_map()) < a.batch:
            started += 1
            if not start_one():
                failed += 1
        if not sel.get_map():
            break
        for key, ev in sel.select(timeout=0.5):
            c = key.data
            try:
                if ev & selectors.EVENT_WRITE:
                    c.sent += c.s.send(req[c.sent:])
                    if c.sent == len(req):
                        sel.modify(c.s, selectors.EVENT_READ, c)
                    continue
                data = c.s.recv(65536)
                if not data:
                    finish(c, False, "closed")
                    continue
                c.buf += data
                code = response_complete(c.buf)
                if code is not None:
                    finish(c, code.startswith("2"), code)
            except (BlockingIOError, InterruptedError):
                pass
            except OSError as e:
                finish(c, False, "err:" + (errno.errorcode.get(e.errno, str(e.errno))))
    pending = len(sel.get_map())
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    failed += pending + (a.count - started)
    st = ",".join("%s:%d" % kv for kv in sorted(status.items()))
    print("READY open=%d failed=%d status=%s" % (len(idle), failed, st or "-"), flush=True)

    time.sleep(a.hold)
    still = 0
    for s in idle:
        try:
            if s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                continue  # closed by the server
        except BlockingIOError:
            pass
        except OSError:
            continue
        still += 1
    print("DONE still_open=%d" % still, flush=True)
    for s in idle:
        s.close()


if __name__ == "__main__":
    main()
