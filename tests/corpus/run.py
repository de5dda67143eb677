#!/usr/bin/env python3
"""
Rampart's corpus tests: detection on the OWASP CRS regression tests (crs.py)
and false positives on the generated benign corpus (run_benign.py).

  RAMPART_BIN=build/rampart python3 tests/corpus/run.py [-v] [--only crs|benign]

Builds both request sets, runs the two `rampart scan --json` at the same time
(one per core), prints both reports and a summary. Exit status: 0 when every
floor of tests/corpus/floors.json holds, 1 when one does not, 2 when the run
itself failed. The last line is "corpus: N passed, N failed" (N = floors).
"""
import argparse
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import corpuslib as lib  # noqa: E402
import crs  # noqa: E402
import run_benign  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="list missed CRS PL1 tests and every blocked benign request")
    ap.add_argument("--missed", type=int, default=30, metavar="N",
                    help="missed CRS ids listed per class and PL with -v (default 30)")
    ap.add_argument("--only", choices=["crs", "benign"], help="run one of the two")
    args = ap.parse_args(argv)
    crs_args = crs.parse_args(["--missed", str(args.missed)] + (["-v"] if args.verbose else []))
    benign_args = run_benign.parse_args(["-v"] if args.verbose else [])
    t0 = time.monotonic()
    do_crs = args.only in (None, "crs")
    do_benign = args.only in (None, "benign")

    try:
        floors = lib.load_floors()
        print(f"corpus: {lib.rampart_bin()}")
        with tempfile.TemporaryDirectory(prefix="rampart-corpus.") as tmp:
            handles = {}
            if do_crs:
                requests, cases, skipped, notes = crs.load(lib.crs_dir())
                p = os.path.join(tmp, "crs.jsonl")
                lib.write_jsonl(p, requests)
                handles["crs"] = lib.start_scan(p)
            if do_benign:
                reqs = run_benign.corpus(benign_args, floors)
                p = os.path.join(tmp, "benign.jsonl")
                lib.write_jsonl(p, reqs)
                handles["benign"] = lib.start_scan(p)
            results = {}
            errors = []
            for name, h in handles.items():
                ids = [c.id for c in cases] if name == "crs" else [o["id"] for o in reqs]
                try:
                    results[name] = lib.finish_scan(h, ids)
                except lib.CorpusError as e:
                    errors.append(f"{name}: {e}")
            if errors:
                raise lib.CorpusError("\n".join(errors))
    except lib.CorpusError as e:
        print(f"corpus: error: {e}")
        print("corpus: 0 passed, 1 failed")
        return 2

    passed = failed = 0
    summary = []
    if do_crs:
        print("\n=== CRS regression tests (detection) ===")
        rows, checks = crs.evaluate(cases, results["crs"], floors)
        nfail = crs.print_report(rows, checks, results["crs"], skipped, notes, len(cases), crs_args,
                                     final=False)
        passed += len(checks) - nfail
        failed += nfail
        for g in rows:
            if g["floor"] is not None or g["ceiling"] is not None:
                summary.append(f"crs {g['label']} PL{g['pl']}: detected {lib.fmt_rate(g['rate'])} "
                               f"(floor {lib.fmt_rate(g['floor'])}), no_expect blocked "
                               f"{lib.fmt_rate(g['frate'])} (ceiling {lib.fmt_rate(g['ceiling'])})")
    if do_benign:
        print("\n=== benign corpus (false positives) ===")
        r = run_benign.evaluate(reqs, results["benign"], floors)
        nfail = run_benign.print_report(r, results["benign"], benign_args, final=False)
        passed += 1 - nfail
        failed += nfail
        summary.append(f"benign: blocked {r['rate']:.4%} of {r['counted']} (limit {r['limit']:.2%}); "
                       f"code in comments blocked {len(r['separate'])} of "
                       f"{sum(c['requests'] for k, c in r['per_cat'].items() if k in run_benign.benign.SEPARATE)}")
    print("\n=== summary ===")
    for s in summary:
        print(s)
    print(f"({time.monotonic() - t0:.1f} s)")
    print(f"corpus: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
