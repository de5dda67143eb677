"""Upstreams: 502/504, retries, passive health, round robin, pooled connections."""
import time

from harness import Client, free_port, http, wait_for


def dead_addr():
    """An address nobody listens on (connections are refused)."""
    return f"127.0.0.1:{free_port()}"


def test_upstream_not_listening_502(ctx):
    """An upstream that refuses connections -> 502, logged with status 502."""
    rp = ctx.proxy(dead_addr())
    r = http(rp.port, "GET", "/")
    assert r.status == 502, r
    (e,) = rp.wait_access_entries(1)
    assert e.get("status") == 502, e


def test_upstream_closes_without_answer_502(ctx):
    """An upstream that reads the request and closes without answering -> 502."""
    up = ctx.upstream()
    up.on("/", close_without_answer=True)
    rp = ctx.proxy(up)
    r = http(rp.port, "POST", "/", body=b"data")
    assert r.status == 502, r


def test_upstream_never_answers_504(ctx):
    """An upstream that accepts but never answers -> 504 after response_timeout."""
    up = ctx.upstream()
    up.on("/", hang=True)
    rp = ctx.proxy(up, upstream_opts={"response_timeout": "1s", "retries": 0})
    t0 = time.monotonic()
    r = http(rp.port, "GET", "/", timeout=6)
    dt = time.monotonic() - t0
    assert r.status == 504, r
    assert 0.8 <= dt <= 3.0, f"504 after {dt:.2f}s, expected ~1s"


def test_default_upstream_response_timeout_504(ctx):
    """Without response_timeout on the upstream, timeouts.upstream_response applies."""
    up = ctx.upstream()
    up.on("/", hang=True)
    rp = ctx.proxy(up, timeouts={"upstream_response": "1s"})
    t0 = time.monotonic()
    r = http(rp.port, "GET", "/", timeout=6)
    dt = time.monotonic() - t0
    assert r.status == 504, r
    assert dt <= 3.0, f"504 after {dt:.2f}s, expected ~1s"


def test_slow_upstream_within_timeout_ok(ctx):
    """An upstream slower than usual but within response_timeout is waited for."""
    up = ctx.upstream()
    up.on("/", delay=0.5)
    rp = ctx.proxy(up, upstream_opts={"response_timeout": "2s"})
    assert http(rp.port, "GET", "/").status == 200


def test_retry_on_connect_failure(ctx):
    """With one of two servers refusing connections, idempotent GETs are retried on
    the other and all succeed."""
    live = ctx.upstream("live")
    rp = ctx.proxy(dead_addr(), live, workers=1,
                   upstream_opts={"retries": 1, "max_fails": 0})
    statuses = [http(rp.port, "GET", f"/{i}").status for i in range(6)]
    assert statuses == [200] * 6, statuses
    assert len(live.requests) == 6, live.requests


def test_round_robin(ctx):
    """Requests are spread over the servers of an upstream."""
    a, b = ctx.upstream("a"), ctx.upstream("b")
    rp = ctx.proxy(a, b, workers=1)
    for i in range(10):
        assert http(rp.port, "GET", f"/{i}").status == 200
    na, nb = len(a.requests), len(b.requests)
    assert na >= 3 and nb >= 3, f"a got {na}, b got {nb} of 10"


def mark_dead(ctx, fail_timeout):
    """A proxy over [dead, live] whose dead server has failed max_fails (2) times."""
    dead_port = free_port()
    live = ctx.upstream("live")
    rp = ctx.proxy(f"127.0.0.1:{dead_port}", live, workers=1, upstream_opts={
        "retries": 1, "max_fails": 2, "fail_timeout": fail_timeout})
    for i in range(6):
        r = http(rp.port, "GET", f"/warm{i}")
        assert r.status == 200, f"request {i} with one dead server: {r.status}"
    return rp, live, dead_port


def test_passive_health_skips_failed_server(ctx):
    """After max_fails failures a server gets no connection attempts until fail_timeout."""
    rp, live, dead_port = mark_dead(ctx, "30s")
    revived = ctx.upstream("revived", port=dead_port)   # it is back, but marked down
    for i in range(8):
        assert http(rp.port, "GET", f"/after{i}").status == 200
    assert revived.connections == 0, (
        f"server marked down still got {revived.connections} connection(s)")


def test_passive_health_server_back_after_fail_timeout(ctx):
    """After fail_timeout a failed server is tried again."""
    rp, live, dead_port = mark_dead(ctx, "1s")
    revived = ctx.upstream("revived", port=dead_port)
    time.sleep(1.5)
    for i in range(8):
        assert http(rp.port, "GET", f"/later{i}").status == 200
    assert revived.requests, "server never tried again after fail_timeout"


def test_all_servers_down_502(ctx):
    """When every server of the upstream fails, the client gets 502."""
    rp = ctx.proxy(dead_addr(), dead_addr(), upstream_opts={"retries": 1})
    for _ in range(3):
        assert http(rp.port, "GET", "/").status == 502


def test_pooled_connection_idle_timeout(ctx):
    """A pooled upstream connection is closed after the upstream's idle_timeout."""
    up = ctx.upstream()
    rp = ctx.proxy(up, workers=1, upstream_opts={"idle_timeout": "1s", "keepalive": 4})
    assert http(rp.port, "GET", "/").status == 200
    time.sleep(0.5)
    assert not up.closed_by_peer, "pooled connection closed right away (not pooled?)"
    wait_for(lambda: up.closed_by_peer, timeout=3, what="the idle pooled connection to close")


def test_upstream_closing_idle_connection_not_reused(ctx):
    """When the upstream closes its side of an idle pooled connection, the next request
    still succeeds."""
    up = ctx.upstream()
    up.on("/", close_after=True)      # closes after answering, without saying so
    rp = ctx.proxy(up, workers=1)
    for i in range(4):
        r = http(rp.port, "GET", f"/{i}")
        assert r.status == 200, f"request {i}: {r.status}"
        time.sleep(0.1)


def test_upstream_keepalive_through_client_keepalive(ctx):
    """Alternating client connections and paths never mix up responses."""
    a = ctx.upstream("a")
    rp = ctx.proxy(a, workers=2)
    clients = [Client(rp.port, ctx=ctx) for _ in range(4)]
    for rnd in range(5):
        for i, c in enumerate(clients):
            c.request("GET", f"/c{i}/r{rnd}")
        for i, c in enumerate(clients):
            r = c.read_response()
            assert r.body == f"a GET /c{i}/r{rnd}".encode(), (i, rnd, r.body)


def test_upstream_garbage_response_502(ctx):
    """An upstream answering with something that is not HTTP -> 502."""
    up = ctx.upstream()
    up.on("/", raw=b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
    rp = ctx.proxy(up, upstream_opts={"retries": 0})
    assert http(rp.port, "GET", "/").status == 502


def test_upstream_body_stall_closes_client(ctx):
    """An upstream that stalls mid-body: after response_timeout the client connection is
    closed (the head was sent, so no 504 is possible) rather than hanging."""
    up = ctx.upstream()
    up.on("/", body_cut=1000, cut_action="hang")
    rp = ctx.proxy(up, upstream_opts={"response_timeout": "1s", "retries": 0})
    c = Client(rp.port, ctx=ctx, timeout=6)
    c.request("GET", "/")
    t0 = time.monotonic()
    data = c.read_until_close()
    dt = time.monotonic() - t0
    assert b" 200 " in data.split(b"\r\n", 1)[0], data[:100]
    assert dt < 4, f"client connection still open {dt:.1f}s after the upstream stalled"
    body = data.partition(b"\r\n\r\n")[2]
    assert len(body) == 1000, f"client got {len(body)} body bytes"


def test_upstream_close_mid_body_closes_client(ctx):
    """An upstream that closes mid-body: the client connection is closed too (never a
    silently truncated message on a live keep-alive connection)."""
    up = ctx.upstream()
    up.on("/cut", body_cut=1000, cut_action="close")
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx, timeout=4)
    c.request("GET", "/cut")
    t0 = time.monotonic()
    data = c.read_until_close()
    assert time.monotonic() - t0 < 3, "client connection left open"
    assert len(data.partition(b"\r\n\r\n")[2]) == 1000
    assert http(rp.port, "GET", "/ok").status == 200, "proxy unhealthy afterwards"


def test_access_log_names_server_after_retry(ctx):
    """After a retry, the access log's upstream is the server that answered."""
    live = ctx.upstream("live")
    rp = ctx.proxy(dead_addr(), live, workers=1, upstream_opts={"retries": 1, "max_fails": 0})
    for i in range(4):
        assert http(rp.port, "GET", f"/{i}").status == 200
    entries = rp.wait_access_entries(4)
    assert [e.get("upstream") for e in entries] == [live.addr] * 4, entries


def test_upstream_keepalive_zero_disables_pooling(ctx):
    """keepalive: 0 means no pooled connections: every request opens a new one."""
    up = ctx.upstream()
    rp = ctx.proxy(up, workers=1, upstream_opts={"keepalive": 0})
    c = Client(rp.port, ctx=ctx)
    for i in range(3):
        c.request("GET", f"/{i}")
        assert c.read_response().status == 200
    ids = up.conn_ids()
    assert len(set(ids)) == 3, f"upstream connection ids: {ids}"


# Beyond the brief: upstream responses are parsed as strictly as requests.


def test_upstream_response_with_cl_and_te_502(ctx):
    """An upstream response with both Content-Length and Transfer-Encoding -> 502."""
    up = ctx.upstream()
    up.on("/", raw=b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"5\r\nhello\r\n0\r\n\r\n")
    rp = ctx.proxy(up, upstream_opts={"retries": 0})
    assert http(rp.port, "GET", "/").status == 502
