"""Type stubs of the socialpulse package (see __init__.py for the docs)."""

import os
from typing import Any, Dict, Optional, Sequence, Tuple, Union

import pyarrow as pa

from .errors import (
    ConfigError as ConfigError,
    LockedError as LockedError,
    NeedsFullError as NeedsFullError,
    NoInputsError as NoInputsError,
    OutputError as OutputError,
    RunFailed as RunFailed,
    SocialpulseError as SocialpulseError,
)

__version__: str
PathLike = Union[str, os.PathLike[str]]

def read(paths: Union[PathLike, Sequence[PathLike]], config: Optional[PathLike] = None) -> Tuple[pa.Table, pa.Table]: ...
def analyse(posts: Any, config: Optional[PathLike] = None) -> pa.Table: ...
def score(texts: Any, config: Optional[PathLike] = None) -> pa.Table: ...
def metrics(posts: Any, config: Optional[PathLike] = None) -> Dict[str, pa.Table]: ...
def train(
    name: str,
    labels: Union[PathLike, Sequence[PathLike]],
    out: PathLike,
    config: Optional[PathLike] = None,
    folds: int = 5,
    min_precision: float = 0.75,
    min_recall: Optional[float] = None,
) -> Dict[str, Any]: ...
