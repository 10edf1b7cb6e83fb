"""What the benchmarks share: one child process measured for wall time and its own peak memory."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(argv: list[str], workdir: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and stdout of one child process (see `measure_cpu`)."""
    seconds, peak_mb, _, out = measure_cpu(argv, workdir)
    return seconds, peak_mb, out


def measure_cpu(argv: list[str], workdir: Path) -> tuple[float, float, float, str]:
    """Wall seconds, peak RSS in MB, CPU seconds (user + system, all threads) and stdout of one child process.

    Peak memory comes from os.wait4(), which returns the rusage of exactly that child (unlike the
    cumulative RUSAGE_CHILDREN), with no dependency on /usr/bin/time. DuckDB runs inside the child's
    own process, so its ru_maxrss is the whole footprint. CPU time barely moves when other work shares the
    machine, where wall time does: it tells a real change from a noisy run. Output goes to a file, not a pipe, so a
    chatty child can never block while we wait for it.
    """
    with tempfile.TemporaryFile(dir=workdir) as out, tempfile.TemporaryFile(dir=workdir) as err:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait for it again
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            sys.exit(f"failed ({child.returncode}): {' '.join(argv)}\n{err.read().decode(errors='replace')}")
        peak_kb = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024  # macOS: bytes
        return seconds, peak_kb / 1024, usage.ru_utime + usage.ru_stime, out.read().decode()


def measure_on_copy(code: str, db: Path, name: str, workdir: Path, *args: str) -> tuple[float, float, float, dict]:
    """Run `python -c code COPY ARGS` on a fresh copy of `db` (copied outside the timed part, removed after):
    wall seconds, peak MB, CPU seconds and the JSON object the child printed last."""
    import json
    import shutil

    copy = workdir / f"run_{name}.duckdb"
    shutil.copyfile(db, copy)
    try:
        seconds, peak_mb, cpu, out = measure_cpu([sys.executable, "-c", code, str(copy), *args], workdir)
        return seconds, peak_mb, cpu, json.loads(out.strip().splitlines()[-1])
    finally:
        for stale in (copy, copy.with_suffix(".duckdb.wal")):
            stale.unlink(missing_ok=True)
