"""CLI, `rampart check`, the embedded demo, the quick start and health listeners."""
import json
import os
import re
import time

from harness import (Skip, fail, free_port, http, make_config, port_is_free, raw_exchange,
                     run_cli)


def write(ctx, name, text):
    path = os.path.join(ctx.tmpdir, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def check_errors(ctx, text):
    """Runs `rampart check` on text; asserts failure; returns (path, stderr)."""
    path = write(ctx, "bad.yaml", text)
    r = run_cli(["check", "-c", path])
    assert r.returncode != 0, f"check accepted an invalid file (exit 0); stdout={r.stdout!r}"
    return path, r.stderr


def assert_error_at(stderr, path, line, col, words=()):
    """stderr has a line "path:line:col: message" whose message mentions words."""
    prefix = f"{path}:{line}:{col}: "
    lines = [x for x in stderr.splitlines() if x.startswith(prefix)]
    assert lines, f"no error at {line}:{col} (expected '{prefix}...'); stderr was:\n{stderr}"
    msg = lines[0][len(prefix):].lower()
    for w in words:
        assert w.lower() in msg, f"error at {line}:{col} does not mention {w!r}: {lines[0]!r}"


# ---------------------------------------------------------------- CLI basics


def test_version():
    """`rampart --version` prints a version and exits 0."""
    r = run_cli(["--version"])
    assert r.returncode == 0, f"exit {r.returncode}, stderr={r.stderr!r}"
    assert re.search(r"\d+\.\d+", r.stdout), f"no version number in {r.stdout!r}"


def test_help():
    """`rampart --help` exits 0 with usage text."""
    r = run_cli(["--help"])
    assert r.returncode == 0, f"exit {r.returncode}"
    assert "usage" in r.stdout.lower(), f"no usage in {r.stdout!r}"


def test_run_help():
    """`rampart run --help` exits 0 with usage text."""
    r = run_cli(["run", "--help"])
    assert r.returncode == 0, f"exit {r.returncode}"
    assert "usage" in r.stdout.lower() and "run" in r.stdout, f"no usage in {r.stdout!r}"


def test_check_help():
    """`rampart check --help` exits 0 with usage text."""
    r = run_cli(["check", "--help"])
    assert r.returncode == 0, f"exit {r.returncode}"
    assert "usage" in r.stdout.lower() and "check" in r.stdout, f"no usage in {r.stdout!r}"


def test_unknown_command_fails():
    """An unknown subcommand exits non-zero."""
    r = run_cli(["frobnicate"])
    assert r.returncode != 0, "unknown command accepted"


# ---------------------------------------------------------------- rampart check


FULL_VALID = """\
workers: 2
log: {level: info, error_log: stderr, access_log: stdout}
limits: {max_connections: 10000, max_request_line: 8k, max_header_bytes: 32k, max_headers: 100, max_body: 10m}
timeouts: {client_header: 10s, client_body: 30s, keepalive: 75s, send: 30s, upstream_connect: 5s, upstream_response: 60s, graceful_stop: 30s}
trusted_proxies: [127.0.0.2/32]
listeners:
  - {listen: 127.0.0.1:8080, name: public}
  - {listen: 127.0.0.1:8081, health: /healthz}
upstreams:
  - {name: api, servers: ["127.0.0.1:9000", "127.0.0.1:9001"], keepalive: 32, idle_timeout: 30s, max_fails: 3, fail_timeout: 10s, connect_timeout: 1s, response_timeout: 2s, retries: 1}
routes:
  - {name: api, hosts: [api.example.com, "*.example.com"], path: /v1/, upstream: api, rewrite_host: origin.internal, strip_prefix: /v1, add_prefix: /prod, set_headers: {X-Api-Key: k1}, max_body: 1m}
  - {name: mock, path: /mock, respond: {status: 200, headers: {Content-Type: application/json}, body: '{"ok":true}'}}
"""


def test_check_valid_file(ctx):
    """`rampart check -c FILE` on the spec's full example exits 0 and says ok."""
    path = write(ctx, "good.yaml", FULL_VALID)
    r = run_cli(["check", "-c", path])
    assert r.returncode == 0, f"exit {r.returncode}; stderr:\n{r.stderr}"
    assert "ok" in (r.stdout + r.stderr).lower(), f"no 'ok' in output: {r.stdout!r} {r.stderr!r}"


def test_check_shipped_example():
    """examples/rampart.yaml from the repository passes `rampart check`."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), "examples", "rampart.yaml")
    if not os.path.exists(path):
        raise Skip("no examples/rampart.yaml")
    r = run_cli(["check", "-c", path])
    assert r.returncode == 0, f"exit {r.returncode}; stderr:\n{r.stderr}"


def test_check_unknown_key(ctx):
    """An unknown key is reported at its own line:col."""
    path, err = check_errors(ctx, """\
listeners:
  - listen: 127.0.0.1:18080
routes:
  - path: /
    respond: {status: 200}
    colour: blue
""")
    assert_error_at(err, path, 6, 5, ["colour"])


def test_check_wrong_type(ctx):
    """A value of the wrong type (text where a number is needed) is reported at the value."""
    path, err = check_errors(ctx, """\
limits:
  max_headers: many
listeners:
  - listen: 127.0.0.1:18080
routes:
  - path: /
    respond: {status: 200}
""")
    assert_error_at(err, path, 2, 16)


def test_check_bad_address(ctx):
    """An invalid listen address is reported at the value."""
    path, err = check_errors(ctx, """\
listeners:
  - name: public
    listen: 999.1.2.3:80
routes:
  - path: /
    respond: {status: 200}
""")
    assert_error_at(err, path, 3, 13)


def test_check_dangling_upstream(ctx):
    """A route naming an upstream that does not exist is reported at the name."""
    path, err = check_errors(ctx, """\
listeners:
  - listen: 127.0.0.1:18080
upstreams:
  - name: api
    servers: ["127.0.0.1:9000"]
routes:
  - path: /
    upstream: apl
""")
    assert_error_at(err, path, 8, 15, ["apl"])


def test_check_reports_every_error(ctx):
    """A file with four errors gets all four reported, each with line:col."""
    path, err = check_errors(ctx, """\
workers: 2
limits:
  max_headers: many
listeners:
  - listen: 999.1.2.3:80
upstreams:
  - name: api
    servers: ["127.0.0.1:9000"]
routes:
  - path: /
    upstream: apl
    colour: blue
""")
    assert_error_at(err, path, 3, 16)
    assert_error_at(err, path, 5, 13)
    assert_error_at(err, path, 11, 15, ["apl"])
    assert_error_at(err, path, 12, 5, ["colour"])


def test_check_yaml_syntax_error(ctx):
    """A YAML syntax error is reported as FILE:LINE:COL and exits non-zero."""
    path, err = check_errors(ctx, "listeners:\n  - listen: [127.0.0.1:1\nroutes: {\n")
    assert re.search(re.escape(path) + r":\d+:\d+: ", err), f"no file:line:col in {err!r}"


def test_run_with_invalid_config_fails(ctx):
    """`rampart run -c BAD` exits non-zero, printing the errors with positions."""
    path = write(ctx, "bad.yaml", "listeners:\n  - listen: 127.0.0.1:18080\nroutes:\n"
                                  "  - path: /\n    upstream: nowhere\n")
    r = run_cli(["run", "-c", path], timeout=10)
    assert r.returncode != 0, "run accepted an invalid file"
    assert f"{path}:5:15:" in r.stderr, f"no {path}:5:15: in stderr:\n{r.stderr}"


# ---------------------------------------------------------------- demo and quick start


def test_demo(ctx):
    """`rampart run` with no arguments serves the demo on 127.0.0.1:8080
    (GET /demo/demo -> 200 JSON object) and health on 8081."""
    if not (port_is_free(8080) and port_is_free(8081)):
        raise Skip("port 8080 or 8081 is in use")
    ctx.rampart_args(["run"], ports=[8080, 8081], name="demo")
    r = http(8080, "GET", "/demo/demo", host="127.0.0.1:8080")
    assert r.status == 200, f"GET /demo/demo -> {r.status}"
    ct = r.header("Content-Type") or ""
    assert ct.startswith("application/json"), f"Content-Type {ct!r}"
    assert isinstance(json.loads(r.body), dict), f"body is not a JSON object: {r.body!r}"
    h = http(8081, "GET", "/healthz", host="127.0.0.1:8081")
    assert h.status == 200, f"GET /healthz -> {h.status}"


def test_quickstart_proxies_everything(ctx):
    """`rampart run --listen A --upstream URL` proxies any method and path."""
    up = ctx.upstream()
    port = free_port()
    ctx.rampart_args(["run", "--listen", f"127.0.0.1:{port}", "--upstream",
                      f"http://127.0.0.1:{up.port}"], ports=[port])
    r1 = http(port, "GET", "/some/where?x=1")
    r2 = http(port, "POST", "/else", body=b"payload")
    assert (r1.status, r2.status) == (200, 200), f"statuses {r1.status}, {r2.status}"
    reqs = up.wait_requests(2)
    got = [(q.method, q.target, q.body) for q in reqs]
    assert got == [("GET", "/some/where?x=1", b""), ("POST", "/else", b"payload")], got


def test_quickstart_bad_url_fails(ctx):
    """The quick start with an invalid upstream URL exits non-zero."""
    r = run_cli(["run", "--listen", f"127.0.0.1:{free_port()}", "--upstream", "ftp://x:1"])
    assert r.returncode != 0, "invalid upstream URL accepted"


# ---------------------------------------------------------------- health listener


def health_config(port, hport):
    return make_config(
        [{"listen": f"127.0.0.1:{port}", "name": "public"},
         {"listen": f"127.0.0.1:{hport}", "health": "/healthz"}],
        routes=[{"name": "mock", "path": "/", "respond": {"status": 200, "body": "hi"}}])


def test_health_endpoint(ctx):
    """A health listener answers GET /healthz with 200 and a JSON body with a status field."""
    port, hport = free_port(), free_port()
    ctx.rampart(health_config(port, hport))
    r = http(hport, "GET", "/healthz")
    assert r.status == 200, f"/healthz -> {r.status}"
    try:
        doc = json.loads(r.body)
    except ValueError:
        fail(f"/healthz body is not JSON: {r.body!r}")
    assert isinstance(doc, dict) and "status" in doc, f"no status field in {doc!r}"


def test_health_listener_other_paths_404(ctx):
    """A health listener answers any other path with 404 (it serves no routes)."""
    port, hport = free_port(), free_port()
    ctx.rampart(health_config(port, hport))
    for path in ("/", "/healthz/x", "/mock"):
        r = http(hport, "GET", path)
        assert r.status == 404, f"health listener {path} -> {r.status}"
    assert http(port, "GET", "/").status == 200, "public listener broken"



def test_workers_auto(ctx):
    """workers: auto starts and serves."""
    port = free_port()
    text = make_config([{"listen": f"127.0.0.1:{port}", "name": "public"}],
                       routes=[{"name": "m", "path": "/", "respond": {"status": 200}}],
                       workers="auto")
    ctx.rampart(text)
    assert http(port, "GET", "/").status == 200


def test_error_log_is_json_lines(ctx):
    """Every line Rampart writes to its error log (stderr) is a JSON object, including
    startup, a rejected request and a reload."""
    port = free_port()
    text = make_config([{"listen": f"127.0.0.1:{port}", "name": "public"}],
                       routes=[{"name": "m", "path": "/", "respond": {"status": 200}}])
    rp = ctx.rampart(text)
    raw_exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", timeout=2)
    rp.reload()
    time.sleep(0.5)
    lines = rp.error_lines()
    assert lines, "nothing logged at all (level info)"
    bad = []
    for line in lines:
        try:
            if not isinstance(json.loads(line), dict):
                bad.append(line)
        except ValueError:
            bad.append(line)
    assert not bad, f"non-JSON error-log lines: {bad[:3]}"
