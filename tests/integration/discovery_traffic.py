"""
A traffic generator with a known ground truth, for the API discovery
tests (test_discovery.py) and bench/discovery.sh.

TRUTH is an API of 66 endpoint templates: versions (/v1, /v2), nested ids,
integers, UUIDs, dates, hashes, emails and order numbers in paths, and
literal look-alikes beside parameters (/v1/users/me and /v1/users/search
next to /v1/users/{id}). Each template belongs to a group that says what
the access log tells about it:
  "rest"  API Gateway REST API records with resourcePath (the template),
  "http"  HTTP API records with routeKey ("GET /pets/{petID}"),
  "plain" records with only the path: the template must be inferred.

access_log_records(seed) yields API Gateway access-log records (dicts of
strings, as the JSON template renders them). Run as a script it writes N
records as JSON lines to stdout:  python3 discovery_traffic.py N [SEED]
"""
import json
import random
import re
import sys
import uuid

STAGE = "prod"
DOMAIN = "abc123.execute-api.eu-west-1.amazonaws.com"

# (method, template, group); parameter kinds come from the names below.
TRUTH = [
    ("GET", "/v1/users", "rest"),
    ("POST", "/v1/users", "rest"),
    ("GET", "/v1/users/me", "plain"),
    ("GET", "/v1/users/search", "plain"),
    ("GET", "/v1/users/{id}", "plain"),
    ("PUT", "/v1/users/{id}", "plain"),
    ("DELETE", "/v1/users/{id}", "rest"),
    ("GET", "/v1/users/{id}/orders", "plain"),
    ("POST", "/v1/users/{id}/orders", "http"),
    ("GET", "/v1/users/{id}/orders/{orderId}", "plain"),
    ("GET", "/v1/users/{id}/orders/{orderId}/items/{itemId}", "plain"),
    ("GET", "/v1/users/{id}/addresses", "rest"),
    ("GET", "/v1/users/{id}/addresses/{addressUuid}", "plain"),
    ("GET", "/v1/users/by-email/{email}", "plain"),
    ("GET", "/v1/products", "http"),
    ("GET", "/v1/products/featured", "plain"),
    ("GET", "/v1/products/{productUuid}", "plain"),
    ("GET", "/v1/products/{productUuid}/reviews", "rest"),
    ("GET", "/v1/products/{productUuid}/reviews/{reviewId}", "plain"),
    ("GET", "/v1/categories", "plain"),
    ("GET", "/v1/categories/{categoryId}/products", "http"),
    ("GET", "/v1/carts/{cartUuid}", "plain"),
    ("POST", "/v1/carts/{cartUuid}/items", "plain"),
    ("DELETE", "/v1/carts/{cartUuid}/items/{itemId}", "rest"),
    ("POST", "/v1/checkout", "plain"),
    ("GET", "/v1/orders/{orderNumber}", "plain"),
    ("GET", "/v1/invoices/{invoiceUuid}/pdf", "plain"),
    ("GET", "/v1/reports/daily/{date}", "plain"),
    ("GET", "/v1/reports/{date}/summary", "http"),
    ("GET", "/v1/files/{sha256}", "plain"),
    ("GET", "/v1/commits/{sha1}", "plain"),
    ("GET", "/v1/health", "plain"),
    ("GET", "/v1/status", "rest"),
    ("GET", "/v2/users", "http"),
    ("GET", "/v2/users/me", "plain"),
    ("GET", "/v2/users/search", "plain"),
    ("GET", "/v2/users/{userUuid}", "plain"),
    ("PATCH", "/v2/users/{userUuid}", "http"),
    ("GET", "/v2/users/{userUuid}/sessions", "plain"),
    ("DELETE", "/v2/users/{userUuid}/sessions/{md5}", "plain"),
    ("GET", "/v2/users/{userUuid}/devices/{deviceId}", "rest"),
    ("GET", "/v2/products", "plain"),
    ("GET", "/v2/products/{productId}", "plain"),
    ("GET", "/v2/products/{productId}/variants/{variantId}", "plain"),
    ("GET", "/v2/products/{productId}/images/{md5}", "http"),
    ("GET", "/v2/orders", "rest"),
    ("POST", "/v2/orders", "plain"),
    ("GET", "/v2/orders/{orderUuid}", "plain"),
    ("POST", "/v2/orders/{orderUuid}/cancel", "plain"),
    ("GET", "/v2/orders/{orderUuid}/shipments/{shipmentId}", "http"),
    ("GET", "/v2/payments/{paymentUuid}", "plain"),
    ("POST", "/v2/payments/{paymentUuid}/refunds", "rest"),
    ("GET", "/v2/events/{date}", "plain"),
    ("GET", "/v2/accounts/{accountId}/statements/{date}", "plain"),
    ("GET", "/v2/newsletter/subscribers/{email}", "plain"),
    ("DELETE", "/v2/newsletter/subscribers/{email}", "http"),
    ("GET", "/v2/search", "plain"),
    ("GET", "/v2/tags/{tagSlug}", "plain"),
    ("POST", "/auth/login", "plain"),
    ("POST", "/auth/logout", "rest"),
    ("POST", "/auth/token/refresh", "plain"),
    ("GET", "/admin/audit/{date}/entries", "plain"),
    ("GET", "/admin/tenants/{tenantUuid}/users/{id}", "plain"),
    ("GET", "/admin/tenants/{tenantUuid}", "http"),
    ("GET", "/static/app.js", "plain"),
    ("GET", "/", "plain"),
]

WORDS = ("summer winter sale new classic eco kids outdoor garden office travel sport "
         "vintage premium basic home kitchen urban retro smart").split()


def value(name, rnd):
    """A random path value for the parameter `name`."""
    n = name.lower()
    if "uuid" in n:
        return str(uuid.UUID(int=rnd.getrandbits(128), version=4))
    if n == "date":
        return "20%02d-%02d-%02d" % (rnd.randrange(20, 26), rnd.randrange(1, 13), rnd.randrange(1, 29))
    if n == "sha256":
        return "%064x" % rnd.getrandbits(256)
    if n == "sha1":
        return "%040x" % rnd.getrandbits(160)
    if n == "md5":
        return "%032x" % rnd.getrandbits(128)
    if n == "email":
        return "%s.%s%d@%s" % (rnd.choice(WORDS), rnd.choice(WORDS), rnd.randrange(1000),
                               rnd.choice(["example.com", "mail.test", "corp.example.org"]))
    if n == "ordernumber":
        return "ORD-%d-%06d" % (rnd.randrange(2019, 2026), rnd.randrange(10 ** 6))
    if n == "tagslug":
        return "%s-%s-%d" % (rnd.choice(WORDS), rnd.choice(WORDS), rnd.randrange(2015, 2026))
    return str(rnd.randrange(1, 10 ** rnd.randrange(2, 8)))


def fill(template, rnd):
    return re.sub(r"\{([^}]+)\}", lambda m: value(m.group(1), rnd), template)


def normalize(template):
    """Parameter names do not matter when comparing with the truth."""
    return re.sub(r"\{[^}]*\}", "{}", template)


def truth_set():
    return {(m, normalize(t)) for m, t, _ in TRUTH}


def requests(seed=1, per_template=(40, 90)):
    """(method, template, group, path) for every request, shuffled."""
    rnd = random.Random(seed)
    out = []
    for method, template, group in TRUTH:
        for _ in range(rnd.randrange(*per_template)):
            out.append((method, template, group, fill(template, rnd)))
    rnd.shuffle(out)
    return out


def record(method, template, group, path, i, rnd):
    """One access-log record as the stage's JSON template renders it."""
    status = rnd.choice(["200"] * 8 + ["404", "500"]) if method == "GET" else \
        rnd.choice(["200", "201", "204", "400"])
    t = 1700000000000 + i * 37
    rec = {
        "requestId": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
        "httpMethod": method,
        "path": "/" + STAGE + path if group != "http" else path,
        "protocol": "HTTP/1.1",
        "status": status,
        "responseLength": str(rnd.randrange(0, 20000)),
        "requestTime": "14/Nov/2023:22:13:20 +0000",
        "requestTimeEpoch": str(t),
        "responseLatency": str(rnd.randrange(1, 400)),
        "integrationLatency": rnd.choice(["-", str(rnd.randrange(1, 300))]),
        "integrationStatus": "-",
        "errorMessage": "-",
        "stage": STAGE if group != "http" else "$default",
        "domainName": DOMAIN,
        "sourceIp": "198.51.100.%d" % rnd.randrange(1, 255),
        "userAgent": "Mozilla/5.0 (discovery test)",
    }
    if group == "rest":
        rec["resourcePath"] = template
    elif group == "http":
        rec["routeKey"] = "%s %s" % (method, template)
    return rec


def access_log_records(seed=1, per_template=(40, 90)):
    rnd = random.Random(seed + 1000)
    for i, (method, template, group, path) in enumerate(requests(seed, per_template)):
        yield record(method, template, group, path, i, rnd)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    out = sys.stdout
    written = 0
    while written < n:
        for rec in access_log_records(seed):
            out.write(json.dumps(rec, separators=(",", ":")) + "\n")
            written += 1
            if written >= n:
                break
        seed += 1


if __name__ == "__main__":
    main()
