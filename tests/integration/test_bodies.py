"""Large streamed bodies: 1 GiB each way with Rampart's RSS kept under 100 MB."""
import time

from harness import Client, RssSampler, build_request, send_pattern, timeout

GiB = 1 << 30
MiB = 1 << 20
RSS_LIMIT_KB = 100 * 1024


def big_proxy(ctx, up):
    return ctx.proxy(up, limits={"max_body": 0}, timeouts={"client_body": "30s"},
                     upstream_opts={"response_timeout": "60s"})


def check_rss(rss):
    assert rss.samples >= 3, f"only {rss.samples} RSS samples"
    assert rss.max_kb < RSS_LIMIT_KB, f"rampart VmRSS peaked at {rss.max_kb // 1024} MB (limit 100 MB)"


@timeout(120)
def test_upload_1gib_streamed(ctx):
    """A 1 GiB Content-Length upload streams through with VmRSS < 100 MB throughout."""
    up = ctx.upstream()
    up.on("/upload", discard_body=True)
    rp = big_proxy(ctx, up)
    c = Client(rp.port, ctx=ctx, timeout=30)
    t0 = time.monotonic()
    with RssSampler(rp) as rss:
        c.send(build_request("PUT", "/upload", [("Content-Length", str(GiB))]))
        send_pattern(c.sock, GiB)
        r = c.read_response()
    dt = time.monotonic() - t0
    assert r.status == 200, r
    q = up.wait_requests(1)[0]
    assert q.body_len == GiB, f"upstream got {q.body_len} bytes"
    check_rss(rss)
    assert dt < 60, f"1 GiB upload took {dt:.0f}s"


@timeout(120)
def test_download_1gib_streamed(ctx):
    """A 1 GiB download streams through with VmRSS < 100 MB throughout."""
    up = ctx.upstream()
    up.on("/download", stream_bytes=GiB)
    rp = big_proxy(ctx, up)
    c = Client(rp.port, ctx=ctx, timeout=30)
    t0 = time.monotonic()
    with RssSampler(rp) as rss:
        c.request("GET", "/download")
        r = c.read_response(discard_body=True)
    dt = time.monotonic() - t0
    assert r.status == 200, r
    assert r.body_len == GiB, f"client got {r.body_len} bytes"
    check_rss(rss)
    assert dt < 60, f"1 GiB download took {dt:.0f}s"


@timeout(60)
def test_chunked_upload_128mib(ctx):
    """A 128 MiB chunked upload streams through intact in size with VmRSS < 100 MB."""
    up = ctx.upstream()
    up.on("/", discard_body=True)
    rp = big_proxy(ctx, up)
    c = Client(rp.port, ctx=ctx, timeout=30)
    chunk = bytes(range(256)) * 256          # 64 KiB
    n = 128 * MiB // len(chunk)
    frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    with RssSampler(rp) as rss:
        c.send(build_request("POST", "/", [("Transfer-Encoding", "chunked")]))
        for _ in range(n):
            c.send(frame)
        c.send(b"0\r\n\r\n")
        r = c.read_response()
    assert r.status == 200, r
    q = up.wait_requests(1)[0]
    assert q.chunked and q.body_len == 128 * MiB, (q.chunked, q.body_len)
    check_rss(rss)


@timeout(60)
def test_chunked_download_128mib(ctx):
    """A 128 MiB chunked download is relayed with VmRSS < 100 MB."""
    up = ctx.upstream()
    chunk = bytes(range(256)) * 256
    up.on("/", chunks=[chunk] * (128 * MiB // len(chunk)))
    rp = big_proxy(ctx, up)
    c = Client(rp.port, ctx=ctx, timeout=30)
    with RssSampler(rp) as rss:
        c.request("GET", "/")
        r = c.read_response(discard_body=True)
    assert r.status == 200 and r.body_len == 128 * MiB, (r.status, r.body_len)
    check_rss(rss)


@timeout(60)
def test_slow_reader_backpressure(ctx):
    """A client that stops reading a 256 MiB download does not make Rampart buffer it."""
    up = ctx.upstream()
    up.on("/", stream_bytes=256 * MiB)
    rp = big_proxy(ctx, up)
    c = Client(rp.port, ctx=ctx, timeout=30)
    with RssSampler(rp) as rss:
        c.request("GET", "/")
        time.sleep(2.0)                  # read nothing while the upstream pushes
        r = c.read_response(discard_body=True)
    assert r.status == 200 and r.body_len == 256 * MiB, (r.status, r.body_len)
    check_rss(rss)


@timeout(60)
def test_client_abort_mid_download(ctx):
    """Clients that disconnect at various points of a large download do not hurt later
    requests (no crash, no desynchronised upstream connection reused)."""
    up = ctx.upstream()
    up.on("/big", stream_bytes=512 * MiB)
    rp = big_proxy(ctx, up)
    for when in ("after-request", "after-head", "after-1MiB", "after-head", "after-1MiB",
                 "after-request"):
        c = Client(rp.port, ctx=ctx, timeout=10)
        c.request("GET", "/big")
        if when != "after-request":
            c.reader.readline()
        if when == "after-1MiB":
            c.reader.read_exact(MiB)
        c.close()
        time.sleep(0.05)
    time.sleep(0.3)
    for i in range(3):
        r = Client(rp.port, ctx=ctx, timeout=10)
        r.request("GET", f"/small{i}")
        resp = r.read_response()
        assert resp.status == 200 and resp.body == f"up GET /small{i}".encode(), resp


@timeout(60)
def test_client_abort_mid_upload(ctx):
    """Clients that disconnect in the middle of a large upload do not hurt later
    requests; the upstream never sees those uploads as complete."""
    up = ctx.upstream()
    up.on("/upload", discard_body=True)
    rp = big_proxy(ctx, up)
    for sent in (0, 1000, 3 * MiB, 10, 5 * MiB):
        c = Client(rp.port, ctx=ctx, timeout=10)
        c.send(build_request("PUT", "/upload", [("Content-Length", str(64 * MiB))]))
        if sent:
            send_pattern(c.sock, sent)
        c.close()
        time.sleep(0.05)
    time.sleep(0.3)
    for i in range(3):
        r = Client(rp.port, ctx=ctx, timeout=10)
        r.request("POST", f"/small{i}", body=b"tiny")
        resp = r.read_response()
        assert resp.status == 200 and resp.body == f"up POST /small{i}".encode(), resp
    uploads = [q for q in up.requests if q.target == "/upload"]
    assert not [q for q in uploads if q.complete], "an aborted upload reached the upstream whole"


@timeout(60)
def test_upstream_abort_mid_upload(ctx):
    """An upstream that answers and closes before reading a large upload: the client
    gets that answer or an error status, never a hang, and the proxy stays healthy."""
    up = ctx.upstream()
    up.on("/early", raw=b"HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno")
    rp = big_proxy(ctx, up)
    c = Client(rp.port, ctx=ctx, timeout=3)
    c.send(build_request("PUT", "/early/x", [("Content-Length", str(64 * MiB))]))
    try:
        send_pattern(c.sock, 64 * MiB)
    except OSError:
        pass                              # the proxy may stop reading or close: fine
    try:
        resp = c.read_response()
    except (EOFError, OSError) as e:
        raise AssertionError(f"no response to the aborted upload: {e!r}")
    assert resp.status in (403, 502), resp
    r = Client(rp.port, ctx=ctx, timeout=10)
    r.request("GET", "/fine")
    assert r.read_response().status == 200
