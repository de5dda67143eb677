#!/usr/bin/env python3
"""
Rampart's engine against the OWASP CRS regression tests.

  python3 tests/corpus/crs.py [-v] [--missed N] [--class sqli] [--write FILE]

Reads every go-ftw YAML under $RAMPART_CRS_DIR (default ../shared/corpus/crs
from the repo root)/tests/regression/tests/*/*.yaml, turns each test stage into
a request (JSON-lines, id "<rule_id>-<test_id>", ".<stage>" appended when a
test has several stages), runs `$RAMPART_BIN scan --json` once over them, and
prints per rule file (attack class) and paranoia level:

  * expect_ids stages (CRS flags them): how many Rampart detects, i.e. the
    verdict's "attacks" has the class of the rule file (942 -> sqli, ...);
  * no_expect_ids stages (that rule must not flag them): how many Rampart
    would block.

Exit status: 0 when every rate is within tests/corpus/floors.json, 1 when one
is not, 2 when the run itself failed (no binary, no corpus, scan crashed).
The last line is "crs: N passed, N failed" (N = floors checked).
"""
import argparse
import base64
import glob
import json
import os
import re
import sys
import tempfile
from collections import Counter, OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import corpuslib as lib  # noqa: E402

try:
    import yaml
except ImportError:  # pragma: no cover - Debian: apt-get install python3-yaml
    yaml = None

ANY = "any"

# CRS rule file number -> (class label, attack names that count as detected).
# ANY: any attack class counts (generic and session-fixation rules have no
# single Rampart class). The labels are the keys of floors.json.
FILE_CLASSES = OrderedDict([
    ("942", ("sqli", {"sqli"})),
    ("941", ("xss", {"xss"})),
    ("930", ("traversal", {"traversal"})),
    ("931", ("rfi_ssrf", {"rfi_ssrf"})),
    ("932", ("cmdi", {"cmdi"})),
    ("933", ("php", {"php"})),
    ("934", ("generic", ANY)),
    ("944", ("java", {"jndi"})),
    ("943", ("session-fixation", ANY)),
    ("913", ("scanner", {"scanner"})),
    ("921", ("protocol-attack", {"protocol", "crlf"})),   # + 921200: RULE_EXTRA_ACCEPT
    ("920", ("protocol", {"protocol"})),
    ("922", ("multipart", {"protocol"})),
    ("911", ("method", {"protocol"})),
])

# Rules that sit in a rule file of another class: their tests also accept
# the Rampart class that detects what the rule is about (921200 is LDAP
# injection in the protocol-attack file; 942290 MongoDB injection in the
# SQLi file; 9323xx mail command injection in the command-injection file).
RULE_EXTRA_ACCEPT = {
    "921200": {"ldapi"},
    "942290": {"nosqli"},
    # SMTP, IMAP and POP3 command injection in the RCE file
    "932300": {"mail"}, "932301": {"mail"}, "932310": {"mail"}, "932311": {"mail"},
    "932320": {"mail"}, "932321": {"mail"},
}

# Rule files whose tests are not measured, and why.
SKIP_FILES = {
    "949": "blocking evaluation (CRS's own anomaly scoring)",
    "959": "response rule (tests the response)",
    "980": "response rule (tests the response)",
}

TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
HTTP1 = ("HTTP/1.0", "HTTP/1.1")


class Case:
    """One test stage that became a request."""

    __slots__ = ("id", "rule", "file_no", "label", "accept", "pl", "kind", "summary")

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)


def _s(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def encode_uri(uri):
    """Percent-encodes what cannot appear in an HTTP/1.x request target as
    sent on the wire (space, control characters, non-ASCII as UTF-8); the
    rest, including '%' sequences, is kept as the test wrote it. Returns
    (uri, changed)."""
    out = []
    changed = False
    for ch in uri:
        o = ord(ch)
        if o <= 0x20 or o == 0x7F or o > 0x7E:
            out.append("".join("%%%02X" % b for b in ch.encode("utf-8", "surrogatepass")))
            changed = True
        else:
            out.append(ch)
    return "".join(out), changed


def raw_is_http1(raw):
    """Whether raw bytes start with an HTTP/1.x request line."""
    line = raw.split(b"\n", 1)[0].rstrip(b"\r")
    parts = line.split(b" ")
    if len(parts) != 3:
        return False, "request line is not 'METHOD TARGET VERSION'"
    m, _, v = parts
    if not TOKEN.match(m.decode("latin-1")):
        return False, "method is not a token"
    if v.decode("latin-1") not in HTTP1:
        return False, "version %r is not HTTP/1.x" % v.decode("latin-1")
    return True, ""


def stage_request(inp, rid):
    """A go-ftw stage input -> (JSON-lines object, None, uri_changed) or
    (None, skip reason, False). Applies go-ftw's defaults: GET, "/",
    HTTP/1.1 and, unless autocomplete_headers is false, Content-Type
    application/x-www-form-urlencoded and Content-Length for a body."""
    for key in ("encoded_request", "raw_request"):
        if inp.get(key) is not None:
            if key == "encoded_request":
                try:
                    raw = base64.b64decode(re.sub(r"\s+", "", _s(inp[key])))
                except ValueError:
                    return None, "encoded_request is not base64", False
            else:
                r = inp[key]
                raw = ("\r\n".join(_s(x) for x in r) if isinstance(r, list) else _s(r)).encode("utf-8")
            ok, why = raw_is_http1(raw)
            if not ok:
                return None, key + ": " + why, False
            return {"id": rid, "raw_b64": base64.b64encode(raw).decode("ascii")}, None, False

    method = _s(inp.get("method")) if inp.get("method") is not None else "GET"
    if not TOKEN.match(method):
        return None, "method %r is not a token" % method, False
    version = _s(inp.get("version")) if inp.get("version") is not None else "HTTP/1.1"
    if version not in HTTP1:
        return None, "version %r is not HTTP/1.x" % version, False
    uri = _s(inp.get("uri")) if inp.get("uri") is not None else "/"
    if uri == "":
        return None, "empty request target", False
    uri, changed = encode_uri(uri)

    headers = []
    hv = inp.get("headers") or {}
    if isinstance(hv, dict):
        headers = [[_s(k), _s(v)] for k, v in hv.items()]
    elif isinstance(hv, list):  # [{name: value}] or [[name, value]]
        for h in hv:
            if isinstance(h, dict):
                headers.extend([_s(k), _s(v)] for k, v in h.items())
            elif isinstance(h, (list, tuple)) and len(h) == 2:
                headers.append([_s(h[0]), _s(h[1])])
    for name, _ in headers:
        if not TOKEN.match(name):
            return None, "header name %r is not a token" % name, False

    data = inp.get("data")
    if isinstance(data, list):
        data = "\r\n".join(_s(x) for x in data)
    elif data is not None:
        data = _s(data)
    body = (data or "").encode("utf-8", "surrogatepass")
    names = {n.lower() for n, _ in headers}
    if body and inp.get("autocomplete_headers", True) is not False:
        if "content-type" not in names:
            headers.append(["Content-Type", "application/x-www-form-urlencoded"])
        if "content-length" not in names and "transfer-encoding" not in names:
            headers.append(["Content-Length", str(len(body))])

    obj = {"id": rid, "method": method, "uri": uri, "headers": headers}
    if body:
        try:
            obj["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            obj["body_b64"] = base64.b64encode(body).decode("ascii")
    return obj, None, changed


# Headers every CRS test carries: left out of the verbose listings.
DULL_HEADERS = {"host", "accept", "accept-encoding", "accept-language", "accept-charset",
                "content-length", "connection", "keep-alive", "cache-control", "proxy-connection"}
DULL_AGENTS = {"OWASP CRS test agent", "OWASP ModSecurity Core Rule Set",
               "ModSecurity CRS 3 Tests"}


def summarize(obj):
    """A short description of a request for the verbose listings: request
    line, unusual headers, body."""
    if "raw_b64" in obj:
        raw = base64.b64decode(obj["raw_b64"]).decode("utf-8", "replace")
        s = "raw: " + raw
    else:
        s = obj["method"] + " " + obj["uri"]
        for n, v in obj["headers"]:
            ln = n.lower()
            if ln in DULL_HEADERS or (ln == "user-agent" and v in DULL_AGENTS):
                continue
            if ln == "content-type" and v == "application/x-www-form-urlencoded":
                continue
            s += f"  {n}: {v}"
        if obj.get("body"):
            s += "  body: " + obj["body"]
    return s[:200].replace("\n", "\\n").replace("\r", "\\r")


def load(crs_root):
    """-> (requests, cases, skipped Counter(reason), notes Counter)."""
    if yaml is None:
        raise lib.CorpusError("python3-yaml is not installed (apt-get install python3-yaml)")
    tests_dir = os.path.join(crs_root, "tests", "regression", "tests")
    index_path = os.path.join(crs_root, "rules-index.json")
    files = sorted(glob.glob(os.path.join(tests_dir, "*", "*.yaml")))
    if not files or not os.path.exists(index_path):
        raise lib.CorpusError(f"{crs_root}: no CRS regression tests or rules-index.json "
                              "(set RAMPART_CRS_DIR)")
    with open(index_path, encoding="utf-8") as f:
        index = json.load(f)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    requests, cases = [], []
    skipped, notes = Counter(), Counter()
    seen = set()
    for path in files:
        m = re.match(r"(?:REQUEST|RESPONSE)-(\d{3})-", os.path.basename(os.path.dirname(path)))
        file_no = m.group(1) if m else "?"
        with open(path, "rb") as f:
            doc = yaml.load(f, Loader=loader)
        if not doc or not doc.get("tests"):
            continue
        ntests = sum(len(t.get("stages") or []) for t in doc["tests"])
        if os.path.basename(os.path.dirname(path)).startswith("RESPONSE-"):
            skipped["response rule (tests the response)"] += ntests
            continue
        if file_no in SKIP_FILES:
            skipped[SKIP_FILES[file_no]] += ntests
            continue
        if file_no not in FILE_CLASSES:
            skipped[f"rule file {file_no} not mapped to a class"] += ntests
            continue
        label, accept = FILE_CLASSES[file_no]
        rule = _s(doc.get("rule_id"))
        if rule in RULE_EXTRA_ACCEPT and accept != ANY:
            accept = set(accept) | RULE_EXTRA_ACCEPT[rule]
        for t in doc["tests"]:
            stages = t.get("stages") or []
            for n, st in enumerate(stages, 1):
                if "stage" in st and "input" not in st:  # older go-ftw nesting
                    st = st["stage"]
                inp = st.get("input") or {}
                log = (st.get("output") or {}).get("log") or {}
                if log.get("expect_ids"):
                    kind, ids = "expect", log["expect_ids"]
                elif log.get("no_expect_ids"):
                    kind, ids = "no_expect", log["no_expect_ids"]
                else:
                    skipped["no expect_ids/no_expect_ids (checks status or log text)"] += 1
                    continue
                rid = f"{rule}-{t.get('test_id')}" + (f".{n}" if len(stages) > 1 else "")
                if rid in seen:
                    rid += f"#{len(seen)}"
                seen.add(rid)
                obj, why, changed = stage_request(inp, rid)
                if obj is None:
                    skipped[why] += 1
                    continue
                if changed:
                    notes["request target percent-encoded (raw space/control/non-ASCII)"] += 1
                if "raw_b64" in obj:
                    notes["sent as a raw request (encoded_request/raw_request)"] += 1
                pl = None
                for r in [rule] + [_s(i) for i in ids]:
                    if r in index and index[r].get("paranoia_level") is not None:
                        pl = index[r]["paranoia_level"]
                        break
                requests.append(obj)
                cases.append(Case(id=rid, rule=rule, file_no=file_no, label=label, accept=accept,
                                  pl=pl, kind=kind, summary=summarize(obj)))
    return requests, cases, skipped, notes


def detected(case, v):
    a = lib.attacks_of(v)
    return bool(a) if case.accept == ANY else bool(a & case.accept)


def evaluate(cases, res, floors):
    """-> (rows, checks, details). rows: one dict per (class, PL);
    checks: [(name, value, limit, ok)]."""
    crs_floors = floors.get("crs", {})
    detect_floor = crs_floors.get("detect_min", {})
    flag_ceiling = crs_floors.get("no_expect_blocked_max", {})
    groups = OrderedDict()
    order = {lab: i for i, (lab, _) in enumerate(FILE_CLASSES.values())}
    for c in sorted(cases, key=lambda c: (order[c.label], c.pl if c.pl is not None else 99)):
        g = groups.setdefault((c.label, c.pl), {
            "label": c.label, "file_no": c.file_no, "pl": c.pl, "exp": 0, "det": 0, "blk": 0,
            "err": 0, "noexp": 0, "flag": 0, "missed": [], "flagged": []})
        v = res.verdicts.get(c.id)
        if c.kind == "expect":
            g["exp"] += 1
            if v is None:
                g["err"] += 1
                g["missed"].append((c, None, res.errors.get(c.id, "no verdict")))
            elif detected(c, v):
                g["det"] += 1
                g["blk"] += 1 if v.get("blocked") else 0
            else:
                g["missed"].append((c, v, None))
        else:
            g["noexp"] += 1
            if v is None:
                g["err"] += 1
            elif v.get("blocked"):
                g["flag"] += 1
                g["flagged"].append((c, v))

    rows, checks = [], []
    for (label, pl), g in groups.items():
        plk = str(pl) if pl is not None else "-"
        g["rate"] = g["det"] / g["exp"] if g["exp"] else None
        g["frate"] = g["flag"] / g["noexp"] if g["noexp"] else None
        g["floor"] = detect_floor.get(label, {}).get(plk)
        g["ceiling"] = flag_ceiling.get(label, {}).get(plk)
        status = []
        if g["floor"] is not None and g["rate"] is not None:
            ok = g["rate"] >= g["floor"]
            checks.append((f"{label} PL{plk} detection", g["rate"], g["floor"], ok, ">="))
            status.append("ok" if ok else "BELOW FLOOR")
        if g["ceiling"] is not None and g["frate"] is not None:
            ok = g["frate"] <= g["ceiling"]
            checks.append((f"{label} PL{plk} no_expect blocked", g["frate"], g["ceiling"], ok, "<="))
            status.append("ok" if ok else "ABOVE CEILING")
        if not status:
            status.append("report only")
        g["status"] = ", ".join(dict.fromkeys(status))
        rows.append(g)
    return rows, checks


def print_report(rows, checks, res, skipped, notes, ncases, args, out=sys.stdout, final=True):
    print(f"crs: {ncases} requests scanned in {res.seconds:.1f} s "
          f"({len(res.errors)} not parsed by rampart, {len(res.rejected)} rejected by its "
          "HTTP parser)", file=out)
    hdr = ["class", "PL", "tests", "detected", "rate", "blk", "err",
           "no_expect", "blocked", "rate", "floor", "ceiling", "status"]
    table_rows = []
    for g in rows:
        table_rows.append([
            f"{g['label']} ({g['file_no']})", "-" if g["pl"] is None else g["pl"],
            g["exp"], g["det"], lib.fmt_rate(g["rate"]), g["blk"], g["err"],
            g["noexp"], g["flag"], lib.fmt_rate(g["frate"]),
            lib.fmt_rate(g["floor"]), lib.fmt_rate(g["ceiling"]), g["status"]])
    lib.table(hdr, table_rows, out=out)
    print("tests: expect_ids stages; detected: the verdict has the class; blk: detected and "
          "blocked;\nerr: not parsed by rampart (counted as missed); no_expect: no_expect_ids "
          "stages; blocked: the default policy would block them", file=out)
    if skipped:
        print(f"skipped {sum(skipped.values())} stages:", file=out)
        for why, n in skipped.most_common():
            print(f"  {n:5d}  {why}", file=out)
    for what, n in notes.most_common():
        print(f"note: {n} {what}", file=out)

    if args.verbose:
        wanted = set(args.cls or [])
        for g in rows:
            if wanted and g["label"] not in wanted:
                continue
            if not wanted and g["pl"] != 1:
                continue
            if g["missed"]:
                print(f"\nmissed {g['label']} PL{g['pl']} ({len(g['missed'])}, "
                      f"first {min(args.missed, len(g['missed']))}):", file=out)
                for c, v, err in g["missed"][:args.missed]:
                    got = ("error: " + err) if v is None else \
                        ("attacks=" + ",".join(sorted(lib.attacks_of(v))) if lib.attacks_of(v) else "clean")
                    print(f"  {c.id:<12} [{got}] {c.summary}", file=out)
            if g["flagged"]:
                print(f"\nblocked no_expect {g['label']} PL{g['pl']} ({len(g['flagged'])}, "
                      f"first {min(args.missed, len(g['flagged']))}):", file=out)
                for c, v in g["flagged"][:args.missed]:
                    f = lib.first_finding(v)
                    print(f"  {c.id:<12} {f.get('attack')} {f.get('score')} {f.get('point')}: "
                          f"{f.get('evidence')} | {c.summary}", file=out)
    if res.rejected and args.verbose:
        print(f"\nrejected by the HTTP parser, blocked as protocol ({len(res.rejected)}, "
              f"first {args.missed}):", file=out)
        for rid in sorted(res.rejected)[:args.missed]:
            f = lib.first_finding(res.verdicts[rid], "protocol")
            print(f"  {rid:<12} {f.get('evidence')}", file=out)
    if res.errors and args.verbose:
        print(f"\nnot parsed by rampart ({len(res.errors)}, first {args.missed}):", file=out)
        for rid, err in list(res.errors.items())[:args.missed]:
            print(f"  {rid:<12} {err}", file=out)

    nfail = sum(1 for c in checks if not c[3])
    for name, value, limit, ok, op in checks:
        if not ok:
            print(f"FAIL {name}: {value:.3f}, limit {op} {limit:.3f}", file=out)
    if final:  # run.py prints one line for both (scripts/test.sh sums these lines)
        print(f"crs: {len(checks) - nfail} passed, {nfail} failed", file=out)
    return nfail


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="list the missed expect_ids tests and blocked no_expect_ids tests "
                         "(PL1 of every class, or every PL of the --class ones)")
    ap.add_argument("--missed", type=int, default=30, metavar="N",
                    help="how many ids to list per class and PL (default 30)")
    ap.add_argument("--class", dest="cls", action="append", metavar="LABEL",
                    help="with -v: list this class (sqli, xss, ...) at every PL; repeatable")
    ap.add_argument("--write", metavar="FILE",
                    help="write the JSON-lines requests to FILE and exit (no scan)")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        requests, cases, skipped, notes = load(lib.crs_dir())
        if args.write:
            lib.write_jsonl(args.write, requests)
            print(f"crs: wrote {len(requests)} requests to {args.write} "
                  f"({sum(skipped.values())} stages skipped)")
            return 0
        floors = lib.load_floors()
        with tempfile.TemporaryDirectory(prefix="rampart-crs.") as tmp:
            path = os.path.join(tmp, "crs.jsonl")
            lib.write_jsonl(path, requests)
            res = lib.scan(path, [c.id for c in cases])
    except lib.CorpusError as e:
        print(f"crs: error: {e}")
        print("crs: 0 passed, 1 failed")
        return 2
    rows, checks = evaluate(cases, res, floors)
    nfail = print_report(rows, checks, res, skipped, notes, len(cases), args)
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
