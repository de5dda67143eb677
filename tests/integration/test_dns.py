"""
Upstream names resolved while running: a DNS server on loopback
(dnsserver.py) answers for the upstream's name; answers change, fail and
come back while traffic flows, with no reload. Also the API Gateway
shorthand end to end (private endpoint through a "VPC endpoint" name, then
switched to regional by a reload).
"""
import threading
import time

from harness import Client, free_port, http, make_config, wait_for, fail
from dnsserver import DnsServer
import tlsutil


def _dns(ctx):
    d = DnsServer()
    ctx.defer(d.stop)
    return d


def _dns_top(d, **extra):
    return {"dns": dict({"servers": [f"127.0.0.1:{d.port}"], "min_ttl": "100ms", "max_ttl": "5s",
                         "timeout": "500ms", "retry": "300ms", "family": "ipv4"}, **extra)}


def _two_upstreams(ctx):
    """Two recording origins on 127.0.0.1 and 127.0.0.2, same port."""
    a = ctx.upstream(name="one", host="127.0.0.1")
    b = ctx.upstream(name="two", host="127.0.0.2", port=a.port)
    return a, b


class Load:
    """Client threads sending keep-alive GETs in a loop; records (start
    time, status, upstream name) of each request."""

    def __init__(self, port, threads=4):
        self.port = port
        self.results = []
        self.errors = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                        for i in range(threads)]
        for t in self.threads:
            t.start()

    def _run(self, i):
        c = None
        n = 0
        while not self.stop.is_set():
            try:
                if c is None:
                    c = Client(self.port)
                t0 = time.monotonic()
                c.request("GET", f"/load/{i}/{n}", host="api.test")
                r = c.read_response()
                with self.lock:
                    self.results.append((t0, r.status, r.header("X-Upstream")))
                n += 1
                if (r.header("Connection") or "").lower() == "close":
                    c.close()
                    c = None
            except Exception as e:  # any failure counts
                with self.lock:
                    self.errors.append(repr(e))
                if c is not None:
                    c.close()
                c = None
                time.sleep(0.01)
            time.sleep(0.002)
        if c is not None:
            c.close()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=10)
        return self.results, self.errors


def test_dns_answer_switch_under_load(ctx):
    """The upstream's name moves from 127.0.0.1 to 127.0.0.2 while requests
    flow: none fails, and every request started later than TTL + 1 s after
    the switch goes to the new address (no reload). Idle pooled connections
    to the old address are closed."""
    dns = _dns(ctx)
    one, two = _two_upstreams(ctx)
    dns.set("origin.dns.test", ["127.0.0.1"], ttl=1)
    rp = ctx.proxy(f"origin.dns.test:{one.port}", **_dns_top(dns))
    load = Load(rp.port)
    wait_for(lambda: len(load.results) >= 200, timeout=10, what="traffic to the first origin")
    dns.set("origin.dns.test", ["127.0.0.2"], ttl=1)
    t_switch = time.monotonic()
    time.sleep(3.0)
    results, errors = load.finish()
    assert not errors, errors[:5]
    bad = [r for r in results if r[1] != 200]
    assert not bad, bad[:5]
    late_one = [r for r in results if r[2] == "one" and r[0] > t_switch + 2.0]
    assert not late_one, f"{len(late_one)} request(s) still went to the old address " \
                         f"{late_one[0][0] - t_switch:.2f}s after the switch"
    after = [r for r in results if r[0] > t_switch + 2.0]
    assert len(after) > 50 and all(r[2] == "two" for r in after), len(after)
    moved = min(r[0] for r in results if r[2] == "two") - t_switch
    print(f"    traffic moved {moved:.2f}s after the DNS switch (TTL 1s); "
          f"{len(results)} requests, 0 failed")
    # every connection to the old address is closed by now (drained)
    wait_for(lambda: one.closed_by_peer == set(range(1, one.connections + 1)), timeout=5,
             what="connections to the old address closed")
    wait_for(lambda: "dns: origin.dns.test now 127.0.0.2" in rp.stderr_text(), what="log line")


def test_dns_failure_keeps_last_good(ctx):
    """NXDOMAIN and a dead DNS server keep the last good addresses: traffic
    goes on, the failure is logged; a new answer is picked up again."""
    dns = _dns(ctx)
    one, two = _two_upstreams(ctx)
    dns.set("origin.dns.test", ["127.0.0.1"], ttl=1)
    rp = ctx.proxy(f"origin.dns.test:{one.port}", **_dns_top(dns, min_ttl="200ms", max_ttl="200ms"))
    assert http(rp.port, "GET", "/a").status == 200
    dns.remove("origin.dns.test")
    n = dns.query_count("origin.dns.test")
    dns.wait_queries("origin.dns.test", n + 2)
    wait_for(lambda: "origin.dns.test" in rp.stderr_text() and '"level":"warn"' in rp.stderr_text(),
             what="warning about the failed lookup")
    for i in range(5):
        assert http(rp.port, "GET", f"/nx{i}").status == 200
    dns.drop = True
    time.sleep(1.5)  # lookups time out (500 ms x 2 tries)
    for i in range(5):
        assert http(rp.port, "GET", f"/drop{i}").status == 200
    assert two.requests == []
    dns.drop = False
    dns.set("origin.dns.test", ["127.0.0.2"], ttl=1)
    wait_for(lambda: http(rp.port, "GET", "/back").header("X-Upstream") == "two", timeout=5,
             what="the new answer to be used")


def test_dns_all_addresses_used(ctx):
    """Every A record of the name gets connections (round robin)."""
    dns = _dns(ctx)
    one, two = _two_upstreams(ctx)
    dns.set("origin.dns.test", ["127.0.0.1", "127.0.0.2"], ttl=30)
    rp = ctx.proxy(f"origin.dns.test:{one.port}", upstream_opts={"keepalive": 0}, workers=1,
                   **_dns_top(dns))
    seen = [http(rp.port, "GET", f"/rr{i}").header("X-Upstream") for i in range(10)]
    assert seen.count("one") == 5 and seen.count("two") == 5, seen


def test_dns_name_never_resolved(ctx):
    """A name without any answer yet: 502 saying so, the node still runs."""
    dns = _dns(ctx)
    rp = ctx.proxy("nowhere.dns.test:80", upstream_opts={"retries": 0}, **_dns_top(dns))
    r = http(rp.port, "GET", "/x")
    assert r.status == 502, r
    wait_for(lambda: "upstream nowhere.dns.test has no address yet" in rp.stderr_text(),
             what="log line")


def test_api_gateway_private_then_regional(ctx):
    """api_gateway private: connects to the VPC endpoint's name, sends the
    execute-api Host and SNI, x-apigw-api-id and the stage prefix. Switching
    to regional by reload moves traffic to the execute-api name's address."""
    dns = _dns(ctx)
    pki = tlsutil.make_pki(ctx.tmpdir)
    name = "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
    vpce = "vpce-0abc123-def456.execute-api.eu-west-1.vpce.amazonaws.com"
    leaf = pki.issue("apigw", sans=["*.execute-api.eu-west-1.amazonaws.com"])
    private = tlsutil.TlsUpstream(ctx, "private", leaf.chain, leaf.key, host="127.0.0.1")
    regional = tlsutil.TlsUpstream(ctx, "regional", leaf.chain, leaf.key, host="127.0.0.2",
                                   port=private.port)
    dns.set(vpce, ["127.0.0.1"], ttl=30)
    dns.set(name, ["127.0.0.2"], ttl=30)
    port = free_port()

    def config(endpoint):
        gw = {"api_id": "a1b2c3d4e5", "region": "eu-west-1", "stage": "prod",
              "endpoint": endpoint, "port": private.port}
        if endpoint == "private":
            gw["vpc_endpoint"] = vpce
        return make_config([{"listen": f"127.0.0.1:{port}"}],
                           [{"name": "orders", "api_gateway": gw, "tls": {"ca_file": pki.ca_cert}}],
                           [{"path": "/", "upstream": "orders"}], **_dns_top(dns))

    rp = ctx.rampart(config("private"), ports=[port])
    r = http(port, "GET", "/orders/42?x=1", host="api.example.com")
    assert r.status == 200 and r.header("X-Upstream") == "private", r
    rec = private.wait_requests(1)[0]
    assert rec.target == "/prod/orders/42?x=1", rec.target
    assert rec.header("Host") == name
    assert rec.header("x-apigw-api-id") == "a1b2c3d4e5"
    assert private.sni_by_conn[1] == name
    assert dns.query_count(vpce) >= 1

    rp.reload(config("regional"))
    wait_for(lambda: http(port, "GET", "/orders/43", host="api.example.com").header("X-Upstream")
             == "regional", timeout=5, what="traffic on the regional endpoint")
    rec = regional.wait_requests(1)[0]
    assert rec.target == "/prod/orders/43", rec.target
    assert rec.header("Host") == name
    assert rec.header("x-apigw-api-id") is None
    assert regional.sni_by_conn[1] == name
