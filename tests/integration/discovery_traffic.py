"""
A traffic generator with a known ground truth, for the API discovery
tests (test_discovery.py) and bench/discovery.sh.

TRUTH is an API of 66 endpoint templates: versions (/v1, /v2), nested ids,
integers, UUIDs, dates, hashes, emails and order numbers in paths, and
literal look-alikes beside parameters (/v1/users/me and /v1/users/search
next to /v1/users/{id}). Each resource family (the first two segments:
/v1/users, /v2/orders, /auth, ...) is served by one kind of API, which says
what its access log tells (FAMILIES):
  "rest"  API Gateway REST API records with resourcePath (the template),
  "http"  HTTP API records with routeKey ("GET /pets/{petID}"),
  "plain" records with only the path: the template must be inferred.
A family is consistent, as a real stage's log format is: a literal such as
/v1/users/me comes with resourcePath "/v1/users/me" when its siblings do.

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

# Which kind of API serves each family; the rest is "plain".
FAMILIES = {
    "/v1/users": "rest", "/v1/orders": "rest", "/v1/invoices": "rest", "/v1/health": "rest",
    "/v1/status": "rest", "/auth/login": "rest", "/auth/logout": "rest", "/auth/token": "rest",
    "/v1/products": "http", "/v2/orders": "http", "/admin/tenants": "http", "/admin/audit": "http",
}


def family_group(template):
    fam = "/".join(template.split("/")[:3])
    return FAMILIES.get(fam, "plain")


# (method, template); parameter kinds come from the names below. The third
# field (the group) is filled from FAMILIES.
_TRUTH = [
    ("GET", "/v1/users"),
    ("POST", "/v1/users"),
    ("GET", "/v1/users/me"),
    ("GET", "/v1/users/search"),
    ("GET", "/v1/users/{id}"),
    ("PUT", "/v1/users/{id}"),
    ("DELETE", "/v1/users/{id}"),
    ("GET", "/v1/users/{id}/orders"),
    ("POST", "/v1/users/{id}/orders"),
    ("GET", "/v1/users/{id}/orders/{orderId}"),
    ("GET", "/v1/users/{id}/orders/{orderId}/items/{itemId}"),
    ("GET", "/v1/users/{id}/addresses"),
    ("GET", "/v1/users/{id}/addresses/{addressUuid}"),
    ("GET", "/v1/users/by-email/{email}"),
    ("GET", "/v1/products"),
    ("GET", "/v1/products/featured"),
    ("GET", "/v1/products/{productUuid}"),
    ("GET", "/v1/products/{productUuid}/reviews"),
    ("GET", "/v1/products/{productUuid}/reviews/{reviewId}"),
    ("GET", "/v1/categories"),
    ("GET", "/v1/categories/{categoryId}/products"),
    ("GET", "/v1/carts/{cartUuid}"),
    ("POST", "/v1/carts/{cartUuid}/items"),
    ("DELETE", "/v1/carts/{cartUuid}/items/{itemId}"),
    ("POST", "/v1/checkout"),
    ("GET", "/v1/orders/{orderNumber}"),
    ("GET", "/v1/invoices/{invoiceUuid}/pdf"),
    ("GET", "/v1/reports/daily/{date}"),
    ("GET", "/v1/reports/{date}/summary"),
    ("GET", "/v1/files/{sha256}"),
    ("GET", "/v1/commits/{sha1}"),
    ("GET", "/v1/health"),
    ("GET", "/v1/status"),
    ("GET", "/v2/users"),
    ("GET", "/v2/users/me"),
    ("GET", "/v2/users/search"),
    ("GET", "/v2/users/{userUuid}"),
    ("PATCH", "/v2/users/{userUuid}"),
    ("GET", "/v2/users/{userUuid}/sessions"),
    ("DELETE", "/v2/users/{userUuid}/sessions/{md5}"),
    ("GET", "/v2/users/{userUuid}/devices/{deviceId}"),
    ("GET", "/v2/products"),
    ("GET", "/v2/products/{productId}"),
    ("GET", "/v2/products/{productId}/variants/{variantId}"),
    ("GET", "/v2/products/{productId}/images/{md5}"),
    ("GET", "/v2/orders"),
    ("POST", "/v2/orders"),
    ("GET", "/v2/orders/{orderUuid}"),
    ("POST", "/v2/orders/{orderUuid}/cancel"),
    ("GET", "/v2/orders/{orderUuid}/shipments/{shipmentId}"),
    ("GET", "/v2/payments/{paymentUuid}"),
    ("POST", "/v2/payments/{paymentUuid}/refunds"),
    ("GET", "/v2/events/{date}"),
    ("GET", "/v2/accounts/{accountId}/statements/{date}"),
    ("GET", "/v2/newsletter/subscribers/{email}"),
    ("DELETE", "/v2/newsletter/subscribers/{email}"),
    ("GET", "/v2/search"),
    ("GET", "/v2/tags/{tagSlug}"),
    ("POST", "/auth/login"),
    ("POST", "/auth/logout"),
    ("POST", "/auth/token/refresh"),
    ("GET", "/admin/audit/{date}/entries"),
    ("GET", "/admin/tenants/{tenantUuid}/users/{id}"),
    ("GET", "/admin/tenants/{tenantUuid}"),
    ("GET", "/static/app.js"),
    ("GET", "/"),
]

TRUTH = [(m, t, family_group(t)) for m, t in _TRUTH]

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
