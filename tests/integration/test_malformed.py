"""Malformed requests on a raw socket: rejected, logged, connection closed, never forwarded."""
import random
import socket
import time
from concurrent.futures import ThreadPoolExecutor

from harness import http, raw_exchange, status_lines, wait_for

SMUGGLED = b"GET /smuggled HTTP/1.1\r\nHost: example.test\r\n\r\n"


def assert_rejected(ctx, raw, status=400, upstream_may_see_head=False, times=3):
    """Sends raw to a fresh proxy on `times` successive connections and checks each
    time: exactly one response, "HTTP/1.1 <status>", connection closed, a new
    error-log line; and that nothing reached the upstream (with
    upstream_may_see_head: at least no complete request reached it)."""
    up = ctx.upstream()
    rp = ctx.proxy(up, workers=1)
    time.sleep(0.05)
    want = f"HTTP/1.1 {status}".encode()
    for attempt in range(1, times + 1):
        before = len(rp.error_lines())
        data, closed = raw_exchange(rp.port, raw, timeout=2)
        assert data.startswith(want), (f"connection {attempt}: expected {want!r}..., "
                                       f"got {data[:200]!r}")
        lines = status_lines(data)
        assert len(lines) == 1, f"connection {attempt}: expected one response, got {lines}"
        assert closed, f"connection {attempt}: not closed after the error response"
        wait_for(lambda: len(rp.error_lines()) > before, timeout=2,
                 what=f"an error-log line for connection {attempt}")
    time.sleep(0.1)
    if upstream_may_see_head:
        done = up.complete_requests()
        assert not done, f"a complete request reached the upstream: {done}"
    else:
        assert up.connections == 0 and up.bytes_received == 0, (
            f"upstream got {up.connections} connection(s), {up.bytes_received} bytes: {up.requests}")


def head(*header_lines, request_line=b"POST / HTTP/1.1"):
    return request_line + b"\r\n" + b"".join(h + b"\r\n" for h in header_lines) + b"\r\n"


def test_content_length_and_transfer_encoding(ctx):
    """Both Content-Length and Transfer-Encoding -> 400 (request smuggling)."""
    assert_rejected(ctx, head(b"Host: example.test", b"Content-Length: 5",
                              b"Transfer-Encoding: chunked") + b"0\r\n\r\n" + SMUGGLED)


def test_transfer_encoding_then_content_length(ctx):
    """Transfer-Encoding before Content-Length -> 400 as well."""
    assert_rejected(ctx, head(b"Host: example.test", b"Transfer-Encoding: chunked",
                              b"Content-Length: 48") + b"0\r\n\r\n" + SMUGGLED)


def test_differing_content_lengths(ctx):
    """Two differing Content-Length headers -> 400."""
    assert_rejected(ctx, head(b"Host: example.test", b"Content-Length: 5",
                              b"Content-Length: 6") + b"hello!")


def test_invalid_content_length_value(ctx):
    """A non-numeric Content-Length -> 400."""
    assert_rejected(ctx, head(b"Host: example.test", b"Content-Length: 5x") + b"hello")


def test_transfer_encoding_gzip_chunked(ctx):
    """Transfer-Encoding: gzip, chunked -> 400 (only a single chunked is accepted)."""
    assert_rejected(ctx, head(b"Host: example.test", b"Transfer-Encoding: gzip, chunked")
                    + b"0\r\n\r\n")


def test_obs_fold(ctx):
    """A folded header line (obs-fold) -> 400."""
    assert_rejected(ctx, head(b"Host: example.test", b"X-Long: part one", b"  part two",
                              request_line=b"GET / HTTP/1.1"))


def test_space_before_colon(ctx):
    """Whitespace between a header name and the colon -> 400."""
    assert_rejected(ctx, head(b"Host: example.test", b"X-Foo : bar",
                              request_line=b"GET / HTTP/1.1"))


def test_control_char_in_header_name(ctx):
    """A control character in a header name -> 400."""
    assert_rejected(ctx, head(b"Host: example.test", b"X-F\x01oo: bar",
                              request_line=b"GET / HTTP/1.1"))


def test_non_token_char_in_header_name(ctx):
    """A non-token character in a header name ("Foo@: x") -> 400."""
    assert_rejected(ctx, head(b"Host: example.test", b"Foo@: x",
                              request_line=b"GET / HTTP/1.1"))


def test_bare_lf_line_endings(ctx):
    """Bare LF line endings -> 400."""
    assert_rejected(ctx, b"GET / HTTP/1.1\nHost: example.test\nX-A: b\n\n")


def test_http09_request(ctx):
    """An HTTP/0.9 request ("GET /") -> 400."""
    assert_rejected(ctx, b"GET /\r\n")


def test_http2_version(ctx):
    """HTTP/2.0 in the request line -> 505."""
    assert_rejected(ctx, head(b"Host: example.test", request_line=b"GET / HTTP/2.0"), 505)


def test_http12_version(ctx):
    """HTTP/1.2 in the request line -> 505."""
    assert_rejected(ctx, head(b"Host: example.test", request_line=b"GET / HTTP/1.2"), 505)


def test_invalid_chunk_size_non_hex(ctx):
    """A chunk size that is not hex ("zz") -> 400; no complete request reaches the upstream."""
    assert_rejected(ctx, head(b"Host: example.test", b"Transfer-Encoding: chunked")
                    + b"zz\r\nhello\r\n0\r\n\r\n", upstream_may_see_head=True)


def test_invalid_chunk_size_0x_prefix(ctx):
    """A chunk size with a 0x prefix ("0x5") -> 400; no complete request reaches the upstream."""
    assert_rejected(ctx, head(b"Host: example.test", b"Transfer-Encoding: chunked")
                    + b"0x5\r\nhello\r\n0\r\n\r\n", upstream_may_see_head=True)


def test_missing_host_http11(ctx):
    """An HTTP/1.1 request without Host -> 400."""
    assert_rejected(ctx, b"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n")


# The brief's list ends here; these follow the README's "What the proxy refuses".


def test_bare_cr_in_header_line(ctx):
    """A bare CR inside a header line -> 400."""
    assert_rejected(ctx, b"GET / HTTP/1.1\r\nHost: example.test\r\nX-A: b\rX-B: c\r\n\r\n")


def test_transfer_encoding_chunked_twice(ctx):
    """Transfer-Encoding: chunked given twice (two lines) -> 400."""
    assert_rejected(ctx, head(b"Host: example.test", b"Transfer-Encoding: chunked",
                              b"Transfer-Encoding: chunked") + b"0\r\n\r\n")


def test_content_length_with_sign(ctx):
    """A Content-Length with a sign ("+5") -> 400."""
    assert_rejected(ctx, head(b"Host: example.test", b"Content-Length: +5") + b"hello")


def test_nul_in_header_value(ctx):
    """A NUL byte in a header value -> 400."""
    assert_rejected(ctx, head(b"Host: example.test", b"X-A: a\x00b",
                              request_line=b"GET / HTTP/1.1"))


def test_whitespace_before_first_header(ctx):
    """Whitespace at the start of the first header line -> 400."""
    assert_rejected(ctx, b"GET / HTTP/1.1\r\n Host: example.test\r\n\r\n")


def test_space_in_request_target(ctx):
    """A space inside the request target -> 400."""
    assert_rejected(ctx, b"GET /a b HTTP/1.1\r\nHost: example.test\r\n\r\n")


def test_two_host_headers(ctx):
    """Two Host headers -> 400 (RFC 9112 section 3.2)."""
    assert_rejected(ctx, head(b"Host: a.example.test", b"Host: b.example.test",
                              request_line=b"GET / HTTP/1.1"))


def test_chunk_size_overflow(ctx):
    """A chunk size that overflows 64 bits -> 400 (or 413), never a wrapped small size."""
    up = ctx.upstream()
    rp = ctx.proxy(up, workers=1)
    data, closed = raw_exchange(rp.port, head(b"Host: example.test", b"Transfer-Encoding: chunked")
                                + b"10000000000000005\r\nhello\r\n0\r\n\r\n" + SMUGGLED)
    lines = status_lines(data)
    assert len(lines) == 1 and lines[0].split()[1] in ("400", "413"), lines
    assert closed, "connection not closed"
    time.sleep(0.1)
    assert not up.complete_requests(), up.requests


def test_chunk_longer_than_declared(ctx):
    """Chunk data longer than its size (no CRLF where expected) -> 400."""
    assert_rejected(ctx, head(b"Host: example.test", b"Transfer-Encoding: chunked")
                    + b"5\r\nhelloEXTRA\r\n0\r\n\r\n", upstream_may_see_head=True)


# ---------------------------------------------------------------- mutation smoke test

VALID = [
    b"GET /a/b?c=d HTTP/1.1\r\nHost: example.test\r\nAccept: */*\r\nX-A: 1\r\n\r\n",
    b"POST /p HTTP/1.1\r\nHost: example.test\r\nContent-Length: 5\r\n\r\nhello",
    b"POST /c HTTP/1.1\r\nHost: example.test\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
    b"GET / HTTP/1.0\r\n\r\n",
]
NASTY = [b"\r", b"\n", b"\x00", b" ", b":", b"\t", b"\x7f", b"\xff", b",", b"0", b"-",
         b"\r\n", b"Transfer-Encoding: chunked\r\n", b"Content-Length: 3\r\n"]


def mutate(rnd, data):
    data = bytearray(data)
    for _ in range(rnd.randint(1, 4)):
        op = rnd.randrange(4)
        i = rnd.randrange(len(data) + 1)
        if op == 0 and data:
            data[min(i, len(data) - 1)] = rnd.randrange(256)
        elif op == 1:
            data[i:i] = rnd.choice(NASTY)
        elif op == 2 and data:
            del data[i:i + rnd.randint(1, 8)]
        else:
            j = rnd.randrange(len(data) + 1)
            data[i:i] = data[min(i, j):max(i, j)][:64]
    return bytes(data)


def test_mutated_requests_never_crash(ctx):
    """600 randomly mutated requests (fixed seed): Rampart answers or closes each, never
    crashes, only sends well-formed heads upstream, and still serves afterwards."""
    up = ctx.upstream()
    rp = ctx.proxy(up, timeouts={"client_header": "1s", "client_body": "1s"})
    rnd = random.Random(20261123)
    cases = [mutate(rnd, rnd.choice(VALID)) for _ in range(600)]

    def exchange(data):
        s = socket.create_connection(("127.0.0.1", rp.port), timeout=3)
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            out = b""
            while True:
                try:
                    d = s.recv(65536)
                except (ConnectionResetError, TimeoutError, socket.timeout):
                    return out
                if not d:
                    return out
                out += d
        finally:
            s.close()

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(exchange, cases))
    assert rp.alive(), "rampart died"
    weird = [r[:40] for r in results if r and not r.startswith(b"HTTP/1.1 ")]
    assert not weird, f"answers that are not HTTP/1.1 responses: {weird[:3]}"
    assert http(rp.port, "GET", "/still").status == 200
