"""
TLS on both sides: listeners terminating TLS (SNI certificate choice, ALPN,
resumption, reload, bad client hellos, plain HTTP on the TLS port) and
HTTPS upstreams (verification and its failures, SNI/Host, pooling,
resumption, handshake timeout), with Python's ssl, curl and openssl s_client.
"""
import os
import signal
import socket
import ssl
import time

from harness import (LOOPBACK, Client, free_port, http, make_config, raw_exchange, run_cli,
                     wait_for, fail)
import tlsutil
from tlsutil import TlsUpstream, StallingTlsServer, make_pki, tls_get


def _tls_listener(port, certs, **extra):
    tls = {"certificates": [{"cert": c.chain, "key": c.key} for c in certs]}
    tls.update(extra)
    return {"listen": f"127.0.0.1:{port}", "name": "public", "tls": tls}


def _front(ctx, up, certs, upstream_opts=None, route=None, tls_extra=None, **top):
    port = free_port()
    servers = [up if isinstance(up, str) else up.addr]
    ups = [dict({"name": "backend", "servers": servers}, **(upstream_opts or {}))]
    routes = [dict({"name": "main", "path": "/", "upstream": "backend"}, **(route or {}))]
    text = make_config([_tls_listener(port, certs, **(tls_extra or {}))], ups, routes, **top)
    return ctx.rampart(text, ports=[port])


# --------------------------------------------------------------------------
# listener side


def test_tls_listener_proxies(ctx):
    """A TLS listener serves HTTP/1.1 over TLS 1.3 with ALPN http/1.1, and
    tells the upstream X-Forwarded-Proto: https."""
    pki = make_pki(ctx.tmpdir)
    leaf = pki.issue("front", sans=["api.test"])
    up = ctx.upstream()
    rp = _front(ctx, up, [leaf])
    r = tls_get(rp.port, "api.test", "/hello?x=1", cafile=pki.ca_cert)
    assert r.status == 200, r
    assert r.body == b"up GET /hello?x=1", r.body
    assert r.alpn == "http/1.1", r.alpn
    assert r.version == "TLSv1.3", r.version
    rec = up.wait_requests(1)[0]
    assert rec.header("X-Forwarded-Proto") == "https", rec.headers
    assert rec.header("Host") == "api.test"


def test_tls_keepalive_and_tls12(ctx):
    """Several requests on one TLS connection; TLS 1.2 works too; TLS 1.1
    is refused."""
    pki = make_pki(ctx.tmpdir)
    leaf = pki.issue("front", sans=["api.test"])
    up = ctx.upstream()
    rp = _front(ctx, up, [leaf])
    c = tlsutil.TlsClient(rp.port, "api.test", cafile=pki.ca_cert, ctx=ctx,
                          max_version=ssl.TLSVersion.TLSv1_2)
    assert c.ssock.version() == "TLSv1.2"
    for i in range(5):
        c.request("GET", f"/k{i}", host="api.test")
        r = c.read_response()
        assert r.status == 200 and r.body == f"up GET /k{i}".encode(), r
    assert len(set(up.conn_ids())) == 1
    res = tlsutil.s_client(rp.port, "api.test", cafile=pki.ca_cert, args=["-tls1_1"])
    assert "Cipher is (NONE)" in res.stdout, res.stdout[-500:]
    assert "protocol version" in res.stderr, res.stderr[-500:]
    # still serving
    assert tls_get(rp.port, "api.test", "/after", cafile=pki.ca_cert).status == 200


def test_sni_selects_certificate(ctx):
    """With several certificates the client's SNI picks the matching one
    (exact and wildcard); an unknown or absent name gets the first."""
    pki = make_pki(ctx.tmpdir)
    a = pki.issue("a", sans=["a.test"])
    b = pki.issue("b", sans=["*.b.test"])
    up = ctx.upstream()
    rp = _front(ctx, up, [a, b])
    assert tls_get(rp.port, "a.test", cafile=pki.ca_cert).peer.cn == "a.test"
    r = tls_get(rp.port, "x.b.test", cafile=pki.ca_cert)
    assert r.peer.cn == "*.b.test" and r.status == 200, r.peer
    assert tls_get(rp.port, "other.test").peer.cn == "a.test"
    assert tls_get(rp.port, None).peer.cn == "a.test"
    # the same with openssl s_client, which prints the chain
    out = tlsutil.s_client(rp.port, "y.b.test", cafile=pki.ca_cert).stdout
    assert "CN = *.b.test" in out and "Verify return code: 0 (ok)" in out, out[-800:]


def test_curl_over_tls(ctx):
    """curl with the test CA: verified HTTPS through Rampart."""
    if not tlsutil.curl_available():
        fail("curl with https support is required")
    pki = make_pki(ctx.tmpdir)
    leaf = pki.issue("front", sans=["api.test"])
    up = ctx.upstream()
    rp = _front(ctx, up, [leaf])
    res = tlsutil.curl(f"https://api.test:{rp.port}/via-curl", args=["-i"], cafile=pki.ca_cert,
                       resolve=f"api.test:{rp.port}")
    assert res.returncode == 0, res.stderr
    assert "HTTP/1.1 200" in res.stdout and "up GET /via-curl" in res.stdout, res.stdout


def test_session_resumption(ctx):
    """A client that presents its session (ticket) resumes without a full
    handshake."""
    pki = make_pki(ctx.tmpdir)
    leaf = pki.issue("front", sans=["api.test"])
    up = ctx.upstream()
    rp = _front(ctx, up, [leaf])
    for maxv in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
        first = tls_get(rp.port, "api.test", cafile=pki.ca_cert, max_version=maxv)
        assert not first.session_reused
        second = tls_get(rp.port, "api.test", cafile=pki.ca_cert, session=first.session,
                         max_version=maxv)
        assert second.status == 200
        assert second.session_reused, f"{maxv}: session not resumed"


def test_plain_http_on_tls_port(ctx):
    """Plain HTTP to a TLS port gets a readable plain-text 400 and a log line."""
    pki = make_pki(ctx.tmpdir)
    leaf = pki.issue("front", sans=["api.test"])
    up = ctx.upstream()
    rp = _front(ctx, up, [leaf])
    data, _ = raw_exchange(rp.port, b"GET / HTTP/1.1\r\nHost: api.test\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 400 "), data[:200]
    assert b"plain HTTP request sent to a TLS port" in data
    wait_for(lambda: "plain HTTP request sent to a TLS port" in rp.stderr_text(), what="log line")
    assert not up.requests
    assert tls_get(rp.port, "api.test", cafile=pki.ca_cert).status == 200


def test_bad_client_hello(ctx):
    """Garbage that starts like a TLS record, random bytes and a truncated
    hello are dropped with a log line; the node keeps serving."""
    pki = make_pki(ctx.tmpdir)
    leaf = pki.issue("front", sans=["api.test"])
    up = ctx.upstream()
    rp = _front(ctx, up, [leaf])
    for junk in (b"\x16\x03\x01\x00\x05hello-this-is-not-tls" * 3, b"\x00\x01\x02\xff" * 20):
        data, closed = raw_exchange(rp.port, junk, timeout=3.0)
        assert not data.startswith(b"HTTP/"), data[:100]
        assert closed, junk
    # a truncated hello waits for the rest of its record, then the header timeout
    data, _ = raw_exchange(rp.port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", timeout=0.5)
    assert data == b"", data
    wait_for(lambda: "TLS handshake from 127.0.0.1 failed" in rp.stderr_text(), what="log line")
    assert not up.requests
    assert tls_get(rp.port, "api.test", cafile=pki.ca_cert).status == 200


def test_stalled_handshake_times_out(ctx):
    """A client that opens a TLS connection and never says hello is cut at
    the header timeout."""
    pki = make_pki(ctx.tmpdir)
    leaf = pki.issue("front", sans=["api.test"])
    up = ctx.upstream()
    rp = _front(ctx, up, [leaf], timeouts={"client_header": "700ms"})
    s = socket.create_connection((LOOPBACK, rp.port), timeout=5)
    s.sendall(b"\x16\x03\x01")  # the start of a record, then nothing
    t0 = time.monotonic()
    try:
        s.settimeout(5)
        assert s.recv(100) == b""
    except ConnectionResetError:
        pass
    assert time.monotonic() - t0 < 4
    s.close()


def test_certificate_reload(ctx):
    """SIGHUP re-reads certificate files: new connections get the new
    certificate. A bad file on reload keeps the old one, with the file named
    in the error log."""
    pki = make_pki(ctx.tmpdir)
    one = pki.issue("one", sans=["api.test"], cn="api.test one")
    two = pki.issue("two", sans=["api.test"], cn="api.test two")
    live_cert = os.path.join(ctx.tmpdir, "live.crt")
    live_key = os.path.join(ctx.tmpdir, "live.key")

    def install(leaf):
        for src, dst in ((leaf.chain, live_cert), (leaf.key, live_key)):
            with open(src, "rb") as f, open(dst + ".tmp", "wb") as g:
                g.write(f.read())
            os.replace(dst + ".tmp", dst)

    install(one)
    up = ctx.upstream()
    port = free_port()
    text = make_config([{"listen": f"127.0.0.1:{port}", "name": "public",
                         "tls": {"cert": live_cert, "key": live_key}}],
                       [{"name": "b", "servers": [up.addr]}], [{"path": "/", "upstream": "b"}])
    rp = ctx.rampart(text, ports=[port])
    assert tls_get(port, "api.test", cafile=pki.ca_cert).peer.cn == "api.test one"
    install(two)
    rp.signal(signal.SIGHUP)
    wait_for(lambda: tls_get(port, "api.test", cafile=pki.ca_cert).peer.cn == "api.test two",
             timeout=5, what="new certificate served")
    # a key that does not match: reload refused, old certificate stays
    tlsutil.write_unrelated_key(live_key)
    rp.signal(signal.SIGHUP)
    wait_for(lambda: "does not match certificate" in rp.stderr_text(), what="reload error")
    assert live_key in rp.stderr_text()
    assert tls_get(port, "api.test", cafile=pki.ca_cert).peer.cn == "api.test two"


def test_bad_certificate_is_config_error(ctx):
    """`rampart check` names the bad file: missing, not PEM, key mismatch."""
    pki = make_pki(ctx.tmpdir)
    leaf = pki.issue("front", sans=["api.test"])
    other = tlsutil.write_unrelated_key(os.path.join(ctx.tmpdir, "other.key"))
    other = other or os.path.join(ctx.tmpdir, "other.key")
    garbage = os.path.join(ctx.tmpdir, "garbage.crt")
    with open(garbage, "w") as f:
        f.write("not a certificate\n")
    cases = [
        ({"cert": leaf.chain, "key": other}, ["does not match certificate", other]),
        ({"cert": garbage, "key": leaf.key}, ["cannot load certificate chain", garbage]),
        ({"cert": os.path.join(ctx.tmpdir, "nope.crt"), "key": leaf.key},
         ["cannot open certificate", "nope.crt"]),
    ]
    for tls, needles in cases:
        path = os.path.join(ctx.tmpdir, "bad.yaml")
        with open(path, "w") as f:
            f.write(make_config([{"listen": "127.0.0.1:1", "tls": tls}],
                                routes=[{"path": "/", "respond": {"status": 200}}]))
        p = run_cli(["check", "-c", path])
        assert p.returncode != 0, p
        out = p.stderr + p.stdout
        for n in needles:
            assert n in out, f"{n!r} not in {out!r}"
        assert f"{path}:" in out, out


# --------------------------------------------------------------------------
# upstream side


def _origin(ctx, pki, sans=("origin.test", "127.0.0.1"), **kw):
    leaf = pki.issue(kw.pop("leaf_name", "origin"), sans=list(sans), **{
        k: kw.pop(k) for k in ("expired", "ca") if k in kw})
    return TlsUpstream(ctx, "origin", leaf.chain, leaf.key, **kw)


def test_https_upstream_sni_host_pooling(ctx):
    """An https upstream gets the rewritten Host as SNI and Host, ALPN
    http/1.1, is verified with ca_file, and its connection is reused."""
    pki = make_pki(ctx.tmpdir)
    up = _origin(ctx, pki)
    rp = ctx.proxy(up.url, route={"rewrite_host": "origin.test"},
                   upstream_opts={"tls": {"ca_file": pki.ca_cert}})
    c = Client(rp.port, ctx=ctx)
    for i in range(5):
        c.request("GET", f"/p{i}", host="public.test")
        r = c.read_response()
        assert r.status == 200 and r.body == f"origin GET /p{i}".encode(), r
    recs = up.wait_requests(5)
    assert {r.header("Host") for r in recs} == {"origin.test"}
    assert up.handshakes == 1 and len(set(up.conn_ids())) == 1, (up.handshakes, up.conn_ids())
    assert up.sni_by_conn[1] == "origin.test"
    assert up.alpn_by_conn[1] == "http/1.1"


def test_https_upstream_sni_option_and_host(ctx):
    """tls.sni overrides the name; upstream `host` is the default Host."""
    pki = make_pki(ctx.tmpdir)
    up = _origin(ctx, pki, sans=["tls-name.test"])
    rp = ctx.proxy(up.url, upstream_opts={"host": "origin-host.test",
                                          "tls": {"ca_file": pki.ca_cert, "sni": "tls-name.test"}})
    assert http(rp.port, "GET", "/x").status == 200
    rec = up.wait_requests(1)[0]
    assert rec.header("Host") == "origin-host.test"
    assert up.sni_by_conn[1] == "tls-name.test"


def test_https_upstream_by_ip_without_name(ctx):
    """An address-literal server with no name to send: no SNI, and the
    certificate is verified against the IP address."""
    pki = make_pki(ctx.tmpdir)
    up = _origin(ctx, pki, sans=["127.0.0.1"])
    rp = ctx.proxy(up.url, upstream_opts={"tls": {"ca_file": pki.ca_cert}})
    assert http(rp.port, "GET", "/ip").status == 200
    assert up.sni_by_conn[1] is None


def _expect_502(ctx, rp, *needles):
    """A 502 and a log line with one of needles (OpenSSL words an unknown CA
    differently depending on whether the origin sends its CA in the chain)."""
    r = http(rp.port, "GET", "/v")
    assert r.status == 502, r
    wait_for(lambda: any(n in rp.stderr_text() for n in needles), what=f"log line with {needles!r}")


def test_upstream_verification_failures(ctx):
    """Expired, wrong name and unknown CA each give a 502 and a log line that
    says why; verify: false lets them through."""
    pki = make_pki(ctx.tmpdir)
    stranger = make_pki(ctx.tmpdir)
    expired = _origin(ctx, pki, leaf_name="expired", expired=True)
    rp = ctx.proxy(expired.url, route={"rewrite_host": "origin.test"},
                   upstream_opts={"tls": {"ca_file": pki.ca_cert}, "retries": 0})
    _expect_502(ctx, rp, "certificate has expired")

    good = _origin(ctx, pki, leaf_name="good")
    rp2 = ctx.proxy(good.url, route={"rewrite_host": "wrong.test"},
                    upstream_opts={"tls": {"ca_file": pki.ca_cert}, "retries": 0}, )
    _expect_502(ctx, rp2, "hostname mismatch")

    unknown = _origin(ctx, stranger, leaf_name="unknown")
    rp3 = ctx.proxy(unknown.url, route={"rewrite_host": "origin.test"},
                    upstream_opts={"tls": {"ca_file": pki.ca_cert}, "retries": 0})
    _expect_502(ctx, rp3, "unable to get local issuer certificate",
                "self-signed certificate in certificate chain")

    rp4 = ctx.proxy(unknown.url, route={"rewrite_host": "origin.test"},
                    upstream_opts={"tls": {"verify": False}})
    assert http(rp4.port, "GET", "/ok").status == 200


def test_upstream_default_trust_store(ctx):
    """Without ca_file the default trust store is used, and SSL_CERT_FILE
    points it elsewhere, as for curl; the quick start takes https://."""
    pki = make_pki(ctx.tmpdir)
    up = _origin(ctx, pki)
    # default store: the test CA is unknown -> 502
    rp = ctx.proxy(up.url, route={"rewrite_host": "origin.test"}, upstream_opts={"retries": 0})
    _expect_502(ctx, rp, "unable to get local issuer certificate",
                "self-signed certificate in certificate chain")
    # quick start with SSL_CERT_FILE = the test CA
    port = free_port()
    ctx.rampart_args(["run", "--listen", f"127.0.0.1:{port}", "--upstream",
                      f"https://127.0.0.1:{up.port}/base"], ports=[port],
                     env={"SSL_CERT_FILE": pki.ca_cert}, name="quick")
    r = http(port, "GET", "/q")
    assert r.status == 200 and r.body == b"origin GET /base/q", r


def test_upstream_handshake_timeout(ctx):
    """A stalled upstream handshake is bounded by the connect timeout: 504."""
    stall = StallingTlsServer(ctx)
    rp = ctx.proxy(f"https://{stall.addr}", upstream_opts={
        "connect_timeout": "500ms", "retries": 0, "tls": {"verify": False}})
    t0 = time.monotonic()
    r = http(rp.port, "GET", "/slow")
    assert r.status == 504, r
    assert time.monotonic() - t0 < 3
    wait_for(lambda: "upstream TLS handshake timed out" in rp.stderr_text(), what="log line")


def test_upstream_session_resumption(ctx):
    """New upstream connections resume the TLS session of the previous one."""
    pki = make_pki(ctx.tmpdir)
    up = _origin(ctx, pki)
    rp = ctx.proxy(up.url, route={"rewrite_host": "origin.test"}, workers=1,
                   upstream_opts={"tls": {"ca_file": pki.ca_cert}, "keepalive": 0})
    for i in range(3):
        assert http(rp.port, "GET", f"/r{i}").status == 200
    up.wait_handshakes(3)
    assert up.resumed_by_conn.get(1) is False
    assert up.resumed_by_conn.get(2) and up.resumed_by_conn.get(3), up.resumed_by_conn


def test_tls_both_sides_with_body(ctx):
    """A 2 MiB POST and a 2 MiB response through TLS on both sides."""
    pki = make_pki(ctx.tmpdir)
    front = pki.issue("front", sans=["api.test"])
    up = _origin(ctx, pki)
    up.on("/big", stream_bytes=2 << 20)
    rp = _front(ctx, up.url, [front], route={"rewrite_host": "origin.test"},
                upstream_opts={"tls": {"ca_file": pki.ca_cert}})
    c = tlsutil.TlsClient(rp.port, "api.test", cafile=pki.ca_cert, ctx=ctx)
    body = os.urandom(2 << 20)
    c.request("POST", "/echo", body=body, host="api.test")
    r = c.read_response()
    assert r.status == 200, r
    rec = up.wait_requests(1)[0]
    wait_for(lambda: rec.complete, what="request body")
    assert rec.body == body
    c.request("GET", "/big", host="api.test")
    r = c.read_response()
    assert r.status == 200 and len(r.body) == 2 << 20
    assert r.body == tlsutil.harness.pattern_bytes(2 << 20)
