#!/usr/bin/env python3
"""End-to-end benchmark: socialpulse against the Python peer, side by side.

    python3 bench/e2e.py                       # 10k, 100k, 1M posts
    python3 bench/e2e.py --sizes 10k,100k,1m,10m --peer-max 1m

For every size it generates a deterministic gzip NDJSON corpus (cached under
--work), then alternates, in one sequence, `socialpulse run` with each thread count and
the anchor: DuckDB's bare conversion of the same files to Parquet
(`COPY (SELECT * FROM read_json(...)) TO ... (FORMAT parquet)`, as many threads as the
most socialpulse uses), so each socialpulse run is a ratio to a conversion measured
beside it. The pandas + vaderSentiment peer (bench/peer.py) runs once per size. Every
step is a child process whose wall time and peak RSS (from wait4) are recorded; the
published snapshot's size is compared with its `posts` table's. Both outputs are cross-checked: daily post counts per
(date, platform, account) must agree exactly. Results go to a Markdown table and a
JSON file; socialpulse's own stage profile comes from its run manifest.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def size(s):
    s = s.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(s[-1], 1)
    return int(float(s.rstrip("km")) * mult)


def label(n):
    return f"{n // 1_000_000}M" if n >= 1_000_000 and n % 1_000_000 == 0 else f"{n // 1000}k"


def run_child(cmd, env=None):
    """Like measure(), but reaps with wait4 to get this child's own peak RSS."""
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=devnull, env=env)
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if p.returncode not in (0, 3):
        sys.exit(f"{' '.join(cmd)} failed with exit code {p.returncode}")
    return wall, usage.ru_maxrss * 1024, out.decode()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10k,100k,1m")
    ap.add_argument("--peer-max", default="1m", help="largest size the Python peer runs at")
    ap.add_argument("--threads", default=f"1,{os.cpu_count()}")
    ap.add_argument("--repeat", type=int, default=3, help="runs per point (median reported)")
    ap.add_argument("--work", default=os.path.join(ROOT, "bench", "work"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "socialpulse"))
    ap.add_argument("--results", default=os.path.join(ROOT, "bench", "results"))
    args = ap.parse_args()

    sizes = [size(s) for s in args.sizes.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    peer_max = size(args.peer_max)
    os.makedirs(args.work, exist_ok=True)
    os.makedirs(args.results, exist_ok=True)
    rows = []
    for n in sizes:
        corpus = os.path.join(args.work, f"ndjson-{label(n)}")
        if not os.path.exists(os.path.join(corpus, "pipeline.toml")):
            shutil.rmtree(corpus, ignore_errors=True)
            print(f"generating {label(n)} posts ...", flush=True)
            subprocess.run([args.bin, "generate", "--posts", str(n), "--format", "ndjson",
                            "--out", corpus], check=True, stdout=subprocess.DEVNULL)
        data_bytes = sum(os.path.getsize(os.path.join(corpus, "data", f))
                         for f in os.listdir(os.path.join(corpus, "data")))
        row = {"posts": n, "input_bytes": data_bytes, "socialpulse": {}}
        out = os.path.join(corpus, "out")
        by_threads = {t: [] for t in threads}
        anchor = []
        for _ in range(args.repeat):
            for t in threads:
                shutil.rmtree(out, ignore_errors=True)
                wall, rss, _ = run_child([args.bin, "run", "-q", "--threads", str(t),
                                          os.path.join(corpus, "pipeline.toml")])
                manifest = json.load(open(os.path.join(out, "current", "_run.json")))
                by_threads[t].append((wall, rss, manifest))
            anchor.append(duckdb_conversion(corpus, max(threads)))
        anchor.sort()
        row["duckdb"] = {"wall_s": anchor[len(anchor) // 2][0], "walls": [a[0] for a in anchor],
                         "peak_rss": max(a[1] for a in anchor), "threads": max(threads)}
        snap = os.path.realpath(os.path.join(out, "current"))
        row["snapshot_bytes"] = tree_bytes(snap)
        row["posts_bytes"] = tree_bytes(os.path.join(snap, "posts"))
        row["state_bytes"] = tree_bytes(os.path.join(snap, "_state"))
        print(f"{label(n):>5} duckdb conversion {max(threads)}T: {row['duckdb']['wall_s']:7.2f} s   "
              f"snapshot {row['snapshot_bytes'] / 2**20:.1f} MiB = "
              f"{row['snapshot_bytes'] / row['posts_bytes']:.2f}x posts "
              f"(_state {row['state_bytes'] / 2**20:.1f} MiB)", flush=True)
        for t in threads:
            runs = by_threads[t]
            runs.sort(key=lambda r: r[0])
            wall, rss, manifest = runs[len(runs) // 2]
            row["socialpulse"][t] = {
                "wall_s": wall, "posts_per_s": n / wall, "peak_rss": max(r[1] for r in runs),
                "walls": [r[0] for r in runs],
                "durations_ms": manifest.get("durations_ms", {}),
                "stage_cpu_ms": manifest.get("stage_cpu_ms", {}),
            }
            print(f"{label(n):>5} socialpulse {t} thread(s): {wall:7.2f} s  {n / wall:>10,.0f} posts/s  "
                  f"peak RSS {max(r[1] for r in runs) / 2**20:6.0f} MiB", flush=True)
        if n <= peer_max:
            peer_out = os.path.join(corpus, "peer.parquet")
            wall, rss, stdout = run_child([sys.executable, os.path.join(ROOT, "bench", "peer.py"),
                                           os.path.join(corpus, "data"), peer_out])
            row["peer"] = {"wall_s": wall, "posts_per_s": n / wall, "peak_rss": rss}
            row["agreement"] = cross_check(out, peer_out)
            print(f"{label(n):>5} python peer:          {wall:7.2f} s  {n / wall:>10,.0f} posts/s  "
                  f"peak RSS {rss / 2**20:6.0f} MiB   daily volume agrees: {row['agreement']}", flush=True)
        rows.append(row)
    with open(os.path.join(args.results, "e2e.json"), "w") as f:
        json.dump(rows, f, indent=2)
    table = markdown(rows, threads)
    with open(os.path.join(args.results, "e2e.md"), "w") as f:
        f.write(table)
    print()
    print(table)


DUCKDB_CONVERSION = """
import sys, duckdb
data, out, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = duckdb.connect()
con.execute(f"SET threads = {threads}")
con.execute(f\"\"\"COPY (SELECT * FROM read_json('{data}/*.ndjson.gz', ignore_errors = true))
               TO '{out}' (FORMAT parquet, COMPRESSION zstd)\"\"\")
"""


def duckdb_conversion(corpus, threads):
    """DuckDB's bare NDJSON -> Parquet conversion of the corpus: (wall s, peak RSS)."""
    out = os.path.join(corpus, "duckdb.parquet")
    if os.path.exists(out):
        os.remove(out)
    wall, rss, _ = run_child([sys.executable, "-c", DUCKDB_CONVERSION,
                              os.path.join(corpus, "data"), out, str(threads)])
    return wall, rss


def tree_bytes(path):
    """Bytes of the files under path, each hard-linked file once."""
    seen, total = set(), 0
    for d, _, files in os.walk(path):
        for f in files:
            st = os.stat(os.path.join(d, f))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total


def cross_check(out, peer_out):
    """Daily posts per (date, platform, account): socialpulse vs the peer, exactly."""
    import duckdb

    q = f"""
    with ours as (
        select date, platform, account, sum(posts) as posts
        from read_parquet('{out}/current/daily_volume/*.parquet') group by all),
    peer as (select date, platform, account, posts from read_parquet('{peer_out}'))
    select count(*) as n,
           count(*) filter (where ours.posts is not distinct from peer.posts) as same
    from ours full outer join peer using (date, platform, account)
    """
    n, same = duckdb.sql(q).fetchall()[0]
    return f"{same}/{n} rows"


def markdown(rows, threads):
    tmax = max(threads)
    head = ["posts", "input (gz)"]
    head += [f"socialpulse {t}T posts/s" for t in threads]
    head += [f"{tmax}T / 1T", f"peak RSS {tmax}T", f"full run ÷ DuckDB conversion ({tmax}T)",
             "snapshot ÷ posts", "peer posts/s", "peer RSS", f"ratio {tmax}T / peer",
             "analysis ÷ sentiment-only (1T CPU)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        sp = r["socialpulse"]
        cells = [label(r["posts"]), f"{r['input_bytes'] / 2**20:.0f} MiB"]
        cells += [f"{sp[t]['posts_per_s']:,.0f}" for t in threads]
        cells.append(f"{sp[tmax]['posts_per_s'] / sp[min(threads)]['posts_per_s']:.2f}×")
        cells.append(f"{sp[tmax]['peak_rss'] / 2**20:.0f} MiB")
        cells.append(f"{sp[tmax]['wall_s'] / r['duckdb']['wall_s']:.2f}×")
        cells.append(f"{r['snapshot_bytes'] / r['posts_bytes']:.2f}×")
        if "peer" in r:
            cells += [f"{r['peer']['posts_per_s']:,.0f}", f"{r['peer']['peak_rss'] / 2**20:.0f} MiB",
                      f"{sp[tmax]['posts_per_s'] / r['peer']['posts_per_s']:.1f}×"]
        else:
            cells += ["—", "—", "—"]
        # Issue 4's budget: sentiment + listening CPU over sentiment CPU, one thread.
        cpu = sp[min(threads)]["stage_cpu_ms"]
        if cpu.get("sentiment"):
            cells.append(f"{(cpu['sentiment'] + cpu.get('listening', 0)) / cpu['sentiment']:.2f}×")
        else:
            cells.append("—")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
