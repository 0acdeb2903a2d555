#!/usr/bin/env python3
"""Nightly benchmark: one night of new posts on top of a stored history, against a full
rerun of the same data, side by side.

    python3 bench/nightly.py                          # 10k new posts on 1M stored
    python3 bench/nightly.py --stored 1m,10m --night 10k --threads 2 --repeat 3

For each history size S it generates one corpus of S + N records in files of N records
(so the last file is the night: N records on the latest days, the rest are the
history), runs a full run over the history, then times, on the same machine in one
sequence:

- the night: `socialpulse run` with the night's file added (the output restored to the
  history's snapshot before each repetition);
- the full rerun: `socialpulse run --full` over history and night into a fresh output.

Both end with the same tables (tests/nightly.rs checks that equality); the ratio of
the medians is what matters. Results go to bench/results/nightly.{md,json}.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from e2e import label, run_child, size  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stored", default="1m")
    ap.add_argument("--night", default="10k")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=os.path.join(ROOT, "bench", "data"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "socialpulse"))
    ap.add_argument("--results", default=os.path.join(ROOT, "bench", "results"))
    args = ap.parse_args()
    night = size(args.night)
    rows = []
    env = dict(os.environ, SOCIALPULSE_KEY="bench-key-0123456789")
    for stored in [size(s) for s in args.stored.split(",")]:
        corpus = os.path.join(args.work, f"nightly-{label(stored)}-{label(night)}")
        if not os.path.exists(os.path.join(corpus, "pipeline.toml")):
            print(f"generating {label(stored)} + {label(night)} records ...", flush=True)
            subprocess.run([args.bin, "generate", "--posts", str(stored + night), "--format", "ndjson",
                            "--posts-per-file", str(night), "--out", corpus],
                           check=True, stdout=subprocess.DEVNULL)
        data = os.path.join(corpus, "data")
        files = sorted(os.listdir(data))
        last = files[-1]
        parked = os.path.join(corpus, last + ".night")
        if os.path.exists(os.path.join(data, last)):
            os.rename(os.path.join(data, last), parked)
        cfg = os.path.join(corpus, "pipeline.toml")
        history = os.path.join(corpus, "out-history")
        run = [args.bin, "run", "-q", "--threads", str(args.threads), cfg]
        shutil.rmtree(history, ignore_errors=True)
        wall, _, _ = run_child(run + ["--out", history], env=env)
        print(f"{label(stored)} history: full run {wall:.2f} s", flush=True)
        os.rename(parked, os.path.join(data, last))
        nights, fulls, manifest = [], [], {}
        night_out = os.path.join(corpus, "out-night")
        full_out = os.path.join(corpus, "out-full")
        for _ in range(args.repeat):
            shutil.rmtree(night_out, ignore_errors=True)
            subprocess.run(["cp", "-a", history, night_out], check=True)
            wall, rss, _ = run_child(run + ["--out", night_out], env=env)
            manifest = json.load(open(os.path.join(night_out, "current", "_run.json")))
            assert manifest["mode"] == "incremental", manifest["mode"]
            nights.append((wall, rss))
            shutil.rmtree(full_out, ignore_errors=True)
            wall, rss, _ = run_child(run + ["--full", "--out", full_out], env=env)
            fulls.append((wall, rss))
        med = lambda xs: sorted(xs)[len(xs) // 2]
        n, f = med([x[0] for x in nights]), med([x[0] for x in fulls])
        row = {
            "stored": stored, "night": night, "threads": args.threads,
            "night_s": n, "full_s": f, "ratio": n / f,
            "night_walls": [x[0] for x in nights], "full_walls": [x[0] for x in fulls],
            "night_peak_rss": max(x[1] for x in nights), "full_peak_rss": max(x[1] for x in fulls),
            "days_recomputed": manifest.get("partitions_rewritten"),
            "night_durations_ms": manifest.get("durations_ms", {}),
        }
        rows.append(row)
        print(f"{label(stored)} stored + {label(night)}: night {n:.2f} s, full rerun {f:.2f} s, "
              f"ratio {n / f:.3f} ({row['days_recomputed']} days recomputed)", flush=True)
        shutil.rmtree(night_out, ignore_errors=True)
        shutil.rmtree(full_out, ignore_errors=True)
    os.makedirs(args.results, exist_ok=True)
    # Rows of other history sizes measured before are kept: each size may need its own
    # --repeat (a 10M full rerun takes minutes), so one file gathers several invocations.
    path = os.path.join(args.results, "nightly.json")
    try:
        kept = [r for r in json.load(open(path)) if (r["stored"], r["night"], r.get("threads")) not in
                {(x["stored"], x["night"], x["threads"]) for x in rows}]
    except (OSError, ValueError, KeyError, TypeError):
        kept = []
    rows = sorted(kept + rows, key=lambda r: (r["stored"], r["night"]))
    with open(path, "w") as fh:
        json.dump(rows, fh, indent=2)
    with open(os.path.join(args.results, "nightly.md"), "w") as fh:
        fh.write("`python3 bench/nightly.py --stored N --night M --threads T --repeat R`, one row per "
                 "invocation (night and full rerun alternated, medians of R)\n\n")
        fh.write("| stored posts | night | threads | repeat | night (s) | full rerun (s) | night / full | days recomputed |\n")
        fh.write("|---|---|---|---|---|---|---|---|\n")
        for r in rows:
            fh.write(f"| {label(r['stored'])} | {label(r['night'])} | {r.get('threads', '')} "
                     f"| {len(r.get('night_walls', []))} | {r['night_s']:.2f} | {r['full_s']:.2f} "
                     f"| {r['ratio']:.3f} | {r['days_recomputed']} |\n")

if __name__ == "__main__":
    main()
