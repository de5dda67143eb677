#!/usr/bin/env python3
"""
A deterministic corpus of benign API requests (JSON-lines for `rampart scan`).

  python3 tests/corpus/benign.py [-n 6000] [--seed 20240611] [-o FILE] [--stats]

REST calls to varied endpoints with the headers of browsers, mobile apps and
server-to-server clients (JWTs, session cookies, request ids, referers), JSON
bodies (nested, arrays, numbers, booleans, nulls, unicode), urlencoded forms,
multipart uploads, GraphQL, webhooks; free text in twelve languages with the
words, quotes and punctuation naive rules trip on (select, union, drop, or,
O'Reilly, l'été, "quotes", (parens); semicolons, <b>rich text</b>, a+b=c,
x<5), Markdown with code fences, base64 images, emails, phone numbers,
addresses, prices, dates.

Each request's id is "<category>-<number>". Two categories are legitimate but
literally code a WAF may reasonably flag, and are reported apart from the
false-positive rate: "sql-in-code" (SQL statements in code-review comments)
and "shell-in-code" (shell commands in code-review comments).

The same seed and count give the same bytes (random.Random, no hash-ordered
containers), so the corpus is generated at test time and not committed.
"""
import argparse
import base64
import hashlib
import json
import os
import random
import struct
import sys
import urllib.parse
import uuid
import zlib
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import benign_vocab as V  # noqa: E402

SEPARATE = ("sql-in-code", "shell-in-code")
BASE_TS = 1717400000  # 2024-06-03: timestamps and dates are spread around it


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    # ------------------------------------------------------------------ basics
    def pick(self, xs):
        return xs[self.r.randrange(len(xs))]

    def chance(self, p):
        return self.r.random() < p

    def hexs(self, n):
        return "%0*x" % (n, self.r.getrandbits(4 * n))

    def uuid(self):
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def token(self, nbytes):
        return b64url(bytes(self.r.getrandbits(8) for _ in range(nbytes)))

    def ts(self):
        return BASE_TS + self.r.randrange(-90 * 86400, 30 * 86400)

    def iso(self, with_time=True):
        import datetime
        d = datetime.datetime.fromtimestamp(self.ts(), datetime.timezone.utc)
        if not with_time:
            return d.strftime("%Y-%m-%d")
        fmt = self.pick(["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.000Z", "%Y-%m-%dT%H:%M:%S+02:00"])
        return d.strftime(fmt)

    def date_text(self):
        import datetime
        d = datetime.datetime.fromtimestamp(self.ts(), datetime.timezone.utc)
        return d.strftime(self.pick(["%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d", "%d.%m.%Y", "%B %d", "%d %b"]))

    def price(self):
        return self.pick(["%d.%02d" % (self.r.randrange(1, 500), self.r.randrange(100)),
                          "%d.99" % self.r.randrange(1, 200), "%d" % self.r.randrange(1, 2000)])

    def email(self, first=None, last=None):
        first = first or self.pick(V.FIRST)
        last = last or self.pick(V.LAST)
        norm = lambda s: "".join(c for c in s.lower() if c.isascii() and c.isalnum()) or "user"
        local = self.pick(["{f}.{l}", "{f}{l}", "{f}_{l}{n}", "{fi}{l}", "{f}+shop", "{l}.{f}{n}"])
        local = local.format(f=norm(first), l=norm(last), fi=norm(first)[0], n=self.r.randrange(1, 99))
        dom = self.pick(["gmail.com", "yahoo.fr", "outlook.com", "web.de", "gmx.net", "hotmail.co.uk",
                         "icloud.com", "proton.me", "example.com", "wp.pl", "yandex.ru", "qq.com",
                         "libero.it", "uol.com.br", "company.example"])
        return f"{local}@{dom}"

    def phone(self):
        return self.pick(["+33 6 {a} {b} {c} {d}", "+49 (0)30 {a}{b}{c}", "(555) 0{a}-{b}{c}",
                          "+1-202-555-01{a}", "+44 20 7946 0{a}{b}", "06-{a}{b}{c}{d}",
                          "+81 90-{a}{b}-{c}{d}", "+7 (495) {a}{b}-{c}-{d}", "+971 4 {a}{b} {c}{d}",
                          "+55 11 9{a}{b}-{c}{d}"]).format(
            **{k: "%02d" % self.r.randrange(100) for k in "abcd"})

    def url(self):
        dom = self.pick(V.DOMAINS + V.SITES)
        path = "/".join(self.pick(["products", "blog", "help", "docs", "a", "p", self.hexs(6),
                                   "union-station-guide", "how-to-select", "drop-shipping-101",
                                   "l-ete-en-provence", "über-uns"])
                        for _ in range(self.r.randrange(1, 4)))
        u = f"https://{dom}/{urllib.parse.quote(path)}"
        if self.chance(0.4):
            u += "?" + urllib.parse.urlencode([("utm_source", self.pick(V.UTM_SOURCES)),
                                               ("utm_medium", self.pick(["email", "cpc", "social"])),
                                               ("utm_campaign", self.pick(V.UTM_CAMPAIGNS))])
        if self.chance(0.1):
            u += "#" + self.pick(["reviews", "section-2", "top", "faq"])
        return u

    def jwt(self, name=None, email=None):
        hdr = {"alg": self.pick(["RS256", "ES256", "HS256"]), "typ": "JWT", "kid": self.hexs(16)}
        iat = self.ts()
        pl = {"sub": self.uuid(), "iss": "https://auth." + self.pick(V.DOMAINS) + "/",
              "aud": self.pick(["api", "https://api.example.com", ["api", "web"]]),
              "iat": iat, "exp": iat + 3600,
              "scope": self.pick(["read:orders write:orders", "openid profile email",
                                  "users:read", "admin select:all"])}
        if name:
            pl["name"] = name
        if email:
            pl["email"] = email
        sig_len = {"RS256": 256, "ES256": 64, "HS256": 32}[hdr["alg"]]
        return ".".join([b64url(json.dumps(hdr, separators=(",", ":")).encode()),
                         b64url(json.dumps(pl, separators=(",", ":"), ensure_ascii=False).encode()),
                         self.token(sig_len)])

    def png(self):
        """A valid small PNG with random pixels."""
        w, h = self.r.randrange(4, 20), self.r.randrange(4, 20)
        raw = b"".join(b"\x00" + bytes(self.r.getrandbits(8) for _ in range(3 * w)) for _ in range(h))

        def chunk(t, d):
            return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

    def data_url(self):
        return "data:image/png;base64," + base64.b64encode(self.png()).decode("ascii")

    # ------------------------------------------------------------------- text
    def lang(self):
        return self.r.choices(V.LANGS, weights=V.LANG_WEIGHTS)[0]

    def fill(self, tpl):
        first = self.pick(V.FIRST)
        slots = {
            "first": first, "last": self.pick(V.LAST), "irish": self.pick(V.IRISH),
            "city": self.pick(V.CITIES), "street": f"{self.r.randrange(1, 250)} {self.pick(V.STREETS)}",
            "product": self.pick(V.PRODUCTS), "product2": self.pick(V.PRODUCTS),
            "company": self.pick(V.COMPANIES), "color": self.pick(V.COLORS), "size": self.pick(V.SIZES),
            "n": self.r.randrange(1000, 9999999), "n2": self.r.randrange(1, 60),
            "price": self.price(), "price2": self.price(), "pct": self.r.randrange(1, 90),
            "date": self.date_text(), "date2": self.date_text(), "q": self.r.randrange(1, 5),
            "email": self.email(first), "phone": self.phone(),
            "track": self.pick(["1Z", "JD", "LX", "CP"]) + str(self.r.randrange(10 ** 9, 10 ** 10)),
            "model": self.pick(["X-200", "AB-12/3", "S24 Ultra", "T480s", "MK II", "Pro (2023)"]),
            "ios": self.pick(["17.4.1", "16.7", "17.5 beta 2", "14"]),
            "chrome": self.pick(["124.0.6367.91", "123", "122.0"]),
            "code": self.pick(["E_1042", "0x80070005", "ERR-403", "500", "NSURLErrorDomain -1009"]),
        }
        return tpl.format(**slots)

    def sentence(self, lang=None):
        return self.fill(self.pick(V.SENTENCES[lang or self.lang()]))

    def text(self, lang=None, lo=1, hi=4):
        lang = lang or self.lang()
        parts = [self.sentence(lang if self.chance(0.85) else None)
                 for _ in range(self.r.randrange(lo, hi + 1))]
        sep = "" if lang in ("ja", "zh") else self.pick([" ", " ", " ", "\n", "\n\n"])
        t = sep.join(parts)
        if self.chance(0.15):
            t += " " + self.pick(V.EMOJI)
        if self.chance(0.05):
            t += "\n-- \n" + self.pick(V.FIRST)
        return t

    def short_text(self):
        return self.sentence()[:self.r.randrange(20, 80)].rstrip()

    def rich_html(self):
        blocks = []
        for _ in range(self.r.randrange(1, 4)):
            inner = self.sentence()
            if self.chance(0.6):
                words = inner.split(" ")
                i = self.r.randrange(len(words))
                words[i] = self.pick(V.HTML_INLINE).format(
                    t=words[i].replace("&", "&amp;").replace("<", "&lt;"), url=self.url())
                inner = " ".join(words)
            blocks.append(self.pick(V.HTML_BLOCK).format(
                t=inner, t2=self.short_text().replace("\"", "&quot;"), domain=self.pick(V.DOMAINS),
                hex=self.hexs(12), n=self.r.randrange(1, 9)))
        return "".join(blocks)

    def markdown(self):
        out = []
        for _ in range(self.r.randrange(2, 5)):
            k = self.r.randrange(7)
            if k == 0:
                out.append("## " + self.short_text())
            elif k == 1:
                out.append("\n".join(f"- {self.short_text()}" for _ in range(self.r.randrange(2, 4))))
            elif k == 2:
                lang, code = self.pick(V.CODE_SNIPPETS)
                out.append(f"```{lang}\n{code}\n```")
            elif k == 3:
                out.append(f"See [{self.short_text()}]({self.url()}) and ![screenshot]"
                           f"(https://cdn.{self.pick(V.DOMAINS)}/{self.hexs(10)}.png).")
            elif k == 4:
                out.append("| Item | Price |\n|------|------:|\n| "
                           f"{self.pick(V.PRODUCTS)} | ${self.price()} |")
            elif k == 5:
                out.append("> " + self.sentence())
            else:
                out.append(f"**{self.short_text()}** {self.sentence()} `{self.pick(V.MATH)}`")
        return "\n\n".join(out)

    # ---------------------------------------------------------------- headers
    def cookies(self):
        c = [f"session={self.token(24)}"]
        pool = [
            lambda: f"_ga=GA1.2.{self.r.randrange(10 ** 8, 10 ** 10)}.{self.ts()}",
            lambda: f"_gid=GA1.2.{self.r.randrange(10 ** 8, 10 ** 10)}.{self.ts()}",
            lambda: f"csrftoken={self.token(24)}",
            lambda: "theme=" + self.pick(["dark", "light", "system"]),
            lambda: "lang=" + self.pick(["fr-FR", "en-US", "de", "pt_BR"]),
            lambda: "cart=" + urllib.parse.quote(json.dumps({"items": self.r.randrange(1, 9),
                                                             "currency": "EUR"})),
            lambda: "OptanonConsent=" + urllib.parse.quote(
                f"isGpcEnabled=0&datestamp=Mon Jun 03 2024 10:{self.r.randrange(10, 59)}:00 GMT+0200"
                "&version=202402.1.0&groups=C0001:1,C0002:0,C0004:0", safe="="),
            lambda: f"_fbp=fb.1.{self.ts()}123.{self.r.randrange(10 ** 9, 10 ** 10)}",
            lambda: "ajs_anonymous_id=" + urllib.parse.quote('"' + self.uuid() + '"'),
            lambda: f"intercom-session-{self.hexs(8)}={self.token(30)}",
            lambda: "cookieconsent_status=" + self.pick(["dismiss", "allow", "deny"]),
            lambda: f"AMP_{self.hexs(10)}=" + b64url(json.dumps(
                {"deviceId": self.uuid(), "sessionId": self.ts() * 1000, "optOut": False}).encode()),
            lambda: "recently_viewed=" + urllib.parse.quote(",".join(
                str(self.r.randrange(1000, 99999)) for _ in range(3))),
            lambda: "last_search=" + urllib.parse.quote_plus(self.pick(V.SEARCH_EN)),
        ]
        for f in self.r.sample(pool, self.r.randrange(0, 6)):
            c.append(f())
        self.r.shuffle(c)
        return "; ".join(c)

    def headers(self, kind, host, lang, auth=True, referer=True):
        h = [("Host", host)]
        if kind == "browser":
            ua = self.pick(V.BROWSER_UAS)
            h.append(("User-Agent", ua))
            h.append(("Accept", self.pick(["application/json, text/plain, */*", "application/json",
                                           "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"])))
            h.append(("Accept-Language", V.LANG_TAGS[lang]))
            h.append(("Accept-Encoding", "gzip, deflate, br"))
            if "Chrome" in ua and self.chance(0.7):
                h.append(("sec-ch-ua", '"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"'))
                h.append(("sec-ch-ua-mobile", "?1" if "Mobile" in ua else "?0"))
                plat = next(p for k, p in (("Android", "Android"), ("Windows", "Windows"),
                                           ("Mac", "macOS"), ("Linux", "Linux"), ("", "Unknown"))
                            if k in ua)
                h.append(("sec-ch-ua-platform", f'"{plat}"'))
                h.append(("Sec-Fetch-Site", "same-origin"))
                h.append(("Sec-Fetch-Mode", "cors"))
                h.append(("Sec-Fetch-Dest", "empty"))
            if referer:
                h.append(("Referer", f"https://{host.replace('api.', 'www.')}/" + self.pick(
                    ["", "cart", "checkout?step=2", "account/orders", "search?q=" +
                     urllib.parse.quote_plus(self.pick(V.SEARCH_EN)), "products/" + self.hexs(8)])))
                h.append(("Origin", f"https://{host.replace('api.', 'www.')}"))
            h.append(("Cookie", self.cookies()))
            if self.chance(0.5):
                h.append(("X-CSRF-Token", self.token(24)))
            if auth and self.chance(0.3):
                h.append(("Authorization", "Bearer " + self.jwt()))
        elif kind == "mobile":
            h.append(("User-Agent", self.pick(V.MOBILE_UAS)))
            h.append(("Accept", "application/json"))
            h.append(("Accept-Language", V.LANG_TAGS[lang].split(",")[0]))
            h.append(("Accept-Encoding", "gzip"))
            if auth:
                h.append(("Authorization", "Bearer " + self.jwt(email=self.email())))
            h.append(("X-App-Version", f"5.{self.r.randrange(0, 13)}.{self.r.randrange(0, 9)}"))
            h.append(("X-Device-Id", self.uuid().upper()))
            h.append(("X-Request-Id", self.uuid()))
            if self.chance(0.3):
                h.append(("X-Timezone", self.pick(["Europe/Paris", "America/New_York", "Asia/Tokyo"])))
        else:  # server-to-server
            h.append(("User-Agent", self.pick(V.SERVER_UAS)))
            h.append(("Accept", self.pick(["application/json", "*/*", "application/vnd.api+json"])))
            if auth:
                h.append(("Authorization", self.pick([
                    lambda: "Bearer " + self.jwt(),
                    lambda: "Basic " + base64.b64encode(
                        f"svc-{self.hexs(4)}:{self.token(12)}".encode()).decode(),
                    lambda: "ApiKey " + self.hexs(40),
                    lambda: "Bearer sk_live_" + self.token(18)])()))
            h.append(("X-Request-Id", self.uuid()))
            if self.chance(0.5):
                h.append(("traceparent", f"00-{self.hexs(32)}-{self.hexs(16)}-01"))
            if self.chance(0.3):
                h.append(("X-Amzn-Trace-Id", f"Root=1-{self.hexs(8)}-{self.hexs(24)}"))
        if self.chance(0.3):
            h.append(("X-Forwarded-For", f"203.0.113.{self.r.randrange(1, 254)}, "
                                         f"198.51.100.{self.r.randrange(1, 254)}"))
        return h

    # ------------------------------------------------------------- requests
    def host(self):
        d = self.pick(V.DOMAINS)
        return d if d.startswith("api.") else "api." + d

    def client(self):
        return self.r.choices(["browser", "mobile", "server"], weights=[50, 35, 15])[0]

    def req(self, method, uri, kind=None, lang=None, body=None, ctype=None, body_b64=None, auth=True):
        lang = lang or self.lang()
        kind = kind or self.client()
        h = self.headers(kind, self.host(), lang, auth=auth, referer=self.chance(0.6))
        o = {"method": method, "uri": uri, "headers": h}
        if body is not None or body_b64 is not None:
            h.append(("Content-Type", ctype))
            raw = body.encode("utf-8") if body is not None else base64.b64decode(body_b64)
            h.append(("Content-Length", str(len(raw))))
            if body is not None:
                o["body"] = body
            else:
                o["body_b64"] = body_b64
        if method in ("POST", "PUT", "PATCH") and self.chance(0.2):
            h.append(("Idempotency-Key", self.uuid()))
        o["headers"] = [list(x) for x in h]
        return o

    def qs(self, params):
        """A query string, spaces as + or %20 like real clients."""
        if self.chance(0.5):
            return urllib.parse.urlencode(params)
        return urllib.parse.urlencode(params, quote_via=urllib.parse.quote)

    def jbody(self, obj):
        return json.dumps(obj, ensure_ascii=self.chance(0.3),
                          separators=self.pick([(",", ":"), (", ", ": ")]),
                          indent=2 if self.chance(0.1) else None)

    def jct(self):
        return self.pick(["application/json", "application/json; charset=utf-8",
                          "application/json;charset=UTF-8"])

    def rid(self):
        return self.pick([str(self.r.randrange(1, 10 ** 7)), self.uuid(), self.hexs(24),
                          "usr_" + self.token(9)])

    def address(self):
        return {"line1": f"{self.r.randrange(1, 300)} {self.pick(V.STREETS)}",
                "line2": self.pick([None, "", f"Apt {self.r.randrange(1, 40)}", "c/o " + self.pick(V.COMPANIES),
                                    "2e étage, porte gauche", "Hinterhaus"]),
                "city": self.pick(V.CITIES), "postal_code": "%05d" % self.r.randrange(100000),
                "country": self.pick(V.COUNTRIES)}

    # Each returns a request dict; names are categories.
    def user_get(self):
        uri = f"/api/v1/users/{self.rid()}"
        if self.chance(0.4):
            uri += "?" + self.qs([("include", self.pick(["orders", "addresses,orders", "profile"])),
                                  ("fields", self.pick(["id,name,email", "id,select_options", "*"]))])
        return self.req("GET", uri)

    def listing(self):
        res = self.pick(["orders", "invoices", "users", "products", "tickets", "shipments"])
        p = [("status", self.pick(V.STATUSES)), ("page", self.r.randrange(1, 40)),
             ("per_page", self.pick([10, 20, 25, 50, 100]))]
        if self.chance(0.5):
            p.append(("sort", self.pick(["-created_at", "created_at", "price", "-updated_at,id",
                                         "name asc", "total desc"])))
        if self.chance(0.4):
            p.append(("created_after", self.iso()))
        if self.chance(0.3):
            p.append(("order_by", self.pick(["date", "price", "relevance"])))
        if self.chance(0.2):
            p.append(("filter[tag]", self.pick(V.TAGS)))
        if self.chance(0.2):
            p.append(("select", self.pick(["id,total,status", "all", "summary"])))
        ver = self.pick(["v1", "v2", "v3"])
        return self.req("GET", f"/api/{ver}/{res}?" + self.qs(p))

    def search(self):
        q = self.pick(V.SEARCH_EN) if self.chance(0.6) else (
            self.pick(V.SEARCH_INTL) if self.chance(0.5) else self.short_text())
        p = [("q", q)]
        if self.chance(0.5):
            p.append(("page", self.r.randrange(1, 10)))
        if self.chance(0.3):
            p.append(("lang", self.pick(V.LANGS)))
        if self.chance(0.3):
            p.append(("category", self.pick(V.CATEGORIES)))
        path = self.pick(["/search", "/api/v1/search", "/api/v1/products", "/api/v2/catalog/search"])
        if path == "/api/v1/products" and self.chance(0.7):
            p += [("min_price", self.r.randrange(0, 50)), ("max_price", self.r.randrange(50, 900))]
        return self.req("GET", path + "?" + self.qs(p))

    def user_create(self):
        first, last = self.pick(V.FIRST), self.pick(V.LAST)
        lang = self.lang()
        obj = {"first_name": first, "last_name": last, "email": self.email(first, last),
               "phone": self.phone(), "password": self.pick(["correct horse battery staple",
                                                             "P@ssw0rd!2024", "Tr0ub4dor&3", "l'été-2024!",
                                                             "hunter2;", "\"quoted\" pass", "S3cure(pass)"]),
               "locale": self.pick(["fr-FR", "en-US", "de-DE", "es-ES", "ja-JP"]),
               "address": self.address(), "marketing_opt_in": self.chance(0.5),
               "birthdate": self.pick([None, self.iso(False)]),
               "bio": self.text(lang, 1, 2) if self.chance(0.5) else None,
               "company": self.pick([None, self.pick(V.COMPANIES)]),
               "tags": self.r.sample(V.TAGS, self.r.randrange(0, 4))}
        return self.req("POST", self.pick(["/api/v1/users", "/api/v1/signup", "/api/v2/accounts"]),
                        lang=lang, body=self.jbody(obj), ctype=self.jct(), auth=False)

    def user_update(self):
        lang = self.lang()
        obj = {}
        for k in self.r.sample(["display_name", "bio", "address", "phone", "settings", "website",
                                "avatar_url", "title"], self.r.randrange(1, 5)):
            obj[k] = {"display_name": lambda: f"{self.pick(V.FIRST)} {self.pick(V.LAST)}",
                      "bio": lambda: self.text(lang, 1, 3),
                      "address": self.address,
                      "phone": self.phone,
                      "settings": lambda: {"notifications": {"email": self.chance(0.5), "sms": False,
                                                             "push": None},
                                           "theme": self.pick(["dark", "light"]), "items_per_page": 25},
                      "website": self.url,
                      "avatar_url": lambda: f"https://cdn.{self.pick(V.DOMAINS)}/avatars/{self.uuid()}.jpg",
                      "title": lambda: self.pick(["VP Sales & Marketing", "Head of R&D", "Dev (backend)",
                                                  "Directeur d'agence", "CTO / co-founder"])}[k]()
        return self.req(self.pick(["PATCH", "PUT"]), f"/api/v1/users/{self.rid()}", lang=lang,
                        body=self.jbody(obj), ctype=self.jct())

    def order_create(self):
        items = [{"sku": f"SKU-{self.r.randrange(10000, 99999)}-{self.pick(V.COLORS)[:3].upper()}",
                  "name": self.pick(V.PRODUCTS), "quantity": self.r.randrange(1, 5),
                  "unit_price": float(self.price()), "options": {"size": self.pick(V.SIZES),
                                                                 "color": self.pick(V.COLORS)},
                  "gift": self.chance(0.1)} for _ in range(self.r.randrange(1, 5))]
        obj = {"customer_id": self.rid(), "currency": self.pick(["EUR", "USD", "GBP", "JPY"]),
               "items": items, "shipping_address": self.address(),
               "billing_same_as_shipping": self.chance(0.7),
               "coupon": self.pick([None, "SPRING-" + str(self.r.randrange(100)), "WELCOME10", ""]),
               "notes": self.pick([None, self.text(lo=1, hi=2), "Leave at the door; don't ring!",
                                   "Please select a box where the items don't rattle."]),
               "total": round(sum(i["unit_price"] * i["quantity"] for i in items), 2),
               "placed_at": self.iso(), "meta": {"channel": self.pick(["web", "ios", "android"]),
                                                 "ab_test": self.pick(["select-v2", "control", None])}}
        return self.req("POST", self.pick(["/api/v1/orders", "/api/v2/checkout/orders"]),
                        body=self.jbody(obj), ctype=self.jct())

    def comment(self):
        lang = self.lang()
        body = self.rich_html() if self.chance(0.35) else (
            self.markdown() if self.chance(0.3) else self.text(lang))
        obj = {"body": body, "format": "html" if body.startswith("<") else "markdown",
               "parent_id": self.pick([None, self.r.randrange(1, 10 ** 6)]),
               "mentions": ["@" + self.pick(V.FIRST).lower() for _ in range(self.r.randrange(0, 2))]}
        return self.req("POST", f"/api/v1/posts/{self.rid()}/comments", lang=lang,
                        body=self.jbody(obj), ctype=self.jct())

    def review(self):
        lang = self.lang()
        obj = {"rating": self.r.randrange(1, 6), "title": self.pick(V.REVIEW_TITLES),
               "text": self.text(lang, 1, 4), "recommend": self.chance(0.7),
               "pros": [self.short_text() for _ in range(self.r.randrange(0, 3))],
               "cons": [self.short_text() for _ in range(self.r.randrange(0, 2))],
               "verified_purchase": True, "images": [] if self.chance(0.8) else
               [f"https://cdn.{self.pick(V.DOMAINS)}/reviews/{self.hexs(16)}.jpg"]}
        sku = f"{self.r.randrange(10000, 99999)}-{self.pick(['blu', 'red', 'xl', 'm'])}"
        return self.req("POST", f"/api/v1/products/{sku}/reviews", lang=lang,
                        body=self.jbody(obj), ctype=self.jct())

    def message(self):
        lang = self.lang()
        obj = {"text": self.text(lang, 1, 2), "client_msg_id": self.uuid(), "sent_at": self.iso(),
               "attachments": [] if self.chance(0.85) else [{"type": "link", "url": self.url()}]}
        return self.req("POST", f"/api/v1/conversations/{self.uuid()}/messages", lang=lang,
                        kind=self.pick(["mobile", "mobile", "browser"]), body=self.jbody(obj),
                        ctype=self.jct())

    def form(self):
        k = self.r.randrange(5)
        first, last = self.pick(V.FIRST), self.pick(V.LAST)
        if k == 0:
            f = [("name", f"{first} {last}"), ("email", self.email(first, last)),
                 ("subject", self.pick(["Order question", "Return / exchange", "Re: your order",
                                        "Question about \"premium\"", "Où est mon colis ?"])),
                 ("message", self.text(lo=1, hi=3))]
            path = "/contact"
        elif k == 1:
            f = [("username", self.email(first, last)),
                 ("password", self.pick(["P@ssw0rd!", "l'été 2024", "drop-bear-42", "a&b=c?d",
                                         "Drop&Roll#9", "x<y>z", "--secret--"])),
                 ("remember_me", "on"), ("csrf_token", self.token(24))]
            path = "/login"
        elif k == 2:
            f = [("email", self.email(first, last)), ("lists[]", "news"), ("lists[]", "offers"),
                 ("source", self.pick(["footer", "popup", "checkout"]))]
            path = "/newsletter/subscribe"
        elif k == 3:
            f = [("grant_type", self.pick(["refresh_token", "authorization_code", "client_credentials"])),
                 ("refresh_token", self.token(32)), ("client_id", self.hexs(16)),
                 ("scope", self.pick(["openid profile email", "read:orders write:orders"])),
                 ("redirect_uri", f"https://www.{self.pick(V.DOMAINS)}/callback")]
            path = "/oauth/token"
        else:
            f = [("first_name", first), ("last_name", last), ("company", self.pick(V.COMPANIES)),
                 ("address", f"{self.r.randrange(1, 300)} {self.pick(V.STREETS)}"),
                 ("city", self.pick(V.CITIES)), ("phone", self.phone()),
                 ("comments", self.text(lo=1, hi=2)), ("terms", "1")]
            path = "/checkout/address"
        body = self.qs(f)
        return self.req("POST", path, kind=self.pick(["browser", "browser", "mobile"]), body=body,
                        ctype=self.pick(["application/x-www-form-urlencoded",
                                         "application/x-www-form-urlencoded; charset=UTF-8"]),
                        auth=False)

    def multipart(self):
        boundary = self.pick(["----WebKitFormBoundary" + self.token(12)[:16],
                              "-" * 26 + "".join(str(self.r.randrange(10)) for _ in range(24)),
                              "----geckoformboundary" + self.hexs(32),
                              "dart-http-boundary-" + self.token(30)[:40],
                              self.uuid()])
        parts = []
        fields = [("description", self.text(lo=1, hi=2)), ("title", self.pick(V.REVIEW_TITLES)),
                  ("album_id", str(self.r.randrange(1, 9999))), ("public", self.pick(["true", "false"]))]
        for name, val in self.r.sample(fields, self.r.randrange(1, 4)):
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                         .encode() + val.encode("utf-8") + b"\r\n")
        fname = self.pick(["IMG_%04d.png" % self.r.randrange(10000), "screenshot 2024-06-01.png",
                           "photo (1).png", "l'été.png", "avatar.png", "Union Station.png"])
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                     f'filename="{fname}"\r\nContent-Type: image/png\r\n\r\n'.encode("utf-8")
                     + self.png() + b"\r\n")
        if self.chance(0.2):
            doc = ("Invoice;Item;Qty;Price\n" + "\n".join(
                f"{self.r.randrange(1000, 9999)};{self.pick(V.PRODUCTS)};{self.r.randrange(1, 9)};"
                f"{self.price()}" for _ in range(self.r.randrange(2, 6))) + "\n")
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="attachment"; '
                         f'filename="orders.csv"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                         + doc.encode("utf-8") + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        path = self.pick(["/api/v1/uploads", f"/api/v1/users/{self.rid()}/avatar",
                          f"/api/v1/albums/{self.r.randrange(1, 999)}/photos", "/api/v1/imports"])
        return self.req("POST", path, body_b64=base64.b64encode(body).decode("ascii"),
                        ctype=f"multipart/form-data; boundary={boundary}")

    def avatar_json(self):
        obj = {"image": self.data_url(), "crop": {"x": self.r.randrange(0, 50), "y": 0,
                                                  "w": 128, "h": 128}, "alt": self.short_text()}
        return self.req("PUT", f"/api/v1/users/{self.rid()}/avatar", body=self.jbody(obj),
                        ctype=self.jct())

    def graphql(self):
        if self.chance(0.4):
            s = json.dumps(self.sentence())[1:-1].replace("{", "(").replace("}", ")")
            q = self.pick(V.GRAPHQL_INLINE).format(s=s)
            obj = {"query": q}
            if self.chance(0.3):
                return self.req("POST", "/graphql", body=q, ctype="application/graphql")
            return self.req("POST", "/graphql", body=self.jbody(obj), ctype=self.jct())
        q = self.pick(V.GRAPHQL)
        var = {"id": self.rid(), "q": self.pick(V.SEARCH_EN), "after": self.pick([None, self.token(12)]),
               "sku": f"SKU-{self.r.randrange(10000, 99999)}", "qty": self.r.randrange(1, 4),
               "orderId": self.uuid(),
               "input": {"displayName": f"{self.pick(V.FIRST)} {self.pick(V.LAST)}",
                         "bio": self.text(lo=1, hi=2)}}
        obj = {"operationName": q.split("(")[0].split("{")[0].split()[-1] if " " in q.split("{")[0]
               else None, "query": q, "variables": var}
        if self.chance(0.25) and not q.lstrip().startswith(("mutation", "subscription")):
            # GraphQL over GET: query, variables and operationName as parameters
            qs = "query=" + urllib.parse.quote(q, safe="") + "&variables=" + \
                urllib.parse.quote(json.dumps(var, separators=(",", ":")), safe="")
            if obj["operationName"]:
                qs += "&operationName=" + obj["operationName"]
            return self.req("GET", "/graphql?" + qs)
        return self.req("POST", "/graphql", body=self.jbody(obj), ctype=self.jct())

    def events(self):
        evs = []
        for _ in range(self.r.randrange(1, 6)):
            evs.append({"event": self.pick(["page_view", "add_to_cart", "search", "select_item",
                                            "remove_from_cart", "purchase", "login", "scroll"]),
                        "ts": self.ts() * 1000 + self.r.randrange(1000), "anonymous_id": self.uuid(),
                        "properties": {"url": self.url(), "referrer": self.url() if self.chance(0.5) else "",
                                       "title": self.short_text(), "search_term": self.pick([None, self.pick(V.SEARCH_EN)]),
                                       "value": float(self.price()), "screen": {"w": self.pick([390, 1440, 1920]),
                                                                                "h": self.pick([844, 900, 1080])},
                                       "user_agent": self.pick(V.BROWSER_UAS)}})
        return self.req("POST", self.pick(["/api/v1/events", "/v1/batch", "/collect"]),
                        kind="browser", body=self.jbody({"batch": evs, "sent_at": self.iso()}),
                        ctype=self.pick([self.jct(), "text/plain;charset=UTF-8"]), auth=False)

    def webhook(self):
        prov = self.pick(["stripe", "github", "shopify", "slack"])
        if prov == "stripe":
            obj = {"id": "evt_" + self.token(18), "object": "event", "type": self.pick(
                ["payment_intent.succeeded", "charge.refunded", "customer.updated"]),
                "created": self.ts(), "livemode": False, "data": {"object": {
                    "id": "pi_" + self.token(18), "amount": self.r.randrange(100, 99999), "currency": "eur",
                    "description": f"Order #{self.r.randrange(1000, 99999)} - {self.pick(V.PRODUCTS)}",
                    "metadata": {"order_id": str(self.r.randrange(1, 10 ** 6)), "note": self.short_text()}}}}
        elif prov == "github":
            obj = {"action": self.pick(["opened", "closed", "synchronize"]), "number": self.r.randrange(1, 5000),
                   "pull_request": {"title": self.pick(["Fix: drop unused index", "Select the right locale",
                                                        "Update dependencies", "Don't alert on 404s",
                                                        "Add union type for Order | Refund"]),
                                    "body": self.markdown(), "draft": False, "merged": None},
                   "repository": {"full_name": "acme/" + self.pick(["api", "web", "infra"])},
                   "sender": {"login": self.pick(V.FIRST).lower()}}
        elif prov == "shopify":
            obj = {"id": self.r.randrange(10 ** 12, 10 ** 13), "email": self.email(),
                   "note": self.pick([None, self.text(lo=1, hi=1)]), "total_price": self.price(),
                   "line_items": [{"title": self.pick(V.PRODUCTS), "quantity": 1, "vendor": self.pick(V.COMPANIES)}],
                   "shipping_address": self.address(), "tags": ", ".join(self.r.sample(V.TAGS, 2))}
        else:
            obj = {"token": self.hexs(24), "type": "event_callback", "event": {
                "type": "message", "text": self.text(lo=1, hi=2), "user": "U" + self.hexs(8).upper(),
                "ts": f"{self.ts()}.{self.r.randrange(10 ** 5, 10 ** 6)}"}}
        return self.req("POST", f"/webhooks/{prov}", kind="server", body=self.jbody(obj),
                        ctype=self.jct(), auth=False)

    def geo(self):
        addr = f"{self.r.randrange(1, 300)} {self.pick(V.STREETS)}, {self.pick(V.CITIES)}"
        p = [("address", addr)] if self.chance(0.6) else [
            ("lat", "%.6f" % self.r.uniform(-60, 70)), ("lng", "%.6f" % self.r.uniform(-170, 170)),
            ("radius", self.pick(["500", "1km", "5 mi"]))]
        return self.req("GET", "/api/v1/geocode?" + self.qs(p), kind=self.pick(["mobile", "browser"]))

    def delete(self):
        uri = self.pick([f"/api/v1/users/{self.rid()}/sessions/{self.uuid()}",
                         f"/api/v1/carts/{self.uuid()}/items/SKU-{self.r.randrange(10000, 99999)}",
                         f"/api/v1/addresses/{self.r.randrange(1, 10 ** 6)}",
                         f"/api/v1/orders/{self.r.randrange(1, 10 ** 6)}/coupon",
                         f"/api/v1/favorites/{self.r.randrange(1, 10 ** 6)}?undo_token={self.token(9)}"])
        return self.req("DELETE", uri)

    def math(self):
        lang = self.lang()
        if self.chance(0.4):
            return self.req("GET", "/api/v1/calc?" + self.qs([("expr", self.pick(V.MATH)),
                                                              ("precision", self.r.randrange(0, 6))]))
        obj = {"title": self.pick(["Homework", "Notes", "Formula sheet", "Devoirs", "Hausaufgaben"]),
               "content": f"{self.pick(V.MATH)}; {self.pick(V.MATH)}\n{self.text(lang, 1, 1)}",
               "tags": ["math"], "pinned": self.chance(0.2)}
        return self.req("POST", "/api/v1/notes", lang=lang, body=self.jbody(obj), ctype=self.jct())

    def code_comment(self):
        lang, code = self.pick(V.CODE_SNIPPETS)
        body = f"{self.pick(V.CODE_REMARKS)}\n\n```{lang}\n{code}\n```"
        if self.chance(0.4):
            body += "\n\n" + self.sentence("en")
        obj = {"body": body, "path": self.pick(["src/api/users.py", "web/app.ts", "cmd/server/main.go",
                                                "lib/orders.rb", "README.md"]),
               "line": self.r.randrange(1, 800), "side": self.pick(["RIGHT", "LEFT"]),
               "commit_id": self.hexs(40)}
        return self.req("POST", f"/api/v1/repos/acme/{self.pick(['api', 'web'])}/pulls/"
                        f"{self.r.randrange(1, 4000)}/comments", kind=self.pick(["browser", "server"]),
                        lang="en", body=self.jbody(obj), ctype=self.jct())

    def wiki(self):
        obj = {"title": self.short_text(), "slug": self.pick(["how-to-select-a-plan", "union-station",
                                                              "release-notes", "faq", "onboarding"]),
               "content": self.markdown(), "published": self.chance(0.5),
               "updated_at": self.iso(), "version": self.r.randrange(1, 60)}
        return self.req("PUT", f"/api/v1/wiki/pages/{self.uuid()}", kind="browser",
                        body=self.jbody(obj), ctype=self.jct())

    def settings(self):
        obj = {"notifications": {"email": self.chance(0.5), "sms": self.chance(0.2),
                                 "digest": self.pick(["daily", "weekly", None])},
               "privacy": {"profile_public": False, "show_email": None},
               "locale": self.pick(["fr_FR", "en_US", "ja_JP"]), "timezone": "Europe/Paris",
               "feature_flags": {"new_checkout": True, "select_v2": self.chance(0.5)},
               "limits": {"max_items": self.r.randrange(1, 100), "ratio": round(self.r.random(), 3),
                          "threshold": -1, "exp": 1.5e-3}}
        return self.req("PATCH", self.pick(["/api/v1/settings", "/api/v1/me/preferences"]),
                        body=self.jbody(obj), ctype=self.jct())

    def translate(self):
        src = self.lang()
        obj = {"text": self.text(src, 1, 3), "source": src,
               "target": self.pick([x for x in V.LANGS if x != src]), "formality": self.pick(["default", "more", "less"])}
        return self.req("POST", "/api/v1/translate", body=self.jbody(obj), ctype=self.jct())

    # ---------------------------------------- material for the issue-5 detectors
    def docs(self):
        lang = self.lang()
        parts = [self.pick(V.DOC_SENTENCES) for _ in range(self.r.randrange(1, 4))]
        if self.chance(0.4):
            parts.append(self.text(lang, 1, 2))
        obj = {"title": self.short_text(), "body": self.pick([" ", "\n", "\n\n"]).join(parts),
               "attachments": [self.pick(["docs/guide/install.md", "img/diagram (v2).png",
                                          "../shared/handbook.pdf", "C:\\Users\\emma\\Desktop\\notes.txt",
                                          "/home/emma/Documents/plan.odt"])
                               for _ in range(self.r.randrange(0, 3))],
               "links": [self.pick(V.PUBLIC_URLS) for _ in range(self.r.randrange(0, 3))]}
        if self.chance(0.3):
            return self.req("GET", "/api/v1/help/search?" + self.qs(
                [("q", self.pick(V.DOC_SENTENCES)[:60]), ("page", self.r.randrange(1, 5))]))
        return self.req("POST", f"/api/v1/kb/{self.pick(['articles', 'drafts'])}", lang=lang,
                        body=self.jbody(obj), ctype=self.jct())

    def links(self):
        first = self.pick(V.FIRST)
        obj = {"display_name": f"{first} {self.pick(V.LAST)}",
               "website": self.pick(V.PUBLIC_URLS), "avatar_url": self.pick(V.PUBLIC_URLS),
               "social": {k: self.pick(V.PUBLIC_URLS) for k in self.r.sample(
                   ["twitter", "github", "linkedin", "youtube"], self.r.randrange(0, 3))},
               "webhook_url": f"https://hooks.{self.pick(V.DOMAINS)}/services/{self.hexs(12)}",
               "callback": self.pick([None, "https://app.acme-corp.example/oauth/callback"])}
        if self.chance(0.35):
            return self.req("GET", "/api/v1/link-preview?" + self.qs([("url", self.pick(V.PUBLIC_URLS))]))
        return self.req("PATCH", f"/api/v1/users/{self.rid()}/profile", body=self.jbody(obj),
                        ctype=self.jct())

    def i18n(self):
        tpl = self.pick(V.I18N_TEMPLATES)
        obj = {"key": self.pick(["order.shipped", "welcome.back", "cart.count", "renewal.notice"]),
               "locale": self.pick(["en", "fr", "de"]), "message": tpl,
               "description": self.short_text(), "placeholders": ["name", "order_id"]}
        if self.chance(0.3):
            return self.req("POST", "/api/v1/campaigns/preview", body=self.jbody(
                {"subject": self.pick(V.I18N_TEMPLATES), "html": f"<p>{tpl}</p>",
                 "segment": self.pick(["all", "vip", "dormant"])}), ctype=self.jct())
        return self.req("PUT", f"/api/v1/i18n/messages/{self.uuid()}", body=self.jbody(obj),
                        ctype=self.jct())

    def schema_json(self):
        k = self.r.randrange(4)
        if k == 0:
            obj = self.pick(V.JSON_SCHEMA_DOCS)
        elif k == 1:  # MongoDB extended JSON of an export (not query operators)
            obj = {"_id": {"$oid": self.hexs(24)}, "createdAt": {"$date": self.iso()},
                   "total": {"$numberDecimal": str(self.price())}, "status": self.pick(V.STATUSES)}
        elif k == 2:  # money and i18n shapes
            obj = {"label": f"${self.price()} off", "prices": {"$": self.price(), "€": self.price()},
                   "$t": self.short_text(), "$metadata": {"source": "import"}}
        else:  # OpenAPI fragment
            obj = {"openapi": "3.1.0", "paths": {"/orders/{id}": {"get": {"responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}}}}}}}
        return self.req("POST", self.pick(["/api/v1/schemas", "/api/v1/imports/records", "/api/v1/specs"]),
                        body=self.jbody(obj), ctype=self.jct())

    def xml_body(self):
        k = self.r.randrange(3)
        note = self.short_text().replace("&", "&amp;").replace("<", "&lt;")
        if k == 0:
            doc = V.SVG_DOC.format(title=note, color=self.pick(["#ff0000", "navy", "#0a0"]))
            boundary = "----WebKitFormBoundary" + self.token(12)[:16]
            body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                    f"filename=\"logo.svg\"\r\nContent-Type: image/svg+xml\r\n\r\n{doc}\r\n"
                    f"--{boundary}--\r\n")
            return self.req("POST", "/api/v1/uploads", body=body,
                            ctype=f"multipart/form-data; boundary={boundary}")
        if k == 1:
            return self.req("POST", "/soap/orders", body=V.SOAP_DOC.format(n=self.r.randrange(1, 10 ** 6), note=note),
                            ctype="text/xml; charset=utf-8", kind="server")
        return self.req("POST", "/api/v1/feeds/import", body=V.RSS_DOC.format(
            title=note, item=self.pick(V.PRODUCTS).replace("&", "&amp;"), note=note),
            ctype="application/rss+xml", kind="server")

    def support(self):
        lines = [self.fill(self.pick(V.SUPPORT_LINES)) for _ in range(self.r.randrange(2, 5))]
        lines.insert(self.r.randrange(len(lines) + 1), self.sentence("en"))
        msg = "\r\n".join(lines)
        first = self.pick(V.FIRST)
        fields = [("name", f"{first} {self.pick(V.LAST)}"), ("email", self.email(first)),
                  ("address", f"{self.r.randrange(1, 250)} {self.pick(V.STREETS)}\r\nApt {self.r.randrange(1, 90)}"
                              f"\r\n{self.pick(V.CITIES)}"),
                  ("message", msg)]
        if self.chance(0.5):
            return self.req("POST", "/contact", body=urllib.parse.urlencode(fields),
                            ctype="application/x-www-form-urlencoded", kind="browser")
        return self.req("POST", "/api/v1/tickets", body=self.jbody(dict(fields)), ctype=self.jct())

    def sql_in_code(self):
        sql = self.pick(V.SQL_SNIPPETS).format(table=self.pick(V.SQL_TABLES))
        body = self.pick([f"{self.pick(V.SQL_REMARKS)}\n\n```sql\n{sql}\n```",
                          f"{self.pick(V.SQL_REMARKS)} `{sql}`"])
        obj = {"body": body, "path": "db/migrations/%04d_%s.sql" % (self.r.randrange(1, 300),
                                                                    self.pick(["init", "add_index"])),
               "line": self.r.randrange(1, 200), "commit_id": self.hexs(40)}
        return self.req("POST", f"/api/v1/repos/acme/api/pulls/{self.r.randrange(1, 4000)}/comments",
                        kind="browser", lang="en", body=self.jbody(obj), ctype=self.jct())

    def shell_in_code(self):
        body = f"{self.pick(V.CODE_REMARKS)}\n\n```sh\n{self.pick(V.SHELL_SNIPPETS)}\n```"
        obj = {"body": body, "path": self.pick(["Makefile", "scripts/deploy.sh", "README.md"]),
               "line": self.r.randrange(1, 200), "commit_id": self.hexs(40)}
        return self.req("POST", f"/api/v1/repos/acme/web/pulls/{self.r.randrange(1, 4000)}/comments",
                        kind="browser", lang="en", body=self.jbody(obj), ctype=self.jct())


# (category, method name, weight). sql-in-code and shell-in-code are kept
# small: they are reported apart.
MIX = [
    ("user-get", "user_get", 8), ("list", "listing", 9), ("search", "search", 10),
    ("user-create", "user_create", 5), ("user-update", "user_update", 6),
    ("order-create", "order_create", 6), ("comment", "comment", 8), ("review", "review", 7),
    ("message", "message", 6), ("form", "form", 6), ("upload", "multipart", 3),
    ("avatar", "avatar_json", 2), ("graphql", "graphql", 4), ("events", "events", 4),
    ("webhook", "webhook", 3), ("geo", "geo", 2), ("delete", "delete", 3), ("math", "math", 3),
    ("code", "code_comment", 2), ("wiki", "wiki", 2), ("settings", "settings", 2),
    ("translate", "translate", 3), ("docs", "docs", 3), ("links", "links", 2),
    ("i18n", "i18n", 2), ("schema-json", "schema_json", 2), ("xml", "xml_body", 2),
    ("support", "support", 3), ("sql-in-code", "sql_in_code", 0.5),
    ("shell-in-code", "shell_in_code", 0.5),
]


def category_of(rid):
    return rid.rsplit("-", 1)[0]


def generate(n, seed):
    g = Gen(seed)
    names = [m[0] for m in MIX]
    weights = [m[2] for m in MIX]
    funcs = {m[0]: getattr(g, m[1]) for m in MIX}
    out = []
    # Every category at least a few times, then the weighted mix.
    plan = [c for c in names for _ in range(3)]
    plan += g.r.choices(names, weights=weights, k=max(0, n - len(plan)))
    plan = plan[:n]
    for i, cat in enumerate(plan):
        o = funcs[cat]()
        out.append({"id": f"{cat}-{i:05d}", **o})
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    ap.add_argument("-n", type=int, default=None, help="requests (default: floors.json benign.requests)")
    ap.add_argument("--seed", type=int, default=None, help="default: floors.json benign.seed")
    ap.add_argument("-o", "--output", default="-", help="JSON-lines file (default stdout)")
    ap.add_argument("--stats", action="store_true", help="print counts per category to stderr")
    a = ap.parse_args(argv)
    with open(os.path.join(HERE, "floors.json"), encoding="utf-8") as f:
        cfg = json.load(f).get("benign", {})
    n = a.n if a.n is not None else cfg.get("requests", 6000)
    seed = a.seed if a.seed is not None else cfg.get("seed", 1)
    reqs = generate(n, seed)
    data = "".join(json.dumps(o, ensure_ascii=True, separators=(",", ":")) + "\n" for o in reqs)
    if a.output == "-":
        sys.stdout.write(data)
    else:
        with open(a.output, "w", encoding="utf-8") as f:
            f.write(data)
    if a.stats:
        c = Counter(category_of(o["id"]) for o in reqs)
        for k, v in c.most_common():
            print(f"{v:6d}  {k}", file=sys.stderr)
        print(f"{len(reqs)} requests, {len(data)} bytes, sha256 "
              f"{hashlib.sha256(data.encode()).hexdigest()[:16]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
