"""The whole pipeline on Spark, writing the same tables as ``socialpulse run``.

    from socialpulse import spark as sps
    manifest = sps.run(spark, "pipelines/agency.toml", out="/dbfs/social/out")

What runs where:

- driver: the config, the output lock, the pseudonymisation key, the file list, and at
  the end every table but ``posts`` (folded from one small summary per day) and the
  publication of the snapshot;
- executors, through ``mapInArrow``: reading and normalising the files (one task per
  group of files, or per byte range of a large plain NDJSON file), then per UTC day the
  run's ordering, analysis, the day's ``posts``
  partition (written straight into the staged snapshot) and the day's summary;
- Spark itself: the deduplication window (copies of a post ordered by the keys the
  Rust rule ranks them by) and the shuffle that brings each day's posts to one task.

The output directory must be a path the driver and every executor can write (a local
path at local[N], an NFS mount, ``/dbfs/...`` on Databricks).
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterator, Optional

from . import _native

__all__ = ["run"]


def run(spark: Any, config: "str | os.PathLike[str]", out: "Optional[str | os.PathLike[str]]" = None,
        read_partitions: Optional[int] = None, day_partitions: Optional[int] = None,
        split_bytes: int = 128 << 20) -> Dict[str, Any]:
    """Run the pipeline of ``config`` (a pipeline TOML path, as the CLI takes it) on
    ``spark``; ``out`` overrides ``output.dir``. Publishes ``OUT/current`` like the CLI
    (every run is a full run: no nightly state is kept) and returns the manifest.

    A plain (uncompressed) line-format file larger than ``split_bytes`` is read in
    byte ranges of that size, each by its own task; other files are read whole.
    ``read_partitions`` (default: one per read, at most 4 × the default parallelism)
    and ``day_partitions`` (default: the default parallelism × 2) size the two stages.
    """
    import time

    from pyspark.sql import Window
    from pyspark.sql import functions as F

    t0 = time.perf_counter()
    handle = _native.SparkRun(os.fspath(config), None if out is None else os.fspath(out))
    try:
        reads = handle.reads(split_bytes)
        task = handle.task()
        sc = spark.sparkContext
        task_bc = sc.broadcast(task)
        # Seconds spent inside the Rust calls on the executors, per stage.
        rust_read = sc.accumulator(0.0)
        rust_days = sc.accumulator(0.0)
        parallelism = sc.defaultParallelism
        n_read = read_partitions or max(1, min(len(reads), 4 * parallelism))
        paths = (spark.createDataFrame(reads, "path string, start long, end long")
                 .repartition(n_read, "path", "start"))

        def read_part(batches: Iterator[Any]) -> Iterator[Any]:
            from socialpulse import _native as native

            chosen = []
            for b in batches:
                chosen.extend(zip(b.column("path").to_pylist(), b.column("start").to_pylist(),
                                  b.column("end").to_pylist()))
            if chosen:
                t = time.perf_counter()
                out = native.spark_read(task_bc.value, chosen)
                rust_read.add(time.perf_counter() - t)
                yield out

        read_schema = ("kind string, platform string, post_id string, day long, rank_fields int, "
                       "rank_total long, source_file string, source_position long, blob binary")
        t_start = time.perf_counter()
        rows = paths.mapInArrow(read_part, read_schema).persist()
        summaries = [r.blob for r in rows.where("kind = 'read'").select("blob").collect()]
        t_read = time.perf_counter()
        # One copy per (platform, post_id): the Rust rule's order (more counters known,
        # then a higher sum, then the first file and position).
        copies = Window.partitionBy("platform", "post_id").orderBy(
            F.desc("rank_fields"), F.desc("rank_total"), F.asc("source_file"), F.asc("source_position"))
        best = (rows.where("kind = 'post'")
                .withColumn("_copy", F.row_number().over(copies))
                .where("_copy = 1")
                .select("day", "blob"))
        by_day = best.repartition(day_partitions or 2 * parallelism, "day")

        def day_part(batches: Iterator[Any]) -> Iterator[Any]:
            from socialpulse import _native as native

            held = list(batches)
            if held:
                t = time.perf_counter()
                out = native.spark_days(task_bc.value, held)
                rust_days.add(time.perf_counter() - t)
                yield out

        days = by_day.mapInArrow(day_part, "day long, posts long, summary binary").collect()
        rows.unpersist()
        t_days = time.perf_counter()
        manifest = json.loads(handle.finish([(r.day, r.posts, bytes(r.summary)) for r in days],
                                            [bytes(b) for b in summaries]))
        t_end = time.perf_counter()
        # Where the time went (returned, not written to _run.json).
        manifest["spark_seconds"] = {
            "setup": t_start - t0,
            "read_stage": t_read - t_start,
            "rust_read": rust_read.value,
            "dedup_and_days_stage": t_days - t_read,
            "rust_days": rust_days.value,
            "driver_finish": t_end - t_days,
            "total": t_end - t0,
        }
        return manifest
    except BaseException:
        handle.abandon()
        raise
