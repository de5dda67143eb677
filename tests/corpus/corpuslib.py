"""Shared helpers of the corpus tests: the binary, the corpus directory, the
floors file, running `rampart scan --json` and reading its verdicts.

Standard library only (crs.py also needs python3-yaml).
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FLOORS = os.path.join(HERE, "floors.json")

# Upper bound on one `rampart scan` run; the whole corpus run is meant to take
# well under a minute, so this only stops a hung binary.
SCAN_TIMEOUT = float(os.environ.get("RAMPART_SCAN_TIMEOUT", "300"))


class CorpusError(Exception):
    """The run itself failed (no binary, no corpus, scan crashed): exit 2."""


def rampart_bin():
    b = os.environ.get("RAMPART_BIN") or os.path.join(ROOT, "build", "rampart")
    return os.path.abspath(b)


def crs_dir():
    """The CRS corpus: $RAMPART_CRS_DIR, else ../shared/corpus/crs from the repo."""
    d = os.environ.get("RAMPART_CRS_DIR") or os.path.join(ROOT, "..", "shared", "corpus", "crs")
    return os.path.abspath(d)


def load_floors(path=None):
    with open(path or FLOORS, encoding="utf-8") as f:
        return json.load(f)


class ScanResult:
    """The verdicts of one `rampart scan --json` run, by request id."""

    def __init__(self, verdicts, errors, file_errors, rc, seconds, stderr):
        self.verdicts = verdicts        # id -> verdict dict (no "error" key)
        # ids the HTTP parser rejected: their verdict is "blocked, protocol"
        # (what the proxy does: answer 400, never forward)
        self.rejected = {i for i, v in verdicts.items() if v.get("rejected")}
        self.errors = errors            # id -> error string (request not parsed)
        self.file_errors = file_errors  # lines with an error and no id
        self.rc = rc
        self.seconds = seconds
        self.stderr = stderr


def start_scan(path, extra_args=()):
    """Starts `rampart scan --json [extra] path`; finish with finish_scan()."""
    b = rampart_bin()
    if not os.access(b, os.X_OK):
        raise CorpusError(f"{b}: not an executable (build it, or set RAMPART_BIN)")
    argv = [b, "scan", "--json", *extra_args, path]
    try:
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        raise CorpusError(f"cannot run {b}: {e}") from e
    return (p, argv, time.monotonic())


def finish_scan(handle, expected_ids):
    """Waits for a scan started by start_scan; checks that every id in
    expected_ids got a verdict or an error line."""
    p, argv, t0 = handle
    try:
        out, err = p.communicate(timeout=SCAN_TIMEOUT)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise CorpusError(f"{' '.join(argv)}: no answer after {SCAN_TIMEOUT:.0f} s")
    seconds = time.monotonic() - t0
    stderr = err.decode("utf-8", "replace")
    if p.returncode not in (0, 1, 2):
        raise CorpusError(f"{' '.join(argv)}: exit status {p.returncode}\n{tail(stderr)}")
    verdicts, errors, file_errors = {}, {}, []
    for n, line in enumerate(out.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            v = json.loads(line)
        except ValueError:
            raise CorpusError(f"scan output line {n} is not JSON: {line[:200]!r}") from None
        if not isinstance(v, dict):
            raise CorpusError(f"scan output line {n} is not a JSON object: {line[:200]!r}")
        rid = v.get("id")
        if "error" in v:
            if rid is None:
                file_errors.append(v)
            else:
                errors[str(rid)] = str(v["error"])
            continue
        if rid is None:
            raise CorpusError(f"scan output line {n} has no id: {line[:200]!r}")
        verdicts[str(rid)] = v
    if file_errors and not verdicts and not errors:
        raise CorpusError(f"{' '.join(argv)}: {file_errors[0].get('error')}\n{tail(stderr)}")
    missing = [i for i in expected_ids if i not in verdicts and i not in errors]
    if missing:
        raise CorpusError(f"{' '.join(argv)}: exit status {p.returncode}, no verdict for "
                          f"{len(missing)} of {len(expected_ids)} requests (first: {missing[:5]})"
                          f"\n{tail(stderr)}")
    return ScanResult(verdicts, errors, file_errors, p.returncode, seconds, stderr)


def scan(path, expected_ids, extra_args=()):
    return finish_scan(start_scan(path, extra_args), expected_ids)


def attacks_of(v):
    return set(v.get("attacks") or [])


def first_finding(v, prefer=None):
    """The finding to show for a verdict: the highest score (of class prefer
    if there is one)."""
    fs = [f for f in (v.get("findings") or []) if isinstance(f, dict)]
    if prefer:
        fp = [f for f in fs if f.get("attack") == prefer]
        fs = fp or fs
    if not fs:
        return {}
    return max(fs, key=lambda f: f.get("score") or 0)


def tail(s, n=15):
    lines = s.strip().splitlines()
    return "\n".join(lines[-n:])


def fmt_rate(r):
    return "-" if r is None else f"{r:.3f}"


def table(headers, rows, out=sys.stdout):
    """Prints rows (lists of str) left-aligned for the first column and
    right-aligned for the rest."""
    cols = [headers] + rows
    w = [max(len(str(r[i])) for r in cols) for i in range(len(headers))]

    def line(r):
        cells = []
        for i, c in enumerate(r):
            c = str(c)
            cells.append(c.ljust(w[i]) if i == 0 or i == len(r) - 1 else c.rjust(w[i]))
        return "  ".join(cells).rstrip()

    print(line(headers), file=out)
    print("  ".join("-" * x for x in w), file=out)
    for r in rows:
        print(line(r), file=out)


def write_jsonl(path, objs):
    with open(path, "w", encoding="utf-8") as f:
        for o in objs:
            f.write(json.dumps(o, ensure_ascii=True, separators=(",", ":")))
            f.write("\n")
