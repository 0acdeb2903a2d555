"""socialpulse from Python: the Rust core the CLI runs, with Arrow in and out.

Every function takes Arrow data through the C Data Interface: anything with
``__arrow_c_stream__`` or ``__arrow_c_array__`` (pyarrow tables and batches, polars
data frames, duckdb relations), or a pandas data frame (through pyarrow). No row becomes
a Python object; the GIL is released while Rust works.

``config`` is the path of a pipeline TOML file, as ``socialpulse run`` takes it, or
``None`` for the defaults.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Optional, Sequence, Tuple, Union

import pyarrow as pa

from . import _native
from .errors import (
    ConfigError,
    LockedError,
    NeedsFullError,
    NoInputsError,
    OutputError,
    RunFailed,
    SocialpulseError,
)

__version__ = _native.__version__

__all__ = [
    "read",
    "analyse",
    "score",
    "metrics",
    "train",
    "__version__",
    "SocialpulseError",
    "ConfigError",
    "NeedsFullError",
    "LockedError",
    "NoInputsError",
    "OutputError",
    "RunFailed",
]

PathLike = Union[str, "os.PathLike[str]"]


def _config(config: Optional[PathLike]) -> Optional[str]:
    return None if config is None else os.fspath(config)


def _stream(data: Any) -> Any:
    """An object the Rust side reads as an Arrow C stream."""
    if hasattr(data, "__arrow_c_stream__"):
        return data
    if hasattr(data, "__arrow_c_array__"):
        return pa.Table.from_batches([pa.record_batch(data)])
    try:
        import pandas as pd  # noqa: F401  (only to recognise a data frame)

        if isinstance(data, pd.DataFrame):
            return pa.Table.from_pandas(data, preserve_index=False)
    except ImportError:
        pass
    raise TypeError(
        f"expected Arrow data (an object with __arrow_c_stream__ or __arrow_c_array__) "
        f"or a pandas DataFrame, not {type(data).__name__}"
    )


def read(paths: Union[PathLike, Sequence[PathLike]], config: Optional[PathLike] = None) -> Tuple[pa.Table, pa.Table]:
    """Read exports as ``socialpulse run`` does: the normalised, deduplicated posts
    and the rejects, as two pyarrow tables.

    ``paths`` are files or directories (walked recursively); they replace the config's
    ``input.paths``. The posts have the ``posts`` table's columns before analysis, plus
    ``link`` (the source's working link) and ``withheld`` (a private message kept out of
    the public metrics). Unlike the published table they hold the text of withheld
    posts: the data is the caller's own export, in memory; ``analyse`` writes that text
    as the published table does (null). Pseudonyms use the key a run into the config's
    output directory would use.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    posts, rejects = _native.read([os.fspath(p) for p in paths], _config(config))
    return pa.Table.from_batches([posts]), pa.Table.from_batches([rejects])


def analyse(posts: Any, config: Optional[PathLike] = None) -> pa.Table:
    """Add the sentiment and listening columns: the result has the ``posts`` table's
    schema and equals, row for row, what ``socialpulse run`` publishes for the same
    posts and config."""
    batches = _native.analyse(_stream(posts), _config(config))
    if not batches:
        raise ValueError("no posts")
    return pa.Table.from_batches(batches)


def score(texts: Any, config: Optional[PathLike] = None) -> pa.Table:
    """VADER scores of each text (``neg``, ``neu``, ``pos``, ``compound``) and its
    label under the config's thresholds; a null text gives nulls. ``texts`` is a list
    of strings or an Arrow string array. This is the reference VADER with no language
    guard: ``analyse`` decides which posts are English."""
    if isinstance(texts, (list, tuple)):
        texts = pa.array(texts, type=pa.string())
    elif not hasattr(texts, "__arrow_c_array__"):
        texts = pa.array(texts, type=pa.string())
    elif isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    return pa.Table.from_batches([_native.score(texts, _config(config))])


def metrics(posts: Any, config: Optional[PathLike] = None) -> Dict[str, pa.Table]:
    """The metric tables of analysed posts (the output of ``analyse``, or the
    published ``posts`` table), by name: ``escalations``, ``emerging_terms``,
    ``daily_volume``, ``daily_sentiment``, ``topic_daily``, ``daily_labels``, ``cost_benefit``,
    ``engagement``, ``responsiveness``, ``unanswered``. Responses are matched among the
    posts given. An optional ``link`` column gives the operational tables their
    working links."""
    out = {}
    for name, (schema, batches) in _native.metrics(_stream(posts), _config(config)).items():
        out[name] = pa.Table.from_batches(batches, schema=schema) if batches else schema.empty_table()
    return out


def train(
    name: str,
    labels: Union[PathLike, Sequence[PathLike]],
    out: PathLike,
    config: Optional[PathLike] = None,
    folds: int = 5,
    min_precision: float = 0.75,
    min_recall: Optional[float] = None,
) -> Dict[str, Any]:
    """Train a classifier as ``socialpulse train`` does: ``labels`` are CSV or TSV files
    with the columns ``text`` and ``label`` (1/0, true/false); the model file is written
    to ``out`` and can be named in a config's ``[[classifiers]]``. Returns the training
    record: ``threshold``, ``threshold_rule``, ``c``, ``folds``, ``weights`` and ``cv``,
    the cross-validated figures (all files first, then each file when there are
    several). Unusable labels (a missing column, a single class, fewer than 20 examples
    of a class, not UTF-8) raise ``ValueError``."""
    if isinstance(labels, (str, os.PathLike)):
        labels = [labels]
    record = _native.train(
        name, [os.fspath(p) for p in labels], os.fspath(out), _config(config), folds, min_precision, min_recall
    )
    return json.loads(record)
