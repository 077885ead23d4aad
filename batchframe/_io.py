"""Reading files lazily: Parquet, CSV, NDJSON, JSON and Arrow IPC, for aggregates and raw logs alike.

One route (`resolve` then `scan_files`) serves `scan_file` (aggregates) and
`batchframe.scan_request_logs` (raw logs). It expands paths, globs, directories and lists,
tells each file's format from its suffix, and raises `AggregateError` naming the file for
what can be seen before the data is read: a missing file, an empty glob, a zero-byte or
unreadable file, a glob that mixes formats, files whose columns or column types differ, a
CSV header that names a column twice. `diagnose` is the failure path for errors that only
show while the data is read (a malformed NDJSON line, a CSV value that does not parse).

A ``.json`` file is a JSON array of records (a comma after the last record is tolerated:
Helicone's ``examples/export/typescript/index.ts`` writes one), a single JSON object (one
record, pretty-printed or not) or NDJSON. JSON is not streamable: such a file is read whole
(once per process, cached by path, size and modification time) by Polars' JSON reader.
"""

from __future__ import annotations

import csv
import functools
import glob
import io
import json
import os
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from batchframe._errors import AggregateError
from batchframe._logschema import parse_timestamp

__all__ = [
    "FileFormat",
    "Files",
    "detect_format",
    "diagnose",
    "each_file",
    "first_line",
    "log_file_schemas",
    "read_json",
    "resolve",
    "scan_aggregates",
    "scan_file",
    "scan_files",
    "scan_log_files",
]

FileFormat = Literal["parquet", "csv", "ndjson", "json", "ipc"]

_SUFFIXES: dict[str, FileFormat] = {
    ".parquet": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".json": "json",
    ".arrow": "ipc",
    ".ipc": "ipc",
    ".feather": "ipc",
}
FORMATS: tuple[FileFormat, ...] = ("parquet", "csv", "ndjson", "json", "ipc")

#: A path, a glob, a directory, or several of them.
Source = str | Path | Sequence[str | Path]

# Text columns are read as text even when a CSV's values look numeric (a tag "2024").
_TEXT_COLUMNS = ("provider", "model", "tag")
# The counters of an aggregates file, and what each must hold (docs/semantics.md §1.1).
_COUNTERS = {
    "input_tokens": "an integer >= 0",
    "output_tokens": "an integer >= 0",
    "request_count": "an integer >= 0",
    "cached_input_tokens": "an integer >= 0",
    "cache_write_tokens": "an integer >= 0",
    "cost_usd": "a finite number",
}
_INT64_MAX = 2**63 - 1
#: Optional aggregate columns whose absence means the same as null (§1.1): a file of a
#: glob may lack them; every other column must be in every file.
AGGREGATE_FILLABLE = (
    "already_batched",
    "cached_input_tokens",
    "cache_write_tokens",
    "long_context",
    "cache_hit",
    "cost_unknown",
    "cost_source",
)


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (Polars appends plans and hints)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def detect_format(path: str | Path) -> FileFormat:
    """The file format implied by a path's suffix (``.parquet``, ``.csv``, ``.ndjson``, ``.arrow`` …)."""
    suffix = Path(str(path)).suffix.lower()
    if suffix not in _SUFFIXES:
        known = ", ".join(sorted(_SUFFIXES))
        raise AggregateError(
            f"{path}: cannot tell the file format from {suffix or 'no suffix'!r} (known: {known}); pass a format"
        )
    return _SUFFIXES[suffix]


@dataclass(frozen=True)
class Files:
    """The files a source names, all of one format, and how messages refer to them."""

    paths: tuple[str, ...]
    format: FileFormat

    @property
    def where(self) -> str:
        first = self.paths[0]
        return first if len(self.paths) == 1 else f"{first} (+{len(self.paths) - 1} more)"


def _in_directory(directory: str) -> list[str]:
    """The data files of a directory (not recursive; hidden and ``_``-prefixed names skipped)."""
    names = sorted(
        name
        for name in os.listdir(directory)
        if not name.startswith((".", "_"))
        and Path(name).suffix.lower() in _SUFFIXES
        and Path(directory, name).is_file()
    )
    if not names:
        raise AggregateError(
            f"{directory}: is a directory with no .parquet, .csv, .ndjson, .json or .arrow file "
            "in it; "
            "give a file, a glob such as 'dir/**/*.parquet' or a directory of data files"
        )
    return [str(Path(directory, name)) for name in names]


def _expand(source: Source) -> list[str]:
    if isinstance(source, (str, Path)):
        items: list[str | Path] = [source]
    elif isinstance(source, Sequence):
        items = list(source)
    else:
        raise TypeError("expected a path, a glob or a list of them, got " + type(source).__name__)
    if not items:
        raise AggregateError("no files given")
    paths: list[str] = []
    for item in items:
        if not isinstance(item, (str, Path)):
            raise TypeError(f"expected a path or a glob, got {type(item).__name__}: {item!r}")
        text = str(item)
        if any(ch in text for ch in "*?["):
            matched = sorted(p for p in glob.glob(text, recursive=True) if not Path(p).is_dir())
            if not matched:
                raise AggregateError(f"{text}: no file matches this pattern")
            paths += matched
        elif Path(text).is_dir():
            paths += _in_directory(text)
        elif not Path(text).exists():
            raise AggregateError(f"{text}: no such file")
        else:
            paths.append(text)
    return paths


_MAGIC: dict[bytes, FileFormat] = {b"PAR1": "parquet", b"ARROW1": "ipc"}


def _check_readable(path: str, fmt: FileFormat) -> None:
    try:
        size = os.stat(path).st_size
        with open(path, "rb") as handle:
            start = handle.read(8)
    except OSError as exc:
        raise AggregateError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if size == 0:
        raise AggregateError(f"{path}: the file is empty (0 bytes); expected {_NAMES[fmt]} data")
    if fmt in ("csv", "ndjson", "json"):
        actual = next((f for magic, f in _MAGIC.items() if start.startswith(magic)), None)
        if actual is not None:
            raise AggregateError(
                f"{path}: is a {_NAMES[actual]} file, not {_NAMES[fmt]}; give it a matching "
                f"suffix or pass the format ({actual})"
            )
        if start.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise AggregateError(f"{path}: is UTF-16 text; save it as UTF-8")
        if b"\x00" in start:
            raise AggregateError(f"{path}: is not {_NAMES[fmt]} text (it holds NUL bytes)")


_NAMES: dict[FileFormat, str] = {
    "parquet": "Parquet",
    "csv": "CSV",
    "ndjson": "NDJSON",
    "json": "JSON",
    "ipc": "Arrow IPC",
}


def resolve(source: Source, format: FileFormat | None = None) -> Files:
    """Every file `source` names (globs sorted, directories listed), of one format.

    Raises `AggregateError` naming the file for a missing or unreadable file, a zero-byte
    file, a glob that matches nothing, or files of different formats.
    """
    if format is not None and format not in FORMATS:
        raise AggregateError(f"unknown format {format!r}; expected one of {list(FORMATS)}")
    paths = _expand(source)
    if format is None:
        formats = [detect_format(path) for path in paths]
        fmt = formats[0]
        odd = next((i for i, f in enumerate(formats) if f != fmt), None)
        if odd is not None:
            raise AggregateError(
                f"{paths[odd]}: is {_NAMES[formats[odd]]} but {paths[0]} is {_NAMES[fmt]}; "
                "the files of one source must share a format"
            )
    else:
        fmt = format
    for path in paths:
        _check_readable(path, fmt)
    return Files(tuple(paths), fmt)


def _csv_header(path: str) -> list[str]:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
        line = handle.readline()
    return next(csv.reader([line]), [])


def _check_header(path: str) -> None:
    seen: dict[str, int] = {}
    for index, name in enumerate(_csv_header(path)):
        if name in seen:
            raise AggregateError(
                f"{path}: column {name!r} appears twice in the header (columns {seen[name] + 1} "
                f"and {index + 1}); rename or drop one"
            )
        seen[name] = index


def _scan_one(
    path: str, fmt: FileFormat, text_csv: bool, overrides: dict[str, pl.DataType]
) -> pl.LazyFrame:
    if fmt == "parquet":
        return pl.scan_parquet(path)
    if fmt == "ipc":
        return pl.scan_ipc(path)
    if fmt == "ndjson":
        return pl.scan_ndjson(path, schema_overrides=overrides or None)
    if fmt == "json":
        frame = read_json(path).lazy()
        return (
            frame.with_columns(pl.col(n).cast(d) for n, d in overrides.items())
            if overrides
            else frame
        )
    if text_csv:
        return pl.scan_csv(path, infer_schema=False)
    return pl.scan_csv(path, schema_overrides=overrides or None)


def _schema(path: str, fmt: FileFormat, text_csv: bool, text_columns: Collection[str]) -> pl.Schema:
    try:
        if fmt == "csv":
            _check_header(path)
            if text_csv:
                names = pl.scan_csv(path, n_rows=0, infer_schema=False).collect_schema().names()
                return pl.Schema(dict.fromkeys(names, pl.String))
            header = pl.scan_csv(path, n_rows=0).collect_schema().names()
            overrides = {name: pl.String for name in text_columns if name in header}
            return pl.scan_csv(path, schema_overrides=overrides).collect_schema()
        return _scan_one(path, fmt, text_csv, {}).collect_schema()
    except AggregateError:
        raise
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        found = _bad_json_line(path) if fmt == "ndjson" else None
        if found is not None:
            raise AggregateError(found) from None
        raise AggregateError(f"{path}: cannot read as {fmt}: {first_line(exc)}") from None


def _merged(dtypes: list[pl.DataType]) -> pl.DataType | None:
    """One type for a column that text files (CSV, NDJSON) inferred differently, or None."""
    if all(d == dtypes[0] for d in dtypes):
        return dtypes[0]
    if all(d.is_numeric() or isinstance(d, pl.Null) for d in dtypes):
        return pl.Float64() if any(d.is_float() for d in dtypes) else pl.Int64()
    if any(isinstance(d, pl.String) for d in dtypes):
        return pl.String()  # the value checks then name the file and row of the text
    return None


def scan_files(
    files: Files,
    *,
    text_csv: bool = False,
    text_columns: Collection[str] = (),
    fillable: Collection[str] = (),
) -> pl.LazyFrame:
    """A lazy scan of `files`; every file's schema is read (and checked) now.

    `text_csv` reads every CSV column as text; otherwise `text_columns` are read as
    text and the others inferred. Every file must have the columns of the others, with
    the same types (CSV and NDJSON types are inferred per file and merged when they are
    numeric), except `fillable` columns, which are null in the files that lack them.
    """
    fmt = files.format
    schemas = [_schema(path, fmt, text_csv, text_columns) for path in files.paths]
    names = list(dict.fromkeys(name for schema in schemas for name in schema.names()))
    for path, schema in zip(files.paths, schemas, strict=True):
        for name in names:
            if name not in schema and name not in fillable:
                other = next(p for p, s in zip(files.paths, schemas, strict=True) if name in s)
                raise AggregateError(
                    f"{path}: missing column {name!r}, which {other} has; every file of one "
                    f"source needs the same columns (this one has {schema.names()})"
                )
    overrides: dict[str, pl.DataType] = {}
    for name in names:
        present = [(p, s[name]) for p, s in zip(files.paths, schemas, strict=True) if name in s]
        dtypes = [dtype for _, dtype in present]
        if all(dtype == dtypes[0] for dtype in dtypes):
            if fmt == "csv" and not text_csv and name in text_columns:
                overrides[name] = pl.String()
            continue
        merged = _merged(dtypes) if fmt in ("csv", "ndjson", "json") else None
        if merged is None:
            path, dtype = next((p, d) for p, d in present if d != dtypes[0])
            raise AggregateError(
                f"{path}: column {name!r} holds {dtype}, but {present[0][0]} has {dtypes[0]}; "
                "every file of one source needs the same column types"
            )
        overrides[name] = merged
    complete = all(len(schema) == len(names) for schema in schemas)
    aligned = all(schema.names() == names for schema in schemas)  # same columns, same order
    paths = list(files.paths)
    try:
        # One multi-file scan when it reads every file alike (Parquet and IPC match columns
        # by name, CSV by position); otherwise one scan per file, columns put in one order.
        if complete and fmt == "parquet":
            return pl.scan_parquet(paths)
        if complete and fmt == "ipc":
            return pl.scan_ipc(paths)
        if aligned and fmt == "csv" and text_csv:
            return pl.scan_csv(paths, infer_schema=False)
        parts = [
            _scan_one(path, fmt, text_csv, _only(overrides, schema)).with_columns(
                pl.lit(None, dtype=_typed(name, overrides, schemas)).alias(name)
                for name in names
                if name not in schema
            )
            for path, schema in zip(paths, schemas, strict=True)
        ]
        if len(parts) == 1:
            return parts[0]
        return pl.concat([part.select(names) for part in parts], how="vertical")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise AggregateError(f"{files.where}: cannot read as {fmt}: {first_line(exc)}") from None


def _typed(name: str, overrides: dict[str, pl.DataType], schemas: list[pl.Schema]) -> pl.DataType:
    return overrides.get(name) or next(s[name] for s in schemas if name in s)


def _only(overrides: dict[str, pl.DataType], schema: pl.Schema) -> dict[str, pl.DataType]:
    return {name: dtype for name, dtype in overrides.items() if name in schema}


# -- aggregates -------------------------------------------------------------------------


def scan_file(path: Source, format: FileFormat | None = None) -> pl.LazyFrame:
    """A lazy scan of aggregates: a file, a glob, a directory or a list of them.

    Errors that can be seen before the data is read (a missing file, an unknown format,
    differing files) are raised here as `AggregateError` naming the file. So are bad
    counters in a CSV: a token or cost column that CSV inference reads as text (``nan``,
    ``$35.00``, ``1,000,000``) or as integers beyond 64 bits is reported with its first
    offending row and value (only then is the column read here).
    """
    return scan_aggregates(resolve(path, format))


def scan_aggregates(files: Files) -> pl.LazyFrame:
    """`scan_file` of files already resolved (the CLI keeps them for `diagnose`)."""
    frame = scan_files(files, text_columns=_TEXT_COLUMNS, fillable=AGGREGATE_FILLABLE)
    schema = frame.collect_schema()
    suspect = [n for n in _COUNTERS if n in schema and _suspect(schema[n])]
    if suspect:
        _check_counters(files, suspect, full=False)
        # Every value is a number now (or null, which the aggregate checks report).
        frame = frame.with_columns(_as_number(n, schema[n]) for n in suspect)
    if isinstance(schema.get("period_start"), pl.String):
        # batchframe's own output written as CSV or NDJSON holds ISO 8601 text here.
        frame = frame.with_columns(
            parse_timestamp("period_start", pl.String()).alias("period_start")
        )
    return frame


def _as_number(name: str, dtype: pl.DataType) -> pl.Expr:
    """A checked counter column as Int64 (tokens, counts) or Float64 (cost)."""
    column = pl.col(name)
    if dtype.is_integer():
        return column.cast(pl.Int64)
    text = column.str.strip_chars()
    if name == "cost_usd":
        return text.cast(pl.Float64, strict=False)
    whole = text.cast(pl.Int64, strict=False)
    return whole.fill_null(text.cast(pl.Float64, strict=False).cast(pl.Int64, strict=False))


def _suspect(dtype: pl.DataType) -> bool:
    """A counter type that means trouble: text, or integers wider than 64 bits."""
    return isinstance(dtype, pl.String) or (dtype.is_integer() and dtype not in _FIXED_INTEGERS)


_FIXED_INTEGERS = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)


def _bad_counter(name: str, values: pl.Series) -> tuple[int, object] | None:
    """The first row of `values` that column `name` cannot hold, and its value."""
    if isinstance(values.dtype, pl.String):
        text = values.str.strip_chars()
        number = text.cast(pl.Float64, strict=False)
        if name == "cost_usd":
            bad = text.is_not_null() & (number.is_null() | ~number.is_finite())
        else:
            bad = text.is_not_null() & (
                number.is_null()
                | ~number.is_finite()
                | (number != number.floor())
                | (number < 0)
                | (number >= 2.0**63)
            )
    elif values.dtype.is_integer():
        bad = (values > _INT64_MAX) | (values < 0)
    else:
        return None
    index = bad.fill_null(False).arg_true()
    if index.is_empty():
        return None
    row = int(index[0])
    return row, values[row]


def _check_counters(files: Files, names: Sequence[str], *, full: bool) -> None:
    """`AggregateError` for the first bad counter value of the first file that has one."""
    for path in files.paths:
        if files.format == "csv":
            text = {n: pl.String for n in _TEXT_COLUMNS if n in _csv_header(path)}
            frame = pl.scan_csv(
                path, infer_schema_length=None if full else 100, schema_overrides=text
            )
        else:
            frame = _scan_one(path, files.format, False, {})
        schema = frame.collect_schema()
        present = [n for n in names if n in schema]
        if not present:
            continue
        columns = frame.select(present).collect()
        for name in present:
            found = _bad_counter(name, columns[name])
            if found is not None:
                row, value = found
                expected = _COUNTERS[name]
                if columns[name].dtype.is_integer():
                    expected += f" of at most {_INT64_MAX}"
                raise AggregateError(
                    f"{path}: column {name!r}: expected {expected}, got {value!r} at row {row}"
                )


# -- JSON documents -----------------------------------------------------------------------

# A comma after an array's last record (Helicone's exporter writes ",\n" after every record
# when no --limit is given, then "]"): one match at the end of the text, never a loop.
_TRAILING_COMMA = re.compile(rb",(\s*)\]\s*\Z")


def read_json(path: str) -> pl.DataFrame:
    r"""A ``.json`` file as a frame: a JSON array of records, one object, or NDJSON.

    A comma after the last record of an array is dropped (not strict JSON, but what
    Helicone's export writes). Malformed JSON raises `AggregateError` naming the file, line
    and column. Read whole (JSON is not streamable) and cached while the file is unchanged.

    Examples:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.json"
        >>> _ = path.write_text('[\n  {"model": "gpt-5.5", "cost": 0.5},\n  {"model": "o3"},\n]\n')
        >>> read_json(str(path)).rows()
        [('gpt-5.5', 0.5), ('o3', None)]
    """
    try:
        stat = os.stat(path)
    except OSError as exc:
        raise AggregateError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return _read_json(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _read_json(path: str, size: int, mtime_ns: int) -> pl.DataFrame:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise AggregateError(f"{path}: cannot read: {exc.strerror or exc}") from None
    data = data.removeprefix(b"\xef\xbb\xbf")
    start = data.lstrip()[:1]
    try:
        if start == b"[":
            data = _TRAILING_COMMA.sub(rb"\1]", data, count=1)
            if not data.strip()[1:-1].strip():  # "[]": no records
                return pl.DataFrame()
            return pl.read_json(io.BytesIO(data), infer_schema_length=None)
        if start == b"{":
            try:
                return pl.read_ndjson(io.BytesIO(data), infer_schema_length=None)
            except (pl.exceptions.PolarsError, ValueError):
                return pl.read_json(io.BytesIO(data), infer_schema_length=None)  # one object
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise AggregateError(_bad_json_text(path, data) or _cannot(path, exc)) from None
    raise AggregateError(
        f"{path}: is not a JSON array of records or a JSON object (it starts with "
        f"{_excerpt(data[:20].decode('utf-8', 'replace'))})"
    )


def _cannot(path: str, exc: BaseException) -> str:
    if "only deserialize json objects" in str(exc):
        return f"{path}: is a JSON array whose items are not objects; expected one record per item"
    return f"{path}: cannot read as JSON: {first_line(exc)}"


def _bad_json_text(path: str, data: bytes) -> str | None:
    """Where `data` (a JSON document, or NDJSON) stops being valid JSON, as a message."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"{path}: is not UTF-8 text ({exc.reason} at byte {exc.start})"
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            return _bad_json_line(path)  # NDJSON: name its bad line
        line = text.splitlines()[exc.lineno - 1] if text.splitlines() else ""
        return (
            f"{path}: is not valid JSON at line {exc.lineno}, column {exc.colno} "
            f"({exc.msg}): {_excerpt(line)}"
        )
    return None


def _bad_json(path: str) -> str | None:
    """The failure-path message for a ``.json`` file, or None if it reads."""
    try:
        read_json(path)
    except AggregateError as exc:
        return str(exc)
    return None


# -- the failure path -------------------------------------------------------------------


def _bad_json_line(path: str) -> str | None:
    """The first line of an NDJSON file that is not a JSON object, as a message, or None."""
    try:
        with open(path, encoding="utf-8", errors="strict") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except ValueError as exc:
                    if line.lstrip().startswith("["):
                        return _array(path)
                    reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                    return f"{path}: line {number} is not valid JSON ({reason}): {_excerpt(line)}"
                if isinstance(value, list):
                    return _array(path)
                if not isinstance(value, dict):
                    return f"{path}: line {number} is not a JSON object: {_excerpt(line)}"
    except UnicodeDecodeError as exc:
        return f"{path}: is not UTF-8 text ({exc.reason} at byte {exc.start})"
    except OSError:
        return None
    return None


def _array(path: str) -> str:
    return (
        f"{path}: holds a JSON array, not NDJSON (one JSON object per line); name the file "
        "*.json or pass the format 'json'"
    )


def _ragged_line(path: str) -> str | None:
    """The first CSV record whose field count differs from the header's, as a message."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            for record in reader:
                if record and len(record) != len(header):
                    return (
                        f"{path}: line {reader.line_num} has {len(record)} fields, "
                        f"the header has {len(header)}"
                    )
    except (OSError, csv.Error):
        return None
    return None


def _excerpt(line: str, width: int = 60) -> str:
    line = line.strip()
    return repr(line if len(line) <= width else line[:width] + "…")


def diagnose(files: Files, exc: BaseException) -> AggregateError:
    """The error to report when reading `files` failed with `exc` (failure path only).

    Finds the file and line of a malformed NDJSON line, or the file, column, row and value
    of a CSV value that does not parse; otherwise names the files and Polars' first line.
    """
    if files.format in ("ndjson", "json"):
        for path in files.paths:
            found = _bad_json_line(path) if files.format == "ndjson" else _bad_json(path)
            if found is not None:
                return AggregateError(found)
    if files.format == "csv" and "fields" in str(exc):
        for path in files.paths:
            ragged = _ragged_line(path)
            if ragged is not None:
                return AggregateError(ragged)
    if files.format == "csv" and "could not parse" in str(exc):
        try:
            _check_counters(files, list(_COUNTERS), full=True)
        except AggregateError as found:
            return found
        except (pl.exceptions.PolarsError, OSError):
            pass
    return AggregateError(f"{files.where}: cannot read as {files.format}: {first_line(exc)}")


# -- raw request logs -------------------------------------------------------------------

#: Log columns whose absence means the same as null (docs/semantics.md §1.4): a file of a
#: glob may lack them. They are batchframe's own names; a preset's or a mapping's source
#: columns must be in every file.
LOG_FILLABLE = ("provider", "tags", "tag", "already_batched", "service_tier", "cache_hit")


def scan_log_files(files: Files) -> pl.LazyFrame:
    """A lazy scan of request-log files; CSV is read as text (ids and JSON stay text)."""
    return scan_files(files, text_csv=True, fillable=LOG_FILLABLE)


def log_file_schemas(files: Files) -> list[pl.Schema]:
    """Each request-log file's own schema (as `scan_log_files` reads it), in order."""
    return [_schema(path, files.format, True, ()) for path in files.paths]


def each_file(files: Files) -> list[Files]:
    """`files` as one `Files` per file (for files whose columns differ)."""
    return [Files((path,), files.format) for path in files.paths]
