"""Origin protection: the signed header an upstream's `sign:` adds, checked with
`rampart verify-signature` against what the origin actually received."""
import os
import time

from harness import Client, build_request, run_cli


def _secret(ctx, value=b"s3cret-signing-key-for-tests\n"):
    path = os.path.join(ctx.tmpdir, "sign.key")
    with open(path, "wb") as f:
        f.write(value)
    return path


def _verify(secret, q, **over):
    path, _, query = q.target.partition("?")
    args = {"--secret-file": secret, "--signature": q.header("X-Rampart-Signature"),
            "--method": q.method, "--host": q.header("Host"), "--path": path, "--query": query}
    args.update(over)
    flat = []
    for k, v in args.items():
        flat += [k, v]
    return run_cli(["verify-signature"] + flat)


def test_signed_request_verifies(ctx):
    """Each forwarded request carries X-Rampart-Signature; it verifies against the
    rewritten Host and path the origin got, and fails if any of them changes."""
    up = ctx.upstream()
    secret = _secret(ctx)
    rp = ctx.proxy(up, upstream_opts={"sign": {"secret_file": secret}},
                   route={"rewrite_host": "abc.execute-api.eu-west-1.amazonaws.com",
                          "add_prefix": "/prod"})
    c = Client(rp.port, ctx=ctx)
    c.send(build_request("GET", "/users/7?expand=1"))
    assert c.read_response().status == 200
    q = up.wait_requests(1)[0]
    sig = q.header("X-Rampart-Signature")
    assert sig and sig.startswith("t=") and ",v1=" in sig, q.headers
    assert abs(int(sig[2:sig.index(",")]) - time.time()) < 5
    ok = _verify(secret, q)
    assert ok.returncode == 0 and ok.stdout.strip() == "valid", (ok.stdout, ok.stderr)
    bad = _verify(secret, q, **{"--path": "/prod/users/8"})
    assert bad.returncode == 1 and "mismatch" in bad.stdout, bad.stdout
    bad = _verify(secret, q, **{"--host": "attacker.example"})
    assert bad.returncode == 1, bad.stdout
    late = _verify(secret, q, **{"--now": str(int(time.time()) + 3600)})
    assert late.returncode == 1 and "expired" in late.stdout, late.stdout


def test_client_cannot_supply_a_signature(ctx):
    """A client-sent X-Rampart-Signature is dropped; only Rampart's own reaches the origin."""
    up = ctx.upstream()
    rp = ctx.proxy(up, upstream_opts={"sign": {"secret_file": _secret(ctx)}})
    c = Client(rp.port, ctx=ctx)
    c.send(build_request("GET", "/", headers=[("X-Rampart-Signature", "t=1,v1=forged")]))
    assert c.read_response().status == 200
    q = up.wait_requests(1)[0]
    sigs = q.header_all("X-Rampart-Signature")
    assert len(sigs) == 1 and sigs[0] != "t=1,v1=forged", sigs


def test_unsigned_upstream_has_no_signature(ctx):
    """Without `sign:`, no signature header is added (and a client's passes as any header)."""
    up = ctx.upstream()
    rp = ctx.proxy(up)
    c = Client(rp.port, ctx=ctx)
    c.send(build_request("GET", "/"))
    assert c.read_response().status == 200
    assert up.wait_requests(1)[0].header("X-Rampart-Signature") is None


def test_short_secret_is_a_config_error(ctx):
    """A signing secret under 16 bytes is refused by `rampart check` with its position."""
    path = os.path.join(ctx.tmpdir, "c.yaml")
    short = _secret(ctx, b"short\n")
    with open(path, "w") as f:
        f.write("listeners: [{listen: 127.0.0.1:1}]\n"
                "upstreams:\n  - name: a\n    servers: [\"127.0.0.1:2\"]\n"
                f"    sign: {{secret_file: {short}}}\n"
                "routes: [{path: /, upstream: a}]\n")
    r = run_cli(["check", "-c", path])
    assert r.returncode == 1 and f"{path}:5:" in r.stderr and "at least 16 bytes" in r.stderr, r.stderr
