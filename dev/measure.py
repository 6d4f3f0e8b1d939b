"""Runs commands interleaved and reports each run's wall time and peak memory.

Used by `deno task bench` (Deno cannot read a child's resource usage);
where there is no os.wait4 (Windows), times only. Reads a
JSON object from stdin: {"rounds": N, "warmup": W, "env": {...},
"subjects": [{"name": ..., "argv": [...], "cwd": ...}]}. Each round runs every
subject once, in order; stdout gets one JSON line per subject:
{"name": ..., "ms": [...], "maxrss_kib": [...]}. A run that fails stops
everything with its stderr.
"""

import json
import os
import subprocess
import sys
import time


def run_once(subject, env):
    start = time.perf_counter()
    child = subprocess.Popen(
        subject["argv"],
        cwd=subject.get("cwd"),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = (time.perf_counter() - start) * 1000
        child.returncode = os.waitstatus_to_exitcode(status)
        # ru_maxrss is KiB on Linux, bytes on macOS.
        rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    else:  # Windows: times only
        child.wait()
        elapsed = (time.perf_counter() - start) * 1000
        rss = None
    errors = child.stderr.read()
    child.stderr.close()
    if child.returncode != 0:
        sys.stderr.write(
            f"{subject['name']} exited {child.returncode}: {errors.decode(errors='replace')}\n"
        )
        sys.exit(1)
    return elapsed, rss


def main():
    job = json.load(sys.stdin)
    subjects = job["subjects"]
    results = {s["name"]: {"ms": [], "maxrss_kib": []} for s in subjects}
    for _ in range(job.get("warmup", 3)):
        for subject in subjects:
            run_once(subject, job["env"])
    for _ in range(job["rounds"]):
        for subject in subjects:
            ms, rss = run_once(subject, job["env"])
            results[subject["name"]]["ms"].append(ms)
            if rss is not None:
                results[subject["name"]]["maxrss_kib"].append(rss)
    for subject in subjects:
        print(json.dumps({"name": subject["name"], **results[subject["name"]]}))


main()
