#!/usr/bin/env python3
"""What a TLS endpoint negotiates, for bench/https.sh (stdlib only).

    tls_probe.py PORT SNI CAFILE [PATH]

Makes two HTTPS GETs on new connections to 127.0.0.1:PORT, the second one
offering the session (ticket) of the first, and prints one JSON object:
  {"ok": true, "status": 200, "version": "TLSv1.3", "cipher": "...",
   "alpn": "http/1.1", "peer_cn": "proxy", "resumed": true}
"resumed" tells whether the endpoint lets a client resume, i.e. whether
wrk's new-connection workload measures resumed or full handshakes there.
Any failure prints {"ok": false, "error": "..."} and exits 1.
"""
import json
import socket
import ssl
import sys


def get(ctx, port, sni, path, session=None):
    raw = socket.create_connection(("127.0.0.1", port), timeout=5)
    with ctx.wrap_socket(raw, server_hostname=sni, session=session) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {sni}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            data += d
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else None
        cn = next((v for rdn in s.getpeercert().get("subject", ()) for k, v in rdn
                   if k == "commonName"), None)
        # the TLS 1.3 ticket arrives after the handshake; it has been read by now
        return dict(status=status, version=s.version(), cipher=s.cipher()[0],
                    alpn=s.selected_alpn_protocol(), peer_cn=cn,
                    resumed=s.session_reused), s.session


def main():
    port, sni, cafile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    path = sys.argv[4] if len(sys.argv) > 4 else "/"
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.set_alpn_protocols(["http/1.1"])
    try:
        first, session = get(ctx, port, sni, path)
        second, _ = get(ctx, port, sni, path, session)
    except (OSError, ssl.SSLError, ValueError, IndexError) as e:
        print(json.dumps({"ok": False, "error": f"{type(e).__name__}: {e}"}))
        return 1
    out = dict(first, ok=first["status"] == 200, resumed=second["resumed"])
    print(json.dumps(out))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
