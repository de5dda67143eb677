"""Size limits (414, 431, 413) and client timeouts (408, keep-alive idle close)."""
import select
import time

from harness import Client, build_request, http, raw_exchange, status_lines, wait_for


def status_of(data):
    lines = status_lines(data)
    return lines[0] if lines else repr(data[:100])


def assert_every_time(port, raw, status, times=10):
    """Sends raw on `times` fresh connections; each must get "HTTP/1.1 <status>"
    and be closed. (Rejections that leave unread input behind are the racy case.)"""
    results = []
    for _ in range(times):
        data, closed = raw_exchange(port, raw, timeout=2)
        results.append((status_of(data), closed))
    bad = [r for r in results if not (r[0].startswith(f"HTTP/1.1 {status}") and r[1])]
    assert not bad, (f"{len(bad)} of {times} connections did not get {status} + close: "
                     f"{bad[:3]} (status line or data, closed)")


# ---------------------------------------------------------------- sizes


def test_request_line_too_long_414(ctx):
    """A request line longer than limits.max_request_line -> 414, and closed."""
    up = ctx.upstream()
    rp = ctx.proxy(up, limits={"max_request_line": "1k"})
    assert_every_time(rp.port, build_request("GET", "/" + "a" * 2000), 414)
    assert not up.requests, up.requests


def test_request_line_within_limit(ctx):
    """A request line just under limits.max_request_line is accepted."""
    up = ctx.upstream()
    rp = ctx.proxy(up, limits={"max_request_line": "1k"})
    target = "/" + "a" * 900
    c = Client(rp.port, ctx=ctx)
    c.request("GET", target)
    r = c.read_response()
    assert r.status == 200, r.status
    assert up.wait_requests(1)[0].target == target


def test_too_many_headers_431(ctx):
    """More headers than limits.max_headers -> 431, and closed."""
    up = ctx.upstream()
    rp = ctx.proxy(up, limits={"max_headers": 10})
    hdrs = [(f"X-H{i}", "v") for i in range(20)]
    assert_every_time(rp.port, build_request("GET", "/", hdrs), 431)
    assert not up.requests, up.requests


def test_header_block_too_large_431(ctx):
    """A header block larger than limits.max_header_bytes -> 431, and closed."""
    up = ctx.upstream()
    rp = ctx.proxy(up, limits={"max_header_bytes": "1k", "max_headers": 100})
    hdrs = [(f"X-Big{i}", "b" * 400) for i in range(4)]
    assert_every_time(rp.port, build_request("GET", "/", hdrs), 431)
    assert not up.requests, up.requests


def test_body_over_route_max_body_by_content_length_413(ctx):
    """A Content-Length above the route's max_body -> 413 before anything is forwarded
    (the client need not send the body)."""
    up = ctx.upstream()
    rp = ctx.proxy(up, route={"max_body": "1k"})
    c = Client(rp.port, ctx=ctx, timeout=3)
    c.send(build_request("POST", "/", [("Content-Length", "2000")]))
    r = c.read_response()
    assert r.status == 413, r
    time.sleep(0.1)
    assert up.connections == 0 and not up.requests, f"forwarded anyway: {up.requests}"


def test_body_over_route_max_body_chunked_413(ctx):
    """A chunked body growing past the route's max_body -> 413 as soon as it exceeds
    (without waiting for the end of the body)."""
    up = ctx.upstream()
    rp = ctx.proxy(up, route={"max_body": "1k"})
    c = Client(rp.port, ctx=ctx, timeout=3)
    c.send(build_request("POST", "/", [("Transfer-Encoding", "chunked")]))
    c.send(b"258\r\n" + b"a" * 600 + b"\r\n")
    time.sleep(0.1)
    c.send(b"258\r\n" + b"b" * 600 + b"\r\n")   # 1200 bytes > 1k; no last chunk
    r = c.read_response()
    assert r.status == 413, r
    assert not up.complete_requests(), "a complete request was forwarded"


def test_body_at_route_max_body_accepted(ctx):
    """A body of exactly max_body bytes is accepted and forwarded."""
    up = ctx.upstream()
    rp = ctx.proxy(up, route={"max_body": "1k"})
    c = Client(rp.port, ctx=ctx)
    c.request("POST", "/", body=b"z" * 1024)
    assert c.read_response().status == 200
    assert up.wait_requests(1)[0].body == b"z" * 1024


def test_global_max_body_applies_to_routes(ctx):
    """limits.max_body is the limit of routes that set none."""
    up = ctx.upstream()
    rp = ctx.proxy(up, limits={"max_body": "1k"})
    c = Client(rp.port, ctx=ctx, timeout=3)
    c.send(build_request("POST", "/", [("Content-Length", "5000")]))
    assert c.read_response().status == 413


# ---------------------------------------------------------------- client timeouts


def test_slowloris_header_timeout_408(ctx):
    """Half a request head then silence -> 408 after timeouts.client_header, then closed."""
    up = ctx.upstream()
    rp = ctx.proxy(up, timeouts={"client_header": "1s"})
    t0 = time.monotonic()
    data, closed = raw_exchange(rp.port, b"GET / HTTP/1.1\r\nHost: example.test\r\nX-A: ",
                                timeout=5)
    dt = time.monotonic() - t0
    assert data.startswith(b"HTTP/1.1 408"), status_of(data)
    assert closed, "connection not closed after 408"
    assert 0.7 <= dt <= 3.0, f"408 after {dt:.2f}s, expected ~1s"
    assert not up.requests


def test_slow_header_trickle_still_times_out(ctx):
    """A head trickled a byte every 100 ms does not reset client_header: 408 after ~1s."""
    up = ctx.upstream()
    rp = ctx.proxy(up, timeouts={"client_header": "1s"})
    c = Client(rp.port, ctx=ctx, timeout=5)
    t0 = time.monotonic()
    trickle = b"GET / HTTP/1.1\r\nHost: example.test\r\nX-Slow: " + b"x" * 100
    for ch in trickle:
        if select.select([c.sock], [], [], 0.1)[0]:
            break   # the server answered (or closed)
        try:
            c.send(bytes([ch]))
        except OSError:
            break
    dt = time.monotonic() - t0
    got = c.read_until_close()
    assert got.startswith(b"HTTP/1.1 408"), status_of(got)
    assert dt <= 3.0, f"408 only after {dt:.2f}s of trickling"


def test_client_body_stall_408(ctx):
    """A body that stops arriving -> 408 after timeouts.client_body, then closed."""
    up = ctx.upstream()
    rp = ctx.proxy(up, timeouts={"client_body": "1s"})
    t0 = time.monotonic()
    data, closed = raw_exchange(
        rp.port, build_request("POST", "/", [("Content-Length", "100")]) + b"0123456789",
        timeout=5)
    dt = time.monotonic() - t0
    assert data.startswith(b"HTTP/1.1 408"), status_of(data)
    assert closed, "connection not closed after 408"
    assert 0.7 <= dt <= 3.0, f"408 after {dt:.2f}s, expected ~1s"


def test_keepalive_idle_connection_closed(ctx):
    """An idle keep-alive connection is closed by the server after timeouts.keepalive."""
    up = ctx.upstream()
    rp = ctx.proxy(up, timeouts={"keepalive": "1s"})
    c = Client(rp.port, ctx=ctx)
    c.request("GET", "/")
    assert c.read_response().status == 200
    t0 = time.monotonic()
    assert not c.is_closed(0.5), "closed before the keepalive timeout"
    assert c.is_closed(3.0), "idle connection still open 3.5s after a 1s keepalive"
    dt = time.monotonic() - t0
    assert dt >= 0.7, f"closed after {dt:.2f}s"


def test_idle_connection_without_request_closed(ctx):
    """A connection that never sends anything is closed (client_header applies)."""
    up = ctx.upstream()
    rp = ctx.proxy(up, timeouts={"client_header": "1s", "keepalive": "1s"})
    c = Client(rp.port, ctx=ctx)
    assert c.is_closed(3.0), "silent connection still open after 3s"


def test_slow_clients_do_not_block_others(ctx):
    """200 connections stuck mid-head do not delay a normal request; each of them
    then gets its 408 (or is closed) after client_header."""
    up = ctx.upstream()
    rp = ctx.proxy(up, timeouts={"client_header": "1s"})
    slow = []
    for _ in range(200):
        c = Client(rp.port, ctx=ctx, timeout=5)
        c.send(b"GET / HTTP/1.1\r\nHost: example.test\r\n")
        slow.append(c)
    t0 = time.monotonic()
    c = Client(rp.port, ctx=ctx)
    c.request("GET", "/fast")
    assert c.read_response().status == 200
    assert time.monotonic() - t0 < 1.0, f"normal request took {time.monotonic() - t0:.2f}s"
    deadline = time.monotonic() + 4
    still_open, not_408 = 0, []
    for s in slow:
        data, closed = s.drain_until_close(max(0.01, deadline - time.monotonic()))
        still_open += not closed
        if data and not data.startswith(b"HTTP/1.1 408"):
            not_408.append(data[:40])
    assert still_open == 0, f"{still_open} of 200 slow connections still open after ~4s"
    assert not not_408, f"slow connections answered with something else than 408: {not_408[:3]}"


def test_expect_100_continue_over_max_body_413(ctx):
    """Expect: 100-continue with a Content-Length over max_body gets 413 and no
    100 Continue (the client never has to send the body)."""
    up = ctx.upstream()
    rp = ctx.proxy(up, route={"max_body": "1k"})
    c = Client(rp.port, ctx=ctx, timeout=3)
    c.send(build_request("POST", "/", [("Expect", "100-continue"), ("Content-Length", "5000")]))
    r = c.read_response()
    assert r.interim == [], f"got interim responses {r.interim}"
    assert r.status == 413, r
    assert not up.requests


def test_send_timeout_closes_stalled_reader(ctx):
    """A client that stops reading a large response is disconnected after
    timeouts.send instead of being kept forever."""
    up = ctx.upstream()
    up.on("/", stream_bytes=256 << 20)
    rp = ctx.proxy(up, timeouts={"send": "1s"})
    c = Client(rp.port, ctx=ctx, timeout=5)
    c.request("GET", "/")
    time.sleep(3.5)                      # read nothing: buffers fill, writes stall
    data, closed = c.drain_until_close(5)
    assert closed, "stalled connection still open"
    assert len(data) < (256 << 20), "the whole response was delivered (no stall?)"


def test_max_connections(ctx):
    """With limits.max_connections reached (one worker), a further connection is not
    served; once the others close, new connections are served again."""
    up = ctx.upstream()
    rp = ctx.proxy(up, workers=1, limits={"max_connections": 5})
    held = []
    for _ in range(5):
        c = Client(rp.port, ctx=ctx)
        c.request("GET", "/")
        assert c.read_response().status == 200
        held.append(c)
    extra = Client(rp.port, ctx=ctx, timeout=1)
    try:
        extra.request("GET", "/extra")
        data, closed = extra.drain_until_close(1.0)
    except OSError:
        data = b""
    assert not data.startswith(b"HTTP/1.1 200"), "a 6th connection was served"
    for c in held:
        c.close()
    extra.close()
    wait_for(lambda: served(rp.port), timeout=3,
             what="new connections to be served once the held ones closed")


def served(port):
    try:
        return http(port, "GET", "/again", timeout=1).status == 200
    except OSError:
        return False
