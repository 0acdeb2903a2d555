"""Shared fixtures: the CLI (the reference the package must equal), corpora, duckdb
comparison, a local Spark."""

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "pipelines" / "example.toml"
KEY = "python-package-test-key"
TABLES = ["posts", "rejects", "escalations", "emerging_terms", "daily_volume", "daily_sentiment",
          "engagement", "responsiveness", "unanswered", "topic_daily", "daily_labels", "cost_benefit"]


def binary() -> Path:
    b = Path(os.environ.get("SOCIALPULSE_BIN", ROOT / "target" / "ci" / "socialpulse"))
    if not b.exists():
        pytest.fail(f"the socialpulse binary is missing at {b}: run `cargo build --profile ci` "
                    "or set SOCIALPULSE_BIN (bash scripts/test does both)")
    return b


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    # The package and the CLI must make the same pseudonyms.
    monkeypatch.setenv("SOCIALPULSE_KEY", KEY)


def cli_run(config: Path, out: Path) -> Path:
    env = dict(os.environ, SOCIALPULSE_KEY=KEY)
    r = subprocess.run([str(binary()), "run", "-q", str(config), "--out", str(out)],
                       capture_output=True, text=True, env=env)
    assert r.returncode in (0, 3), r.stderr
    return out / "current"


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    """20,000 generated NDJSON records in 5 files over 14 days: duplicates with higher
    counters, malformed records, replies in threads."""
    d = tmp_path_factory.mktemp("generated")
    r = subprocess.run([str(binary()), "generate", "--posts", "20000", "--posts-per-file", "4000",
                        "--days", "14", "--out", str(d / "corpus")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return d / "corpus" / "pipeline.toml"


@pytest.fixture(params=["example", "generated"])
def corpus(request, generated) -> Path:
    return EXAMPLE if request.param == "example" else generated


def relation(con, data) -> str:
    """A duckdb view name over a pyarrow table or a table folder."""
    name = f"t{len(con.execute('show tables').fetchall())}"
    if isinstance(data, Path):
        con.execute(f"create view {name} as select * from read_parquet('{data}/**/*.parquet', "
                    "hive_partitioning = false, union_by_name = true)")
    else:
        con.register(name + "_arrow", data)
        con.execute(f"create view {name} as select * from {name}_arrow")
    return name


def assert_same_rows(a, b, what: str, columns: str = "*"):
    """Equal multisets of rows (EXCEPT ALL both ways), duckdb over both sides."""
    con = duckdb.connect()
    ra, rb = relation(con, a), relation(con, b)
    na = con.execute(f"select count(*) from {ra}").fetchall()[0][0]
    nb = con.execute(f"select count(*) from {rb}").fetchall()[0][0]
    only_a = con.execute(f"select count(*) from (select {columns} from {ra} except all select {columns} from {rb})").fetchall()[0][0]
    only_b = con.execute(f"select count(*) from (select {columns} from {rb} except all select {columns} from {ra})").fetchall()[0][0]
    assert (na, only_a, only_b) == (nb, 0, 0), f"{what}: {na} vs {nb} rows, {only_a} and {only_b} rows on one side only"
    return na


@pytest.fixture(scope="session")
def spark():
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.fail("the Spark tests need Java 17 (apt-get install openjdk-17-jre-headless)")
    from pyspark.sql import SparkSession

    s = (SparkSession.builder.master("local[2]").appName("socialpulse-tests")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", "4")
         .config("spark.driver.memory", "2g")
         .getOrCreate())
    s.sparkContext.setLogLevel("ERROR")
    yield s
    s.stop()
