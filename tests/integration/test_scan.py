"""
`rampart scan`: the detection engine offline on raw HTTP requests, JSON
lines and HAR files; readable and --json output; exit status 0/1/2.
"""
import base64
import json
import os

from harness import run_cli

ATTACK = (b"POST /login?next=%2Fhome HTTP/1.1\r\nHost: api.test\r\n"
          b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 33\r\n\r\n"
          b"user=admin%27--&password=whatever")
BENIGN = (b"GET /search?q=O%27Reilly+books&page=2 HTTP/1.1\r\nHost: api.test\r\n"
          b"User-Agent: Mozilla/5.0\r\nCookie: session=abc123\r\n\r\n")


def _write(ctx, name, data):
    path = os.path.join(ctx.tmpdir, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def test_scan_raw_requests(ctx):
    """Raw requests: a benign one exits 0, an attack 1 with the point and
    evidence printed; --points lists the decoded points."""
    good = _write(ctx, "good.http", BENIGN)
    bad = _write(ctx, "bad.http", ATTACK)
    p = run_cli(["scan", good])
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "clean" in p.stdout and "1 request(s), 0 would be blocked" in p.stdout, p.stdout
    p = run_cli(["scan", good, bad])
    assert p.returncode == 1, p.stdout
    assert "BLOCK" in p.stdout and "body.form.user" in p.stdout and "sqli" in p.stdout, p.stdout
    p = run_cli(["scan", "--points", good])
    assert "point query.q = O'Reilly books" in p.stdout, p.stdout
    assert "point cookie.session = abc123" in p.stdout, p.stdout


def test_scan_json_lines_and_json_output(ctx):
    """JSON lines in every accepted shape; --json gives one object per
    request with the findings."""
    lines = [
        {"id": "a", "method": "GET", "uri": "/p?id=1%20union%20select%20password%20from%20users",
         "headers": {"Host": "x"}},
        {"id": "b", "method": "POST", "uri": "/c", "headers": [["Content-Type", "application/json"]],
         "body": json.dumps({"comment": "<svg onload=alert(1)>"})},
        {"id": "c", "raw_b64": base64.b64encode(BENIGN).decode()},
        {"id": "d", "raw": ATTACK.decode()},
        {"id": "e", "method": "POST", "uri": "/u", "body_b64": base64.b64encode(b"name=drop+me+a+line").decode(),
         "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
    ]
    path = _write(ctx, "reqs.jsonl", "\n".join(json.dumps(x) for x in lines).encode() + b"\n")
    p = run_cli(["scan", "--json", path])
    assert p.returncode == 1, p.stderr
    out = {o["id"]: o for o in map(json.loads, p.stdout.splitlines())}
    assert out["a"]["blocked"] and out["a"]["attacks"] == ["sqli"], out["a"]
    assert out["a"]["findings"][0]["point"] == "query.id"
    assert out["b"]["attacks"] == ["xss"] and out["b"]["findings"][0]["point"] == "body.json.comment"
    assert not out["c"]["blocked"] and out["c"]["findings"] == []
    assert out["d"]["blocked"]
    assert not out["e"]["blocked"], out["e"]
    assert all(o["file"] == path for o in out.values())


def test_scan_har(ctx):
    """A HAR file: each entry's request is inspected."""
    har = {"log": {"version": "1.2", "entries": [
        {"request": {"method": "GET", "url": "https://api.test/items?sort=name",
                     "headers": [{"name": "Accept", "value": "application/json"}]}},
        {"request": {"method": "POST", "url": "https://api.test/items",
                     "headers": [{"name": "Content-Type", "value": "application/json"}],
                     "postData": {"mimeType": "application/json",
                                  "text": json.dumps({"q": "x' OR '1'='1"})}}},
    ]}}
    path = _write(ctx, "traffic.har", json.dumps(har).encode())
    p = run_cli(["scan", "--json", path])
    assert p.returncode == 1, p.stderr
    out = [json.loads(x) for x in p.stdout.splitlines()]
    assert [o["id"] for o in out] == ["entry1", "entry2"]
    assert not out[0]["blocked"] and out[1]["blocked"] and out[1]["attacks"] == ["sqli"]


def test_scan_errors(ctx):
    """Unreadable files and invalid JSON lines: exit 2, saying which; the
    other requests are still scanned."""
    good = _write(ctx, "good.http", BENIGN)
    badjson = _write(ctx, "bad.jsonl", b'{"id": "ok", "uri": "/a"}\n{not json\n')
    p = run_cli(["scan", good, os.path.join(ctx.tmpdir, "missing.http"), badjson])
    assert p.returncode == 2, p.stdout
    assert "missing.http" in p.stderr and "cannot read" in p.stderr, p.stderr
    assert "bad.jsonl#2" in p.stderr, p.stderr
    assert "2 request(s)" in p.stdout, p.stdout
    p = run_cli(["scan"])
    assert p.returncode == 2 and "usage" in p.stderr


def test_scan_rejected_requests(ctx):
    """A request the HTTP parser refuses is what the proxy answers with 400:
    a blocked verdict of class protocol, marked "rejected", not an error."""
    broken = _write(ctx, "broken.http", b"GET / HTTP/1.1\r\nHost x\r\n\r\n")
    p = run_cli(["scan", broken])
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "BLOCK" in p.stdout and "rejected by the HTTP parser" in p.stdout, p.stdout
    assert "0 error(s)" in p.stdout, p.stdout
    smuggle = (b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
               b"Content-Length: 5\r\n\r\nabcde")
    path = _write(ctx, "rej.jsonl", (json.dumps({"id": "r", "raw_b64": base64.b64encode(smuggle).decode()})
                                     + "\n").encode())
    p = run_cli(["scan", "--json", path])
    assert p.returncode == 1, (p.stdout, p.stderr)
    o = json.loads(p.stdout)
    assert o["rejected"] is True and o["blocked"] and o["attacks"] == ["protocol"], o
    f = o["findings"][0]
    assert f["score"] == 100 and f["evidence"].startswith("protocol: rejected by the HTTP parser ("), f
