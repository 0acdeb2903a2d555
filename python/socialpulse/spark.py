"""The whole pipeline on Spark, writing the same tables as ``socialpulse run``.

    from socialpulse import spark as sps
    manifest = sps.run(spark, "pipelines/agency.toml", out="/dbfs/social/out")

What runs where:

- driver: the config, the output lock, the pseudonymisation key, the file list, and at
  the end every table but ``posts`` (folded from one small summary per day) and the
  publication of the snapshot;
- executors, through ``mapInArrow``: reading and normalising the files (one task per
  group of files), then per UTC day the run's ordering, analysis, the day's ``posts``
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
        read_partitions: Optional[int] = None, day_partitions: Optional[int] = None) -> Dict[str, Any]:
    """Run the pipeline of ``config`` (a pipeline TOML path, as the CLI takes it) on
    ``spark``; ``out`` overrides ``output.dir``. Publishes ``OUT/current`` like the CLI
    (every run is a full run: no nightly state is kept) and returns the manifest.

    ``read_partitions`` (default: one per file, at most 4 × the default parallelism)
    and ``day_partitions`` (default: the default parallelism × 2) size the two stages.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    handle = _native.SparkRun(os.fspath(config), None if out is None else os.fspath(out))
    try:
        files = handle.files()
        task = handle.task()
        sc = spark.sparkContext
        task_bc = sc.broadcast(task)
        parallelism = sc.defaultParallelism
        n_read = read_partitions or max(1, min(len(files), 4 * parallelism))
        paths = spark.createDataFrame([(f,) for f in files], "path string").repartition(n_read, "path")

        def read_part(batches: Iterator[Any]) -> Iterator[Any]:
            from socialpulse import _native as native

            chosen = []
            for b in batches:
                chosen.extend(b.column("path").to_pylist())
            if chosen:
                yield native.spark_read(task_bc.value, chosen)

        read_schema = ("kind string, platform string, post_id string, day long, rank_fields int, "
                       "rank_total long, source_file string, source_position long, blob binary")
        rows = paths.mapInArrow(read_part, read_schema).persist()
        reads = [r.blob for r in rows.where("kind = 'read'").select("blob").collect()]
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
                yield native.spark_days(task_bc.value, held)

        days = by_day.mapInArrow(day_part, "day long, posts long, summary binary").collect()
        rows.unpersist()
        manifest = handle.finish([(r.day, r.posts, bytes(r.summary)) for r in days],
                                 [bytes(b) for b in reads])
        return json.loads(manifest)
    except BaseException:
        handle.abandon()
        raise
