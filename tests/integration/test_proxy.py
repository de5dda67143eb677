"""Forwarding: headers, routing, prefixes, keep-alive, pipelining, bodies both ways."""
import re
import time

from harness import (Client, build_request, free_port, http, make_config, pattern_bytes,
                     status_lines)

HEX32 = re.compile(r"^[0-9a-f]{32}$")
HOP_BY_HOP = ("Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade")


def one(up):
    """The single request the upstream got."""
    reqs = up.wait_requests(1)
    assert len(reqs) == 1, f"upstream got {len(reqs)} requests: {reqs}"
    return reqs[0]


# ---------------------------------------------------------------- basic forwarding


def test_get_forwarded(ctx):
    """A GET reaches the upstream with the same method and target, and its answer comes back."""
    up = ctx.upstream("origin")
    rp = ctx.proxy(up)
    r = http(rp.port, "GET", "/a/b?x=1&y=%20z")
    assert r.status == 200, r
    assert r.body == b"origin GET /a/b?x=1&y=%20z", r.body
    q = one(up)
    assert (q.method, q.target) == ("GET", "/a/b?x=1&y=%20z"), q


def test_upstream_gets_http11(ctx):
    """The upstream request is HTTP/1.1 even when the client speaks HTTP/1.0."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    r = http(rp.port, "GET", "/old", version="HTTP/1.0")
    assert r.status == 200, r
    assert one(up).version == "HTTP/1.1", one(up).version


def test_status_headers_body_relayed(ctx):
    """The upstream's status, end-to-end headers and body reach the client unchanged."""
    up = ctx.upstream()
    up.on("/", status=404, headers=[("X-Custom", "v1"), ("Set-Cookie", "a=1"),
                                    ("Set-Cookie", "b=2")], body=b"nothing here")
    rp = ctx.proxy(up)
    r = http(rp.port, "GET", "/missing")
    assert r.status == 404, r
    assert r.header("X-Custom") == "v1", r.headers
    assert r.header_all("Set-Cookie") == ["a=1", "b=2"], r.headers
    assert r.body == b"nothing here", r.body


def test_host_preserved(ctx):
    """Without rewrite_host the upstream gets the client's Host header."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    http(rp.port, "GET", "/", host="App.Test:8000")
    q = one(up)
    assert q.header_all("Host") == ["App.Test:8000"], q.headers


def test_rewrite_host(ctx):
    """rewrite_host replaces the Host header sent upstream."""
    up = ctx.upstream()
    rp = ctx.proxy(up, route={"rewrite_host": "origin.internal"})
    http(rp.port, "GET", "/", host="public.test")
    q = one(up)
    assert q.header_all("Host") == ["origin.internal"], q.headers


def test_x_forwarded_host_is_original_host(ctx):
    """X-Forwarded-Host carries the client's original Host, even with rewrite_host."""
    up = ctx.upstream()
    rp = ctx.proxy(up, route={"rewrite_host": "origin.internal"})
    http(rp.port, "GET", "/", host="shop.test:81")
    q = one(up)
    assert q.header_all("X-Forwarded-Host") == ["shop.test:81"], q.headers


def test_x_forwarded_for_set_to_peer(ctx):
    """Without an incoming X-Forwarded-For, the upstream gets the peer IP."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    http(rp.port, "GET", "/")
    q = one(up)
    assert q.header_all("X-Forwarded-For") == ["127.0.0.1"], q.headers


def test_x_forwarded_for_appended(ctx):
    """An incoming X-Forwarded-For gets ", <peer IP>" appended."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    http(rp.port, "GET", "/", headers=[("X-Forwarded-For", "198.51.100.1, 203.0.113.5")])
    q = one(up)
    assert q.header_all("X-Forwarded-For") == ["198.51.100.1, 203.0.113.5, 127.0.0.1"], q.headers


def test_x_forwarded_proto(ctx):
    """X-Forwarded-Proto is http (replacing whatever the client sent)."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    http(rp.port, "GET", "/", headers=[("X-Forwarded-Proto", "https")])
    q = one(up)
    assert q.header_all("X-Forwarded-Proto") == ["http"], q.headers


def test_request_id_generated(ctx):
    """Each request gets its own generated X-Request-Id of 32 hex characters."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    http(rp.port, "GET", "/1")
    http(rp.port, "GET", "/2")
    a, b = up.wait_requests(2)
    ids = [a.header_all("X-Request-Id"), b.header_all("X-Request-Id")]
    assert all(len(x) == 1 and HEX32.match(x[0]) for x in ids), ids
    assert ids[0] != ids[1], f"same id twice: {ids}"


def test_request_id_from_untrusted_peer_replaced(ctx):
    """An X-Request-Id from an untrusted peer is replaced by a generated one."""
    up = ctx.upstream()
    rp = ctx.proxy(up, trusted_proxies=["127.0.0.2/32"])
    http(rp.port, "GET", "/", headers=[("X-Request-Id", "client-chosen-id")])
    ids = one(up).header_all("X-Request-Id")
    assert len(ids) == 1 and HEX32.match(ids[0]), ids


def test_request_id_from_trusted_peer_kept(ctx):
    """A trusted proxy's X-Request-Id is kept as is."""
    up = ctx.upstream()
    rp = ctx.proxy(up, trusted_proxies=["127.0.0.2/32"])
    http(rp.port, "GET", "/", headers=[("X-Request-Id", "lb-1234")], source="127.0.0.2")
    ids = one(up).header_all("X-Request-Id")
    assert ids == ["lb-1234"], ids


def test_hop_by_hop_request_headers_removed(ctx):
    """Hop-by-hop request headers, and headers named in Connection, are not forwarded."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    http(rp.port, "GET", "/", headers=[
        ("Connection", "keep-alive, X-Secret"), ("Keep-Alive", "timeout=5"),
        ("Proxy-Connection", "keep-alive"), ("TE", "trailers"), ("Trailer", "X-T"),
        ("Upgrade", "websocket"), ("X-Secret", "s3"), ("X-Kept", "k")])
    q = one(up)
    for name in ("Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "X-Secret"):
        assert q.header(name) is None, f"{name} forwarded: {q.headers}"
    conn = q.header("Connection")
    assert conn is None or "x-secret" not in conn.lower(), f"client Connection forwarded: {conn!r}"
    assert q.header("X-Kept") == "k", q.headers


def test_hop_by_hop_response_headers_removed(ctx):
    """Hop-by-hop response headers from the upstream, and those it names in Connection,
    do not reach the client."""
    up = ctx.upstream()
    up.on("/", headers=[("Connection", "X-Up-Secret"), ("Keep-Alive", "timeout=9"),
                        ("Proxy-Connection", "keep-alive"), ("Upgrade", "h2c"),
                        ("X-Up-Secret", "s"), ("X-Kept", "k")])
    rp = ctx.proxy(up)
    r = http(rp.port, "GET", "/")
    assert r.status == 200, r
    for name in ("Keep-Alive", "Proxy-Connection", "Upgrade", "X-Up-Secret"):
        assert r.header(name) is None, f"{name} relayed: {r.headers}"
    conn = r.header("Connection")
    assert conn is None or "x-up-secret" not in conn.lower(), f"upstream Connection relayed: {conn!r}"
    assert r.header("X-Kept") == "k", r.headers


def test_set_headers(ctx):
    """set_headers are added upstream and replace same-named client headers."""
    up = ctx.upstream()
    rp = ctx.proxy(up, route={"set_headers": {"X-Api-Key": "k1", "X-Extra": "e"}})
    http(rp.port, "GET", "/", headers=[("x-api-key", "forged"), ("X-Api-Key", "forged2")])
    q = one(up)
    assert q.header_all("X-Api-Key") == ["k1"], q.headers
    assert q.header_all("X-Extra") == ["e"], q.headers


# ---------------------------------------------------------------- prefixes


def test_strip_and_add_prefix(ctx):
    """strip_prefix then add_prefix rewrite the path; the query string is kept."""
    up = ctx.upstream()
    rp = ctx.proxy(up, route={"path": "/v1/", "strip_prefix": "/v1", "add_prefix": "/prod"})
    http(rp.port, "GET", "/v1/users/7?fields=a,b&x=%2F")
    assert one(up).target == "/prod/users/7?fields=a,b&x=%2F", one(up).target


def test_strip_prefix_only_when_present(ctx):
    """strip_prefix removes the prefix when the path has it and leaves other paths alone."""
    up = ctx.upstream()
    rp = ctx.proxy(up, route={"path": "/", "strip_prefix": "/api"})
    http(rp.port, "GET", "/api/items?q=1")
    http(rp.port, "GET", "/other?q=2")
    got = [q.target for q in up.wait_requests(2)]
    assert got == ["/items?q=1", "/other?q=2"], got


def test_add_prefix(ctx):
    """add_prefix alone puts the prefix in front of the path."""
    up = ctx.upstream()
    rp = ctx.proxy(up, route={"add_prefix": "/stage"})
    http(rp.port, "GET", "/pets?limit=2")
    assert one(up).target == "/stage/pets?limit=2", one(up).target


# ---------------------------------------------------------------- routing


def routing_proxy(ctx, routes, listeners=None):
    port = free_port()
    listeners = listeners or [{"listen": f"127.0.0.1:{port}", "name": "public"}]
    rp = ctx.rampart(make_config(listeners, routes=routes))
    return rp, port


def mock(name, path, body=None, **kw):
    return dict({"name": name, "path": path,
                 "respond": {"status": 200, "body": body or name}}, **kw)


def test_longest_prefix_wins(ctx):
    """Among matching routes the longest path prefix wins."""
    rp, port = routing_proxy(ctx, [mock("root", "/"), mock("api", "/api/"),
                                   mock("v2", "/api/v2/"), mock("apiv", "/api/v")])
    cases = {"/": b"root", "/api": b"root", "/api/x": b"api", "/api/v1/x": b"apiv",
             "/api/v2/x": b"v2", "/api/v2/": b"v2", "/zzz": b"root"}
    for path, want in cases.items():
        r = http(port, "GET", path)
        assert (r.status, r.body) == (200, want), f"{path} -> {r.status} {r.body!r}, want {want!r}"


def test_route_host_exact_match(ctx):
    """An exact host matches case-insensitively and ignores the port."""
    rp, port = routing_proxy(ctx, [mock("api", "/", hosts=["api.example.com"]),
                                   mock("other", "/")])
    for host, want in [("api.example.com", b"api"), ("API.Example.COM:8443", b"api"),
                       ("example.com", b"other"), ("api.example.com.evil", b"other")]:
        r = http(port, "GET", "/x", host=host)
        assert r.body == want, f"Host {host} -> {r.body!r}, want {want!r}"


def test_route_host_wildcard(ctx):
    """"*.suffix" matches any subdomain of suffix."""
    rp, port = routing_proxy(ctx, [mock("wild", "/", hosts=["*.example.com"]),
                                   mock("other", "/")])
    for host, want in [("a.example.com", b"wild"), ("x.y.example.com:80", b"wild"),
                       ("A.EXAMPLE.COM", b"wild"), ("example.org", b"other"),
                       ("aexample.com", b"other")]:
        r = http(port, "GET", "/", host=host)
        assert r.body == want, f"Host {host} -> {r.body!r}, want {want!r}"


def test_route_hosts_filter_before_path(ctx):
    """Only routes whose hosts match compete on path length."""
    rp, port = routing_proxy(ctx, [mock("a_root", "/", hosts=["a.test"]),
                                   mock("b_deep", "/deep/path/", hosts=["b.test"])])
    r = http(port, "GET", "/deep/path/x", host="a.test")
    assert r.body == b"a_root", r.body


def test_no_route_404(ctx):
    """A request matching no route (path or host) gets 404."""
    rp, port = routing_proxy(ctx, [mock("api", "/api/"), mock("h", "/", hosts=["only.test"])])
    r = http(port, "GET", "/other", host="example.test")
    assert r.status == 404, f"/other -> {r.status}"


def test_route_listeners(ctx):
    """A route limited to one listener is not served on another."""
    p1, p2 = free_port(), free_port()
    rp, _ = routing_proxy(ctx, [mock("internal", "/", listeners=["a"])],
                          listeners=[{"listen": f"127.0.0.1:{p1}", "name": "a"},
                                     {"listen": f"127.0.0.1:{p2}", "name": "b"}])
    assert http(p1, "GET", "/").status == 200
    r = http(p2, "GET", "/")
    assert r.status == 404, f"route for listener a served on b: {r.status}"


def test_respond_route(ctx):
    """A respond route answers with its status, headers and body."""
    rp, port = routing_proxy(ctx, [{"name": "mock", "path": "/mock", "respond": {
        "status": 201, "headers": {"Content-Type": "application/json", "X-Mock": "1"},
        "body": '{"ok":true}'}}])
    r = http(port, "GET", "/mock")
    assert r.status == 201, r
    assert r.header("Content-Type") == "application/json", r.headers
    assert r.header("X-Mock") == "1", r.headers
    assert r.body == b'{"ok":true}', r.body
    assert r.header("Content-Length") == "11", r.headers


# ---------------------------------------------------------------- access log and real IP

ACCESS_FIELDS = ("time", "request_id", "client_ip", "peer", "method", "host", "path", "query",
                 "status", "bytes_in", "bytes_out", "upstream", "upstream_time_ms",
                 "total_time_ms", "route")


def test_access_log_line(ctx):
    """A proxied request writes one JSON access-log line with every field filled in."""
    up = ctx.upstream()
    up.on("/", body=b"x" * 1000)
    rp = ctx.proxy(up)
    r = http(rp.port, "POST", "/p/q?a=1", body=b"hello", host="log.test")
    assert r.status == 200
    (e,) = rp.wait_access_entries(1)
    missing = [f for f in ACCESS_FIELDS if f not in e]
    assert not missing, f"fields missing: {missing} in {e}"
    rid = one(up).header("X-Request-Id")
    checks = {"request_id": rid, "client_ip": "127.0.0.1", "method": "POST", "host": "log.test",
              "path": "/p/q", "status": 200, "upstream": up.addr, "route": "main"}
    bad = {k: (e[k], v) for k, v in checks.items() if e[k] != v}
    assert not bad, f"wrong values (got, want): {bad}"
    assert e["query"] in ("a=1", "?a=1"), e["query"]
    assert str(e["peer"]).startswith("127.0.0.1"), e["peer"]
    assert isinstance(e["bytes_in"], int) and e["bytes_in"] >= 5, e["bytes_in"]
    assert isinstance(e["bytes_out"], int) and e["bytes_out"] >= 1000, e["bytes_out"]
    assert isinstance(e["upstream_time_ms"], (int, float)) and e["upstream_time_ms"] >= 0
    assert isinstance(e["total_time_ms"], (int, float)) and e["total_time_ms"] >= 0
    assert len(rp.access_log()) == 1, rp.access_log()


def test_access_log_one_line_per_request(ctx):
    """Three requests on one connection give three access-log lines in order."""
    rp, port = routing_proxy(ctx, [mock("m", "/")])
    c = Client(port, ctx=ctx)
    for p in ("/1", "/2", "/3"):
        c.request("GET", p)
        assert c.read_response().status == 200
    entries = rp.wait_access_entries(3)
    assert [e.get("path") for e in entries] == ["/1", "/2", "/3"], entries


def test_access_log_respond_route_has_null_upstream(ctx):
    """A respond route logs upstream null and its route name."""
    rp, port = routing_proxy(ctx, [mock("canned", "/")])
    http(port, "GET", "/x")
    (e,) = rp.wait_access_entries(1)
    assert "upstream" in e and e["upstream"] is None, e
    assert e.get("route") == "canned", e


def test_client_ip_untrusted_peer(ctx):
    """An untrusted peer's X-Forwarded-For is not believed (client_ip = peer) but is
    passed along with the peer appended."""
    up = ctx.upstream()
    rp = ctx.proxy(up, trusted_proxies=["127.0.0.2/32"])
    http(rp.port, "GET", "/", headers=[("X-Forwarded-For", "203.0.113.9")])
    (e,) = rp.wait_access_entries(1)
    assert e.get("client_ip") == "127.0.0.1", e
    assert one(up).header("X-Forwarded-For") == "203.0.113.9, 127.0.0.1", one(up).headers


def test_client_ip_trusted_peer(ctx):
    """Behind a trusted peer, client_ip is the right-most X-Forwarded-For entry that
    is not itself trusted."""
    up = ctx.upstream()
    rp = ctx.proxy(up, trusted_proxies=["127.0.0.2/32", "10.0.0.0/8"])
    xff = "198.51.100.1, 203.0.113.9, 10.1.2.3"
    http(rp.port, "GET", "/", headers=[("X-Forwarded-For", xff)], source="127.0.0.2")
    (e,) = rp.wait_access_entries(1)
    assert e.get("client_ip") == "203.0.113.9", e
    assert str(e.get("peer")).startswith("127.0.0.2"), e
    assert one(up).header("X-Forwarded-For") == xff + ", 127.0.0.2", one(up).headers


def test_client_ip_trusted_peer_without_xff(ctx):
    """A trusted peer without X-Forwarded-For is itself the client."""
    up = ctx.upstream()
    rp = ctx.proxy(up, trusted_proxies=["127.0.0.2/32"])
    http(rp.port, "GET", "/", source="127.0.0.2")
    (e,) = rp.wait_access_entries(1)
    assert e.get("client_ip") == "127.0.0.2", e


# ---------------------------------------------------------------- keep-alive and pipelining


def test_client_keepalive(ctx):
    """Two requests are answered on one client connection."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    for path in ("/first", "/second"):
        c.request("GET", path)
        r = c.read_response()
        assert r.status == 200 and r.body.endswith(path.encode()), r
    assert not c.is_closed(0.2), "server closed a keep-alive connection"


def test_upstream_connection_pooled(ctx):
    """Sequential requests on one client connection reuse one upstream connection."""
    up = ctx.upstream()
    rp = ctx.proxy(up, workers=1)
    c = Client(rp.port, ctx=ctx)
    for i in range(5):
        c.request("GET", f"/{i}")
        assert c.read_response().status == 200
    ids = up.conn_ids()
    assert len(ids) == 5 and len(set(ids)) == 1, f"upstream connection ids per request: {ids}"


def test_upstream_connection_pooled_across_clients(ctx):
    """Requests from successive client connections reuse a pooled upstream connection."""
    up = ctx.upstream()
    rp = ctx.proxy(up, workers=1)
    for i in range(5):
        assert http(rp.port, "GET", f"/{i}").status == 200
        time.sleep(0.05)
    ids = up.conn_ids()
    assert len(ids) == 5 and len(set(ids)) == 1, f"upstream connection ids per request: {ids}"


def test_pipelining(ctx):
    """Three requests sent in one write get three responses, in order."""
    up = ctx.upstream()
    up.on("/slow", delay=0.3)
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.send(build_request("GET", "/slow") + build_request("GET", "/b") +
           build_request("POST", "/c", body=b"xyz"))
    bodies = [c.read_response().body for _ in range(3)]
    assert bodies == [b"up GET /slow", b"up GET /b", b"up POST /c"], bodies
    assert up.wait_requests(3)[2].body == b"xyz"


# ---------------------------------------------------------------- bodies and framing


def test_content_length_request_body(ctx):
    """A Content-Length request body reaches the upstream byte for byte."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    body = pattern_bytes(300_000, 3)
    r = http(rp.port, "PUT", "/up", body=body)
    assert r.status == 200, r
    q = one(up)
    assert q.header("Content-Length") == str(len(body)), q.headers
    assert q.body == body, f"body differs: {len(q.body)} bytes"


def test_content_length_response_body(ctx):
    """A Content-Length response body reaches the client byte for byte."""
    up = ctx.upstream()
    body = pattern_bytes(500_000, 11)
    up.on("/", body=body)
    rp = ctx.proxy(up)
    r = http(rp.port, "GET", "/")
    assert r.status == 200 and r.body == body, f"{r.status}, {len(r.body)} bytes"


def test_chunked_request_forwarded(ctx):
    """A chunked request body (with a trailer) is forwarded chunked with identical bytes."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    chunks = [b"hello", b" ", pattern_bytes(70_000), b"world"]
    raw = b"".join(b"%x\r\n" % len(x) + x + b"\r\n" for x in chunks)
    raw += b"0\r\nX-Checksum: abc\r\n\r\n"
    c = Client(rp.port, ctx=ctx)
    c.send(build_request("POST", "/chunked", headers=[("Transfer-Encoding", "chunked")]) + raw)
    r = c.read_response()
    assert r.status == 200, r
    q = one(up)
    assert q.chunked, f"upstream request not chunked: {q.headers}"
    assert q.header("Content-Length") is None, q.headers
    assert q.body == b"".join(chunks), f"body differs ({len(q.body)} bytes)"


def test_chunked_response_relayed_http11(ctx):
    """A chunked upstream response reaches an HTTP/1.1 client chunked, same payload."""
    up = ctx.upstream()
    chunks = [b"first", pattern_bytes(100_000), b"last"]
    up.on("/", chunks=chunks, trailers=[("X-Digest", "d")])
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.request("GET", "/")
    r = c.read_response()
    assert r.status == 200 and r.chunked, r
    assert r.body == b"".join(chunks), f"payload differs ({len(r.body)} bytes)"
    c.request("GET", "/again")   # framing intact: the connection still works
    assert c.read_response().status == 200


def test_chunked_response_to_http10_client(ctx):
    """A chunked upstream response reaches an HTTP/1.0 client de-chunked, and the
    connection is closed after it."""
    up = ctx.upstream()
    chunks = [b"alpha", b"beta", b"gamma"]
    up.on("/", chunks=chunks)
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.send(b"GET / HTTP/1.0\r\nHost: example.test\r\n\r\n")
    data = c.read_until_close()
    head, sep, body = data.partition(b"\r\n\r\n")
    assert sep, f"no complete response: {data!r}"
    assert head.startswith(b"HTTP/1."), head
    assert b" 200 " in head.split(b"\r\n")[0], head
    assert b"transfer-encoding" not in head.lower(), f"chunked sent to HTTP/1.0 client: {head!r}"
    assert body == b"alphabetagamma", body


def test_expect_100_continue(ctx):
    """Expect: 100-continue gets "100 Continue" before the body is sent, then the final
    response; the upstream does not see Expect."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx, timeout=3)
    c.send(build_request("POST", "/e", headers=[("Expect", "100-continue"),
                                                ("Content-Length", "5")]))
    line = c.reader.readline()
    assert line.startswith(b"HTTP/1.1 100"), f"expected 100 Continue, got {line!r}"
    while c.reader.readline() not in (b"\r\n", b"\n"):
        pass
    c.send(b"hello")
    r = c.read_response()
    assert r.status == 200, r
    q = one(up)
    assert q.header("Expect") is None, q.headers
    assert q.body == b"hello", q.body


def test_head_has_no_body(ctx):
    """A HEAD response has no body (the next response on the connection parses)."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.request("HEAD", "/h")
    r = c.read_response("HEAD")
    assert r.status == 200, r
    c.request("GET", "/next")
    r2 = c.read_response()
    assert r2.status == 200 and r2.body == b"up GET /next", f"after HEAD: {r2}"
    assert one_of(up, "HEAD").method == "HEAD"


def one_of(up, method):
    for q in up.wait_requests(1):
        if q.method == method:
            return q
    raise AssertionError(f"no {method} request upstream")


def no_body_status(ctx, status):
    up = ctx.upstream()
    up.on("/nb", status=status, no_body=True, headers=[("ETag", '"e1"')])
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.request("GET", "/nb")
    r = c.read_response()
    assert r.status == status, r
    assert r.header("Transfer-Encoding") is None, f"{status} with Transfer-Encoding: {r.headers}"
    c.request("GET", "/next")
    r2 = c.read_response()
    assert r2.status == 200 and r2.body == b"up GET /next", f"after {status}: {r2}"


def test_204_has_no_body(ctx):
    """A 204 response is relayed without a body."""
    no_body_status(ctx, 204)


def test_304_has_no_body(ctx):
    """A 304 response is relayed without a body."""
    no_body_status(ctx, 304)


def test_1xx_interim_relayed(ctx):
    """An upstream 1xx interim response (103) reaches an HTTP/1.1 client before the final one."""
    up = ctx.upstream()
    up.on("/", interim=[(103, [("Link", "</style.css>; rel=preload")])])
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.request("GET", "/")
    r = c.read_response()
    assert [s for s, _ in r.interim] == [103], f"interim responses: {r.interim}"
    assert r.status == 200 and r.body == b"up GET /", r


def test_upstream_close_delimited_response(ctx):
    """An HTTP/1.0 upstream response delimited by close reaches the client intact."""
    up = ctx.upstream()
    body = pattern_bytes(200_000, 5)
    up.on("/", http10_close=True, body=body)
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.request("GET", "/")
    r = c.read_response()
    assert r.status == 200 and r.body == body, f"{r.status}, {len(r.body)} bytes"


def test_many_concurrent_clients(ctx):
    """50 concurrent connections each get their own correct answer."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    clients = [Client(rp.port, ctx=ctx) for _ in range(50)]
    for i, c in enumerate(clients):
        c.request("GET", f"/c{i}")
    for i, c in enumerate(clients):
        r = c.read_response()
        assert r.body == f"up GET /c{i}".encode(), (i, r)


def test_server_closes_after_connection_close(ctx):
    """A request with Connection: close gets its response and then the server closes."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.request("GET", "/", headers=[("Connection", "close")])
    assert c.read_response().status == 200
    assert c.is_closed(2.0), "connection left open after Connection: close"



def test_request_header_order_and_duplicates_kept(ctx):
    """End-to-end request headers reach the upstream in order, duplicates included."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    sent = [("X-A", "1"), ("X-Multi", "first"), ("X-B", "2"), ("X-Multi", "second"),
            ("Accept", "*/*")]
    http(rp.port, "GET", "/", headers=sent)
    names = {k.lower() for k, _ in sent}
    got = [(k, v) for k, v in one(up).headers if k.lower() in names]
    assert got == sent, f"forwarded {got}"


def test_large_request_headers_forwarded(ctx):
    """Headers totalling ~20 KB (under the default 32k limit) are forwarded intact."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    sent = [(f"X-Big-{i}", "v" * 1000) for i in range(20)]
    r = http(rp.port, "GET", "/", headers=sent)
    assert r.status == 200, r
    q = one(up)
    assert all(q.header(k) == v for k, v in sent), "a large header was altered or dropped"


def test_large_response_headers_relayed(ctx):
    """An upstream response head of ~20 KB reaches the client intact."""
    up = ctx.upstream()
    hdrs = [(f"X-Resp-{i}", "r" * 1000) for i in range(20)]
    up.on("/", headers=hdrs)
    rp = ctx.proxy(up)
    r = http(rp.port, "GET", "/")
    assert r.status == 200, r
    assert all(r.header(k) == v for k, v in hdrs), "a large response header was altered"


def test_chunk_extensions_accepted(ctx):
    """Chunk extensions (";name=value") are valid HTTP/1.1 and the body arrives intact."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.send(build_request("POST", "/", headers=[("Transfer-Encoding", "chunked")])
           + b"5;sig=abc\r\nhello\r\n6;x\r\n world\r\n0\r\n\r\n")
    r = c.read_response()
    assert r.status == 200, r
    assert one(up).body == b"hello world", one(up).body


def test_ipv6_listener_and_upstream(ctx):
    """A [::1] listener proxies to a [::1] upstream; the peer IP is ::1 in XFF and the log."""
    up = ctx.upstream(host="::1")
    port = free_port("::1")
    rp = ctx.rampart(make_config(
        [{"listen": f"[::1]:{port}", "name": "v6"}],
        [{"name": "backend", "servers": [up.addr]}],
        [{"name": "main", "path": "/", "upstream": "backend"}]), ports=[port])
    c = Client(port, host="::1", ctx=ctx)
    c.request("GET", "/six")
    r = c.read_response()
    assert r.status == 200 and r.body == b"up GET /six", r
    assert one(up).header("X-Forwarded-For") == "::1", one(up).headers
    (e,) = rp.wait_access_entries(1)
    assert e.get("client_ip") == "::1", e


def test_1xx_not_sent_to_http10_client(ctx):
    """An upstream 1xx interim response is not passed to an HTTP/1.0 client."""
    up = ctx.upstream()
    up.on("/", interim=[(103, [("Link", "</style.css>; rel=preload")])])
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.send(b"GET / HTTP/1.0\r\nHost: example.test\r\n\r\n")
    data = c.read_until_close()
    lines = status_lines(data)
    assert len(lines) == 1 and " 200" in lines[0], f"HTTP/1.0 client got {lines}"


def test_pipelining_mixed_routes(ctx):
    """Pipelined requests to a slow upstream route and a respond route are answered in
    request order (the instant answer must not overtake)."""
    up = ctx.upstream()
    up.on("/slow", delay=0.3)
    port = free_port()
    ctx.rampart(make_config([{"listen": f"127.0.0.1:{port}", "name": "public"}],
                            [{"name": "backend", "servers": [up.addr]}],
                            [{"name": "main", "path": "/", "upstream": "backend"},
                             {"name": "mock", "path": "/mock",
                              "respond": {"status": 200, "body": "mock"}}]))
    c = Client(port, ctx=ctx)
    c.send(build_request("GET", "/slow") + build_request("GET", "/mock") +
           build_request("GET", "/fast") + build_request("GET", "/mock"))
    bodies = [c.read_response().body for _ in range(4)]
    assert bodies == [b"up GET /slow", b"mock", b"up GET /fast", b"mock"], bodies


def test_upstream_connection_close_not_reused(ctx):
    """An upstream response with Connection: close is not followed by reuse of that
    connection: the next request gets a fresh one and succeeds."""
    up = ctx.upstream()
    up.on("/", headers=[("Connection", "close")], close_after=True)
    rp = ctx.proxy(up, workers=1)
    c = Client(rp.port, ctx=ctx)
    for i in range(3):
        c.request("GET", f"/{i}")
        r = c.read_response()
        assert r.status == 200 and r.body == f"up GET /{i}".encode(), (i, r)
    assert len(set(up.conn_ids())) == 3, up.conn_ids()


def test_http10_request_without_host(ctx):
    """An HTTP/1.0 request without Host is forwarded as HTTP/1.1 with exactly one Host
    header (empty is allowed: RFC 9112 section 3.2)."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.send(b"GET /nohost HTTP/1.0\r\n\r\n")
    data = c.read_until_close()
    assert status_lines(data)[:1] and " 200" in status_lines(data)[0], data[:100]
    hosts = one(up).header_all("Host")
    assert len(hosts) == 1, f"Host headers upstream: {hosts}"


def test_x_forwarded_for_multiple_lines(ctx):
    """Several X-Forwarded-For lines count as one list: the upstream sees all entries,
    in order, followed by the peer."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    http(rp.port, "GET", "/", headers=[("X-Forwarded-For", "198.51.100.1"),
                                       ("X-Forwarded-For", "203.0.113.5")])
    combined = ", ".join(one(up).header_all("X-Forwarded-For"))
    assert combined == "198.51.100.1, 203.0.113.5, 127.0.0.1", one(up).headers


def test_client_ip_trusted_peer_multiple_xff_lines(ctx):
    """Behind a trusted peer, X-Forwarded-For split over several lines is read as one
    list: client_ip is the right-most untrusted entry of the last line."""
    up = ctx.upstream()
    rp = ctx.proxy(up, trusted_proxies=["127.0.0.2/32", "10.0.0.0/8"])
    http(rp.port, "GET", "/", source="127.0.0.2", headers=[
        ("X-Forwarded-For", "198.51.100.1"), ("X-Forwarded-For", "203.0.113.9, 10.1.2.3")])
    (e,) = rp.wait_access_entries(1)
    assert e.get("client_ip") == "203.0.113.9", e


def test_nothing_served_after_connection_close(ctx):
    """A request pipelined after one with Connection: close is not processed."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.send(build_request("GET", "/1", [("Connection", "close")]) + build_request("GET", "/2"))
    data = c.read_until_close()
    assert len(status_lines(data)) == 1, status_lines(data)
    time.sleep(0.1)
    assert [q.target for q in up.requests] == ["/1"], up.requests
