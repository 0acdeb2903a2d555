"""The Spark path at local[2] writes the same tables as the CLI (every table but
run_summary, duckdb EXCEPT ALL both ways)."""

import json

import pytest

from conftest import EXAMPLE, TABLES, assert_same_rows, cli_run
from socialpulse import spark as sps


def test_spark_tables_equal_the_cli(spark, corpus, tmp_path):
    cli = cli_run(corpus, tmp_path / "cli")
    manifest = sps.run(spark, corpus, out=tmp_path / "spark")
    cur = tmp_path / "spark" / "current"
    for t in TABLES:
        assert_same_rows(cur / t, cli / t, t)
    want = json.loads((cli / "_run.json").read_text())
    for k in ["posts_read", "duplicates_removed", "posts_written", "rejects", "escalations", "partitions"]:
        assert manifest[k] == want[k], k
    # Published like a run: the report too.
    assert (tmp_path / "spark" / "report.html").exists()


class LostCluster:
    """A session whose cluster is gone: the run fails after the driver staged a snapshot."""

    @property
    def sparkContext(self):
        raise RuntimeError("cluster gone")


def test_a_failed_spark_run_publishes_nothing_and_frees_the_output(spark, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="cluster gone"):
        sps.run(LostCluster(), EXAMPLE, out=out)
    assert not (out / "current").exists()
    snapshots = out / ".socialpulse" / "snapshots"
    assert not snapshots.exists() or not any(snapshots.iterdir())
    # The lock went with the failed run: the next one publishes.
    sps.run(spark, EXAMPLE, out=out)
    assert (out / "current" / "_run.json").exists()


def test_retention_is_refused_rather_than_ignored(spark, tmp_path):
    config = tmp_path / "retention.toml"
    config.write_text(EXAMPLE.read_text().replace('paths = ["../fixtures"]', f'paths = ["{EXAMPLE.parent.parent / "fixtures"}"]')
                      .replace('topic_files = ["taxonomies/transit.toml"]',
                               f'topic_files = ["{EXAMPLE.parent / "taxonomies" / "transit.toml"}"]')
                      + "\n[retention]\ndays = 30\n")
    with pytest.raises(RuntimeError, match="retention"):
        sps.run(spark, config, out=tmp_path / "out")
    assert not (tmp_path / "out" / "current").exists()


def test_large_plain_ndjson_files_are_read_in_byte_ranges(spark, tmp_path):
    import subprocess

    from conftest import binary

    corpus = tmp_path / "plain"
    r = subprocess.run([str(binary()), "generate", "--posts", "20000", "--posts-per-file", "10000",
                        "--compression", "none", "--days", "10", "--out", str(corpus)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    config = corpus / "pipeline.toml"
    cli = cli_run(config, tmp_path / "cli")
    # About 4.5 MB per file: 16 ranges, cutting lines anywhere.
    manifest = sps.run(spark, config, out=tmp_path / "spark", split_bytes=300_000)
    cur = tmp_path / "spark" / "current"
    for t in TABLES:
        assert_same_rows(cur / t, cli / t, t)
    # The ranges' reports add up to each file's, hash included.
    want = {i["path"]: i for i in json.loads((cli / "_run.json").read_text())["inputs"]}
    got = {i["path"]: i for i in manifest["inputs"]}
    assert got.keys() == want.keys()
    for path, w in want.items():
        for k in ["bytes", "blake3", "records", "posts", "rejects", "format", "compression"]:
            assert got[path][k] == w[k], (path, k)
