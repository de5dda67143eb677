#!/usr/bin/env python3
"""Aggregates the raw wrk outputs of bench/proxy.sh into a table and JSON.

    wrk_report.py RAW_DIR META_JSON OUT_JSON

(bench/https.sh and bench/waf.sh use it too.) Optional META_JSON keys:
  "workload_notes"   {workload: text}, printed under the table;
  "notes"            [text, ...], printed under the table;
  "ratio_bases"      [target, ...] (default ["nginx"]): a "req/s vs T" and a
                     "p99 vs T" column for each (JSON: rps_vs_T, p99_vs_T);
  "split_errors"     true: separate "non-2xx" (with its share of responses)
                     and "sock err" columns instead of "errors";
  "all_responses_workloads"  [workload, ...]: for those, req/s counts every
                     response, non-2xx included (waf.sh's mixed workload,
                     where 403 to attacks is the expected answer).

RAW_DIR holds one file per run named WORKLOAD__TARGET__REP.txt (wrk --latency
output, or a file starting with "FAILED:" when the target was down). For each
(workload, target) cell the median over the repetitions is reported for
req/s, p50 and p99 independently; errors are summed over the repetitions.

req/s counts only 2xx/3xx answers: wrk's Requests/sec scaled by the share of
responses that were not "Non-2xx or 3xx", so a target that answers errors
quickly does not look fast. Socket errors (connect/read/write/timeout) are
reported next to it.
"""
import json
import os
import re
import statistics
import sys

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def to_ms(value, unit):
    return float(value) * UNITS[unit]


def parse(text, all_responses=False):
    if text.startswith("FAILED:"):
        return {"failed": text.strip()[len("FAILED:"):].strip()}
    r = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if not m:
        return {"failed": "no Requests/sec in wrk output: " + " ".join(text.split())[:200]}
    r["wrk_rps"] = float(m.group(1))
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", text)
    r["requests"] = int(m.group(1)) if m else 0
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        m = re.search(r"^\s*%s(?:\.0+)?%%\s+([\d.]+)(us|ms|s|m)\s*$" % pct, text, re.M)
        # no response within wrk's --timeout: wrk prints 0.00us, there is no latency
        r[key] = to_ms(*m.groups()) if m and r["requests"] else None
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    r["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    se = [int(x) for x in m.groups()] if m else [0, 0, 0, 0]
    r["sock_connect"], r["sock_read"], r["sock_write"], r["sock_timeout"] = se
    r["errors"] = r["non2xx"] + sum(se)
    ok_share = (r["requests"] - r["non2xx"]) / r["requests"] if r["requests"] else 0.0
    r["rps"] = r["wrk_rps"] if all_responses else r["wrk_rps"] * ok_share
    return r


def fmt_ms(v):
    if v is None:
        return "-"
    if v >= 1000:
        return "%.2fs" % (v / 1000)
    return "%.0fus" % (v * 1000) if v < 1 else "%.2fms" % v


def fmt_ratio(v):
    if v is None:
        return "-"
    if v >= 100:
        return "%.0f" % v
    if v >= 0.1 or v == 0:
        return "%.2f" % v
    return "%.3f" % v if v >= 0.001 else "<0.001"


def main():
    raw_dir, meta_path, out_path = sys.argv[1:4]
    meta = json.load(open(meta_path))
    bases = meta.get("ratio_bases") or ["nginx"]
    split = bool(meta.get("split_errors"))
    all_resp = set(meta.get("all_responses_workloads") or [])
    runs = {}
    for name in sorted(os.listdir(raw_dir)):
        if not name.endswith(".txt"):
            continue
        wl, tgt, rep = name[:-4].split("__")
        text = open(os.path.join(raw_dir, name)).read()
        runs.setdefault((wl, tgt), []).append(dict(parse(text, wl in all_resp), rep=int(rep)))

    cells = []
    for wl in meta["workloads"]:
        for tgt in meta["targets"]:
            reps = sorted(runs.get((wl, tgt), []), key=lambda r: r["rep"])
            ok = [r for r in reps if "failed" not in r]
            cell = {"workload": wl, "target": tgt, "runs": reps}
            if not ok:
                cell["failed"] = reps[0]["failed"] if reps else "not run"
            else:
                rps = [r["rps"] for r in ok]
                cell.update(
                    rps=statistics.median(rps),
                    rps_spread_pct=(max(rps) - min(rps)) / statistics.median(rps) * 100 if statistics.median(rps) else None,
                    p50_ms=statistics.median([r["p50_ms"] for r in ok if r["p50_ms"] is not None] or [None]),
                    p99_ms=statistics.median([r["p99_ms"] for r in ok if r["p99_ms"] is not None] or [None]),
                    requests=sum(r["requests"] for r in ok),
                    errors=sum(r["errors"] for r in ok),
                    non2xx=sum(r["non2xx"] for r in ok),
                    socket_errors=sum(r["sock_connect"] + r["sock_read"] + r["sock_write"] + r["sock_timeout"] for r in ok),
                    failed_runs=len(reps) - len(ok),
                )
            cells.append(cell)

    for bt in bases:
        base = {c["workload"]: c for c in cells if c["target"] == bt and "failed" not in c}
        for c in cells:
            b = base.get(c["workload"])
            if "failed" in c or not b:
                continue
            c["rps_vs_" + bt] = c["rps"] / b["rps"] if b["rps"] else None
            c["p99_vs_" + bt] = c["p99_ms"] / b["p99_ms"] if b["p99_ms"] and c["p99_ms"] is not None else None

    err_hdr = ["non-2xx", "sock err"] if split else ["errors"]
    hdr = ["workload", "target", "req/s", "spread", "p50", "p99"] + err_hdr
    for bt in bases:
        hdr += ["req/s vs " + bt, "p99 vs " + bt]
    rows = []
    for c in cells:
        if "failed" in c:
            rows.append([c["workload"], c["target"], "FAILED"] + [""] * (len(hdr) - 3))
            continue
        if split:
            n2 = str(c["non2xx"])
            if c["non2xx"] and c["requests"]:
                pct = c["non2xx"] * 100.0 / c["requests"]
                n2 += (" (%.1f%%)" if pct >= 1 else " (%.2f%%)") % pct
            sk = str(c["socket_errors"])
            if c["failed_runs"]:
                sk += " +%d failed runs" % c["failed_runs"]
            errs = [n2, sk]
        else:
            err = str(c["errors"])
            if c["errors"]:
                err += " (%d non-2xx, %d sock)" % (c["non2xx"], c["socket_errors"])
            if c["failed_runs"]:
                err += " +%d failed runs" % c["failed_runs"]
            errs = [err]
        row = [
            c["workload"], c["target"], ("%.1f" if c["rps"] < 10 else "%.0f") % c["rps"],
            "%.0f%%" % c["rps_spread_pct"] if c["rps_spread_pct"] is not None else "-",
            fmt_ms(c["p50_ms"]), fmt_ms(c["p99_ms"])] + errs
        for bt in bases:
            row += [fmt_ratio(c.get("rps_vs_" + bt)), fmt_ratio(c.get("p99_vs_" + bt))]
        rows.append(row)
    widths = [max(len(str(x)) for x in col) for col in zip(hdr, *rows)]
    line = lambda r: "  ".join(str(x).ljust(w) if i < 2 else str(x).rjust(w) for i, (x, w) in enumerate(zip(r, widths)))
    out = [line(hdr), line(["-" * w for w in widths])]
    prev = None
    for r in rows:
        if prev is not None and r[0] != prev:
            out.append("")
        prev = r[0]
        out.append(line(r))
    print("\n".join(out))
    notes = meta.get("workload_notes") or {}
    for wl in meta["workloads"]:
        if wl in notes:
            print("%s: %s" % (wl, notes[wl]))
    for n in meta.get("notes") or []:
        print(n)
    for c in cells:
        if "failed" in c:
            print("FAILED %s/%s: %s" % (c["workload"], c["target"], c["failed"]))
    json.dump(dict(meta, cells=cells), open(out_path, "w"), indent=2)
    print("\nJSON: %s" % out_path)


if __name__ == "__main__":
    main()
