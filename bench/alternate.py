#!/usr/bin/env python3
"""Two builds of socialpulse side by side: full runs of one config, alternated.

    python3 bench/alternate.py --before OLD_BIN --after NEW_BIN CONFIG [--repeat 5]

Each round runs the before build, then the after build, each into a fresh output
(`--out`), on 2 threads with the same pseudonymisation key, so the two outputs must hold
equal tables. The first round compares every table (pyarrow `Table.equals`, file by
file) and the snapshot's bytes; every round prints wall time, peak RSS and the stage
profile of the run manifest. The medians of the wall times come last.
"""
import argparse
import glob
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import run_child  # noqa: E402


def tables(snapshot):
    import pyarrow.parquet as pq

    out = {}
    for d in sorted(os.listdir(snapshot)):
        path = os.path.join(snapshot, d)
        # run_summary holds each run's own id and timings.
        if d.startswith("_") or d == "run_summary" or not os.path.isdir(path):
            continue
        files = sorted(glob.glob(os.path.join(path, "**", "*.parquet"), recursive=True))
        out[d] = [pq.read_table(f) for f in files]
    return out


def size(path):
    return sum(os.path.getsize(f) for f in glob.glob(os.path.join(path, "**"), recursive=True) if os.path.isfile(f))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config")
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--work", default="/tmp/socialpulse-alternate")
    args = ap.parse_args()
    env = dict(os.environ, SOCIALPULSE_KEY="bench-key-0123456789")
    builds = {"before": args.before, "after": args.after}
    walls = {k: [] for k in builds}
    for i in range(args.repeat):
        first = {}
        for name, binary in builds.items():
            out = os.path.join(args.work, name)
            shutil.rmtree(out, ignore_errors=True)
            wall, rss, _ = run_child([binary, "run", "-q", "--threads", "2", args.config, "--out", out], env=env)
            snapshot = os.path.realpath(os.path.join(out, "current"))
            manifest = json.load(open(os.path.join(snapshot, "_run.json")))
            walls[name].append(wall)
            print(name, f"{wall:.2f}s rss {rss / 2**20:.0f} MiB", manifest["stage_cpu_ms"], flush=True)
            if i == 0:
                print(name, "snapshot", size(snapshot), "posts", size(os.path.join(snapshot, "posts")),
                      "_state", size(os.path.join(snapshot, "_state")))
                first[name] = tables(snapshot)
        if i == 0:
            a, b = first["before"], first["after"]
            if a.keys() != b.keys():
                sys.exit(f"different tables: {sorted(a)} vs {sorted(b)}")
            for t in a:
                same = len(a[t]) == len(b[t]) and all(x.equals(y) for x, y in zip(a[t], b[t]))
                print("table", t, "equal" if same else "DIFFERENT", flush=True)
    for name, ws in walls.items():
        s = sorted(ws)
        print(name, "median", round(s[len(s) // 2], 3), [round(w, 2) for w in ws])


if __name__ == "__main__":
    main()
