#!/usr/bin/env python3
"""Runs one command several times and prints its median wall time, CPU time and peak RSS.

    bench/measure.py RUNS COMMAND [ARGS...]
    → one line: median_wall_s median_cpu_s median_peak_rss_kb min_wall_s max_wall_s

Each run is a fresh process with stdout to /dev/null; wall time is taken around spawn and wait.
CPU (user + system, microseconds) comes from wait4's rusage, which on Linux includes the
child's reaped children (the command under GNU time; time's own share is ~1 ms). Peak RSS comes
from GNU time (`/usr/bin/time -f %M`), not from wait4: Linux counts the RSS a child had before
exec, so a child forked from Python would report Python's ~14 MB as its floor (time's own is
~1 MB). Without /usr/bin/time the RSS column includes that floor.
A run that exits non-zero stops the measurement (exit 1, its stderr shown): a benchmark of an
error path would measure the wrong thing.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time


GNU_TIME = "/usr/bin/time"


def run_once(argv):
    # stderr goes to a file: a pipe could fill up while we sit in wait4.
    with open(os.devnull, "wb") as null, tempfile.TemporaryFile() as errors, \
            tempfile.NamedTemporaryFile(mode="r") as timing:
        wrapped = argv
        if os.access(GNU_TIME, os.X_OK):
            wrapped = [GNU_TIME, "-q", "-f", "%M", "-o", timing.name] + argv
        start = time.perf_counter()
        process = subprocess.Popen(wrapped, stdout=null, stderr=errors)
        # wait4 gives this child's own rusage (RUSAGE_CHILDREN would mix in earlier runs).
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code
        if code != 0:
            errors.seek(0)
            sys.stderr.write(f"measure: {' '.join(argv)} exited {code}\n")
            sys.stderr.write(errors.read().decode(errors="replace")[-2000:])
            sys.exit(1)
        figures = timing.read().split()
    rss = int(figures[0]) if len(figures) == 1 else usage.ru_maxrss
    return wall, usage.ru_utime + usage.ru_stime, rss


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: measure.py RUNS COMMAND [ARGS...]")
    runs = int(sys.argv[1])
    argv = sys.argv[2:]
    results = [run_once(argv) for _ in range(runs)]
    walls = [r[0] for r in results]
    print(f"{statistics.median(walls):.4f} {statistics.median(r[1] for r in results):.4f} "
          f"{int(statistics.median(r[2] for r in results))} {min(walls):.4f} {max(walls):.4f}")


if __name__ == "__main__":
    main()
