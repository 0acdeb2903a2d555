"""The package against the CLI: the same posts, rejects and tables for the same inputs
and config, and VADER against the reference scores of the VADER paper's tweets."""

import math
import tomllib
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset  # noqa: F401  (pa.dataset)
import pyarrow.parquet  # noqa: F401  (pa.parquet)
import pytest

import socialpulse as sp
from conftest import ROOT, TABLES, assert_same_rows, cli_run


def inputs(config: Path):
    cfg = tomllib.loads(config.read_text())
    return [str((config.parent / p).resolve()) for p in cfg["input"]["paths"]]


def test_read_then_analyse_equals_the_cli_posts_and_rejects(corpus, tmp_path):
    cur = cli_run(corpus, tmp_path / "out")
    posts, rejects = sp.read(inputs(corpus), config=corpus)
    assert {"link", "withheld"} <= set(posts.column_names)
    analysed = sp.analyse(posts, config=corpus)
    cli = pa.parquet.read_schema(next((cur / "posts").rglob("*.parquet")))
    assert analysed.schema.names == cli.names
    n = assert_same_rows(analysed, cur / "posts", "posts")
    assert n == posts.num_rows > 0
    assert_same_rows(rejects, cur / "rejects", "rejects")


def test_metrics_equal_the_cli_tables(corpus, tmp_path):
    cur = cli_run(corpus, tmp_path / "out")
    posts, _ = sp.read(inputs(corpus), config=corpus)
    analysed = sp.analyse(posts, config=corpus)
    # The operational tables link to the source's own post, which `read` carries.
    tables = sp.metrics(analysed.append_column("link", posts["link"]), config=corpus)
    assert set(tables) == set(TABLES) - {"posts", "rejects"}
    for name, table in tables.items():
        assert_same_rows(table, cur / name, name)


def test_metrics_of_the_published_posts_equal_the_cli_tables(tmp_path):
    """The published `posts` table is a valid input too (links aside)."""
    cur = cli_run(ROOT / "pipelines" / "example.toml", tmp_path / "out")
    published = pa.dataset.dataset(cur / "posts", format="parquet").to_table()
    tables = sp.metrics(published, config=ROOT / "pipelines" / "example.toml")
    for name in ["daily_volume", "daily_sentiment", "topic_daily", "engagement", "responsiveness", "cost_benefit"]:
        assert_same_rows(tables[name], cur / name, name)


def reference_tweets():
    shared = ROOT / "data" / "vader"
    texts = {}
    for line in (shared / "tweets_GroundTruth.txt").read_bytes().decode("utf-8").split("\n"):
        line = line.rstrip("\r\n")
        if line:
            i, _rating, text = line.split("\t", 2)
            texts[i] = text
    ref = pd.read_csv(shared / "tweets_reference_scores.tsv", sep="\t", dtype={"id": str})
    return texts, ref


def test_score_equals_the_reference_vader_on_4200_tweets():
    texts, ref = reference_tweets()
    scores = sp.score([texts[i] for i in ref["id"]]).to_pandas()
    assert len(scores) == 4200
    for col in ["neg", "neu", "pos", "compound"]:
        diff = (scores[col] - ref[col]).abs()
        assert (diff == 0).all(), f"{col}: {int((diff > 0).sum())} tweets differ"
    # Labels by the default thresholds (±0.05), worked out here.
    want = ["positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral" for c in ref["compound"]]
    assert scores["label"].tolist() == want


def test_score_takes_lists_and_arrow_arrays_and_keeps_nulls():
    from_list = sp.score(["I love the new timetable!", None, "The bus is late again :("])
    from_arrow = sp.score(pa.array(["I love the new timetable!", None, "The bus is late again :("]))
    from_polars = sp.score(pl.Series(["I love the new timetable!", None, "The bus is late again :("]).to_arrow())
    assert from_list.equals(from_arrow) and from_list.equals(from_polars)
    d = from_list.to_pydict()
    assert d["label"] == ["positive", None, "negative"]
    assert d["compound"][1] is None and d["compound"][0] > 0.5


def test_analyse_takes_polars_duckdb_and_pandas(tmp_path):
    config = ROOT / "pipelines" / "example.toml"
    posts, _ = sp.read(inputs(config), config=config)
    want = sp.analyse(posts, config=config)
    con = duckdb.connect()
    con.register("posts_arrow", posts)
    for data in [pl.from_arrow(posts), con.sql("select * from posts_arrow"), posts.to_pandas()]:
        got = sp.analyse(data, config=config)
        assert got.num_rows == want.num_rows
        assert_same_rows(got, want, type(data).__name__)


def test_bad_input_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="cannot read|No such file|not found"):
        sp.read([tmp_path], config=tmp_path / "missing.toml")
    with pytest.raises(RuntimeError, match="no input"):
        sp.read([tmp_path / "nothing-here"])
    with pytest.raises(ValueError, match="no column `platform`"):
        sp.analyse(pa.table({"text": ["hello"]}))
    with pytest.raises(TypeError):
        sp.analyse({"text": ["hello"]})
    bad = pa.table({"platform": ["x"], "post_id": ["1"], "created_at": pa.array([0], pa.timestamp("us", "UTC")),
                    "direction": ["sideways"], "kind": ["original"]})
    with pytest.raises(ValueError, match="direction"):
        sp.analyse(bad)


def test_each_kind_of_failure_raises_its_own_class(tmp_path):
    """One class per kind, each still the built-in class raised before it existed."""
    import fcntl

    bad = tmp_path / "bad.toml"
    bad.write_text('[metrics]\ntimezone = "Pacific/Aukland"\n')
    with pytest.raises(sp.ConfigError, match="unknown time zone") as e:
        sp.read([tmp_path], config=bad)
    assert isinstance(e.value, ValueError) and isinstance(e.value, sp.SocialpulseError)
    with pytest.raises(sp.NoInputsError, match="no input files found") as e:
        sp.read([tmp_path / "nothing-here"])
    assert isinstance(e.value, RuntimeError) and isinstance(e.value, FileNotFoundError)
    out = tmp_path / "out"
    config = tmp_path / "spark.toml"
    config.write_text(f'[input]\npaths = ["{ROOT / "fixtures" / "reddit"}"]\n[output]\ndir = "{out}"\n')
    # Another run holds the output.
    (out / ".socialpulse").mkdir(parents=True)
    with open(out / ".socialpulse" / "run.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(sp.LockedError, match="another run"):
            sp._native.SparkRun(str(config))
    # The output cannot be created: its parent is a file.
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(sp.OutputError, match="cannot create output dir") as e:
        sp._native.SparkRun(str(config), str(blocked / "out"))
    assert isinstance(e.value, OSError)
    # Anything else.
    config.write_text(config.read_text() + "[retention]\ndays = 30\n")
    with pytest.raises(sp.RunFailed, match="retention"):
        sp._native.SparkRun(str(config))
    kinds = {sp.ConfigError, sp.NeedsFullError, sp.LockedError, sp.NoInputsError, sp.OutputError, sp.RunFailed}
    assert len(kinds) == 6 and all(issubclass(k, sp.SocialpulseError) for k in kinds)


def test_version_matches_the_crate():
    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text())
    assert sp.__version__ == cargo["package"]["version"]


def test_train_writes_a_model_the_config_applies(tmp_path):
    # Tweet-Act's questions (data/labels, real labelled tweets): the first 1,000 rows.
    rows = pd.read_csv(ROOT / "data/labels/tweet_act/train.tsv", sep="\t", quoting=3).head(1000)
    labels = tmp_path / "asks.csv"
    pd.DataFrame({"text": rows.text, "label": (rows.act == "QUE").astype(int)}).to_csv(labels, index=False)
    record = sp.train("asks", labels, tmp_path / "asks.json")
    assert record["name"] == "asks" and record["folds"] == 5
    assert record["cv"][0]["set"] == "all" and record["cv"][0]["examples"] == 1000
    assert record["cv"][0]["positives"] == int((rows.act == "QUE").sum())
    assert 0 < record["threshold"] < 1 and record["cv"][0]["f1"] > 0.6
    # The same file from the CLI gives the same model, byte for byte.
    import subprocess
    from conftest import binary

    subprocess.run([str(binary()), "train", "asks", "--labels", str(labels), "--out", str(tmp_path / "cli.json")],
                   check=True, capture_output=True)
    assert (tmp_path / "cli.json").read_bytes() == (tmp_path / "asks.json").read_bytes()
    # Through [[classifiers]]: the label lands in posts.labels.
    config = tmp_path / "pipeline.toml"
    config.write_text(f'[input]\npaths = ["{ROOT / "fixtures"}"]\n[[classifiers]]\nname = "asks"\nmodel = "asks.json"\n')
    posts, _ = sp.read([str(ROOT / "fixtures")], config=config)
    analysed = sp.analyse(posts, config=config).to_pandas()
    asked = analysed[analysed.labels.map(lambda l: "asks" in list(l))]
    assert 0 < len(asked) < len(analysed)
    # Bad labels are a ValueError naming the problem.
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nonly one,1\n")
    with pytest.raises(ValueError, match="single class"):
        sp.train("x", bad, tmp_path / "x.json")
