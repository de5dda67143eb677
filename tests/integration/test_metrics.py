"""
The metrics endpoint (a listener's `metrics:` path, Prometheus text): the
counters move with traffic, TLS and DNS events are counted.
"""
from harness import free_port, http, make_config, raw_exchange, wait_for
from dnsserver import DnsServer
import tlsutil


def scrape(port, path="/metrics"):
    r = http(port, "GET", path)
    assert r.status == 200, r
    assert r.header("Content-Type").startswith("text/plain; version=0.0.4"), r.headers
    out = {}
    for line in r.body.decode().splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = int(value)
    return out


def test_metrics_counters(ctx):
    """Requests, bad requests, 5xx, TLS handshakes and plain HTTP on the TLS
    port are counted; the health listener serves metrics, not routes."""
    pki = tlsutil.make_pki(ctx.tmpdir)
    leaf = pki.issue("front", sans=["api.test"])
    up = ctx.upstream()
    tls_port, admin = free_port(), free_port()
    text = make_config(
        [{"listen": f"127.0.0.1:{tls_port}", "name": "public",
          "tls": {"cert": leaf.chain, "key": leaf.key}},
         {"listen": f"127.0.0.1:{admin}", "name": "admin", "health": "/healthz",
          "metrics": "/metrics"}],
        [{"name": "b", "servers": [up.addr, "127.0.0.1:1"], "max_fails": 0}],
        [{"path": "/", "upstream": "b"}])
    ctx.rampart(text, ports=[tls_port, admin])
    before = scrape(admin)
    assert before["rampart_workers"] == 2
    assert before["rampart_config_generation"] == 1
    for i in range(4):
        assert tlsutil.tls_get(tls_port, "api.test", f"/m{i}", cafile=pki.ca_cert).status == 200
    raw_exchange(tls_port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    after = wait_for(lambda: (lambda m: m if m["rampart_tls_plain_http_total"] >= 1 else None)(
        scrape(admin)), what="plain HTTP counted")
    assert after["rampart_tls_handshakes_total"] - before["rampart_tls_handshakes_total"] >= 4
    assert after["rampart_requests_total"] - before["rampart_requests_total"] >= 4
    assert after["rampart_bad_requests_total"] >= 1
    assert after["rampart_connections_open"] >= 1   # the scrape itself
    assert after["rampart_dns_names"] == 0
    assert http(admin, "GET", "/healthz").status == 200
    assert http(admin, "GET", "/other").status == 404


def test_metrics_dns_failures(ctx):
    """Failed upstream name lookups are counted (and the last good addresses
    kept)."""
    dns = DnsServer()
    ctx.defer(dns.stop)
    up = ctx.upstream()
    dns.set("origin.dns.test", ["127.0.0.1"], ttl=1)
    port, admin = free_port(), free_port()
    text = make_config(
        [{"listen": f"127.0.0.1:{port}", "name": "public"},
         {"listen": f"127.0.0.1:{admin}", "name": "admin", "health": "/healthz",
          "metrics": "/metrics"}],
        [{"name": "b", "servers": [f"origin.dns.test:{up.port}"]}],
        [{"path": "/", "upstream": "b"}],
        dns={"servers": [f"127.0.0.1:{dns.port}"], "min_ttl": "100ms", "max_ttl": "200ms",
             "retry": "100ms", "family": "ipv4"})
    ctx.rampart(text, ports=[port, admin])
    m = scrape(admin)
    assert m["rampart_dns_names"] == 1 and m["rampart_dns_changes_total"] >= 1, m
    dns.remove("origin.dns.test")
    wait_for(lambda: scrape(admin)["rampart_dns_failures_total"] >= 2, what="failures counted")
    assert http(port, "GET", "/still").status == 200
