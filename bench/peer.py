#!/usr/bin/env python3
"""The Python peer: what a data team writes today instead of socialpulse.

Reads the generated NDJSON (gzip) export, drops malformed lines and duplicate posts,
scores every post with vaderSentiment 3.3.2, computes daily volume and mean compound
sentiment per platform and account, and writes one Parquet file. Deliberately
straightforward pandas, like the scripts socialpulse replaces.

    python3 bench/peer.py CORPUS_DIR/data OUT.parquet
"""
import glob
import gzip
import json
import os
import sys

import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


def read_records(data_dir):
    rows, bad = [], 0
    for path in sorted(glob.glob(os.path.join(data_dir, "*.ndjson*"))):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                try:
                    rec = json.loads(line)
                    pd.Timestamp(rec["created_at"])  # a row without a valid time is unusable
                    rec["id"]
                except (ValueError, KeyError, TypeError):
                    bad += 1
                    continue
                rows.append(rec)
    return pd.DataFrame(rows), bad


def main():
    data_dir, out = sys.argv[1], sys.argv[2]
    df, bad = read_records(data_dir)
    # Re-exports repeat a post with higher counters: keep the one with most likes.
    df = df.sort_values("likes").drop_duplicates(["platform", "id"], keep="last")
    analyzer = SentimentIntensityAnalyzer()
    df["compound"] = [analyzer.polarity_scores(t)["compound"] for t in df["text"]]
    df["date"] = pd.to_datetime(df["created_at"], utc=True).dt.date
    daily = (
        df.groupby(["date", "platform", "account"])
        .agg(posts=("id", "size"), mean_compound=("compound", "mean"))
        .reset_index()
        .sort_values(["date", "platform", "account"])
    )
    daily.to_parquet(out, index=False)
    print(json.dumps({"posts": int(len(df)), "malformed": bad, "rows": int(len(daily))}))


if __name__ == "__main__":
    main()
