"""
dnsserver.py - a tiny authoritative DNS server over UDP for the integration
tests (Python 3 standard library only).

    dns = DnsServer()                        # 127.0.0.1, ephemeral port
    dns.set("api.test", ["127.0.0.1", "127.0.0.2"], ttl=1)
    ... point Rampart's dns.servers at f"127.0.0.1:{dns.port}" ...
    dns.set("api.test", ["127.0.0.3"])       # changeable at any time
    dns.remove("api.test")                   # now NXDOMAIN
    dns.queries["api.test"]                  # questions seen for the name
    dns.drop = True                          # simulate a dead server
    dns.stop()

Answers: A from the table (TTL as set); AAAA and other types for a known
name: NOERROR with no answer; unknown names: NXDOMAIN; a packet it cannot
parse: FORMERR. Names are case-insensitive (a trailing dot is ignored) and
the question is echoed exactly as asked. No TCP, no compression in
questions, one question per query (what resolvers send).
"""
import socket
import struct
import threading
import time

QTYPE_A = 1
QTYPE_AAAA = 28
RCODE_OK, RCODE_FORMERR, RCODE_NXDOMAIN = 0, 1, 3


def _norm(name):
    return name.rstrip(".").lower()


def parse_question(pkt):
    """Returns (id, flags, name, qtype, end_of_question) or raises ValueError."""
    if len(pkt) < 12:
        raise ValueError("short header")
    qid, flags, qdcount = struct.unpack("!HHH", pkt[:6])
    if flags & 0x8000 or qdcount != 1:
        raise ValueError("not a single-question query")
    labels, off = [], 12
    while True:
        if off >= len(pkt):
            raise ValueError("truncated name")
        n = pkt[off]
        off += 1
        if n == 0:
            break
        if n > 63 or off + n > len(pkt):
            raise ValueError("bad label")
        labels.append(pkt[off:off + n].decode("ascii", "replace"))
        off += n
    if off + 4 > len(pkt):
        raise ValueError("truncated question")
    qtype, _qclass = struct.unpack("!HH", pkt[off:off + 4])
    return qid, flags, ".".join(labels), qtype, off + 4


class DnsServer:
    """A UDP DNS server in a daemon thread; every method is thread-safe."""

    def __init__(self, host="127.0.0.1", port=0):
        self._lock = threading.Lock()
        self._table = {}      # name -> (list of IPv4 text, ttl)
        self._queries = {}    # name -> count (every question, any type)
        self.drop = False     # True: read queries and never answer
        self._sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                                   socket.SOCK_DGRAM)
        self._sock.bind((host, port))
        self._sock.settimeout(0.1)
        self.host = host
        self.port = self._sock.getsockname()[1]
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"dns:{self.port}", daemon=True)
        self._thread.start()

    # -- table ------------------------------------------------------------

    def set(self, name, addrs, ttl=1):
        """Answers A queries for name with addrs (IPv4 text; [] = no data)."""
        packed = [socket.inet_aton(a) for a in addrs]  # validates early
        with self._lock:
            self._table[_norm(name)] = (packed, int(ttl))

    def remove(self, name):
        """name becomes NXDOMAIN."""
        with self._lock:
            self._table.pop(_norm(name), None)

    @property
    def queries(self):
        """A copy of {name: questions received}, dropped ones included."""
        with self._lock:
            return dict(self._queries)

    def query_count(self, name):
        with self._lock:
            return self._queries.get(_norm(name), 0)

    def wait_queries(self, name, n, timeout=5.0):
        """Waits until name has been asked n times; returns the count."""
        deadline = time.monotonic() + timeout
        while self.query_count(name) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.query_count(name)

    # -- lifecycle --------------------------------------------------------

    def stop(self):
        self._stopping.set()
        self._thread.join(timeout=2)
        self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- serving ----------------------------------------------------------

    def _answer(self, pkt):
        try:
            qid, flags, name, qtype, qend = parse_question(pkt)
        except ValueError:
            if len(pkt) < 12:
                return None
            qid, flags = struct.unpack("!HH", pkt[:4])
            return struct.pack("!HHHHHH", qid, 0x8000 | (flags & 0x0100) | 0x80 | RCODE_FORMERR,
                               0, 0, 0, 0)
        key = _norm(name)
        with self._lock:
            self._queries[key] = self._queries.get(key, 0) + 1
            if self.drop:
                return None
            entry = self._table.get(key)
        answers = []
        if entry is not None and qtype == QTYPE_A:
            addrs, ttl = entry
            for a in addrs:
                # name as a pointer to the question (offset 12), A, IN, ttl, 4 bytes
                answers.append(struct.pack("!HHHIH", 0xC00C, QTYPE_A, 1, ttl, 4) + a)
        rcode = RCODE_OK if entry is not None else RCODE_NXDOMAIN
        # QR, opcode 0, AA, RD as asked, RA
        rflags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | rcode
        head = struct.pack("!HHHHHH", qid, rflags, 1, len(answers), 0, 0)
        return head + pkt[12:qend] + b"".join(answers)

    def _run(self):
        while not self._stopping.is_set():
            try:
                pkt, peer = self._sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            reply = self._answer(pkt)
            if reply is not None:
                try:
                    self._sock.sendto(reply, peer)
                except OSError:
                    pass


# --------------------------------------------------------------------------
# self-test: python3 tests/integration/dnsserver.py


def build_query(name, qtype=QTYPE_A, qid=0x1234):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode("ascii")
    return q + b"\0" + struct.pack("!HH", qtype, 1)


def ask(port, name, qtype=QTYPE_A, qid=0x1234, timeout=2.0):
    """Sends one query; returns (rcode, [(ipv4, ttl)...])."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(build_query(name, qtype, qid), ("127.0.0.1", port))
        r, _ = s.recvfrom(4096)
    rid, flags, qd, an = struct.unpack("!HHHH", r[:8])
    assert rid == qid and flags & 0x8000 and qd == 1, (rid, flags, qd)
    _, _, _, _, off = parse_question(build_query(name, qtype, qid))
    assert r[12:off] == build_query(name, qtype, qid)[12:], "question not echoed"
    out = []
    for _ in range(an):
        ptr, typ, cls, ttl, rdlen = struct.unpack("!HHHIH", r[off:off + 12])
        assert ptr == 0xC00C and typ == QTYPE_A and cls == 1 and rdlen == 4
        out.append((socket.inet_ntoa(r[off + 12:off + 16]), ttl))
        off += 16
    return flags & 0xF, out


def _self_test():
    with DnsServer() as dns:
        dns.set("api.test", ["10.0.0.1", "10.0.0.2"], ttl=30)
        assert ask(dns.port, "api.test") == (0, [("10.0.0.1", 30), ("10.0.0.2", 30)])
        assert ask(dns.port, "API.Test.") == (0, [("10.0.0.1", 30), ("10.0.0.2", 30)])
        assert ask(dns.port, "api.test", QTYPE_AAAA) == (0, [])
        assert ask(dns.port, "other.test") == (3, [])
        dns.set("api.test", ["10.0.0.3"])
        assert ask(dns.port, "api.test") == (0, [("10.0.0.3", 1)])
        dns.set("empty.test", [])
        assert ask(dns.port, "empty.test") == (0, [])
        dns.remove("api.test")
        assert ask(dns.port, "api.test") == (3, [])
        assert dns.queries["api.test"] == 5, dns.queries
        assert dns.queries["other.test"] == 1
        dns.drop = True
        try:
            ask(dns.port, "empty.test", timeout=0.3)
            raise AssertionError("answered while dropping")
        except socket.timeout:
            pass
        assert dns.wait_queries("empty.test", 2, timeout=1) == 2
        dns.drop = False
        # Garbage gets FORMERR, not silence.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(2)
            s.sendto(struct.pack("!HHHHHH", 7, 0x0100, 1, 0, 0, 0) + b"\x05ab", ("127.0.0.1", dns.port))
            r, _ = s.recvfrom(512)
            assert struct.unpack("!H", r[:2])[0] == 7 and r[3] & 0xF == RCODE_FORMERR
    print("dnsserver: self-test passed")


if __name__ == "__main__":
    _self_test()
