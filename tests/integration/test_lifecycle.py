"""Signals: SIGHUP reload, SIGTERM graceful stop, SIGUSR1 log reopen."""
import os
import signal
import socket
import threading
import time

from harness import (Client, can_connect, fail, free_port, http, make_config, wait_for)


def mock(name, path, body=None):
    return {"name": name, "path": path, "respond": {"status": 200, "body": body or name}}


def in_thread(fn):
    """Runs fn() in a thread; returns a dict filled with "result" or "error"."""
    out = {}

    def run():
        try:
            out["result"] = fn()
        except BaseException as e:  # noqa: B902
            out["error"] = e
    t = threading.Thread(target=run, daemon=True)
    t.start()
    out["thread"] = t
    return out


# ---------------------------------------------------------------- SIGHUP


def test_reload_adds_route(ctx):
    """SIGHUP with a changed valid config (a new route) takes effect without restart."""
    port = free_port()
    lis = [{"listen": f"127.0.0.1:{port}", "name": "public"}]
    rp = ctx.rampart(make_config(lis, routes=[mock("a", "/a")]))
    assert http(port, "GET", "/b").status == 404
    rp.reload(make_config(lis, routes=[mock("a", "/a"), mock("b", "/b")]))
    wait_for(lambda: http(port, "GET", "/b").status == 200, timeout=3,
             what="the new route to answer")
    assert http(port, "GET", "/b").body == b"b"
    assert http(port, "GET", "/a").body == b"a"
    assert rp.alive(), "rampart exited on reload"


def test_reload_changes_upstream_servers(ctx):
    """SIGHUP moving an upstream to another server sends new requests there."""
    old, new = ctx.upstream("old"), ctx.upstream("new")
    port = free_port()
    lis = [{"listen": f"127.0.0.1:{port}", "name": "public"}]
    route = [{"name": "main", "path": "/", "upstream": "backend"}]
    rp = ctx.rampart(make_config(lis, [{"name": "backend", "servers": [old.addr]}], route))
    assert http(port, "GET", "/").body == b"old GET /"
    rp.reload(make_config(lis, [{"name": "backend", "servers": [new.addr]}], route))
    wait_for(lambda: http(port, "GET", "/").body == b"new GET /", timeout=3,
             what="requests to reach the new server")


def test_reload_invalid_config_keeps_running(ctx):
    """SIGHUP with an invalid file keeps the old config running and logs the error
    with file:line:col."""
    port = free_port()
    lis = [{"listen": f"127.0.0.1:{port}", "name": "public"}]
    rp = ctx.rampart(make_config(lis, routes=[mock("a", "/a")]))
    rp.reload("listeners:\n"
              f"  - listen: 127.0.0.1:{port}\n"
              "routes:\n"
              "  - path: /a\n"
              "    upstream: nowhere\n")
    want = f"{rp.config_path}:5:15"
    wait_for(lambda: want in rp.stderr_text(), timeout=3,
             what=f"an error log line containing {want}")
    for _ in range(5):
        r = http(port, "GET", "/a")
        assert (r.status, r.body) == (200, b"a"), r
    assert rp.alive(), "rampart exited after a bad reload"


def test_reload_keeps_inflight_request(ctx):
    """A request in flight during SIGHUP completes normally."""
    up = ctx.upstream()
    up.on("/slow", delay=1.0)
    rp = ctx.proxy(up)
    job = in_thread(lambda: http(rp.port, "GET", "/slow", timeout=5))
    up.wait_requests(1)
    rp.signal(signal.SIGHUP)
    job["thread"].join(6)
    if "error" in job:
        fail(f"in-flight request failed across reload: {job['error']!r}")
    assert job["result"].status == 200, job["result"]


def test_reload_under_load(ctx):
    """About 2000 requests (keep-alive and new connections) over ~5 s while SIGHUP
    is sent 5 times: zero failures."""
    up = ctx.upstream()
    port = free_port()
    lis = [{"listen": f"127.0.0.1:{port}", "name": "public"}]

    def conf(n):
        return make_config(lis, [{"name": "backend", "servers": [up.addr]}],
                           [{"name": "main", "path": "/", "upstream": "backend",
                             "set_headers": {"X-Gen": str(n)}},
                            mock("mock", "/mock")])
    rp = ctx.rampart(conf(0))
    stop = threading.Event()
    stats = {"ok": 0, "failed": 0, "errors": []}
    lock = threading.Lock()

    def record(ok, err=None):
        with lock:
            if ok:
                stats["ok"] += 1
            else:
                stats["failed"] += 1
                if len(stats["errors"]) < 5:
                    stats["errors"].append(err)

    def keepalive_loop(path):
        c = None
        i = 0
        while not stop.is_set():
            i += 1
            try:
                if c is None:
                    c = Client(port, timeout=5)
                c.request("GET", f"{path}?i={i}")
                r = c.read_response()
                record(r.status == 200, f"status {r.status}")
                if (r.header("Connection") or "").lower() == "close":
                    c.close()
                    c = None
            except Exception as e:  # noqa: B902
                record(False, f"keep-alive request {i}: {e!r}")
                if c:
                    c.close()
                c = None
        if c:
            c.close()

    def newconn_loop(path):
        i = 0
        while not stop.is_set():
            i += 1
            try:
                r = http(port, "GET", f"{path}?n={i}", timeout=5)
                record(r.status == 200, f"status {r.status}")
            except Exception as e:  # noqa: B902
                record(False, f"new-connection request {i}: {e!r}")

    threads = [threading.Thread(target=f, args=(p,), daemon=True) for f, p in
               [(keepalive_loop, "/ka"), (keepalive_loop, "/mock"), (newconn_loop, "/nc"),
                (newconn_loop, "/mock")]]
    for t in threads:
        t.start()
    for n in range(1, 6):
        time.sleep(0.9)
        rp.reload(conf(n))
    time.sleep(0.6)
    stop.set()
    for t in threads:
        t.join(10)
    assert rp.alive(), "rampart died during reloads"
    assert stats["failed"] == 0, (f"{stats['failed']} of {stats['ok'] + stats['failed']} "
                                  f"requests failed: {stats['errors']}")
    assert stats["ok"] >= 1000, f"only {stats['ok']} requests in 5 s"
    gens = {q.header("X-Gen") for q in up.requests}
    assert "5" in gens, f"last reload never took effect (X-Gen seen: {sorted(gens)})"


# ---------------------------------------------------------------- SIGTERM


def test_sigterm_graceful_stop(ctx):
    """SIGTERM with a slow request in flight: new connections are refused, the request
    completes with 200, and the process exits 0 within graceful_stop."""
    up = ctx.upstream()
    up.on("/slow", delay=1.0)
    rp = ctx.proxy(up, timeouts={"graceful_stop": "5s"})
    job = in_thread(lambda: http(rp.port, "GET", "/slow", timeout=8))
    up.wait_requests(1)
    t0 = time.monotonic()
    rp.stopped_by_test = True
    rp.signal(signal.SIGTERM)
    wait_for(lambda: not can_connect(rp.port, timeout=0.2), timeout=1.0,
             what="new connections to be refused after SIGTERM")
    job["thread"].join(6)
    if "error" in job:
        fail(f"in-flight request failed during graceful stop: {job['error']!r}")
    assert job["result"].status == 200, job["result"]
    rc = rp.wait_exit(6)
    assert rc is not None, "still running 6s after SIGTERM (graceful_stop 5s)"
    dt = time.monotonic() - t0
    assert rc == 0, f"exit status {rc}"
    assert dt <= 5.5, f"exited after {dt:.1f}s"


def test_sigterm_refuses_new_connections(ctx):
    """After SIGTERM (with a request in flight) a new connection is refused outright."""
    up = ctx.upstream()
    up.on("/slow", delay=2.0)
    rp = ctx.proxy(up, timeouts={"graceful_stop": "5s"})
    job = in_thread(lambda: http(rp.port, "GET", "/slow", timeout=8))
    up.wait_requests(1)
    rp.stopped_by_test = True
    rp.signal(signal.SIGTERM)
    time.sleep(0.3)
    s = socket.socket()
    s.settimeout(1)
    try:
        s.connect(("127.0.0.1", rp.port))
        fail("connection accepted 0.3s after SIGTERM")
    except ConnectionRefusedError:
        pass
    finally:
        s.close()
    job["thread"].join(6)


def test_sigterm_idle_exits(ctx):
    """SIGTERM with only an idle keep-alive connection open exits 0 within graceful_stop."""
    up = ctx.upstream()
    rp = ctx.proxy(up, timeouts={"graceful_stop": "3s"})
    c = Client(rp.port, ctx=ctx)
    c.request("GET", "/")
    assert c.read_response().status == 200
    rp.stopped_by_test = True
    t0 = time.monotonic()
    rp.signal(signal.SIGTERM)
    rc = rp.wait_exit(4)
    assert rc is not None, "still running 4s after SIGTERM (graceful_stop 3s)"
    assert rc == 0, f"exit status {rc}"
    assert time.monotonic() - t0 <= 3.5


def test_sigterm_gives_up_after_graceful_stop(ctx):
    """A request slower than graceful_stop does not keep the process alive past it."""
    up = ctx.upstream()
    up.on("/forever", hang=True)
    rp = ctx.proxy(up, timeouts={"graceful_stop": "1s", "upstream_response": "60s"})
    job = in_thread(lambda: http(rp.port, "GET", "/forever", timeout=8))
    up.wait_requests(1)
    rp.stopped_by_test = True
    t0 = time.monotonic()
    rp.signal(signal.SIGTERM)
    rc = rp.wait_exit(4)
    assert rc is not None, "still running 4s after SIGTERM with graceful_stop 1s"
    assert time.monotonic() - t0 <= 3.0, f"exited after {time.monotonic() - t0:.1f}s"
    job["thread"].join(3)


# ---------------------------------------------------------------- SIGUSR1


def test_sigusr1_reopens_access_log(ctx):
    """After the access log is renamed, SIGUSR1 makes new lines go to a new file at
    the original path."""
    log = os.path.join(ctx.tmpdir, "access.log")
    port = free_port()
    rp = ctx.rampart(make_config(
        [{"listen": f"127.0.0.1:{port}", "name": "public"}], routes=[mock("m", "/")],
        log={"level": "info", "error_log": "stderr", "access_log": log}))
    assert http(port, "GET", "/before").status == 200
    rp.wait_access_entries(1, path=log)
    os.rename(log, log + ".1")
    rp.signal(signal.SIGUSR1)

    def new_file_has_lines():
        http(port, "GET", "/after")
        return os.path.exists(log) and rp.access_log(log)
    wait_for(new_file_has_lines, timeout=3, interval=0.2,
             what="access log lines in a new file at the original path")
    new_paths = {e.get("path") for e in rp.access_log(log)}
    old_paths = [e.get("path") for e in rp.access_log(log + ".1")]
    assert new_paths == {"/after"}, f"new file has {new_paths}"
    assert old_paths[0] == "/before", f"rotated file has {old_paths}"


def test_access_log_off(ctx):
    """access_log: off writes no access lines to stdout."""
    port = free_port()
    rp = ctx.rampart(make_config(
        [{"listen": f"127.0.0.1:{port}", "name": "public"}], routes=[mock("m", "/")],
        log={"level": "info", "error_log": "stderr", "access_log": "off"}))
    assert http(port, "GET", "/").status == 200
    time.sleep(0.3)
    assert rp.stdout_text().strip() == "", f"stdout: {rp.stdout_text()[:300]!r}"


def test_reload_unreadable_file_keeps_running(ctx):
    """SIGHUP when the config file has disappeared keeps the old config and logs why."""
    port = free_port()
    rp = ctx.rampart(make_config([{"listen": f"127.0.0.1:{port}", "name": "public"}],
                                 routes=[mock("a", "/a")]))
    before = len(rp.error_lines())
    os.remove(rp.config_path)
    rp.signal(signal.SIGHUP)
    wait_for(lambda: any(rp.config_path in x for x in rp.error_lines()[before:]), timeout=3,
             what="an error log line naming the missing file")
    assert http(port, "GET", "/a").status == 200
    assert rp.alive()


def test_sigusr1_reopens_error_log(ctx):
    """SIGUSR1 also reopens a file error log (README: "reopen log files")."""
    errlog = os.path.join(ctx.tmpdir, "error.log")
    port = free_port()
    rp = ctx.rampart(make_config(
        [{"listen": f"127.0.0.1:{port}", "name": "public"}], routes=[mock("m", "/")],
        log={"level": "info", "error_log": errlog, "access_log": "off"}))
    wait_for(lambda: os.path.exists(errlog) and os.path.getsize(errlog) > 0, timeout=3,
             what="the error log file to get its startup line")
    os.rename(errlog, errlog + ".1")
    rp.signal(signal.SIGUSR1)
    time.sleep(0.3)
    rp.signal(signal.SIGHUP)          # a reload logs at least one line at level info
    wait_for(lambda: os.path.exists(errlog) and os.path.getsize(errlog) > 0, timeout=3,
             what="new error-log lines in a new file at the original path")


def test_sigterm_with_mixed_connections(ctx):
    """SIGTERM with idle keep-alive clients, half-sent heads, pooled upstream connections
    and slow requests in flight: the in-flight requests complete with 200 and the
    process exits 0 within graceful_stop."""
    up = ctx.upstream()
    up.on("/slow", delay=1.0)
    rp = ctx.proxy(up, timeouts={"graceful_stop": "5s"})
    idle = []
    for i in range(20):
        c = Client(rp.port, ctx=ctx)
        c.request("GET", f"/warm{i}")
        assert c.read_response().status == 200
        idle.append(c)
    partial = []
    for _ in range(20):
        c = Client(rp.port, ctx=ctx)
        c.send(b"GET /partial HTTP/1.1\r\nHost: exa")
        partial.append(c)
    jobs = [in_thread(lambda: http(rp.port, "GET", "/slow", timeout=8)) for _ in range(5)]
    wait_for(lambda: sum(q.target == "/slow" for q in up.requests) == 5, timeout=3,
             what="the 5 slow requests to reach the upstream")
    rp.stopped_by_test = True
    t0 = time.monotonic()
    rp.signal(signal.SIGTERM)
    for j in jobs:
        j["thread"].join(7)
        if "error" in j:
            fail(f"in-flight request failed during graceful stop: {j['error']!r}")
        assert j["result"].status == 200, j["result"]
    rc = rp.wait_exit(7)
    assert rc is not None, "still running long after SIGTERM"
    assert rc == 0, f"exit status {rc}"
    assert time.monotonic() - t0 <= 5.5, f"exited after {time.monotonic() - t0:.1f}s"
