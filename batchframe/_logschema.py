"""The canonical request-log frame every reader produces (one row per request, or pre-counted)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial

import polars as pl

from batchframe._errors import AggregateError
from batchframe._rules import WHITESPACE

__all__ = [
    "LOG_SCHEMA",
    "NO_TAGS",
    "TAGS_DTYPE",
    "Check",
    "TextHints",
    "checked_parse",
    "checked_values",
    "clean_tags",
    "clean_text",
    "clean_text_once",
    "current_locator",
    "deferring_checks",
    "first_refusal",
    "locating",
    "lookup",
    "parse_count",
    "parse_flag",
    "parse_money",
    "parse_tags",
    "parse_timestamp",
    "refuse_deferred",
    "refuse_rows",
    "single_tag",
    "undouble_quotes",
    "whole_count",
]

#: What `scan_request_logs` returns, column by column.
LOG_SCHEMA = pl.Schema(
    {
        "provider": pl.String(),  # catalog provider id ("openai", …); null if the export names none
        "model": pl.String(),  # provider-side model id, no routing prefix ("gpt-5.5", not "openai/gpt-5.5")
        "tags": pl.List(pl.String()),  # every tag of the request, in order; [] when untagged
        "input_tokens": pl.Int64(),
        "output_tokens": pl.Int64(),
        # of the input tokens, those read from / written to the provider's prompt cache
        "cached_input_tokens": pl.Int64(),
        "cache_write_tokens": pl.Int64(),
        "cost_usd": pl.Float64(),  # null: the export recorded no cost (priced from the catalog)
        "request_count": pl.Int64(),  # 1 for a per-request row; N for a pre-counted row
        "timestamp": pl.Datetime(
            "us", "UTC"
        ),  # when the request started (null if the export has none)
        "already_batched": pl.Boolean(),  # ran on a batch or flex tier already: never projected again
        # the tier the request ran on, lower-cased as the export spells it ("flex", "default" …;
        # null if the export has none): the rates a missing cost is priced at
        "service_tier": pl.String(),
        "cache_hit": pl.Boolean(),  # answered from a gateway's response cache: never billed
        # the prompt exceeds the model's long-context threshold, as the export states it
        # (Anthropic's context_window); null: decided from input_tokens per request
        "long_context": pl.Boolean(),
    }
)


# -- the cleaning rules every log reader applies (generic path and presets alike) -----------

TAGS_DTYPE = pl.List(pl.String())
NO_TAGS = pl.lit([], dtype=TAGS_DTYPE)


def clean_text(text: pl.Expr) -> pl.Expr:
    """Text trimmed of Unicode whitespace (`_rules.WHITESPACE`); blank -> null."""
    s = text.cast(pl.String).str.strip_chars(WHITESPACE)
    return pl.when(s == "").then(pl.lit(None, dtype=pl.String)).otherwise(s)


def clean_text_once(text: pl.Expr) -> pl.Expr:
    """`clean_text`, reading `text` once: for an input that is costly to evaluate (a JSON
    lookup), which `clean_text` would evaluate twice (Polars does not share a repeated
    sub-expression inside one expression).

    Examples:
        >>> import polars as pl
        >>> frame = pl.DataFrame({"t": [" flex ", "", "  ", None, "a b"]})
        >>> frame.select(clean_text_once(pl.col("t")))["t"].to_list()
        ['flex', None, None, None, 'a b']
    """
    return text.cast(pl.String).str.strip_chars(WHITESPACE).str.extract(r"(?s)^(.+)$")


def clean_tags(tags: pl.Expr) -> pl.Expr:
    """Each tag trimmed of whitespace; null and blank tags dropped; a null list -> []."""
    element = pl.element().str.strip_chars(WHITESPACE)
    kept = tags.cast(TAGS_DTYPE).list.eval(element.filter(element.is_not_null() & (element != "")))
    return kept.fill_null(NO_TAGS)


def _key_value_list(dtype: pl.DataType) -> pl.Struct | None:
    """The entry type of a list of ``{key, value}`` structs (a Parquet map as a list), or None."""
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
        names = [field.name for field in dtype.inner.fields]
        if names == ["key", "value"]:
            return dtype.inner
    return None


def _instance(dtype: object) -> pl.DataType:
    """A dtype as an instance (Struct fields may hold the class, e.g. ``pl.Int64``)."""
    result = dtype() if isinstance(dtype, type) else dtype
    if not isinstance(result, pl.DataType):
        raise TypeError(f"not a Polars dtype: {dtype!r}")
    return result


@dataclass(frozen=True, eq=False)  # (its fields are expressions: no ==)
class TextHints:
    """Byte searches of one JSON-text column, computed once per row (staged columns) for
    the lookups that would otherwise each search the whole column again: whether the
    text has a backslash (`escaped`), and whether it has the JSON string of a key
    (`present`, by key). Valid for that column and for any masking of it (rows made
    null, never altered): a lookup of a null is null whatever the hint says."""

    escaped: pl.Expr
    present: Mapping[str, pl.Expr]


def lookup(
    expr: pl.Expr, dtype: pl.DataType, path: Sequence[str], hints: TextHints | None = None
) -> pl.Expr | None:
    """The value at `path` (nested keys) inside an object column, as String; None if the
    column's type cannot hold it.

    The object may be a Struct (Parquet/NDJSON/JSON objects), a Map (a Parquet
    ``map<string, …>``, as Polars reads it), a list of ``{key, value}`` structs (a Parquet
    map read as a list), or JSON text (a CSV or a database dump); the levels of a path may
    mix them. A missing key or a null object gives null; a Struct or list found at the end of
    the path gives None (not a scalar).

    Examples:
        >>> import polars as pl
        >>> frame = pl.DataFrame({"m": ['{"usage": {"cached": 7}}', "{}"]})
        >>> frame.select(lookup(pl.col("m"), pl.String(), ["usage", "cached"]))["m"].to_list()
        ['7', None]
        >>> kv = pl.DataFrame({"m": [[{"key": "input", "value": 5}]]})
        >>> kv.select(lookup(pl.col("m"), kv.schema["m"], ["input"]))["m"].to_list()
        ['5']

    `hints` (`TextHints`) describe `expr` itself when it is JSON text (not a level below).
    """
    for index, key in enumerate(path):
        if isinstance(dtype, pl.Map):
            expr = expr.to_physical()
            dtype = pl.List(pl.Struct({"key": dtype.key, "value": dtype.value}))
        entry = _key_value_list(dtype)
        if isinstance(dtype, pl.Struct):
            fields = {field.name: field.dtype for field in dtype.fields}
            if key not in fields:
                return None
            expr, dtype = expr.struct.field(key), _instance(fields[key])
        elif entry is not None:
            element = pl.element()
            hit = element.struct.field("key").cast(pl.String) == key
            expr = expr.list.eval(element.filter(hit).struct.field("value")).list.first()
            dtype = _instance(entry.fields[1].dtype)
        elif isinstance(dtype, (pl.String, pl.Categorical, pl.Enum)):
            rest = path[index:]
            json_path = "$" + "".join(f"[{json.dumps(part)}]" for part in rest)
            return json_path_value(
                expr.cast(pl.String), rest, json_path, hints if index == 0 else None
            )
        else:
            return None
    if isinstance(dtype, (pl.Struct, pl.List, pl.Array, pl.Map, pl.Object)):
        return None
    return expr.cast(pl.String)


def json_path_value(
    text: pl.Expr, keys: Sequence[str], json_path: str, hints: TextHints | None = None
) -> pl.Expr:
    """``text.str.json_path_match(json_path)``, parsing only the rows that can match.

    `keys` are the object keys the path passes through. Polars parses the whole document
    for every path looked up, so rows are first tested with a byte search: a document in
    which a key appears neither as its JSON string literal nor in some escaped spelling
    (which needs a backslash) cannot hold the path, and its value is null without a parse
    — as `json_path_match` itself gives for a missing key or for text that is not JSON.
    Exact: every row that could match is parsed. `hints` hold searches of the same text
    already made (`TextHints`).

    Examples:
        >>> import polars as pl
        >>> docs = pl.DataFrame({"m": ['{"usage": {"cached": 7}}', '{"other": 1}',
        ...                            '{"us\\u0061ge": {"cached": 8}}', "not json"]})
        >>> docs.select(json_path_value(pl.col("m"), ["usage", "cached"], "$.usage.cached"))[
        ...     "m"].to_list()
        ['7', None, '8', None]
    """
    if not keys:
        return text.str.json_path_match(json_path)
    escaped = text.str.contains("\\", literal=True) if hints is None else hints.escaped
    known = {} if hints is None else hints.present

    def present(within: pl.Expr, key: str) -> pl.Expr:
        return known[key] if key in known else within.str.contains(json.dumps(key), literal=True)

    # The last key first: the most specific, it leaves few rows for the other searches
    # (a search of a null is free); the rows kept are the same in any order.
    *parents, last = keys
    text = pl.when(present(text, last) | escaped).then(text)
    if parents:
        found = [present(text, key) for key in parents]
        text = pl.when(pl.all_horizontal(found) | escaped).then(text)
    return text.str.json_path_match(json_path)


def maybe_nonzero(text: pl.Expr, keys: Sequence[str], escaped: pl.Expr | None = None) -> pl.Expr:
    """False only on rows of JSON text where every value of every key in `keys` is ``0`` or
    ``null`` (or the keys are absent): rows whose numbers at those keys need no parse when
    only a positive value matters. A backslash anywhere (an escape could spell a key or a
    quote differently) or any other value start (a digit 1 to 9, ``-``, ``0.``, a quote, ...)
    makes the row true; so does anything unexpected, so the test only ever skips zeros.

    Examples:
        >>> import polars as pl
        >>> docs = pl.DataFrame({"m": ['{"a": 0, "u": {"b": null}}', '{"a": 0, "u": {"b": 3}}',
        ...                            '{"a": 0.5}', '{"c": 7}', '{"\\u0061": 4}']})
        >>> docs.select(maybe_nonzero(pl.col("m"), ["a", "b"]))["m"].to_list()
        [False, True, True, False, True]
    """
    names = "|".join(re.escape(json.dumps(key)[1:-1]) for key in keys)
    # a value that does not start as 0 or null followed by a delimiter
    other = r"(?:[^0n\s]|0[^,}\]\s]|n(?:[^u]|u[^l]|ul[^l]|ull[^,}\]\s]))"
    value = rf'"(?:{names})"\s*:\s*{other}'
    if escaped is None:  # (else: whether `text` has a backslash, searched once already)
        escaped = text.str.contains("\\", literal=True)
    return text.str.contains(value) | escaped


def undouble_quotes(text: pl.Expr) -> pl.Expr:
    """JSON text whose quotes were escaped twice (``{""feature"":""nightly""}``) made JSON again.

    Helicone's CSV export (``examples/export/typescript/index.ts``, ``convertToCSVRow``)
    doubles the quotes of an object's JSON, then quotes and doubles them again for the CSV
    cell, so a CSV reader yields ``{""k"":""v""}``. Text in which every quote is part of a
    ``""`` pair is undoubled; any other text (real JSON such as ``{"k": ""}``) is kept.

    Examples:
        >>> import polars as pl
        >>> cells = pl.DataFrame({"p": ['{""feature"":""nightly""}', '{"a": ""}', None]})
        >>> cells.select(undouble_quotes(pl.col("p")))["p"].to_list()
        ['{"feature":"nightly"}', '{"a": ""}', None]
    """
    s = text.cast(pl.String)
    doubled = s.str.contains('""', literal=True) & ~s.str.replace_all(
        '""', "", literal=True
    ).str.contains('"', literal=True)
    return pl.when(doubled).then(s.str.replace_all('""', '"', literal=True)).otherwise(s)


#: Where a bad row is: given the predicate that marks bad rows of the frame being read,
#: text such as `` at row 3`` (set by the reader that knows the files; failure path only).
Locator = Callable[[pl.Expr], str]
_LOCATOR: ContextVar[Locator | None] = ContextVar("batchframe_locator", default=None)


@contextmanager
def locating(locator: Locator | None) -> Iterator[None]:
    """Within the block, the checks built here say where their bad rows are."""
    token = _LOCATOR.set(locator)
    try:
        yield
    finally:
        _LOCATOR.reset(token)


def current_locator() -> Locator | None:
    """The locator `locating` set, if any (for a check that runs after the block ends)."""
    return _LOCATOR.get()


def _where(bad: pl.Expr, value: pl.Expr, locator: Locator | None = None) -> Callable[[object], str]:
    """Where the first row lies that `bad` marks and whose `value` is the one reported
    (by `locator`, else the one `locating` set).

    Matching the value keeps the message true when the check runs on folded rows (whose
    order is not the file's): the row named is one that holds the value named.
    """
    locator = locator or _LOCATOR.get()
    if locator is None:
        return lambda reported: ""

    def where(reported: object) -> str:
        same = value.is_null() if reported is None else value == pl.lit(reported)
        try:
            return locator(bad & same)
        except Exception:
            return ""

    return where


@dataclass(frozen=True, eq=False)  # (its fields are expressions: no ==)
class Check:
    """A row check whose evaluation waits (`deferring_checks`): a row where `bad` holds is
    refused with the message ``describe(value)``, `value` taken on that row."""

    bad: pl.Expr
    value: pl.Expr
    describe: Callable[[object], str]


_DEFERRED: ContextVar[list[Check] | None] = ContextVar("batchframe_deferred", default=None)


@contextmanager
def deferring_checks() -> Iterator[list[Check]]:
    """Within the block, the checks built here (`checked_parse`, `checked_values`,
    `refuse_rows`) are not run row by row: each is appended to the list yielded, and the
    value is returned unchecked. The caller must run them: a fold carries ``any(bad)`` of
    them per folded row (`refuse_deferred`) and, only when some row is bad, reads the rows
    again to name it (`first_refusal`).

    A Python call per batch of a streaming query costs more than the parse it checks (a
    CSV batch is a few thousand rows); folded rows are few.

    Examples:
        >>> import polars as pl
        >>> with deferring_checks() as checks:
        ...     count = parse_count("n", pl.String())
        >>> frame = pl.LazyFrame({"n": ["3", "x"]})
        >>> frame.select(count.alias("n")).collect()["n"].to_list()  # unchecked
        [3, None]
        >>> print(first_refusal(frame, checks))
        column 'n': expected a whole number >= 0, got 'x'
    """
    checks: list[Check] = []
    token = _DEFERRED.set(checks)
    try:
        yield checks
    finally:
        _DEFERRED.reset(token)


def first_refusal(
    frame: pl.LazyFrame, checks: Sequence[Check], locator: Locator | None = None
) -> AggregateError | None:
    """The error of the first of `checks` (in order) that a row of `frame` fails: its
    message for the first such row's value, and where `locator` finds that row; None when
    every row passes. Reads `frame` once per check until one fails (the failure path)."""
    for check in checks:
        bad = check.bad.fill_null(False)
        found = frame.filter(bad).select(check.value.alias("value")).head(1).collect()
        if found.height:
            value = found.item()
            return AggregateError(check.describe(value) + _where(bad, check.value, locator)(value))
    return None


def _refused_later(find: Callable[[], AggregateError | None]) -> Callable[[pl.Series], pl.Series]:
    def check(pair: pl.Series) -> pl.Series:
        if pair.struct.field("bad").any():
            raise find() or AggregateError("request logs: a value failed a check")
        return pair.struct.field("value")

    return check


def refuse_deferred(
    value: pl.Expr, bad: pl.Expr, find: Callable[[], AggregateError | None], dtype: pl.DataType
) -> pl.Expr:
    """`value`, raising ``find()`` at collect time when `bad` (a fold's ``any`` of deferred
    checks, `deferring_checks`) holds on some row."""
    return pl.struct(bad.fill_null(False).alias("bad"), value.alias("value")).map_batches(
        _refused_later(find), return_dtype=dtype, is_elementwise=True
    )


def _unparsed(
    what: str, checked: Sequence[tuple[str, Callable[[object], str]]], result: str
) -> Callable[[pl.Series], pl.Series]:
    """A batch check of ``raw<i>``/``parsed<i>`` field pairs (``checked[i]``: the column's
    name and the row locator): raise `AggregateError` for the first raw value that did not
    parse, else return the `result` field."""

    def check(fields: pl.Series) -> pl.Series:
        for index, (column, where) in enumerate(checked):
            raw = fields.struct.field(f"raw{index}")
            bad = raw.is_not_null() & fields.struct.field(f"parsed{index}").is_null()
            if bad.any():
                value = raw.filter(bad)[0]
                raise AggregateError(_unparsed_message(column, what, value) + where(value))
        return fields.struct.field(result)

    return check


def _unparsed_message(column: str, what: str, value: object) -> str:
    return f"column {column!r}: expected {what}, got {value!r}"


def checked_parse(
    raw: pl.Expr, parsed: pl.Expr, column: str, what: str, dtype: pl.DataType
) -> pl.Expr:
    """`parsed`, raising `AggregateError` at collect time where `raw` held a value that
    did not parse: never a silent null. `column` is the column's name in the file."""
    return _checked(None, [(raw, parsed, column)], what, dtype)


def checked_values(
    result: pl.Expr,
    checks: Sequence[tuple[pl.Expr, pl.Expr, str]],
    what: str,
    dtype: pl.DataType,
    located: Sequence[tuple[pl.Expr, pl.Expr]] | None = None,
) -> pl.Expr:
    """`result`, raising `AggregateError` at collect time where, for one of `checks`
    (``(raw, parsed, column)``, as in `checked_parse`), `raw` held a value that did not parse.

    One batch check for all of them: a Python call per batch costs more than the parse of
    a mostly-null column, so values read from several places are checked in one call.

    `located`, one ``(raw, parsed)`` per check: the same values written over the file's
    own columns, for checks whose values are staged columns of a preset (the locator
    reads the file, where those do not exist); read on the failure path only.
    """
    return _checked(result, checks, what, dtype, located)


def _checked(
    result: pl.Expr | None,
    checks: Sequence[tuple[pl.Expr, pl.Expr, str]],
    what: str,
    dtype: pl.DataType,
    located: Sequence[tuple[pl.Expr, pl.Expr]] | None = None,
) -> pl.Expr:
    """The batch check of `checked_parse` and `checked_values`: `result`, or without one
    the first check's parsed value (not carried twice). Deferred (`deferring_checks`):
    that value, unchecked, the checks recorded."""
    lost = [raw.is_not_null() & parsed.is_null() for raw, parsed, _ in checks]
    deferred = _DEFERRED.get()
    if deferred is not None:
        for (raw, _, column), bad in zip(checks, lost, strict=True):
            deferred.append(Check(bad, raw, partial(_unparsed_message, column, what)))
        return (checks[0][1] if result is None else result).cast(dtype)
    if located is None:
        where_of = [(bad, raw) for bad, (raw, _, _) in zip(lost, checks, strict=True)]
    else:
        where_of = [(raw.is_not_null() & parsed.is_null(), raw) for raw, parsed in located]
    fields = [] if result is None else [result.alias("result")]
    wheres: list[tuple[str, Callable[[object], str]]] = []
    for index, ((raw, parsed, column), place) in enumerate(zip(checks, where_of, strict=True)):
        fields += [raw.alias(f"raw{index}"), parsed.alias(f"parsed{index}")]
        wheres.append((column, _where(*place)))
    returned = "parsed0" if result is None else "result"
    return pl.struct(fields).map_batches(
        _unparsed(what, wheres, returned), return_dtype=dtype, is_elementwise=True
    )


_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%#z"


def parse_timestamp(name: str, dtype: pl.DataType, column: str | None = None) -> pl.Expr:
    """Column `name` as ``Datetime("us", "UTC")``; `column` names it in error messages.

    Datetimes without a zone and dates are taken as UTC. Text in ``YYYY-MM-DD``,
    ``YYYY-MM-DD HH:MM:SS[.f]`` or ISO 8601 (``T``, ``Z`` or a ``±HH[:MM]`` offset) is
    parsed; text in any other form raises `AggregateError` naming the column and value.
    """
    col = pl.col(name)
    utc = pl.Datetime("us", "UTC")
    if isinstance(dtype, pl.Datetime):
        zoned = col.dt.replace_time_zone("UTC") if dtype.time_zone is None else col
        return zoned.dt.convert_time_zone("UTC").dt.cast_time_unit("us")
    if isinstance(dtype, pl.Date):
        return col.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    if isinstance(dtype, pl.Null):
        return col.cast(utc)
    if not isinstance(dtype, (pl.String, pl.Categorical, pl.Enum)):
        raise AggregateError(
            f"column {column or name!r}: expected a timestamp, a date or text, got dtype {dtype}"
        )
    s = clean_text(col)
    s = s.str.replace(r"^(\d{4}-\d{2}-\d{2})$", "${1}T00:00:00")
    s = s.str.replace(r"^(\d{4}-\d{2}-\d{2}) ", "${1}T")
    s = pl.when(s.str.contains(r"(?i)(?:z|[+-]\d{2}(?::?\d{2})?)$")).then(s).otherwise(s + "Z")
    parsed = s.str.to_datetime(_TIMESTAMP_FORMAT, time_unit="us", strict=False)
    parsed = parsed.dt.convert_time_zone("UTC")
    return checked_parse(clean_text(col), parsed, column or name, "a timestamp", utc)


def parse_tags(name: str, dtype: pl.DataType, column: str | None = None) -> pl.Expr:
    """A tags column (a list, or JSON text of one) as a cleaned list of strings."""
    col = pl.col(name)
    if isinstance(dtype, pl.Null):
        return NO_TAGS
    if isinstance(dtype, (pl.List, pl.Array)):
        return clean_tags(col.cast(TAGS_DTYPE))
    if not isinstance(dtype, (pl.String, pl.Categorical, pl.Enum)):
        raise AggregateError(
            f"column {column or name!r}: expected a list of tags or JSON text of one, "
            f"got dtype {dtype}"
        )
    text = clean_text(col)
    text = pl.when(text == "null").then(pl.lit("[]")).otherwise(text)  # JSON null: no tags
    # Only text that is a JSON array of strings is decoded; anything else is reported.
    item = r'(?:"(?:[^"\\]|\\.)*"|null)'
    is_list = text.str.contains(rf"^\[\s*(?:{item}\s*(?:,\s*{item}\s*)*)?\]$")
    decoded = pl.when(is_list).then(text).otherwise(pl.lit(None, dtype=pl.String))
    decoded = decoded.str.json_decode(TAGS_DTYPE)
    checked = checked_parse(text, decoded, column or name, "a JSON list of tags", TAGS_DTYPE)
    return clean_tags(checked)


def single_tag(value: pl.Expr) -> pl.Expr:
    """``[value]``, or ``[]`` when the value is null or blank."""
    v = clean_text(value)
    return pl.when(v.is_not_null()).then(pl.concat_list([v])).otherwise(NO_TAGS)


_INT64_LIMIT = 2.0**63


def parse_count(name: str, dtype: pl.DataType, column: str | None = None) -> pl.Expr:
    """A token or request count as Int64 (null stays null); anything but a whole number >= 0 raises.

    Integers pass as they are (an unsigned value beyond Int64 raises); floats and text
    must hold whole, finite, non-negative numbers (``2.0`` is fine, ``1.5``, ``nan``,
    ``-1`` or ``1,000`` raise `AggregateError` naming the column and the value).
    """
    col, where = pl.col(name), column or name
    what = "a whole number >= 0"
    if isinstance(dtype, pl.Null):
        return pl.lit(None, dtype=pl.Int64)
    if isinstance(dtype, pl.Decimal) and dtype.scale == 0:  # e.g. exact sums from Spark
        return checked_parse(col, col.cast(pl.Int64, strict=False), where, what, pl.Int64())
    if dtype.is_integer():
        if dtype == pl.UInt64:
            checked = checked_parse(col, col.cast(pl.Int64, strict=False), where, what, pl.Int64())
        else:
            checked = col.cast(pl.Int64)
        return checked
    if isinstance(dtype, (pl.String, pl.Categorical, pl.Enum)):
        raw = clean_text(col)
        parsed = whole_count(raw, text=True)
    elif dtype.is_numeric():
        raw = col.cast(pl.Float64)
        parsed = whole_count(raw, text=False)
    else:
        raise AggregateError(f"column {where!r}: expected {what}, got dtype {dtype}")
    return checked_parse(raw, parsed, where, what, pl.Int64())


def whole_count(value: pl.Expr, *, text: bool) -> pl.Expr:
    """`parse_count`'s rule, unchecked: cleaned `text` (`clean_text`) or a Float64 as Int64
    where it holds a whole, finite number >= 0 below 2**63 (``"12"``, ``"+3"``, ``"2.0"``,
    ``"1e3"``, ``2.0``), else null; the caller checks that no value was lost.

    Text that is a plain integer takes the integer parse (exact above 2**53, and faster);
    other text and floats take the float parse.

    Examples:
        >>> import polars as pl
        >>> counts = pl.DataFrame({"n": ["12", "2.0", "1e3", "-1", "1.5", "x", None]})
        >>> counts.select(whole_count(pl.col("n"), text=True))["n"].to_list()
        [12, 2, 1000, None, None, None, None]
    """
    if not text:
        return _whole_float(value.cast(pl.Float64))
    as_int = value.cast(pl.Int64, strict=False)
    # the float rule only for text the integer parse did not take (a null costs nothing)
    rest = pl.when(as_int.is_null()).then(value).cast(pl.Float64, strict=False)
    return pl.when(as_int >= 0).then(as_int).otherwise(_whole_float(rest))


def _whole_float(number: pl.Expr) -> pl.Expr:
    """A Float64 as Int64 where it is whole, finite, >= 0 and below 2**63, else null."""
    whole = number.is_finite() & (number == number.floor()) & (number >= 0)
    return pl.when(whole & (number < _INT64_LIMIT)).then(number).otherwise(None).cast(pl.Int64)


def parse_money(name: str, dtype: pl.DataType, column: str | None = None) -> pl.Expr:
    """A USD amount as Float64 (null stays null); text that is not a number raises."""
    col, where = pl.col(name), column or name
    if isinstance(dtype, pl.Null):
        return pl.lit(None, dtype=pl.Float64)
    if dtype.is_numeric():
        return col.cast(pl.Float64)
    if isinstance(dtype, (pl.String, pl.Categorical, pl.Enum)):
        raw = clean_text(col)
        return checked_parse(
            raw, raw.cast(pl.Float64, strict=False), where, "a number", pl.Float64()
        )
    raise AggregateError(f"column {where!r}: expected a number, got dtype {dtype}")


def _refused(message: str, where: Callable[[object], str]) -> Callable[[pl.Series], pl.Series]:
    def check(pair: pl.Series) -> pl.Series:
        bad, value = pair.struct.field("bad"), pair.struct.field("value")
        if bad.any():
            first = value.filter(bad)[0]
            raise AggregateError(_refusal(message, first) + where(first))
        return value

    return check


def _refusal(message: str, value: object) -> str:
    return message.format(value=value)


def refuse_rows(
    value: pl.Expr,
    bad: pl.Expr,
    message: str,
    dtype: pl.DataType,
    located: tuple[pl.Expr, pl.Expr] | None = None,
) -> pl.Expr:
    """`value`, raising `AggregateError(message)` at collect time on a row where `bad` holds
    (``{value}`` in `message` is that row's value).

    `located` is ``(bad, value)`` over the rows the locator reads, when this check runs
    on a fold of them (where `bad` and `value` are the fold's columns); by default the
    locator is given `bad` and `value` themselves. Deferred (`deferring_checks`): `value`,
    the check recorded.
    """
    deferred = _DEFERRED.get()
    if deferred is not None:
        deferred.append(Check(bad.fill_null(False), value, partial(_refusal, message)))
        return value.cast(dtype)
    where = _where(*(located or (bad, value)))
    return pl.struct(bad.fill_null(False).alias("bad"), value.alias("value")).map_batches(
        _refused(message, where), return_dtype=dtype, is_elementwise=True
    )


_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")


def parse_flag(name: str, dtype: pl.DataType, column: str | None = None) -> pl.Expr:
    """A yes/no column as Boolean: booleans as they are; text ``true``/``false`` (also
    ``t``/``f``, ``yes``/``no``, ``1``/``0``, any case); anything else raises."""
    col, where = pl.col(name), column or name
    if isinstance(dtype, (pl.Boolean, pl.Null)):
        return col.cast(pl.Boolean)
    if dtype.is_integer():
        raw = col.cast(pl.String)
    elif isinstance(dtype, (pl.String, pl.Categorical, pl.Enum)):
        raw = clean_text(col)
    else:
        raise AggregateError(f"column {where!r}: expected booleans, got dtype {dtype}")
    text = raw.str.to_lowercase()
    parsed = (
        pl.when(text.is_in(_TRUE))
        .then(pl.lit(True))
        .when(text.is_in(_FALSE))
        .then(pl.lit(False))
        .otherwise(pl.lit(None, dtype=pl.Boolean))
    )
    return checked_parse(raw, parsed, where, "true or false", pl.Boolean())
