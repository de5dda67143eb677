#!/usr/bin/env python3
"""
False positives of Rampart's engine on the generated benign corpus.

  python3 tests/corpus/run_benign.py [-v] [-n N] [--seed S] [--write FILE]

Generates the corpus (benign.py: floors.json benign.requests/seed), runs
`$RAMPART_BIN scan --json` over it and prints the share of requests the
default policy would block, the blocked requests (id, attack, score, point,
evidence) and, per category, how many were blocked. The categories
"sql-in-code" and "shell-in-code" (code in code-review comments) are
reported apart and not counted in the rate.

Exit status: 0 when the rate is at most floors.json benign.max_blocked_rate,
1 when above, 2 when the run failed. Last line: "benign: N passed, N failed".
"""
import argparse
import os
import sys
import tempfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import benign  # noqa: E402
import corpuslib as lib  # noqa: E402

SHOW = 40  # blocked requests listed without -v


def evaluate(reqs, res, floors):
    cfg = floors.get("benign", {})
    limit = cfg.get("max_blocked_rate", 0.001)
    per_cat = {}
    blocked, separate, errors, below = [], [], [], 0
    for o in reqs:
        rid = o["id"]
        cat = benign.category_of(rid)
        c = per_cat.setdefault(cat, Counter())
        c["requests"] += 1
        v = res.verdicts.get(rid)
        if v is None:
            c["errors"] += 1
            errors.append((rid, res.errors.get(rid, "no verdict")))
            continue
        if v.get("blocked"):
            c["blocked"] += 1
            (separate if cat in benign.SEPARATE else blocked).append((rid, v))
        elif v.get("attacks"):
            c["findings"] += 1
            below += 1 if cat not in benign.SEPARATE else 0
    counted = sum(c["requests"] for k, c in per_cat.items() if k not in benign.SEPARATE)
    # A request rampart could not parse is a failure of its own (the proxy
    # would answer 400): counted as blocked.
    nerr = sum(1 for rid, _ in errors if benign.category_of(rid) not in benign.SEPARATE)
    rate = (len(blocked) + nerr) / counted if counted else 0.0
    return {"limit": limit, "per_cat": per_cat, "blocked": blocked, "separate": separate,
            "errors": errors, "nerr": nerr, "below": below, "counted": counted, "rate": rate,
            "ok": rate <= limit}


def show_verdict(rid, v, out):
    f = lib.first_finding(v)
    attacks = ",".join(v.get("attacks") or [])
    print(f"  {rid:<20} {attacks:<10} score {v.get('score')}  {f.get('point')}", file=out)
    if f:
        print(f"      evidence: {str(f.get('evidence'))[:160]}", file=out)
        print(f"      decoded:  {str(f.get('decoded') or f.get('raw'))[:160]}", file=out)


def print_report(r, res, args, out=sys.stdout, final=True):
    print(f"benign: {sum(c['requests'] for c in r['per_cat'].values())} requests scanned in "
          f"{res.seconds:.1f} s", file=out)
    rows = []
    for cat, c in sorted(r["per_cat"].items(), key=lambda kv: (kv[0] in benign.SEPARATE, kv[0])):
        rows.append([cat + (" (apart)" if cat in benign.SEPARATE else ""), c["requests"],
                     c["blocked"], c["findings"], c["errors"]])
    lib.table(["category", "requests", "blocked", "below-threshold", "err"], rows, out=out)
    show = len(r["blocked"]) if args.verbose else SHOW
    if r["blocked"]:
        print(f"\nblocked benign requests ({len(r['blocked'])}, first {min(show, len(r['blocked']))}):",
              file=out)
        for rid, v in r["blocked"][:show]:
            show_verdict(rid, v, out)
    if r["separate"]:
        print(f"\nblocked code in code-review comments ({len(r['separate'])}, not counted; "
              "listed with -v):", file=out)
        if args.verbose:
            for rid, v in r["separate"]:
                show_verdict(rid, v, out)
    if r["errors"]:
        print(f"\nnot parsed by rampart ({len(r['errors'])}, counted as blocked):", file=out)
        for rid, e in r["errors"][:show]:
            print(f"  {rid:<20} {e}", file=out)
    print(f"\nbenign blocked rate: {len(r['blocked'])} blocked + {r['nerr']} unparsed of "
          f"{r['counted']} = {r['rate']:.4%} (limit {r['limit']:.2%}); "
          f"{r['below']} more with below-threshold findings", file=out)
    if not r["ok"]:
        print(f"FAIL benign blocked rate {r['rate']:.4%} > {r['limit']:.2%}", file=out)
    if final:  # run.py prints one line for both (scripts/test.sh sums these lines)
        print(f"benign: {1 if r['ok'] else 0} passed, {0 if r['ok'] else 1} failed", file=out)
    return 0 if r["ok"] else 1


def corpus(args, floors):
    cfg = floors.get("benign", {})
    n = args.n if args.n is not None else cfg.get("requests", 6000)
    seed = args.seed if args.seed is not None else cfg.get("seed", 1)
    return benign.generate(n, seed)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="list every blocked request, including the code categories")
    ap.add_argument("-n", type=int, default=None, help="requests (default: floors.json)")
    ap.add_argument("--seed", type=int, default=None, help="seed (default: floors.json)")
    ap.add_argument("--write", metavar="FILE", help="write the corpus to FILE and exit (no scan)")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    floors = lib.load_floors()
    reqs = corpus(args, floors)
    if args.write:
        lib.write_jsonl(args.write, reqs)
        print(f"benign: wrote {len(reqs)} requests to {args.write}")
        return 0
    try:
        with tempfile.TemporaryDirectory(prefix="rampart-benign.") as tmp:
            path = os.path.join(tmp, "benign.jsonl")
            lib.write_jsonl(path, reqs)
            res = lib.scan(path, [o["id"] for o in reqs])
    except lib.CorpusError as e:
        print(f"benign: error: {e}")
        print("benign: 0 passed, 1 failed")
        return 2
    return print_report(evaluate(reqs, res, floors), res, args)


if __name__ == "__main__":
    sys.exit(main())
