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
    """A client that disconnects in the middle of a large download does not hurt later
    requests (no desynchronised upstream connection is reused)."""
    up = ctx.upstream()
    up.on("/big", stream_bytes=512 * MiB)
    rp = big_proxy(ctx, up)
    c = Client(rp.port, ctx=ctx, timeout=10)
    c.request("GET", "/big")
    c.reader.readline()
    c.sock.recv(1 << 20)
    c.close()
    time.sleep(0.3)
    for i in range(3):
        r = Client(rp.port, ctx=ctx, timeout=10)
        r.request("GET", f"/small{i}")
        resp = r.read_response()
        assert resp.status == 200 and resp.body == f"up GET /small{i}".encode(), resp
