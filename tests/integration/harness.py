"""
harness.py - everything the integration tests share.

  Ctx          the per-test fixture: temp dir, cleanup stack, factories
  Rampart      a running `rampart run -c FILE` with its logs captured
  Upstream     a recording HTTP/1.1 origin with per-path behaviours
  Client       a raw-socket HTTP client that parses what comes back
  make_config  renders a Rampart YAML config from Python values

Only the Python 3 standard library; only loopback addresses. Every socket
has a timeout and every process is killed at the end of its test.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RAMPART_BIN = os.path.abspath(os.environ.get("RAMPART_BIN") or os.path.join(REPO, "build", "rampart"))

LOOPBACK = "127.0.0.1"
DEFAULT_TIMEOUT = 5.0  # seconds, for any single socket operation


class Skip(Exception):
    """Raised by a test that cannot run here (e.g. a fixed port is taken)."""


class TestFailure(AssertionError):
    pass


def fail(msg):
    raise TestFailure(msg)


# --------------------------------------------------------------------------
# small utilities


def free_port(host=LOOPBACK):
    """A port that was free a moment ago (bind port 0, read it, close)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_is_free(port, host=LOOPBACK):
    with socket.socket() as s:
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


def wait_for(pred, timeout=3.0, interval=0.02, what="condition"):
    """Polls pred() until it returns something truthy; returns that value."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def can_connect(port, host=LOOPBACK, timeout=0.5):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def header(headers, name):
    """The value of the first header called name (case-insensitive), or None."""
    name = name.lower()
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


def header_all(headers, name):
    name = name.lower()
    return [v for k, v in headers if k.lower() == name]


# --------------------------------------------------------------------------
# process registry: whatever happens, nothing we start outlives run.py

_live_procs = set()
_live_lock = threading.Lock()


def _register_proc(p):
    with _live_lock:
        _live_procs.add(p)


def _unregister_proc(p):
    with _live_lock:
        _live_procs.discard(p)


def kill_all_processes():
    with _live_lock:
        procs = list(_live_procs)
    for p in procs:
        try:
            if p.poll() is None:
                p.kill()
                p.wait(timeout=5)
        except Exception:
            pass
        _unregister_proc(p)


def run_cli(args, timeout=10, cwd=None):
    """Runs `rampart ARGS` to completion; returns CompletedProcess (text)."""
    return subprocess.run([RAMPART_BIN] + list(args), capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, stdin=subprocess.DEVNULL)


# --------------------------------------------------------------------------
# config rendering

DEFAULT_LOG = {"level": "info", "error_log": "stderr", "access_log": "stdout"}


def _yaml_value(v):
    # JSON is valid YAML flow syntax; json.dumps quotes every string, so
    # values like "1m" or "127.0.0.1:80" are never misread.
    return json.dumps(v)


def make_config(listeners, upstreams=(), routes=(), **top):
    """Renders a config: top-level keys block style, values in flow style."""
    top = dict({"workers": 2, "log": dict(DEFAULT_LOG)}, **top)
    top["timeouts"] = dict({"graceful_stop": "5s"}, **(top.get("timeouts") or {}))
    lines = [f"{k}: {_yaml_value(v)}" for k, v in top.items() if v is not None]
    lines.append("listeners:")
    lines += [f"  - {_yaml_value(x)}" for x in listeners]
    if upstreams:
        lines.append("upstreams:")
        lines += [f"  - {_yaml_value(x)}" for x in upstreams]
    lines.append("routes:")
    lines += [f"  - {_yaml_value(x)}" for x in routes]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# Rampart process


class Rampart:
    """A running rampart; stdout (access log) and stderr (error log) go to files."""

    def __init__(self, ctx, args, config_text=None, wait_ports=(), name="rampart", env=None):
        self.ctx = ctx
        self.config_path = None
        if config_text is not None:
            self.config_path = os.path.join(ctx.tmpdir, f"{name}.yaml")
            with open(self.config_path, "w") as f:
                f.write(config_text)
            args = ["run", "-c", self.config_path] + list(args)
        self.stdout_path = os.path.join(ctx.tmpdir, f"{name}.stdout")
        self.stderr_path = os.path.join(ctx.tmpdir, f"{name}.stderr")
        self._out = open(self.stdout_path, "wb")
        self._err = open(self.stderr_path, "wb")
        self.args = [RAMPART_BIN] + list(args)
        full_env = None
        if env:
            full_env = dict(os.environ)
            full_env.update(env)
        self.proc = subprocess.Popen(self.args, stdout=self._out, stderr=self._err,
                                     stdin=subprocess.DEVNULL, cwd=ctx.tmpdir, env=full_env)
        _register_proc(self.proc)
        self.pid = self.proc.pid
        self.stopped_by_test = False
        self.ports = list(wait_ports)
        self.port = self.ports[0] if self.ports else None
        for p in self.ports:
            self.wait_listening(p)

    # -- lifecycle
    def wait_listening(self, port, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                fail(f"rampart exited with status {self.proc.returncode} before listening "
                     f"on {port}; stderr:\n{self.stderr_tail()}")
            if can_connect(port, timeout=0.2) or can_connect(port, "::1", timeout=0.2):
                return
            time.sleep(0.02)
        fail(f"rampart did not listen on {port} within {timeout}s; stderr:\n{self.stderr_tail()}")

    def alive(self):
        return self.proc.poll() is None

    def signal(self, sig):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout=8.0):
        """SIGTERM, then SIGKILL after timeout. Returns the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        _unregister_proc(self.proc)
        for f in (self._out, self._err):
            try:
                f.close()
            except Exception:
                pass
        return self.proc.returncode

    def rewrite_config(self, text):
        tmp = self.config_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.config_path)

    def reload(self, text=None):
        if text is not None:
            self.rewrite_config(text)
        self.signal(signal.SIGHUP)

    # -- observation
    def rss_kb(self):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    def stderr_text(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stderr_tail(self, n=30):
        return "\n".join(self.stderr_text().splitlines()[-n:])

    def stdout_text(self):
        with open(self.stdout_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def error_lines(self):
        return self.stderr_text().splitlines()

    def access_log(self, path=None):
        """Parsed JSON lines of the access log (stdout unless path is given).
        A line that is not JSON is returned as {"_unparsed": line}."""
        if path is None:
            text = self.stdout_text()
        else:
            try:
                with open(path, "rb") as f:
                    text = f.read().decode("utf-8", "replace")
            except FileNotFoundError:
                return []
        out = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"_unparsed": line})
        return out

    def wait_access_entries(self, n, timeout=3.0, path=None):
        return wait_for(lambda: (lambda e: e if len(e) >= n else None)(self.access_log(path)),
                        timeout=timeout, what=f"{n} access log line(s)")

    def sanitizer_report(self):
        """The first sanitizer report in stderr (without the shadow-byte dump), or None."""
        t = self.stderr_text()
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                       "ERROR: ThreadSanitizer", "WARNING: ThreadSanitizer"):
            i = t.find(marker)
            if i >= 0:
                start = t.rfind("\n", 0, i) + 1
                end = min(x for x in (t.find("Shadow bytes around", i), i + 4000, len(t))
                          if x >= 0)
                summary = t.find("SUMMARY:", i)
                tail = t[summary:t.find("\n", summary)] if summary >= end else ""
                return (t[start:end].rstrip() + ("\n" + tail if tail else "")).strip()
        return None


# --------------------------------------------------------------------------
# recording upstream


class Behavior:
    """What the upstream does for a path. Defaults: 200, body echoing the request.

    status, reason, headers      the final response head (headers: list of pairs)
    body                         bytes; None = echo "<name> <METHOD> <target>"
    chunks                       list of bytes: send the body chunked
    trailers                     list of pairs sent after the last chunk
    stream_bytes                 send this many generated bytes (Content-Length)
    delay                        seconds to sleep before answering
    close_without_answer         read the request, then close
    hang                         read the request, never answer (until stopped)
    http10_close                 answer "HTTP/1.0", no length, body ends at close
    interim                      list of (code, headers) 1xx responses sent first
    no_body                      send no body whatever the status (204/304/HEAD)
    discard_body                 count the request body but do not keep it
    close_after                  close the connection after answering
    body_cut                     send only this many body bytes, then cut_action
    cut_action                   "hang" (stall until stopped) or "close"
    raw                          send these bytes instead of a response, then close
    """

    def __init__(self, status=200, reason=None, headers=None, body=None, chunks=None,
                 trailers=None, stream_bytes=None, delay=0.0, close_without_answer=False,
                 hang=False, http10_close=False, interim=None, no_body=False,
                 discard_body=False, close_after=False, body_cut=None, cut_action="hang",
                 raw=None):
        self.status = status
        self.reason = reason
        self.headers = list(headers or [])
        self.body = body
        self.chunks = chunks
        self.trailers = list(trailers or [])
        self.stream_bytes = stream_bytes
        self.delay = delay
        self.close_without_answer = close_without_answer
        self.hang = hang
        self.http10_close = http10_close
        self.interim = list(interim or [])
        self.no_body = no_body
        self.discard_body = discard_body
        self.close_after = close_after
        self.body_cut = body_cut
        self.cut_action = cut_action
        self.raw = raw


REASONS = {100: "Continue", 103: "Early Hints", 200: "OK", 204: "No Content",
           304: "Not Modified", 404: "Not Found", 500: "Internal Server Error"}


class Recorded:
    """One request as the upstream saw it."""

    def __init__(self, conn_id, method, target, version, headers):
        self.conn_id = conn_id
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers          # list of (name, value), order and case kept
        self.body = b""
        self.body_len = 0
        self.chunked = False
        self.chunk_sizes = []
        self.trailers = []
        self.complete = False
        self.time = time.monotonic()

    def header(self, name):
        return header(self.headers, name)

    def header_all(self, name):
        return header_all(self.headers, name)

    @property
    def path(self):
        return self.target.split("?", 1)[0]

    def __repr__(self):
        return f"<Recorded conn={self.conn_id} {self.method} {self.target} {self.headers}>"


class _SockReader:
    """Buffered reads from a socket: lines and exact byte counts."""

    def __init__(self, sock, on_bytes=None):
        self.sock = sock
        self.buf = bytearray()
        self.on_bytes = on_bytes

    def _fill(self, n=65536):
        data = self.sock.recv(n)
        if not data:
            raise EOFError("peer closed")
        if self.on_bytes:
            self.on_bytes(len(data))
        self.buf += data

    def readline(self, limit=1 << 20):
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                line = bytes(self.buf[:i + 1])
                del self.buf[:i + 1]
                return line
            if len(self.buf) > limit:
                raise ValueError("line too long")
            self._fill()

    def read_exact(self, n, sink=None):
        """Reads n bytes; returns them, or feeds them to sink(bytes) and returns b''."""
        if sink is None:
            while len(self.buf) < n:
                self._fill(max(65536, n - len(self.buf)))
            out = bytes(self.buf[:n])
            del self.buf[:n]
            return out
        left = n
        if self.buf:
            take = min(left, len(self.buf))
            sink(self.buf[:take])
            del self.buf[:take]
            left -= take
        chunk = bytearray(1 << 18)
        view = memoryview(chunk)
        while left > 0:
            got = self.sock.recv_into(view, min(left, len(chunk)))
            if got == 0:
                raise EOFError("peer closed")
            if self.on_bytes:
                self.on_bytes(got)
            sink(view[:got])
            left -= got
        return b""

    def read_until_close(self, sink=None, tolerate_timeout=False):
        out = bytearray()
        if self.buf:
            (sink or out.extend)(bytes(self.buf))
            self.buf.clear()
        while True:
            try:
                data = self.sock.recv(1 << 18)
            except ConnectionResetError:
                break
            except socket.timeout:
                if tolerate_timeout:
                    break
                raise
            if not data:
                break
            if self.on_bytes:
                self.on_bytes(len(data))
            (sink or out.extend)(data)
        return bytes(out)


TOKEN_CHARS = frozenset(b"!#$%&'*+-.^_`|~0123456789"
                        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def head_line_problem(line):
    """Why a raw header line (with its line ending) is not valid HTTP/1.1, or None."""
    if not line.endswith(b"\r\n") or b"\r" in line[:-2]:
        return f"bad line ending in {line!r}"
    name, colon, value = line[:-2].partition(b":")
    if not colon or not name or any(c not in TOKEN_CHARS for c in name):
        return f"bad field name in {line!r}"
    if any((c < 0x20 and c != 0x09) or c == 0x7F for c in value):
        return f"control character in field value {line!r}"
    return None


def _parse_head_lines(reader, problems=None):
    """Reads header lines up to the blank line; returns [(name, value)]. Syntax
    problems (bad names, control characters, bare LF) are appended to problems."""
    headers = []
    while True:
        line = reader.readline()
        if line in (b"\r\n", b"\n"):
            if problems is not None and line == b"\n":
                problems.append("head ends with a bare LF")
            return headers
        if problems is not None:
            why = head_line_problem(line)
            if why:
                problems.append(why)
        name, _, value = line.decode("latin-1").rstrip("\r\n").partition(":")
        headers.append((name, value.strip(" \t")))


def _read_chunked(reader, sink):
    """Decodes a chunked body into sink; returns (chunk sizes, trailers)."""
    sizes = []
    while True:
        line = reader.readline().decode("latin-1").strip()
        size = int(line.split(";", 1)[0], 16)
        if size == 0:
            return sizes, _parse_head_lines(reader)
        sizes.append(size)
        reader.read_exact(size, sink)
        if reader.readline() not in (b"\r\n", b"\n"):
            raise ValueError("missing CRLF after chunk")


class Upstream:
    """A threaded HTTP/1.1 origin that records every request it gets."""

    MAX_STORED_BODY = 4 << 20

    def __init__(self, ctx=None, name="up", port=0, host=LOOPBACK):
        self.name = name
        self.host = host
        self.behaviors = {}          # path prefix -> Behavior
        self.requests = []           # Recorded, in arrival order (complete heads)
        self.connections = 0         # accepted connections
        self.bytes_received = 0
        self.closed_by_peer = set()  # connection ids the proxy closed
        self.problems = []           # malformed request heads received (a test failure)
        self.ctx = ctx
        self.lock = threading.Lock()
        self.cond = threading.Condition(self.lock)
        self._socks = set()
        self._stopping = threading.Event()
        self.listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, port))
        self.listener.listen(512)
        self.port = self.listener.getsockname()[1]
        self.addr = f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"
        self._thread = threading.Thread(target=self._accept_loop, daemon=True,
                                        name=f"upstream-{name}")
        self._thread.start()
        if ctx is not None:
            ctx.defer(self.stop)

    # -- configuration
    def on(self, prefix, behavior=None, **kw):
        """Sets the behaviour for targets starting with prefix (longest wins)."""
        self.behaviors[prefix] = behavior or Behavior(**kw)
        return self

    def _behavior_for(self, target):
        best = None
        for prefix in self.behaviors:
            if target.startswith(prefix) and (best is None or len(prefix) > len(best)):
                best = prefix
        return self.behaviors[best] if best is not None else Behavior()

    # -- observation
    def wait_requests(self, n, timeout=3.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    fail(f"upstream {self.name} got {len(self.requests)} request(s), "
                         f"expected {n}")
                self.cond.wait(left)
            return list(self.requests)

    def complete_requests(self):
        with self.lock:
            return [r for r in self.requests if r.complete]

    def conn_ids(self):
        with self.lock:
            return [r.conn_id for r in self.requests]

    # -- server
    def _accept_loop(self):
        while not self._stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
                conn_id = self.connections
                self._socks.add(sock)
            threading.Thread(target=self._serve, args=(sock, conn_id), daemon=True,
                             name=f"upstream-{self.name}-{conn_id}").start()

    def _count(self, n):
        with self.lock:
            self.bytes_received += n

    def _serve(self, sock, conn_id):
        sock.settimeout(60)
        reader = _SockReader(sock, self._count)
        try:
            while not self._stopping.is_set():
                if not self._serve_one(sock, reader, conn_id):
                    break
        except EOFError:
            with self.lock:
                self.closed_by_peer.add(conn_id)
        except (OSError, ValueError):
            pass
        finally:
            with self.lock:
                self._socks.discard(sock)
            try:
                sock.close()
            except OSError:
                pass

    def _serve_one(self, sock, reader, conn_id):
        line = reader.readline()
        while line in (b"\r\n", b"\n"):
            line = reader.readline()
        parts = line.decode("latin-1").rstrip("\r\n").split(" ")
        method, target, version = (parts + ["", "", ""])[:3]
        problems = []
        if len(parts) != 3 or not line.endswith(b"\r\n") or version != "HTTP/1.1":
            problems.append(f"bad request line {line!r}")
        rec = Recorded(conn_id, method, target, version, _parse_head_lines(reader, problems))
        if problems:
            with self.lock:
                self.problems += [f"conn {conn_id} {method} {target}: {p}" for p in problems]
        beh = self._behavior_for(target)
        with self.cond:
            self.requests.append(rec)
            self.cond.notify_all()

        def sink(data):
            rec.body_len += len(data)
            if not beh.discard_body and rec.body_len <= self.MAX_STORED_BODY:
                rec.body += bytes(data)

        te = rec.header("Transfer-Encoding")
        cl = rec.header("Content-Length")
        if te is not None and te.strip().lower().endswith("chunked"):
            rec.chunked = True
            rec.chunk_sizes, rec.trailers = _read_chunked(reader, sink)
        elif cl is not None:
            reader.read_exact(int(cl), sink)
        with self.cond:
            rec.complete = True
            self.cond.notify_all()

        if beh.delay:
            if self._stopping.wait(beh.delay):
                return False
        if beh.close_without_answer:
            return False
        if beh.hang:
            self._stopping.wait(120)
            return False
        if beh.raw is not None:
            sock.sendall(beh.raw)
            return False
        if beh.body_cut is not None:
            self._respond_cut(sock, rec, beh)
            return False
        self._respond(sock, rec, beh)
        conn_hdr = (rec.header("Connection") or "").lower()
        if beh.close_after or beh.http10_close or "close" in conn_hdr:
            return False
        return True

    def _respond(self, sock, rec, beh):
        out = bytearray()
        for code, hdrs in beh.interim:
            out += f"HTTP/1.1 {code} {REASONS.get(code, 'Info')}\r\n".encode()
            for k, v in hdrs:
                out += f"{k}: {v}\r\n".encode("latin-1")
            out += b"\r\n"
        version = "HTTP/1.0" if beh.http10_close else "HTTP/1.1"
        reason = beh.reason or REASONS.get(beh.status, "Status")
        out += f"{version} {beh.status} {reason}\r\n".encode()
        headers = list(beh.headers)
        body = beh.body
        if body is None and beh.chunks is None and beh.stream_bytes is None:
            body = f"{self.name} {rec.method} {rec.target}".encode()
        names = {k.lower() for k, _ in headers}
        if "x-upstream" not in names:
            headers.append(("X-Upstream", self.name))
        if beh.chunks is not None:
            headers.append(("Transfer-Encoding", "chunked"))
            if beh.trailers:
                headers.append(("Trailer", ", ".join(k for k, _ in beh.trailers)))
        elif beh.stream_bytes is not None:
            headers.append(("Content-Length", str(beh.stream_bytes)))
        elif not beh.http10_close and "content-length" not in names and not (
                beh.no_body and beh.status in (204, 304)):
            headers.append(("Content-Length", str(len(body))))
        if "content-type" not in names:
            headers.append(("Content-Type", "text/plain"))
        for k, v in headers:
            out += f"{k}: {v}\r\n".encode("latin-1")
        out += b"\r\n"
        if beh.no_body or rec.method == "HEAD":
            sock.sendall(out)
            return
        if beh.chunks is not None:
            for c in beh.chunks:
                out += b"%x\r\n" % len(c) + c + b"\r\n"
                if len(out) >= 1 << 16:
                    sock.sendall(out)
                    out = bytearray()
            out += b"0\r\n"
            for k, v in beh.trailers:
                out += f"{k}: {v}\r\n".encode("latin-1")
            out += b"\r\n"
            sock.sendall(out)
        elif beh.stream_bytes is not None:
            sock.sendall(out)
            send_pattern(sock, beh.stream_bytes)
        else:
            sock.sendall(bytes(out) + body)

    def _respond_cut(self, sock, rec, beh):
        """A response whose body stops after body_cut bytes (declared longer)."""
        body = beh.body if beh.body is not None else pattern_bytes(beh.body_cut * 2 + 100)
        sock.sendall(f"HTTP/1.1 {beh.status} OK\r\nContent-Length: {len(body)}\r\n"
                     f"Content-Type: application/octet-stream\r\n\r\n".encode()
                     + body[:beh.body_cut])
        if beh.cut_action == "hang":
            self._stopping.wait(120)

    def stop(self):
        if self.ctx is not None and self.problems:
            self.ctx.problems.append(f"upstream {self.name} received malformed request heads "
                                     f"from rampart: {self.problems[:3]}")
        self._stopping.set()
        try:
            self.listener.shutdown(socket.SHUT_RDWR)   # wakes the blocked accept()
        except OSError:
            pass
        try:
            self.listener.close()
        except OSError:
            pass
        with self.lock:
            socks = list(self._socks)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(timeout=2)


_PATTERN = bytes(range(256)) * 4096  # 1 MiB


def pattern_bytes(n, offset=0):
    """n bytes of the repeating 0..255 pattern starting at offset."""
    out = bytearray()
    while len(out) < n:
        start = (offset + len(out)) % 256
        out += _PATTERN[start:start + min(n - len(out), len(_PATTERN) - 256)]
    return bytes(out[:n])


def send_pattern(sock, n):
    view = memoryview(_PATTERN)
    left = n
    while left > 0:
        k = min(left, len(_PATTERN))
        sock.sendall(view[:k])
        left -= k


# --------------------------------------------------------------------------
# raw client


class Response:
    def __init__(self):
        self.version = None
        self.status = None
        self.reason = None
        self.headers = []
        self.body = b""
        self.body_len = 0
        self.chunked = False
        self.chunk_sizes = []
        self.trailers = []
        self.interim = []        # list of (status, headers) 1xx responses
        self.raw_status_line = None

    def header(self, name):
        return header(self.headers, name)

    def header_all(self, name):
        return header_all(self.headers, name)

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<Response {self.status} {self.headers} {self.body[:200]!r}>"


def build_request(method="GET", target="/", headers=None, body=None, version="HTTP/1.1",
                  host="example.test"):
    """Request bytes; Host is added unless host is None or headers has one."""
    headers = list(headers or [])
    if host is not None and header(headers, "Host") is None:
        headers.insert(0, ("Host", host))
    if body is not None and header(headers, "Content-Length") is None and \
            header(headers, "Transfer-Encoding") is None:
        headers.append(("Content-Length", str(len(body))))
    out = f"{method} {target} {version}\r\n".encode()
    for k, v in headers:
        out += f"{k}: {v}\r\n".encode("latin-1")
    out += b"\r\n"
    if body is not None:
        out += body
    return out


class Client:
    """A raw TCP connection to Rampart."""

    def __init__(self, port, host=LOOPBACK, source=None, timeout=DEFAULT_TIMEOUT, ctx=None):
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.sock.settimeout(timeout)
        if source:
            self.sock.bind((source, 0))
        self.sock.connect((host, port))
        self.reader = _SockReader(self.sock)
        if ctx is not None:
            ctx.defer(self.close)

    def settimeout(self, t):
        self.sock.settimeout(t)

    def send(self, data):
        self.sock.sendall(data)

    def request(self, method="GET", target="/", headers=None, body=None, **kw):
        self.send(build_request(method, target, headers, body, **kw))

    def read_response(self, method="GET", discard_body=False):
        """Parses one response (after any 1xx). Raises EOFError if closed first."""
        r = Response()
        while True:
            line = self.reader.readline()
            r.raw_status_line = line
            parts = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
            if len(parts) < 2 or not parts[0].startswith("HTTP/"):
                fail(f"bad status line {line!r}")
            version, status = parts[0], int(parts[1])
            problems = []
            if not line.endswith(b"\r\n"):
                problems.append(f"bad status line ending {line!r}")
            headers = _parse_head_lines(self.reader, problems)
            if problems:
                fail(f"malformed response head from rampart: {problems[:3]}")
            if 100 <= status < 200 and status != 101:
                r.interim.append((status, headers))
                continue
            r.version, r.status, r.reason, r.headers = version, status, \
                (parts[2] if len(parts) > 2 else ""), headers
            break

        body = bytearray()

        def sink(data):
            r.body_len += len(data)
            if not discard_body:
                body.extend(data)

        te = r.header("Transfer-Encoding")
        cl = r.header("Content-Length")
        if method == "HEAD" or r.status in (204, 304):
            pass
        elif te is not None:
            if te.strip().lower() != "chunked":
                fail(f"unexpected Transfer-Encoding {te!r}")
            r.chunked = True
            r.chunk_sizes, r.trailers = _read_chunked(self.reader, sink)
        elif cl is not None:
            self.reader.read_exact(int(cl), sink)
        else:
            self.reader.read_until_close(sink)
        r.body = bytes(body)
        return r

    def read_until_close(self):
        """Everything until the server closes (or the socket timeout fires)."""
        return self.reader.read_until_close(tolerate_timeout=True)

    def is_closed(self, timeout=2.0):
        """True if the server closes the connection (EOF/RST) within timeout,
        with nothing more sent. Returns False if the connection stays open."""
        old = self.sock.gettimeout()
        self.sock.settimeout(timeout)
        try:
            if self.reader.buf:
                return False
            data = self.sock.recv(1)
            return data == b""
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False
        finally:
            self.sock.settimeout(old)

    def drain_until_close(self, timeout):
        """Reads until the server closes or timeout; returns (data, closed)."""
        out = bytearray(self.reader.buf)
        self.reader.buf.clear()
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return bytes(out), False
            self.sock.settimeout(left)
            try:
                d = self.sock.recv(65536)
            except ConnectionResetError:
                return bytes(out), True
            except socket.timeout:
                return bytes(out), False
            if not d:
                return bytes(out), True
            out += d

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def http(port, method="GET", target="/", headers=None, body=None, host="example.test",
         source=None, timeout=DEFAULT_TIMEOUT, version="HTTP/1.1"):
    """One request on a fresh connection; returns the Response."""
    c = Client(port, source=source, timeout=timeout)
    try:
        c.request(method, target, headers, body, host=host, version=version)
        return c.read_response(method)
    finally:
        c.close()


def raw_exchange(port, data, timeout=3.0, source=None):
    """Sends data on a new connection and returns everything received until
    the server closes or timeout. Returns (bytes, closed_by_server)."""
    s = socket.socket()
    s.settimeout(timeout)
    try:
        if source:
            s.bind((source, 0))
        s.connect((LOOPBACK, port))
        s.sendall(data)
        out = bytearray()
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return bytes(out), False
            s.settimeout(left)
            try:
                d = s.recv(65536)
            except ConnectionResetError:
                return bytes(out), True
            except socket.timeout:
                return bytes(out), False
            if not d:
                return bytes(out), True
            out += d
    finally:
        s.close()


def status_lines(data):
    """Every status line in a byte stream of responses ("HTTP/1.1 200 OK", ...)."""
    return [m.decode("latin-1") for m in re.findall(rb"HTTP/\d\.\d \d{3}[^\r\n]*", data)]


# --------------------------------------------------------------------------
# fixture


class Ctx:
    """Per-test fixture: a temp dir and a stack of cleanups run at the end."""

    def __init__(self, name):
        self.name = name
        self.tmpdir = tempfile.mkdtemp(prefix=f"rampart-it-{name[:40]}-")
        self._cleanups = []
        self.rampart_procs = []
        self.problems = []   # found at cleanup: crashes, sanitizer reports, bad exit

    def defer(self, fn):
        self._cleanups.append(fn)

    def upstream(self, name="up", port=0, host=LOOPBACK):
        return Upstream(self, name=name, port=port, host=host)

    def rampart(self, config_text, ports=None, name="rampart", expect_clean_exit=True, env=None):
        """Starts `rampart run -c` on the config; waits for its listen ports
        (by default every `listen:` port in the text)."""
        if ports is None:
            ports = [int(p) for p in re.findall(r'listen"?:\s*"?[\w.\[\]:]*:(\d+)', config_text)]
        r = Rampart(self, [], config_text, wait_ports=ports, name=name, env=env)
        self._track(r, expect_clean_exit)
        return r

    def rampart_args(self, args, ports=(), name="rampart", expect_clean_exit=True, env=None):
        r = Rampart(self, args, None, wait_ports=ports, name=name, env=env)
        self._track(r, expect_clean_exit)
        return r

    def _track(self, r, expect_clean_exit):
        self.rampart_procs.append(r)

        def stop():
            died = r.proc.poll()
            rc = r.stop()
            rep = r.sanitizer_report()
            if rep:
                lines = rep.splitlines()
                summary = next((x for x in lines if "SUMMARY:" in x), lines[0]).strip()
                self.problems.insert(0, f"sanitizer: {summary}\n{rep}")
            tail = "" if rep else f"; stderr tail:\n{r.stderr_tail(15)}"
            if died is not None and not r.stopped_by_test:
                self.problems.append(f"rampart died during the test with status {died}{tail}")
            elif died is None and rc != 0 and expect_clean_exit:
                self.problems.append(f"rampart exited with status {rc} on SIGTERM at the end "
                                     f"of the test (expected 0){tail}")
        self.defer(stop)

    def proxy(self, *upstreams, route=None, upstream_opts=None, routes=None, **top):
        """Starts Rampart with one listener and one route "main" on "/" to an
        upstream "backend" whose servers are the given Upstreams/addresses."""
        port = free_port()
        servers = [u.addr if isinstance(u, Upstream) else u for u in upstreams]
        ups = [dict({"name": "backend", "servers": servers}, **(upstream_opts or {}))]
        if routes is None:
            routes = [dict({"name": "main", "path": "/", "upstream": "backend"}, **(route or {}))]
        text = make_config([{"listen": f"127.0.0.1:{port}", "name": "public"}], ups, routes, **top)
        return self.rampart(text, ports=[port])

    def cleanup(self):
        errors = []
        while self._cleanups:
            fn = self._cleanups.pop()
            try:
                fn()
            except Exception as e:  # keep cleaning up
                errors.append(f"cleanup error: {e!r}")
        return errors

    def remove_tmpdir(self):
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def timeout(seconds):
    """Decorator: the test's time limit (default 30 s)."""
    def deco(fn):
        fn.timeout = seconds
        return fn
    return deco


class RssSampler:
    """Samples a process's VmRSS every interval seconds in a thread; .max_kb."""

    def __init__(self, rampart, interval=0.01):
        self.rampart = rampart
        self.interval = interval
        self.max_kb = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss")

    def _run(self):
        while not self._stop.is_set():
            kb = self.rampart.rss_kb()
            if kb is not None:
                self.max_kb = max(self.max_kb, kb)
                self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(2)
