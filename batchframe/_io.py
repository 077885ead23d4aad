"""Reading aggregate files lazily: Parquet, CSV, NDJSON and Arrow IPC."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import polars as pl

from batchframe._errors import AggregateError

__all__ = ["FileFormat", "detect_format", "scan_file"]

FileFormat = Literal["parquet", "csv", "ndjson", "ipc"]

_SUFFIXES: dict[str, FileFormat] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".json": "ndjson",
    ".arrow": "ipc",
    ".ipc": "ipc",
    ".feather": "ipc",
}
FORMATS: tuple[FileFormat, ...] = ("parquet", "csv", "ndjson", "ipc")

# Text columns are read as text even when a CSV's values look numeric (a tag "2024").
_TEXT_COLUMNS = ("provider", "model", "tag")


def detect_format(path: str | Path) -> FileFormat:
    """The file format implied by a path's suffix (``.parquet``, ``.csv``, ``.ndjson``, ``.arrow`` …)."""
    suffix = Path(str(path)).suffix.lower()
    if suffix not in _SUFFIXES:
        known = ", ".join(sorted(_SUFFIXES))
        raise AggregateError(
            f"{path}: cannot tell the file format from {suffix or 'no suffix'!r} (known: {known}); pass a format"
        )
    return _SUFFIXES[suffix]


def scan_file(path: str | Path, format: FileFormat | None = None) -> pl.LazyFrame:
    """A lazy scan of one file (or glob) of aggregates; nothing is read until collected.

    Errors that can be seen without reading data (a missing file, an unknown format)
    are raised here as `AggregateError` naming the file.
    """
    text = str(path)
    fmt = format or detect_format(text)
    if fmt not in FORMATS:
        raise AggregateError(f"{text}: unknown format {fmt!r}; expected one of {list(FORMATS)}")
    if not any(ch in text for ch in "*?[") and not Path(text).is_file():
        raise AggregateError(f"{text}: no such file")
    try:
        if fmt == "parquet":
            return pl.scan_parquet(text)
        if fmt == "ipc":
            return pl.scan_ipc(text)
        if fmt == "ndjson":
            return pl.scan_ndjson(text)
        header = pl.scan_csv(text, n_rows=0).collect_schema().names()
        overrides = {name: pl.String for name in _TEXT_COLUMNS if name in header}
        return pl.scan_csv(text, schema_overrides=overrides)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise AggregateError(f"{text}: cannot read as {fmt}: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
