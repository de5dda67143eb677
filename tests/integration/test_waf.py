"""
The WAF in the proxy: modes (global, per route, per path), blocking before
anything reaches the origin (bodies included), attack events (log and
SQLite store), IP lists, exclusions, custom rules, rate limits, body
inspection limits, the quick start's --mode.
"""
import json
import os
import sqlite3
import time

from harness import (Client, free_port, http, make_config, run_cli, wait_for, fail)

SQLI_Q = "/search?q=1%27%20or%20%271%27%3D%271"
XSS_Q = "/search?q=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E"


def _waf_proxy(ctx, up, waf=None, route=None, routes=None, **top):
    port = free_port()
    events = os.path.join(ctx.tmpdir, "events.log")
    w = dict({"mode": "block", "events": {"log": events}}, **(waf or {}))
    if routes is None:
        routes = [dict({"name": "main", "path": "/", "upstream": "backend"}, **(route or {}))]
    text = make_config([{"listen": f"127.0.0.1:{port}", "name": "public"}],
                       [{"name": "backend", "servers": [up.addr]}], routes, waf=w, **top)
    rp = ctx.rampart(text, ports=[port])
    rp.events_path = events
    return rp


def _events(rp, n=1, timeout=3.0):
    def read():
        try:
            with open(rp.events_path) as f:
                lines = [json.loads(x) for x in f if x.strip()]
        except FileNotFoundError:
            return None
        return lines if len(lines) >= n else None
    return wait_for(read, timeout=timeout, what=f"{n} event(s) in {rp.events_path}")


def test_block_mode_query(ctx):
    """block: an attack in the query gets 403 with the request id and never
    reaches the origin; a benign request passes; the event explains."""
    up = ctx.upstream()
    rp = _waf_proxy(ctx, up)
    r = http(rp.port, "GET", SQLI_Q, headers=[("X-Forwarded-For", "203.0.113.9")])
    assert r.status == 403, r
    body = r.json()
    assert body["error"] == "blocked" and body["request_id"] == r.header("X-Request-Id"), body
    assert http(rp.port, "GET", "/search?q=O%27Reilly%20books").status == 200
    assert [x.target for x in up.requests] == ["/search?q=O%27Reilly%20books"]
    ev = _events(rp)[0]
    assert ev["action"] == "blocked" and ev["mode"] == "block", ev
    assert ev["attacks"] == ["sqli"] and ev["request_id"] == body["request_id"]
    f = ev["findings"][0]
    assert f["point"] == "query.q" and "or" in f["decoded"] and f["evidence"], f
    assert ev["client_ip"] == "127.0.0.1" and ev["route"] == "main" and ev["path"] == "/search"
    assert r.status == 403 and http(rp.port, "GET", XSS_Q).status == 403


def test_block_mode_body_held(ctx):
    """block: an attack in a JSON body (Content-Length or chunked) is found
    before anything is forwarded; benign bodies arrive intact."""
    up = ctx.upstream()
    rp = _waf_proxy(ctx, up)
    bad = json.dumps({"user": {"name": "x", "bio": "<img src=x onerror=alert(1)>"}}).encode()
    r = http(rp.port, "POST", "/users", headers=[("Content-Type", "application/json")], body=bad)
    assert r.status == 403, r
    c = Client(rp.port, ctx=ctx)
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in
                      (b'{"q": "1 union sel', b'ect password from users--"}')) + b"0\r\n\r\n"
    c.send(b"POST /q HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n" + chunks)
    assert c.read_response("POST").status == 403
    good = json.dumps({"note": "Please select the plan that fits; drop me a line", "n": 1}).encode() * 50
    r = http(rp.port, "POST", "/notes", headers=[("Content-Type", "application/json")], body=good)
    assert r.status == 200, r
    recs = up.wait_requests(1)
    assert len(recs) == 1 and recs[0].target == "/notes"
    wait_for(lambda: recs[0].complete, what="body")
    assert recs[0].body == good
    ev = _events(rp, 2)
    assert {e["findings"][0]["point"] for e in ev} == {"body.json.user.bio", "body.json.q"}, ev


def test_monitoring_forwards_and_records(ctx):
    """monitoring: attacks are forwarded and recorded as monitored."""
    up = ctx.upstream()
    rp = _waf_proxy(ctx, up, waf={"mode": "monitoring"})
    assert http(rp.port, "GET", SQLI_Q).status == 200
    bad = b"comment=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
    r = http(rp.port, "POST", "/c", headers=[("Content-Type", "application/x-www-form-urlencoded")], body=bad)
    assert r.status == 200
    assert len(up.wait_requests(2)) == 2
    ev = _events(rp, 2)
    assert [e["action"] for e in ev] == ["monitored", "monitored"], ev
    assert ev[1]["findings"][0]["point"] == "body.form.comment"


def test_route_and_path_modes(ctx):
    """Global monitoring, a route in block, and a path inside it back to off."""
    up = ctx.upstream()
    routes = [
        {"name": "api", "path": "/api/", "upstream": "backend",
         "waf": {"mode": "block", "paths": [{"prefix": "/api/legacy/", "mode": "off"}]}},
        {"name": "rest", "path": "/", "upstream": "backend"},
    ]
    rp = _waf_proxy(ctx, up, waf={"mode": "monitoring"}, routes=routes)
    assert http(rp.port, "GET", "/api" + SQLI_Q).status == 403
    assert http(rp.port, "GET", "/api/legacy" + SQLI_Q).status == 200
    assert http(rp.port, "GET", SQLI_Q).status == 200
    ev = _events(rp, 2)
    assert [e["action"] for e in ev] == ["blocked", "monitored"], ev


def test_safe_blocking_grey_list(ctx):
    """safe_blocking blocks attacks only from grey-listed addresses (the real
    client IP behind a trusted proxy)."""
    up = ctx.upstream()
    rp = _waf_proxy(ctx, up, waf={"mode": "safe_blocking", "ip_lists": {"grey": ["198.51.100.0/24"]}},
                    trusted_proxies=["127.0.0.1"])
    assert http(rp.port, "GET", SQLI_Q, headers=[("X-Forwarded-For", "203.0.113.7")]).status == 200
    assert http(rp.port, "GET", SQLI_Q, headers=[("X-Forwarded-For", "198.51.100.20")]).status == 403
    ev = _events(rp, 2)
    assert [(e["client_ip"], e["action"]) for e in ev] == [("203.0.113.7", "monitored"),
                                                           ("198.51.100.20", "blocked")], ev


def test_ip_lists(ctx):
    """deny: 403 before anything (even in monitoring); allow: no inspection.
    Entries from a file, comments allowed."""
    up = ctx.upstream()
    lst = os.path.join(ctx.tmpdir, "deny.txt")
    with open(lst, "w") as f:
        f.write("# bad actors\n192.0.2.0/24\n\n2001:db8::/32  # v6 too\n")
    rp = _waf_proxy(ctx, up, waf={"mode": "monitoring",
                                  "ip_lists": {"deny_files": [lst], "allow": ["203.0.113.5"]}},
                    trusted_proxies=["127.0.0.1"])
    r = http(rp.port, "GET", "/ok", headers=[("X-Forwarded-For", "192.0.2.44")])
    assert r.status == 403, r
    assert http(rp.port, "GET", SQLI_Q, headers=[("X-Forwarded-For", "203.0.113.5")]).status == 200
    assert http(rp.port, "GET", "/fine", headers=[("X-Forwarded-For", "203.0.113.6")]).status == 200
    assert [x.target for x in up.requests] == [SQLI_Q, "/fine"]
    ev = _events(rp)
    assert ev[0]["action"] == "denied" and ev[0]["client_ip"] == "192.0.2.44"


def test_exclusions(ctx):
    """An ignore on a point fixes a false positive without turning the WAF off."""
    up = ctx.upstream()
    rp = _waf_proxy(ctx, up, route={"waf": {"ignore": [{"class": "sqli", "point": "query.q"}]}})
    assert http(rp.port, "GET", SQLI_Q).status == 200
    assert http(rp.port, "GET", "/s?other=1%27%20or%20%271%27%3D%271").status == 403
    assert http(rp.port, "GET", XSS_Q).status == 403  # only sqli is ignored there


def test_custom_rules(ctx):
    """Rules: block on a header, allow on a path (overriding detection),
    a numeric condition tagging the event, a regex."""
    up = ctx.upstream()
    rules = [
        {"name": "allow-search-export", "when": [{"field": "path", "prefix": "/export"}], "action": "allow"},
        {"name": "no-debug", "when": [{"field": "header.x-debug", "exists": "1"}], "action": "block"},
        {"name": "big-id", "when": [{"field": "query.id", "gt": 1000}], "action": "tag", "tag": "big"},
        {"name": "old-clients", "when": [{"field": "header.user-agent", "regex": "^LegacyBot/[0-2]\\."}],
         "action": "block"},
    ]
    rp = _waf_proxy(ctx, up, waf={"mode": "block", "rules": rules})
    assert http(rp.port, "GET", "/x", headers=[("X-Debug", "1")]).status == 403
    assert http(rp.port, "GET", "/export" + SQLI_Q).status == 200
    assert http(rp.port, "GET", "/x?id=5000").status == 200
    assert http(rp.port, "GET", "/x", headers=[("User-Agent", "LegacyBot/1.9")]).status == 403
    assert http(rp.port, "GET", "/x", headers=[("User-Agent", "LegacyBot/3.0")]).status == 200
    ev = _events(rp, 4)
    by_rule = {e.get("rule"): e for e in ev}
    assert by_rule["no-debug"]["action"] == "blocked"
    assert by_rule["big-id"]["tags"] == "big" and by_rule["big-id"]["action"] == "passed"
    assert by_rule["allow-search-export"]["action"] == "passed"


def test_rate_limit(ctx):
    """A per-IP token bucket: burst then 429 with Retry-After; counted."""
    up = ctx.upstream()
    rp = _waf_proxy(ctx, up, waf={"mode": "monitoring",
                                  "rate_limits": [{"name": "per-ip", "key": "ip", "rate": "2/s", "burst": 3}]},
                    route={"waf": {"rate_limits": ["per-ip"]}})
    statuses = [http(rp.port, "GET", f"/r{i}").status for i in range(6)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429, 429], statuses
    r = http(rp.port, "GET", "/again")
    assert r.status == 429 and int(r.header("Retry-After")) >= 1
    time.sleep(1.1)
    assert http(rp.port, "GET", "/later").status == 200
    ev = _events(rp)
    assert ev[0]["action"] == "ratelimited" and ev[0]["rule"] == "per-ip"


def test_body_limit_policies(ctx):
    """Bodies over the inspection limit: reject -> 413; inspect_prefix ->
    the first part is inspected; pass -> the body is not inspected."""
    up = ctx.upstream()
    attack = b'{"q": "1 union select password from users--"}'
    pad = b'{"pad": "' + b"a" * 5000 + b'"}'
    rp = _waf_proxy(ctx, up, waf={"body_limit": "2k", "body_overflow": "reject"})
    r = http(rp.port, "POST", "/p", headers=[("Content-Type", "application/json")], body=pad)
    assert r.status == 413, r
    rp2 = _waf_proxy(ctx, up, waf={"body_limit": "2k", "body_overflow": "inspect_prefix"})
    r = http(rp2.port, "POST", "/p", headers=[("Content-Type", "text/plain")], body=attack + b" " * 5000)
    assert r.status == 403, r
    r = http(rp2.port, "POST", "/p", headers=[("Content-Type", "text/plain")], body=b" " * 5000 + attack)
    assert r.status == 200, r
    rp3 = _waf_proxy(ctx, up, waf={"body_limit": "2k", "body_overflow": "pass"})
    r = http(rp3.port, "POST", "/p", headers=[("Content-Type", "text/plain")], body=attack + b" " * 5000)
    assert r.status == 200, r


def test_events_store_and_cli(ctx):
    """Events go to the SQLite store; `rampart events` lists and filters them."""
    up = ctx.upstream()
    db = os.path.join(ctx.tmpdir, "events.db")
    rp = _waf_proxy(ctx, up, waf={"events": {"store": db, "log": "off"}})
    assert http(rp.port, "GET", SQLI_Q).status == 403
    assert http(rp.port, "GET", XSS_Q).status == 403

    def rows():
        try:
            with sqlite3.connect(db) as con:
                return con.execute("select attacks, action from events order by id").fetchall()
        except sqlite3.Error:
            return None
    got = wait_for(lambda: (lambda r: r if r and len(r) == 2 else None)(rows()), what="rows in the store")
    assert got == [("sqli", "blocked"), ("xss", "blocked")], got
    p = run_cli(["events", "--db", db, "--attack", "xss", "--json"])
    assert p.returncode == 0, p.stderr
    lines = [json.loads(x) for x in p.stdout.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0]["attacks"] == ["xss"], lines


def test_event_log_on_full_disk(ctx):
    """A log that cannot be written (/dev/full): traffic goes on; what the
    queue cannot hold is dropped and counted in the metrics."""
    up = ctx.upstream()
    port, admin = free_port(), free_port()
    text = make_config([{"listen": f"127.0.0.1:{port}"},
                        {"listen": f"127.0.0.1:{admin}", "health": "/h", "metrics": "/metrics"}],
                       [{"name": "b", "servers": [up.addr]}], [{"path": "/", "upstream": "b"}],
                       waf={"mode": "block", "events": {"log": "/dev/full", "queue": 5}})
    ctx.rampart(text, ports=[port, admin])
    for i in range(20):
        assert http(port, "GET", SQLI_Q).status == 403
    assert http(port, "GET", "/ok").status == 200

    def dropped():
        body = http(admin, "GET", "/metrics").body.decode()
        m = {l.split()[0]: int(l.split()[1]) for l in body.splitlines() if l and not l.startswith("#")}
        return m if m["rampart_events_dropped_total"] >= 10 else None
    m = wait_for(dropped, what="dropped events counted")
    assert m["rampart_waf_blocked_total"] == 20 and m["rampart_events_write_errors_total"] >= 1, m


def test_quickstart_mode_block(ctx):
    """`rampart run --listen --upstream --mode block` blocks with no file."""
    up = ctx.upstream()
    port = free_port()
    ctx.rampart_args(["run", "--listen", f"127.0.0.1:{port}", "--upstream", f"http://{up.addr}",
                      "--mode", "block"], ports=[port])
    assert http(port, "GET", SQLI_Q).status == 403
    assert http(port, "GET", "/fine?x=1").status == 200


def test_graphql_over_get(ctx):
    """GraphQL over GET: the query parameter is parsed as a document; an
    injection in an argument is blocked at that argument, an ordinary
    query passes to the origin, an abusive depth is blocked."""
    up = ctx.upstream()
    rp = _waf_proxy(ctx, up)
    ok = "/graphql?query=%7B%20user(id%3A%20%2242%22)%20%7B%20name%20email%20%7D%20%7D&variables=%7B%7D"
    assert http(rp.port, "GET", ok).status == 200
    assert [x.target for x in up.requests] == [ok]
    r = http(rp.port, "GET", "/graphql?query=%7B%20user(name%3A%20%22x'%20OR%201%3D1--%22)%20%7B%20id%20%7D%20%7D")
    assert r.status == 403, r
    ev = _events(rp)[0]
    assert ev["attacks"] == ["sqli"], ev
    assert ev["findings"][0]["point"] == "query.query|graphql.user(name)", ev["findings"]
    deep = "/graphql?query=" + "%7Ba" * 20 + "%7D" * 20
    assert http(rp.port, "GET", deep).status == 403
    ev = _events(rp, n=2)[1]
    assert "graphql" in ev["attacks"], ev
    assert len(up.requests) == 1
