#!/usr/bin/env python3
"""
Rampart integration tests: the real binary on loopback.

  RAMPART_BIN=/abs/build/rampart python3 tests/integration/run.py [-k SUBSTR] [-v] [-x]

Runs every test_* function of tests/integration/test_*.py in file order. A
test takes no argument or one (the Ctx fixture from harness.py). Prints a
PASS/FAIL/SKIP line per test and ends with
"integration: N passed, N failed, N skipped"; exit status 1 if any failed.
"""
import argparse
import importlib.util
import inspect
import os
import signal
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402

DEFAULT_TEST_TIMEOUT = 30.0


def discover(pattern):
    tests = []
    for fname in sorted(os.listdir(HERE)):
        if not (fname.startswith("test_") and fname.endswith(".py")):
            continue
        modname = fname[:-3]
        spec = importlib.util.spec_from_file_location(modname, os.path.join(HERE, fname))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for name, fn in vars(mod).items():   # definition order
            if name.startswith("test_") and inspect.isfunction(fn) and fn.__module__ == modname:
                full = f"{modname}::{name}"
                if pattern is None or any(p in full for p in pattern):
                    tests.append((full, fn))
    return tests


def one_line(e):
    msg = str(e).strip() or type(e).__name__
    if not isinstance(e, AssertionError):
        msg = f"{type(e).__name__}: {msg}"
    return msg


def where(tb):
    """file:line of the innermost frame that is in a test file."""
    frames = traceback.extract_tb(tb)
    for f in reversed(frames):
        if os.path.basename(f.filename).startswith("test_"):
            return f"{os.path.basename(f.filename)}:{f.lineno}: {f.line}"
    if frames:
        f = frames[-1]
        return f"{os.path.basename(f.filename)}:{f.lineno}: {f.line}"
    return ""


def run_test(full, fn, verbose):
    ctx = harness.Ctx(full.split("::")[-1])
    nparams = len(inspect.signature(fn).parameters)
    limit = getattr(fn, "timeout", DEFAULT_TEST_TIMEOUT)
    outcome = {}

    def body():
        try:
            fn(ctx) if nparams else fn()
            outcome["ok"] = True
        except harness.Skip as e:
            outcome["skip"] = str(e)
        except BaseException as e:  # noqa: B902 - report everything
            outcome["err"] = e
            outcome["tb"] = e.__traceback__

    t0 = time.monotonic()
    th = threading.Thread(target=body, daemon=True, name=full)
    th.start()
    th.join(limit)
    timed_out = th.is_alive()
    problems = []
    if timed_out:
        problems.append(f"test exceeded its {limit:.0f}s time limit")
    cleanup_errors = ctx.cleanup()   # stops processes, closes sockets
    if timed_out:
        th.join(5)
    dt = time.monotonic() - t0
    problems += ctx.problems

    status, reason, detail = "PASS", "", []
    sanitizer = [p for p in problems if p.startswith("sanitizer")]
    if "skip" in outcome and not sanitizer:
        status, reason = "SKIP", outcome["skip"]
    elif "err" in outcome:
        e = outcome["err"]
        status, reason = "FAIL", one_line(e)
        detail.append(where(outcome["tb"]))
        if verbose:
            detail += "".join(traceback.format_exception(type(e), e, outcome["tb"])).splitlines()
        if sanitizer:   # the crash is the news; the test's symptom is detail
            detail.insert(0, f"(test saw: {reason.splitlines()[0]})")
            reason = sanitizer[0]
    elif timed_out or problems:
        status, reason = "FAIL", (problems[0] if problems else "timed out")
    if status == "FAIL":
        detail += [p for p in problems if p != reason]
        detail += cleanup_errors
        if verbose:
            for r in ctx.rampart_procs:
                detail.append(f"--- {r.stderr_path} (tail)")
                detail += r.stderr_tail(15).splitlines()
            detail.append(f"(kept {ctx.tmpdir})")
    if status != "FAIL" or not verbose:
        ctx.remove_tmpdir()

    first, _, rest = reason.partition("\n")
    if status == "PASS":
        print(f"PASS {full} ({dt:.1f}s)", flush=True)
    elif status == "SKIP":
        print(f"SKIP {full}: {first} ({dt:.1f}s)", flush=True)
    else:
        print(f"FAIL {full}: {first} ({dt:.1f}s)", flush=True)
        for line in rest.splitlines()[:40] + [d for d in detail if d]:
            print(f"    {line}", flush=True)
    if verbose and fn.__doc__ and status != "PASS":
        print(f"    ({' '.join(fn.__doc__.split())})", flush=True)
    return status


def main():
    ap = argparse.ArgumentParser(description="Rampart integration tests")
    ap.add_argument("-k", action="append", help="run tests whose name contains this (repeatable)")
    ap.add_argument("-v", action="store_true", help="tracebacks, log tails, keep temp dirs of failures")
    ap.add_argument("-x", action="store_true", help="stop at the first failure")
    ap.add_argument("--list", action="store_true", help="list the tests and exit")
    args = ap.parse_args()

    def on_signal(signum, frame):
        harness.kill_all_processes()
        sys.exit(130)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    tests = discover(args.k)
    if args.list:
        for full, fn in tests:
            print(f"{full}: {' '.join((fn.__doc__ or '').split())}")
        return 0
    if not os.access(harness.RAMPART_BIN, os.X_OK):
        print(f"integration: {harness.RAMPART_BIN} is not an executable (set RAMPART_BIN)")
        print(f"integration: 0 passed, {len(tests)} failed")
        return 1

    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    t0 = time.monotonic()
    try:
        for full, fn in tests:
            st = run_test(full, fn, args.v)
            counts[st] += 1
            if st == "FAIL" and args.x:
                break
    finally:
        harness.kill_all_processes()
    line = f"integration: {counts['PASS']} passed, {counts['FAIL']} failed"
    if counts["SKIP"]:
        line += f", {counts['SKIP']} skipped"
    print(f"({time.monotonic() - t0:.1f}s)")
    print(line, flush=True)
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
