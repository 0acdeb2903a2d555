#!/usr/bin/env python3
"""The Spark path against the CLI and against a plain PySpark job, side by side on one
generated corpus.

    python3 bench/spark.py                      # 1M posts, local[2], CLI on 2 threads
    python3 bench/spark.py --posts 100k

Runs, in one sequence on the same machine (release builds: `cargo build --release`,
`pip install ./python`):

1. the CLI: `socialpulse run --full --threads 2`;
2. the Spark path: `socialpulse.spark.run` at local[2], every table the CLI writes;
3. a plain PySpark job as a data team writes it today: `spark.read.json`, a Python
   vaderSentiment UDF on the text, then posts and mean compound per day, written to
   Parquet. It does far less (no deduplication, language guard, flags, topics or
   responsiveness) and still costs the most.

Reports posts/s, the ratios, and where the Spark path's time goes. Results go to
bench/results/spark.{md,json}.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from e2e import label, size  # noqa: E402


def session(threads):
    from pyspark.sql import SparkSession

    s = (SparkSession.builder.master(f"local[{threads}]").appName("socialpulse-bench")
         .config("spark.ui.enabled", "false")
         .config("spark.driver.memory", "8g")
         .config("spark.sql.shuffle.partitions", str(2 * threads))
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    return s


def plain_pyspark(spark, data, out):
    """What a data team writes on Spark today."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import DoubleType

    def compound(text):
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        global _VADER
        try:
            v = _VADER
        except NameError:
            v = _VADER = SentimentIntensityAnalyzer()
        return None if text is None else v.polarity_scores(text)["compound"]

    vader = F.udf(compound, DoubleType())
    posts = spark.read.json(os.path.join(data, "*.ndjson.gz")).where("id is not null")
    # Malformed timestamps (the corpus has some) would fail the job under ANSI casts.
    daily = (posts.withColumn("date", F.expr("to_date(try_cast(created_at as timestamp))"))
             .where("date is not null")
             .withColumn("compound", vader("text"))
             .groupBy("date", "platform")
             .agg(F.count("*").alias("posts"), F.avg("compound").alias("mean_compound")))
    daily.write.mode("overwrite").parquet(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--posts", default="1m")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--work", default=os.path.join(ROOT, "bench", "data"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "socialpulse"))
    ap.add_argument("--repeat", type=int, default=3, help="rounds of the three jobs, alternated; medians reported")
    ap.add_argument("--skip-plain", action="store_true", help="leave out the plain PySpark job")
    args = ap.parse_args()
    n = size(args.posts)
    corpus = os.path.join(args.work, f"spark-{label(n)}")
    config = os.path.join(corpus, "pipeline.toml")
    if not os.path.exists(config):
        subprocess.run([args.bin, "generate", "--posts", str(n), "--out", corpus], check=True,
                       stdout=subprocess.DEVNULL)
    env = dict(os.environ, SOCIALPULSE_KEY="bench-key-0123456789")
    os.environ["SOCIALPULSE_KEY"] = "bench-key-0123456789"
    results = {"posts": n, "threads": args.threads}

    from socialpulse import spark as sps

    spark = session(args.threads)
    times = {"cli_s": [], "spark_path_s": [], "plain_pyspark_s": []}
    breakdowns = []
    for _ in range(args.repeat):
        out = os.path.join(args.work, "spark-out-cli")
        shutil.rmtree(out, ignore_errors=True)
        t = time.perf_counter()
        subprocess.run([args.bin, "run", "-q", "--full", "--threads", str(args.threads), config, "--out", out],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        times["cli_s"].append(time.perf_counter() - t)
        written = json.load(open(os.path.join(out, "current", "_run.json")))["posts_written"]

        out_s = os.path.join(args.work, "spark-out-spark")
        shutil.rmtree(out_s, ignore_errors=True)
        t = time.perf_counter()
        manifest = sps.run(spark, config, out=out_s)
        times["spark_path_s"].append(time.perf_counter() - t)
        breakdowns.append(manifest["spark_seconds"])
        assert manifest["posts_written"] == written

        if not args.skip_plain:
            out_p = os.path.join(args.work, "spark-out-plain")
            shutil.rmtree(out_p, ignore_errors=True)
            t = time.perf_counter()
            plain_pyspark(spark, os.path.join(corpus, "data"), out_p)
            times["plain_pyspark_s"].append(time.perf_counter() - t)
    spark.stop()
    results["runs"] = times
    for k, v in times.items():
        if v:
            results[k] = statistics.median(v)
    # The breakdown of the run whose total is the median.
    breakdowns.sort(key=lambda b: b["total"])
    results["spark_breakdown_s"] = breakdowns[len(breakdowns) // 2]

    rate = lambda s: n / s  # noqa: E731
    rows = [("CLI, 2 threads", results["cli_s"]), ("Spark path, local[2]", results["spark_path_s"])]
    if "plain_pyspark_s" in results:
        rows.append(("plain PySpark + vaderSentiment UDF, local[2]", results["plain_pyspark_s"]))
    b = results["spark_breakdown_s"]
    lines = [
        f"# Spark path benchmark ({label(n)} generated records, {args.threads} cores)",
        "",
        f"`python3 bench/spark.py --posts {args.posts} --threads {args.threads} --repeat {args.repeat}`: release builds, the three jobs alternated in one sequence, medians of {args.repeat}.",
        "",
        "| job | wall s | posts/s | time ÷ CLI time |",
        "|---|---|---|---|",
    ]
    for name, s in rows:
        lines.append(f"| {name} | {s:.1f} | {rate(s):,.0f} | {s / results['cli_s']:.2f} |")
    lines += [
        "",
        "Where the Spark path's time goes (seconds, the median run):",
        "",
        "| part | s |",
        "|---|---|",
        f"| session setup, file list, broadcast | {b['setup']:.1f} |",
        f"| read stage (wall) | {b['read_stage']:.1f} |",
        f"| of which Rust in the tasks (summed over tasks) | {b['rust_read']:.1f} |",
        f"| dedup window + shuffle + day stage (wall) | {b['dedup_and_days_stage']:.1f} |",
        f"| of which Rust in the tasks (summed over tasks) | {b['rust_days']:.1f} |",
        f"| driver: fold summaries, write tables, publish | {b['driver_finish']:.1f} |",
    ]
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "bench", "results", "spark.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(ROOT, "bench", "results", "spark.json"), "w") as f:
        json.dump(results, f, indent=2)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
