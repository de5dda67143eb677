"""Connection-level behaviour: per-worker connection limit, input split at awkward
places, response bodies sent straight from the read buffer."""
import socket
import time

from harness import Client, build_request, pattern_bytes, wait_for


def test_max_connections_per_worker(ctx):
    """With limits.max_connections: 2 on one worker, a third concurrent connection is
    closed at once, and a slot freed by a closing client is usable again."""
    up = ctx.upstream()
    rp = ctx.proxy(up, workers=1, limits={"max_connections": 2})
    a = Client(rp.port, ctx=ctx)
    b = Client(rp.port, ctx=ctx)
    for c in (a, b):
        c.send(build_request("GET", "/x"))
        assert c.read_response().status == 200
    third = socket.create_connection(("127.0.0.1", rp.port), timeout=3)
    try:
        third.sendall(build_request("GET", "/x"))
        data = b""
        try:
            data = third.recv(100)
        except (ConnectionResetError, socket.timeout):
            pass
        assert data == b"", f"third connection was served: {data[:80]!r}"
    finally:
        third.close()
    a.close()
    time.sleep(0.2)
    d = Client(rp.port, ctx=ctx)
    d.send(build_request("GET", "/x"))
    assert d.read_response().status == 200


def test_chunked_trailer_split_across_reads(ctx):
    """A chunked request whose trailer line arrives in two pieces is forwarded once
    the rest arrives (no spin, no error)."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.send(build_request("POST", "/t", headers=[("Transfer-Encoding", "chunked")]) +
           b"5\r\nhello\r\n0\r\nX-Tra")
    time.sleep(0.3)
    c.send(b"iler: yes\r\n\r\n")
    r = c.read_response()
    assert r.status == 200, r
    q = up.wait_requests(1)[0]
    assert q.body == b"hello", q.body
    assert rp.proc.poll() is None


def test_large_response_and_request_bodies_intact(ctx):
    """Bodies larger than the read buffers (1 MiB each way, Content-Length) arrive
    byte-identical: the direct-send path and the queued path agree."""
    up = ctx.upstream()
    body = pattern_bytes(1 << 20)
    up.on("/big", status=200, body=body)
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.send(build_request("GET", "/big"))
    r = c.read_response()
    assert r.status == 200 and r.body == body, f"{r.status} {len(r.body)} bytes"
    c.send(build_request("POST", "/up", body=body))
    assert c.read_response().status == 200
    reqs = up.wait_requests(2)
    assert reqs[1].body == body, f"upstream got {len(reqs[1].body)} bytes"
    wait_for(lambda: len(rp.access_log()) >= 2, what="access log lines")
