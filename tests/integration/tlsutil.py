"""
tlsutil.py - TLS fixtures for the integration tests (Python 3 stdlib + the
`openssl` command line).

  make_pki(dir)        a throw-away CA (EC P-256) that issues leaf certificates
  Pki.issue(...)       leaf cert/key/chain files, optionally expired or not yet valid
  write_unrelated_key  a key that matches no certificate (config error tests)
  TlsUpstream          harness.Upstream behind TLS; records SNI/ALPN/version/resumption
  StallingTlsServer    accepts TCP, never answers the ClientHello
  TlsClient            harness.Client over TLS (keep-alive, several requests)
  tls_get(...)         one HTTPS GET, returns status/headers/body + TLS details
  curl(...), s_client(...)  the real tools, with timeouts

    pki = make_pki(ctx.tmpdir)
    leaf = pki.issue("origin", sans=["origin.test", "127.0.0.1"])
    up = TlsUpstream(ctx, "origin", leaf.chain, leaf.key)
    rp = ctx.rampart(make_config(..., upstreams=[{"name": "b", "servers": [up.url],
                                                 "tls": {"ca_file": pki.ca_cert}}], ...))
    ...
    assert up.sni_by_conn[1] == "origin.test"

The CA and every key are EC P-256 (fast). Certificates are made with
`openssl ca`, which takes explicit -startdate/-enddate, so expired and
not-yet-valid certificates need no faketime (OpenSSL 3.0's `x509 -req` has
no -not_before/-not_after).
"""
import collections
import datetime
import ipaddress
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time

import harness
from harness import LOOPBACK, DEFAULT_TIMEOUT, fail

OPENSSL = shutil.which("openssl") or "openssl"


# --------------------------------------------------------------------------
# PKI


class PkiError(RuntimeError):
    pass


def _run(args, cwd=None, timeout=20):
    p = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise PkiError(f"{' '.join(args)} failed ({p.returncode}):\n{p.stderr.strip()}")
    return p.stdout


def _genkey(path):
    """An EC P-256 private key (PKCS#8 PEM) at path, mode 0600."""
    _run([OPENSSL, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
          "-out", path])
    os.chmod(path, 0o600)
    return path


def write_unrelated_key(path):
    """Writes a fresh EC P-256 key that matches no certificate (for the
    "key does not match certificate" configuration error). Returns path."""
    return _genkey(path)


def is_ip(s):
    try:
        ipaddress.ip_address(s)
        return True
    except ValueError:
        return False


def _asn1_time(dt):
    return dt.astimezone(datetime.timezone.utc).strftime("%Y%m%d%H%M%SZ")


Issued = collections.namedtuple("Issued", "cert key chain name sans")
Issued.__doc__ = """Paths of an issued leaf: cert (the leaf alone), key, chain
(leaf followed by the CA certificate); name and sans as given."""


class Pki:
    """A test CA in its own directory. Use make_pki()."""

    _CA_CNF = """\
[ca]
default_ca = testca
[testca]
database = {db}/index.txt
new_certs_dir = {db}/newcerts
serial = {db}/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[policy_any]
commonName = supplied
organizationName = optional
"""

    def __init__(self, dirpath, cn):
        self.dir = os.path.abspath(dirpath)
        self.cn = cn
        self.ca_cert = os.path.join(self.dir, "ca.crt")
        self.ca_key = os.path.join(self.dir, "ca.key")
        self._db = os.path.join(self.dir, ".ca-db")
        self._lock = threading.Lock()
        self._n = 0
        os.makedirs(os.path.join(self._db, "newcerts"))
        open(os.path.join(self._db, "index.txt"), "w").close()
        with open(os.path.join(self._db, "serial"), "w") as f:
            f.write("1" + os.urandom(8).hex().upper()[1:])  # even length: openssl needs it
            f.write("\n")
        self._cnf = os.path.join(self._db, "ca.cnf")
        with open(self._cnf, "w") as f:
            f.write(self._CA_CNF.format(db=self._db))
        _genkey(self.ca_key)
        _run([OPENSSL, "req", "-x509", "-new", "-key", self.ca_key, "-sha256",
              "-subj", f"/O=Rampart tests/CN={cn}", "-days", "3650",
              "-set_serial", "0x" + os.urandom(8).hex(),
              "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign",
              "-addext", "subjectKeyIdentifier=hash",
              "-out", self.ca_cert])

    def __repr__(self):
        return f"<Pki {self.cn!r} in {self.dir}>"

    def issue(self, name, sans=(), days=30, expired=False, ca=None, not_yet_valid=False,
              cn=None, client=False):
        """Issues a leaf certificate; returns Issued(cert, key, chain, name, sans).

        Writes <dir>/<name>.crt (the leaf alone), <name>-chain.crt (leaf + CA)
        and <name>.key. sans: host names become DNS entries, addresses IP
        entries (default: [name]). The subject CN is cn or the first SAN.
        expired=True: valid from days+2 days ago until 1 day ago.
        not_yet_valid=True: valid from tomorrow for `days` days.
        ca: another Pki to sign with (default: this one); the chain file
        then holds that CA. client=True adds clientAuth to extendedKeyUsage
        (serverAuth is always there)."""
        signer = ca or self
        sans = list(sans) or [name]
        cn = cn or sans[0]
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        if expired:
            start, end = now - datetime.timedelta(days=days + 2), now - datetime.timedelta(days=1)
        elif not_yet_valid:
            start, end = now + datetime.timedelta(days=1), now + datetime.timedelta(days=1 + days)
        else:
            start, end = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=days)
        cert = os.path.join(self.dir, f"{name}.crt")
        key = os.path.join(self.dir, f"{name}.key")
        chain = os.path.join(self.dir, f"{name}-chain.crt")
        san = ",".join(("IP:" if is_ip(s) else "DNS:") + s for s in sans)
        eku = "serverAuth,clientAuth" if client else "serverAuth"
        with self._lock:
            self._n += 1
            tmp = os.path.join(self._db, f"req{self._n}")
            ext = tmp + ".ext"
            with open(ext, "w") as f:
                f.write("[leaf]\nbasicConstraints = critical,CA:FALSE\n"
                        "keyUsage = critical,digitalSignature\n"
                        f"extendedKeyUsage = {eku}\n"
                        f"subjectAltName = {san}\n"
                        "subjectKeyIdentifier = hash\n"
                        "authorityKeyIdentifier = keyid:always\n")
            _genkey(key)
            _run([OPENSSL, "req", "-new", "-key", key, "-subj", f"/CN={cn}", "-out", tmp + ".csr"])
        with signer._lock:
            _run([OPENSSL, "ca", "-batch", "-config", signer._cnf, "-cert", signer.ca_cert,
                  "-keyfile", signer.ca_key, "-in", tmp + ".csr", "-out", cert, "-notext",
                  "-startdate", _asn1_time(start), "-enddate", _asn1_time(end),
                  "-extfile", ext, "-extensions", "leaf"])
        with open(cert) as f:
            leaf_pem = f.read()
        with open(signer.ca_cert) as f:
            ca_pem = f.read()
        with open(cert, "w") as f:          # exactly one PEM block, nothing else
            f.write(leaf_pem[leaf_pem.index("-----BEGIN CERTIFICATE-----"):].rstrip() + "\n")
        with open(chain, "w") as f:
            f.write(leaf_pem[leaf_pem.index("-----BEGIN CERTIFICATE-----"):].rstrip() + "\n"
                    + ca_pem.rstrip() + "\n")
        return Issued(cert, key, chain, name, sans)

    def mismatched_key(self, name="mismatched"):
        """<dir>/<name>.key: a valid key that belongs to no certificate."""
        return write_unrelated_key(os.path.join(self.dir, f"{name}.key"))


def make_pki(dirpath, cn=None):
    """Creates a test CA with the openssl CLI; returns a Pki (.ca_cert,
    .ca_key, .dir, .issue(...)). Files go to dirpath (created if needed); if
    dirpath already holds a CA, a fresh subdirectory pki-2, pki-3, ... is
    used, so make_pki(ctx.tmpdir) twice gives two unrelated CAs whose leaves
    do not overwrite each other."""
    dirpath = os.path.abspath(dirpath)
    os.makedirs(dirpath, exist_ok=True)
    base, n = dirpath, 1
    while os.path.exists(os.path.join(dirpath, "ca.crt")) or \
            os.path.exists(os.path.join(dirpath, ".ca-db")):
        n += 1
        dirpath = os.path.join(base, f"pki-{n}")
        os.makedirs(dirpath, exist_ok=True)
    return Pki(dirpath, cn or ("Rampart Test CA" if n == 1 else f"Rampart Test CA {n}"))


def cert_info(path_or_pem):
    """(subject CN, [SAN strings like 'DNS:x', 'IP:1.2.3.4'], notAfter) of a
    PEM certificate file or PEM text, via the openssl CLI."""
    data = path_or_pem
    if os.path.exists(str(path_or_pem)):
        with open(path_or_pem) as f:
            data = f.read()
    p = subprocess.run([OPENSSL, "x509", "-noout", "-subject", "-enddate", "-nameopt", "RFC2253",
                        "-ext", "subjectAltName"], input=data, capture_output=True, text=True,
                       timeout=10)
    cn, sans, not_after = None, [], None
    for line in p.stdout.splitlines():
        line = line.strip()
        if line.startswith("subject="):
            for part in line[len("subject="):].split(","):
                if part.strip().startswith("CN="):
                    cn = part.strip()[3:]
        elif line.startswith("notAfter="):
            not_after = line[len("notAfter="):]
        elif line.startswith(("DNS:", "IP Address:")):
            for s in line.split(","):
                s = s.strip()
                sans.append("IP:" + s[len("IP Address:"):] if s.startswith("IP Address:") else s)
    return cn, sans, not_after


# --------------------------------------------------------------------------
# servers


def server_context(certfile, keyfile, alpn=("http/1.1",), min_version=ssl.TLSVersion.TLSv1_2,
                   max_version=None, client_ca=None):
    """A server SSLContext: TLS 1.2+, ALPN, session tickets on (the default)."""
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    c.minimum_version = min_version
    if max_version is not None:
        c.maximum_version = max_version
    c.load_cert_chain(certfile, keyfile)
    if alpn:
        c.set_alpn_protocols(list(alpn))
    if client_ca:
        c.load_verify_locations(client_ca)
        c.verify_mode = ssl.CERT_REQUIRED
    c.options &= ~ssl.OP_NO_TICKET
    return c


class TlsUpstream(harness.Upstream):
    """harness.Upstream behind TLS: same behaviours (.on(...)) and recorded
    requests (.requests, .wait_requests(n), rec.header("Host"), rec.conn_id),
    plus per connection id:

      .sni_by_conn      SNI the client sent (None if it sent none); every
                        connection whose ClientHello arrived, failed or not
      .alpn_by_conn     negotiated ALPN protocol (None if none)
      .version_by_conn  "TLSv1.3", "TLSv1.2"
      .resumed_by_conn  True if the session was resumed
      .client_cert_by_conn  the client certificate dict (client_ca= only)
      .errors_by_conn   handshake error text of failed handshakes
      .handshakes, .handshake_failures   counts

    The handshake runs in the per-connection thread (a stalled client does
    not block accepts), with handshake_timeout seconds. sni_certs maps a
    server name to (certfile, keyfile) served instead of the default when the
    client asks for that name. client_ca: require a client certificate
    signed by it. Pass .url ("https://127.0.0.1:PORT") as Rampart's server."""

    def __init__(self, ctx, name, certfile, keyfile, host=LOOPBACK, port=0, sni_certs=None,
                 alpn=("http/1.1",), min_version=ssl.TLSVersion.TLSv1_2, max_version=None,
                 client_ca=None, handshake_timeout=10.0):
        # everything the connection threads use exists before the accept loop starts
        self.sni_by_conn = {}
        self.alpn_by_conn = {}
        self.version_by_conn = {}
        self.resumed_by_conn = {}
        self.client_cert_by_conn = {}
        self.errors_by_conn = {}
        self.handshakes = 0
        self.handshake_failures = 0
        self.handshake_timeout = handshake_timeout
        self._tls_local = threading.local()
        mk = lambda cf, kf: server_context(cf, kf, alpn, min_version, max_version, client_ca)
        self.ssl_context = mk(certfile, keyfile)
        self._sni_contexts = {k.lower(): mk(*v) for k, v in (sni_certs or {}).items()}
        self.ssl_context.sni_callback = self._on_sni
        super().__init__(ctx, name=name, port=port, host=host)
        self.url = f"https://{self.addr}"

    def _on_sni(self, ssl_sock, server_name, _ctx):
        conn_id = getattr(self._tls_local, "conn_id", None)
        if conn_id is not None:
            with self.lock:
                self.sni_by_conn[conn_id] = server_name
        alt = self._sni_contexts.get((server_name or "").lower())
        if alt is not None:
            ssl_sock.context = alt
        return None

    def _serve(self, sock, conn_id):
        self._tls_local.conn_id = conn_id
        sock.settimeout(self.handshake_timeout)
        try:
            ssock = self.ssl_context.wrap_socket(sock, server_side=True,
                                                 do_handshake_on_connect=False)
        except (OSError, ValueError) as e:
            self._handshake_failed(conn_id, e, sock)
            return
        with self.lock:          # stop() must shut down the socket that now owns the fd
            self._socks.discard(sock)
            self._socks.add(ssock)
        try:
            ssock.do_handshake()
        except (OSError, ValueError) as e:
            self._handshake_failed(conn_id, e, ssock)
            return
        with self.cond:
            self.sni_by_conn.setdefault(conn_id, None)
            self.alpn_by_conn[conn_id] = ssock.selected_alpn_protocol()
            self.version_by_conn[conn_id] = ssock.version()
            self.resumed_by_conn[conn_id] = ssock.session_reused
            if self.ssl_context.verify_mode == ssl.CERT_REQUIRED:
                self.client_cert_by_conn[conn_id] = ssock.getpeercert()
            self.handshakes += 1
            self.cond.notify_all()
        super()._serve(ssock, conn_id)

    def _handshake_failed(self, conn_id, err, s):
        with self.cond:
            self.handshake_failures += 1
            self.errors_by_conn[conn_id] = f"{type(err).__name__}: {err}"
            self._socks.discard(s)
            self.cond.notify_all()
        try:
            s.close()
        except OSError:
            pass

    # -- observation
    def wait_handshakes(self, n, timeout=3.0):
        """Waits for n completed handshakes; returns the count."""
        return self._wait_count(lambda: self.handshakes, n, timeout, "completed handshake(s)")

    def wait_handshake_failures(self, n, timeout=3.0):
        return self._wait_count(lambda: self.handshake_failures, n, timeout, "failed handshake(s)")

    def _wait_count(self, get, n, timeout, what):
        deadline = time.monotonic() + timeout
        with self.cond:
            while get() < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    fail(f"upstream {self.name}: {get()} {what}, expected {n} "
                         f"(errors: {list(self.errors_by_conn.values())[:3]})")
                self.cond.wait(left)
            return get()


class StallingTlsServer:
    """Accepts TCP connections, reads (and counts) what arrives, e.g. a
    ClientHello, and never answers. .port, .addr, .url, .connections,
    .bytes_received, .closed_by_peer (connections the client gave up on)."""

    def __init__(self, ctx=None, host=LOOPBACK, port=0):
        self.host = host
        self.connections = 0
        self.bytes_received = 0
        self.closed_by_peer = 0
        self.lock = threading.Lock()
        self._socks = []
        self._stopping = threading.Event()
        self.listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((host, port))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.addr = f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"
        self.url = f"https://{self.addr}"
        self._thread = threading.Thread(target=self._accept_loop, daemon=True, name="stalling-tls")
        self._thread.start()
        if ctx is not None:
            ctx.defer(self.stop)

    def _accept_loop(self):
        while not self._stopping.is_set():
            try:
                s, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
                self._socks.append(s)
            threading.Thread(target=self._drain, args=(s,), daemon=True).start()

    def _drain(self, s):
        s.settimeout(1.0)
        while not self._stopping.is_set():
            try:
                d = s.recv(65536)
            except socket.timeout:
                continue
            except ConnectionResetError:
                d = b""
            except OSError:
                return
            with self.lock:
                if not d:
                    if not self._stopping.is_set():
                        self.closed_by_peer += 1
                    return
                self.bytes_received += len(d)

    def wait_connections(self, n, timeout=3.0):
        return harness.wait_for(lambda: self.connections >= n and self.connections,
                                timeout=timeout, what=f"{n} connection(s) to the stalling server")

    def stop(self):
        self._stopping.set()
        for s in [self.listener] + self._socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass
        self._thread.join(timeout=2)


# --------------------------------------------------------------------------
# clients

_client_contexts = {}
_client_lock = threading.Lock()


def client_context(cafile=None, alpn=("http/1.1",), min_version=None, max_version=None,
                   certfile=None, keyfile=None):
    """A client SSLContext, cached per argument tuple: TLS sessions can only be
    resumed through the context that made them, so tls_get(..., session=s)
    with the same arguments reuses it. cafile=None: no verification."""
    key = (cafile, tuple(alpn or ()), min_version, max_version, certfile, keyfile)
    with _client_lock:
        c = _client_contexts.get(key)
        if c is None:
            c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            if cafile:
                c.load_verify_locations(cafile)
                c.check_hostname = True
                c.verify_mode = ssl.CERT_REQUIRED
            else:
                c.check_hostname = False
                c.verify_mode = ssl.CERT_NONE
            if min_version is not None:
                c.minimum_version = min_version
            if max_version is not None:
                c.maximum_version = max_version
            if alpn:
                c.set_alpn_protocols(list(alpn))
            if certfile:
                c.load_cert_chain(certfile, keyfile)
            _client_contexts[key] = c
        return c


PeerCert = collections.namedtuple("PeerCert", "cn sans")
PeerCert.__doc__ = "The server certificate: subject CN and SANs as 'DNS:x' / 'IP:a.b.c.d'."

TlsResult = collections.namedtuple(
    "TlsResult", "status headers body peer alpn version session session_reused")
TlsResult.__doc__ = """tls_get's result: status (int), headers (dict, lowercased
names, last value wins), body (bytes), peer (PeerCert), alpn (str or None),
version ("TLSv1.3"), session (ssl.SSLSession, for session=), session_reused."""


def peer_cert(ssock):
    """PeerCert of an SSLSocket's peer, verified or not."""
    d = ssock.getpeercert()
    if d:
        cn = next((v for rdn in d.get("subject", ()) for k, v in rdn if k == "commonName"), None)
        sans = [("IP:" if t == "IP Address" else t + ":") + v for t, v in d.get("subjectAltName", ())]
        return PeerCert(cn, sans)
    der = ssock.getpeercert(binary_form=True)
    if not der:
        return PeerCert(None, [])
    cn, sans, _ = cert_info(ssl.DER_cert_to_PEM_cert(der))
    return PeerCert(cn, sans)


class TlsClient(harness.Client):
    """harness.Client over TLS: .request(...), .read_response(), .is_closed()...
    host_sni None sends no SNI (Python never sends an IP address as SNI).
    cafile: verify the server (and its name, against host_sni) with it.
    .ssock is the SSLSocket (.version(), .selected_alpn_protocol(),
    .session, .session_reused)."""

    def __init__(self, port, host_sni=None, cafile=None, alpn=("http/1.1",), session=None,
                 host=LOOPBACK, timeout=DEFAULT_TIMEOUT, ctx=None, context=None,
                 min_version=None, max_version=None, certfile=None, keyfile=None):
        context = context or client_context(cafile, alpn, min_version, max_version,
                                            certfile, keyfile)
        raw = socket.create_connection((host, port), timeout=timeout)
        try:
            self.sock = context.wrap_socket(raw, server_hostname=host_sni, session=session)
        except BaseException:
            raw.close()
            raise
        self.ssock = self.sock
        self.reader = harness._SockReader(self.sock)
        if ctx is not None:
            ctx.defer(self.close)

    def peer(self):
        return peer_cert(self.ssock)


def tls_get(port, host_sni, path="/", cafile=None, alpn=("http/1.1",), session=None,
            headers=None, host_header=None, timeout=DEFAULT_TIMEOUT, **client_kw):
    """One HTTP/1.1 GET on a new TLS connection to 127.0.0.1:port with SNI
    host_sni (None = no SNI). Host is host_header or host_sni or
    127.0.0.1:port. Returns a TlsResult; TLS errors (e.g.
    ssl.SSLCertVerificationError) propagate."""
    c = TlsClient(port, host_sni, cafile=cafile, alpn=alpn, session=session, timeout=timeout,
                  **client_kw)
    try:
        c.request("GET", path, headers, host=host_header or host_sni or f"{LOOPBACK}:{port}")
        r = c.read_response("GET")
        s = c.ssock
        # TLS 1.3 tickets arrive after the handshake; they have been read with the response
        return TlsResult(r.status, {k.lower(): v for k, v in r.headers}, r.body, peer_cert(s),
                         s.selected_alpn_protocol(), s.version(), s.session, s.session_reused)
    finally:
        c.close()


# --------------------------------------------------------------------------
# the real tools

ToolResult = collections.namedtuple("ToolResult", "returncode stdout stderr timed_out")


def _tool(args, input_bytes=b"", timeout=10):
    try:
        p = subprocess.run(args, input=input_bytes, capture_output=True, timeout=timeout)
        return ToolResult(p.returncode, p.stdout.decode("utf-8", "replace"),
                          p.stderr.decode("utf-8", "replace"), False)
    except subprocess.TimeoutExpired as e:
        return ToolResult(None, (e.stdout or b"").decode("utf-8", "replace"),
                          (e.stderr or b"").decode("utf-8", "replace"), True)


def curl_available():
    """True if curl is installed and supports https."""
    if not shutil.which("curl"):
        return False
    r = _tool(["curl", "-V"], timeout=5)
    return r.returncode == 0 and " https " in " " + r.stdout.replace("\n", " ") + " "


def curl(url, args=(), cafile=None, resolve=None, timeout=10):
    """Runs `curl -sS --max-time T [--cacert CA] [--resolve H:P:127.0.0.1] ARGS URL`
    (killed after timeout + 5 s). resolve: "host:port" or a list of them, mapped
    to 127.0.0.1. Returns ToolResult."""
    cmd = ["curl", "-sS", "--max-time", str(timeout)]
    if cafile:
        cmd += ["--cacert", cafile]
    for r in ([resolve] if isinstance(resolve, str) else list(resolve or ())):
        cmd += ["--resolve", f"{r}:{LOOPBACK}"]
    return _tool(cmd + list(args) + [url], timeout=timeout + 5)


def s_client(port, servername=None, cafile=None, args=(), request=None, timeout=10,
             host=LOOPBACK):
    """Runs `openssl s_client -connect host:port [-servername N] [-CAfile CA] ARGS`.
    request: bytes sent once connected; s_client then stays until the server
    closes (-ign_eof), so send "Connection: close". Without request it
    completes the handshake and quits. Returns ToolResult (output has the
    certificate chain, "Verify return code", protocol, ALPN...)."""
    cmd = [OPENSSL, "s_client", "-connect", f"{host}:{port}"]
    cmd += ["-servername", servername] if servername else ["-noservername"]
    if cafile:
        cmd += ["-CAfile", cafile]
    if request is not None:
        cmd += ["-ign_eof"]
    return _tool(cmd + list(args), input_bytes=request or b"", timeout=timeout)


# --------------------------------------------------------------------------
# self-test: python3 tests/integration/tlsutil.py


def _selftest():
    tmp = tempfile.mkdtemp(prefix="rampart-tlsutil-")
    ctx = harness.Ctx("tlsutil-selftest")
    ok = False
    try:
        t0 = time.monotonic()
        pki = make_pki(tmp)
        other = make_pki(tmp)
        assert other.dir != pki.dir and other.ca_cert != pki.ca_cert, other
        leaf = pki.issue("origin", sans=["origin.test", "alt.origin.test", "127.0.0.1", "::1"])
        alt = pki.issue("special", sans=["special.test"])
        old = pki.issue("old", sans=["old.test"], expired=True)
        future = pki.issue("future", sans=["future.test"], not_yet_valid=True)
        stranger = other.issue("origin", sans=["origin.test"])
        badkey = pki.mismatched_key()
        print(f"pki: 2 CAs + 5 leaves in {time.monotonic() - t0:.2f}s ({pki.dir}, {other.dir})")

        with open(leaf.cert) as f:
            assert f.read().count("BEGIN CERTIFICATE") == 1
        with open(leaf.chain) as f:
            assert f.read().count("BEGIN CERTIFICATE") == 2
        cn, sans, _ = cert_info(leaf.cert)
        assert cn == "origin.test" and sans == ["DNS:origin.test", "DNS:alt.origin.test",
                                                "IP:127.0.0.1", "IP:0:0:0:0:0:0:0:1"], (cn, sans)
        for path, ca, want in ((leaf.cert, pki, True), (old.cert, pki, False),
                               (future.cert, pki, False), (stranger.cert, pki, False),
                               (stranger.cert, other, True)):
            v = subprocess.run([OPENSSL, "verify", "-CAfile", ca.ca_cert, path],
                               capture_output=True, text=True)
            assert (v.returncode == 0) == want, (path, v.stdout, v.stderr)
        try:
            ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(leaf.cert, badkey)
            raise AssertionError("mismatched key accepted")
        except ssl.SSLError as e:
            print(f"mismatched key rejected by OpenSSL: {e}")

        up = TlsUpstream(ctx, "origin", leaf.chain, leaf.key,
                         sni_certs={"special.test": (alt.chain, alt.key)})
        up.on("/json", body=b'{"ok":true}', headers=[("Content-Type", "application/json")])

        r = tls_get(up.port, "origin.test", "/json", cafile=pki.ca_cert)
        assert r.status == 200 and r.body == b'{"ok":true}', r
        assert r.headers["content-type"] == "application/json", r.headers
        assert r.peer.cn == "origin.test" and "IP:127.0.0.1" in r.peer.sans, r.peer
        assert r.alpn == "http/1.1" and r.version == "TLSv1.3" and not r.session_reused, r
        rec = up.wait_requests(1)[0]
        assert rec.header("Host") == "origin.test" and rec.path == "/json", rec
        assert up.sni_by_conn[rec.conn_id] == "origin.test", up.sni_by_conn
        assert up.alpn_by_conn[rec.conn_id] == "http/1.1"
        assert up.version_by_conn[rec.conn_id] == "TLSv1.3"
        assert up.resumed_by_conn[rec.conn_id] is False
        print(f"SNI origin.test: {r.status} {r.body!r} {r.version} alpn={r.alpn} peer={r.peer}")

        r2 = tls_get(up.port, "origin.test", "/json", cafile=pki.ca_cert, session=r.session)
        assert r2.session_reused, "TLS 1.3 resumption with the ticket did not happen"
        rec2 = up.wait_requests(2)[1]
        assert up.resumed_by_conn[rec2.conn_id] is True, up.resumed_by_conn
        print("TLS 1.3 session resumed: client and upstream agree")

        kw = dict(max_version=ssl.TLSVersion.TLSv1_2)
        r3 = tls_get(up.port, "origin.test", cafile=pki.ca_cert, **kw)
        r4 = tls_get(up.port, "origin.test", cafile=pki.ca_cert, session=r3.session, **kw)
        assert r3.version == "TLSv1.2" and not r3.session_reused and r4.session_reused, (r3, r4)
        print("TLS 1.2 session resumed")

        r5 = tls_get(up.port, None, "/nosni")
        rec5 = up.wait_requests(5)[4]
        assert r5.status == 200 and up.sni_by_conn[rec5.conn_id] is None, up.sni_by_conn
        assert rec5.header("Host") == f"127.0.0.1:{up.port}"
        assert r5.peer.cn == "origin.test", r5.peer   # unverified peer cert is still decoded
        print(f"no SNI: {r5.status}, recorded SNI None, default certificate {r5.peer.cn}")

        r6 = tls_get(up.port, "special.test", cafile=pki.ca_cert)
        assert r6.status == 200 and r6.peer.cn == "special.test", r6.peer
        print("sni_certs: special.test got its own certificate")

        try:
            tls_get(up.port, "wrong.test", cafile=pki.ca_cert)
            raise AssertionError("wrong name accepted")
        except ssl.SSLCertVerificationError as e:
            print(f"wrong name: {e.verify_message}")
        try:
            tls_get(up.port, "origin.test", cafile=other.ca_cert)
            raise AssertionError("unknown CA accepted")
        except ssl.SSLCertVerificationError as e:
            print(f"unknown CA: {e.verify_message}")
        up.wait_handshake_failures(2)
        assert up.sni_by_conn[max(up.errors_by_conn)] == "origin.test"

        up_old = TlsUpstream(ctx, "old", old.chain, old.key)
        try:
            tls_get(up_old.port, "old.test", cafile=pki.ca_cert)
            raise AssertionError("expired certificate accepted")
        except ssl.SSLCertVerificationError as e:
            assert e.verify_code == 10, (e.verify_code, e.verify_message)  # X509_V_ERR_CERT_HAS_EXPIRED
            print(f"expired: verify_code {e.verify_code} {e.verify_message}")
        up_old.wait_handshake_failures(1)
        assert up_old.handshakes == 0 and not up_old.requests

        # a client that connects and sends nothing must not block other connections
        idle = socket.create_connection((LOOPBACK, up.port))
        ctx.defer(idle.close)
        t1 = time.monotonic()
        r7 = tls_get(up.port, "origin.test", cafile=pki.ca_cert, timeout=2)
        assert r7.status == 200 and time.monotonic() - t1 < 1.5
        print("a stalled client does not block the accept loop")

        # several requests on one TLS connection
        c = TlsClient(up.port, "origin.test", cafile=pki.ca_cert, ctx=ctx)
        for i in range(3):
            c.request("GET", f"/ka{i}", host="origin.test")
            assert c.read_response().status == 200
        conns = {rq.conn_id for rq in up.requests if rq.path.startswith("/ka")}
        assert len(conns) == 1, conns
        print("TlsClient: 3 requests on one connection")

        stall = StallingTlsServer(ctx)
        try:
            tls_get(stall.port, "origin.test", timeout=0.5)
            raise AssertionError("stalling server answered")
        except (socket.timeout, TimeoutError):
            pass
        stall.wait_connections(1)
        harness.wait_for(lambda: stall.bytes_received > 0, what="ClientHello bytes")
        harness.wait_for(lambda: stall.closed_by_peer == 1, what="close seen by the stalling server")
        print(f"stalling server: handshake timed out, {stall.bytes_received} bytes of ClientHello read")

        if curl_available():
            cr = curl(f"https://origin.test:{up.port}/curl", ["-i"], cafile=pki.ca_cert,
                      resolve=f"origin.test:{up.port}", timeout=5)
            assert cr.returncode == 0 and cr.stdout.startswith("HTTP/1.1 200"), cr
            print("curl: " + cr.stdout.splitlines()[0])
        sc = s_client(up.port, "origin.test", cafile=pki.ca_cert, args=["-alpn", "http/1.1"],
                      request=b"GET /sc HTTP/1.1\r\nHost: origin.test\r\nConnection: close\r\n\r\n",
                      timeout=5)
        assert not sc.timed_out and "Verify return code: 0 (ok)" in sc.stdout, sc
        assert "HTTP/1.1 200" in sc.stdout and "ALPN protocol: http/1.1" in sc.stdout, sc.stdout
        print("s_client: verify ok, ALPN http/1.1, 200")
        ok = True
    finally:
        errs = ctx.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
        ctx.remove_tmpdir()
        print(("tlsutil self-test: OK" if ok and not errs else f"tlsutil self-test: FAILED {errs}"))
    return 0 if ok else 1


if __name__ == "__main__":
    import sys
    sys.exit(_selftest())
