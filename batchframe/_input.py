"""Any accepted container of request aggregates -> a validated Polars LazyFrame.

Schema problems (a missing column, a wrong type) are raised at once. Value problems
(nulls, negative counts, non-finite costs, fractional float counts) are checked with a
handful of vectorized aggregates: eagerly for eager inputs, and at collect time for a
LazyFrame, whose data does not exist yet.
"""

from __future__ import annotations

import difflib
import functools
import operator
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from typing import TYPE_CHECKING, Any, Union

import polars as pl

from batchframe._errors import AggregateError
from batchframe._logschema import parse_timestamp
from batchframe._rules import (
    CACHE_COLUMNS,
    CACHE_HIT,
    COST_SOURCE,
    COST_UNKNOWN,
    COUNT_COLUMNS,
    EXCLUDING_FLAGS,
    LONG_CONTEXT,
    RESERVED_PREFIX,
    ValueRule,
    bad_value_message,
    checked_columns,
    missing_column_message,
    value_rules,
)

if TYPE_CHECKING:
    import pandas
    import pyarrow as pa

__all__ = [
    "AGGREGATE_COLUMNS",
    "AggregatesLike",
    "EagerAggregatesLike",
    "RequestAggregate",
    "Validated",
    "summed_columns",
    "validated",
]

#: The columns of a request aggregate, in order (docs/semantics.md §1).
AGGREGATE_COLUMNS = (
    "provider",
    "model",
    "tag",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "request_count",
)
_KEY_COLUMNS = ("provider", "model", "tag")
#: The counters that add up when segments are folded.
SUMMED_COLUMNS = ("input_tokens", "output_tokens", "cost_usd", "request_count")
#: What folding request logs yields: the aggregate columns plus the tier flag.
FOLDED_LOG_COLUMNS = (
    *AGGREGATE_COLUMNS,
    "cached_input_tokens",
    "cache_write_tokens",
    "long_context",
    "already_batched",
    CACHE_HIT,
    COST_UNKNOWN,
)


@dataclass(frozen=True)
class RequestAggregate:
    """One ``(provider, model, tag)`` segment of request logs (docs/semantics.md §1).

    Examples:
        >>> import batchframe as bf
        >>> seg = bf.RequestAggregate("openai", "gpt-5.5", "nightly", 1_000_000, 1_000_000, 35.0, 10)
        >>> bf.project_batch_savings([seg])["projected_savings_usd"].to_list()
        [17.5]
    """

    provider: str
    model: str
    tag: str | None
    input_tokens: int
    output_tokens: int
    cost_usd: float
    request_count: int


#: Every eager container `project_batch_savings` accepts (the result is a DataFrame).
EagerAggregatesLike = Union[
    pl.DataFrame,
    "pa.Table",
    "pa.RecordBatch",
    "pandas.DataFrame",
    Sequence[RequestAggregate],
    Sequence[Mapping[str, Any]],
]
#: Everything `project_batch_savings` accepts as aggregates (a LazyFrame gives a LazyFrame).
AggregatesLike = pl.LazyFrame | EagerAggregatesLike

_EMPTY_SCHEMA = pl.Schema(
    {
        "provider": pl.String,
        "model": pl.String,
        "tag": pl.String,
        "input_tokens": pl.Int64,
        "output_tokens": pl.Int64,
        "cost_usd": pl.Float64,
        "request_count": pl.Int64,
    }
)


# -- containers -> polars ---------------------------------------------------------------


def _from_pandas(frame: pandas.DataFrame, keep: Sequence[str] = ()) -> pl.DataFrame:
    import pyarrow as pa  # a dependency; imported only when a pandas frame arrives

    check_columns([str(name) for name in frame.columns])
    try:
        wanted = _wanted([str(n) for n in frame.columns], keep)
        table = pa.Table.from_pandas(frame[wanted], preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
        column = next((name for name in AGGREGATE_COLUMNS if f"column {name} " in str(exc)), None)
        where = f"column {column!r}" if column else "pandas frame"
        raise AggregateError(f"{where}: cannot convert to Arrow: {exc}") from None
    return _from_arrow(table, keep)


def _wanted(names: Sequence[str], keep: Sequence[str]) -> list[str]:
    """The aggregate columns plus optional and requested ones that the input has."""
    extra = [n for n in (*OPTIONAL_COLUMNS, *keep) if n in names and n not in AGGREGATE_COLUMNS]
    return [*AGGREGATE_COLUMNS, *dict.fromkeys(extra)]


def _from_arrow(data: pa.Table | pa.RecordBatch, keep: Sequence[str] = ()) -> pl.DataFrame:
    check_columns(data.schema.names)
    frame = pl.from_arrow(data.select(_wanted(data.schema.names, keep)))
    assert isinstance(frame, pl.DataFrame)
    return frame


_PY_INT_LIMIT = 2**63


def _first_bad_python_value(column: str, values: list[Any]) -> tuple[int, Any, str] | None:
    """(row, value, expectation) of the first Python value of the wrong kind, or None."""
    if column in _KEY_COLUMNS:
        ok: tuple[type, ...] = (str,)
        expected = "strings"
    elif column in (*SUMMED_COLUMNS, *CACHE_COLUMNS):
        ok = (int, float)
        expected = "numbers"
    elif column in (*EXCLUDING_FLAGS, LONG_CONTEXT):
        ok, expected = (bool,), "booleans"
    else:  # period_start and columns named by by= / price_at=: Polars decides
        return None
    for row, value in enumerate(values):
        if ok == (bool,):
            if value is not None and not isinstance(value, bool):
                return row, value, expected
            continue
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, ok):
            return row, value, expected
        if isinstance(value, int) and not -_PY_INT_LIMIT <= value < _PY_INT_LIMIT:
            return row, value, "an integer below 2**63"
    return None


def _from_rows(rows: Sequence[Any], keep: Sequence[str] = ()) -> pl.DataFrame:
    if not rows:
        return pl.DataFrame(schema=_EMPTY_SCHEMA)
    if all(isinstance(row, RequestAggregate) for row in rows):
        columns = {name: [getattr(row, name) for row in rows] for name in AGGREGATE_COLUMNS}
    else:
        # Mappings, or RequestAggregates and mappings mixed: every row as a mapping.
        for i, row in enumerate(rows):
            if not isinstance(row, (RequestAggregate, Mapping)):
                raise AggregateError(
                    f"row {i}: expected a RequestAggregate or a mapping, got {type(row).__name__}"
                )
        mappings = [asdict(row) if isinstance(row, RequestAggregate) else row for row in rows]
        keys: dict[str, None] = {}  # every key of every row, in first-seen order
        for mapping in mappings:
            keys.update(dict.fromkeys(mapping))
        check_columns([str(key) for key in keys])
        wanted = _wanted([str(key) for key in keys], keep)
        columns = {name: [row.get(name) for row in mappings] for name in wanted}
    series = []
    for name, values in columns.items():
        bad = _first_bad_python_value(name, values)
        if bad is not None:
            row, value, expected = bad
            raise AggregateError(
                f"column {name!r}: expected {expected}, got {value!r} at row {row}"
            )
        dtype = _EMPTY_SCHEMA[name] if all(v is None for v in values) else None
        try:
            series.append(pl.Series(name, values, dtype=dtype, strict=False))
        except (TypeError, OverflowError, pl.exceptions.PolarsError) as exc:
            raise AggregateError(f"column {name!r}: cannot build a column: {exc}") from None
    return pl.DataFrame(series)


def _to_polars(aggregates: object, keep: Sequence[str] = ()) -> pl.DataFrame | pl.LazyFrame:
    if isinstance(aggregates, (pl.DataFrame, pl.LazyFrame)):
        return aggregates
    # Containers of optional libraries are recognised without importing them (a caller
    # holding a pyarrow or pandas object has imported that library already).
    pa = sys.modules.get("pyarrow")
    if pa is not None and isinstance(aggregates, (pa.Table, pa.RecordBatch)):
        return _from_arrow(aggregates, keep)
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(aggregates, pandas.DataFrame):
        return _from_pandas(aggregates, keep)
    if hasattr(aggregates, "__arrow_c_stream__"):  # any Arrow PyCapsule producer
        import pyarrow

        return _from_arrow(pyarrow.table(aggregates), keep)
    if isinstance(aggregates, Sequence) and not isinstance(aggregates, (str, bytes)):
        return _from_rows(aggregates, keep)
    if is_dataclass(aggregates) or isinstance(aggregates, Mapping):
        raise AggregateError(
            f"expected a frame or a sequence of rows, got a single {type(aggregates).__name__}; "
            "wrap it in a list"
        )
    raise AggregateError(
        "expected request aggregates as a polars DataFrame/LazyFrame, a pyarrow Table/"
        "RecordBatch, a pandas DataFrame or a sequence of RequestAggregate or mappings; "
        f"got {type(aggregates).__name__}"
    )


# -- schema checks (no data needed) -------------------------------------------------------


def _is_text(dtype: pl.DataType) -> bool:
    return isinstance(dtype, (pl.String, pl.Categorical, pl.Enum, pl.Null))


def check_columns(names: Sequence[str]) -> None:
    """Raise `AggregateError` for a missing or repeated column, listing the input's columns."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise AggregateError(
                f"column {name!r} appears {list(names).count(name)} times in the input; "
                f"the input has {list(names)}"
            )
        seen.add(name)
    for name in AGGREGATE_COLUMNS:
        if name not in names:
            hint = difflib.get_close_matches(name, list(names), n=1)
            suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
            what = f"request aggregates need {list(AGGREGATE_COLUMNS)}"
            raise AggregateError(missing_column_message(name, what, names, suggestion))
    reserved = [name for name in names if str(name).startswith(RESERVED_PREFIX)]
    if reserved:
        raise AggregateError(
            f"column {reserved[0]!r}: names starting with {RESERVED_PREFIX!r} are reserved for "
            "batchframe's temporary columns; rename it"
        )


def check_schema(schema: pl.Schema) -> None:
    """Raise `AggregateError` for a missing column or a column of the wrong type."""
    check_columns(schema.names())
    for name in _KEY_COLUMNS:
        dtype = schema[name]
        if not _is_text(dtype):
            raise AggregateError(f"column {name!r}: expected strings, got dtype {dtype}")
    for name in (*COUNT_COLUMNS, "cost_usd"):
        dtype = schema[name]
        numeric = dtype.is_integer() or dtype.is_float() or isinstance(dtype, pl.Null)
        if name == "cost_usd":
            numeric = numeric or isinstance(dtype, pl.Decimal)
        if not numeric:
            expected = "a number" if name == "cost_usd" else "integers >= 0"
            raise AggregateError(
                f"column {name!r}: expected {expected}, got non-numeric dtype {dtype}"
            )


# -- value checks -------------------------------------------------------------------------


#: (column, detector, rules): the detector is a cheap reduction that fires for a bad column.
_Check = tuple[str, pl.Expr, list[ValueRule]]


_INT64_MAX = 2**63 - 1


def _cache_sum(names: Sequence[str]) -> pl.Expr:
    present = [pl.col(name).cast(pl.Int128).fill_null(0) for name in CACHE_COLUMNS if name in names]
    return pl.sum_horizontal(present) if present else pl.lit(0)


def _predicate(rule: ValueRule, column: pl.Expr, names: Sequence[str] = ()) -> pl.Expr:
    """A rule's predicate of `batchframe._rules.value_rules` as a Polars expression."""
    predicates: dict[str, Callable[[], pl.Expr]] = {
        "exceeds_input": lambda: _cache_sum(names) > pl.col("input_tokens"),
        "null": lambda: column.is_null(),
        "nan": lambda: column.is_nan(),
        "infinite": lambda: column.is_infinite(),
        "not_finite": lambda: ~column.is_finite(),
        "fractional": lambda: column != column.floor(),
        "negative": lambda: column < 0,
        "too_large": lambda: column > _INT64_MAX,
    }
    return predicates[rule.predicate]()


#: Predicates whose detectors are the same reduction (a column sum that is not finite).
_DETECTOR_KIND = {"nan": "sum", "infinite": "sum", "not_finite": "sum"}


def _detector(rule: ValueRule, column: pl.Expr, names: Sequence[str] = ()) -> pl.Expr:
    """A reduction that fires when some row may break `rule` (allocates nothing per row)."""
    detectors: dict[str, Callable[[], pl.Expr]] = {
        "exceeds_input": lambda: _predicate(rule, column, names).any(),
        "null": lambda: column.null_count() > 0,
        "nan": lambda: ~column.sum().is_finite(),
        "infinite": lambda: ~column.sum().is_finite(),
        "not_finite": lambda: ~column.sum().is_finite(),
        "fractional": lambda: (column != column.floor()).any(),
        "negative": lambda: column.min() < 0,
        "too_large": lambda: column.max() > _INT64_MAX,
    }
    return detectors[rule.predicate]()


def _value_checks(schema: pl.Schema) -> list[_Check]:
    """Per column: a cheap detector and the rules of `batchframe._rules.value_rules`.

    Detectors are reductions that allocate nothing per row (null counts, minima, a sum
    that is finite exactly when no NaN or infinity is present); the predicates run only
    for a column whose detector fires, to find and name its first offending row.
    """
    checks: list[_Check] = []
    names = schema.names()
    for name in checked_columns(names):
        dtype = schema[name]
        column = pl.col(name)
        rules = value_rules(
            name,
            is_float=dtype.is_float(),
            is_unsigned=dtype.is_unsigned_integer(),
            is_wide=dtype in (pl.Int128, pl.UInt128),
        )
        # One detector per kind: NaN, infinity and non-finite values all show in one sum.
        kinds = {_DETECTOR_KIND.get(rule.predicate, rule.predicate): rule for rule in rules}
        detectors = (_detector(rule, column, names) for rule in kinds.values())
        detector = functools.reduce(operator.or_, detectors)
        checks.append((name, detector, rules))
    return checks


def _raise_first_bad(source: pl.LazyFrame, checks: list[_Check], fired: Sequence[bool]) -> None:
    """Locate and report the first offending row of the first column whose detector fired.

    Runs only on the failure path; it reads `source` again to find the row. When no row
    breaks a rule, the detector fired on a sum of finite values that overflowed a float:
    that is reported for the first fired column whose rules a sum reveals.
    """
    overflowed = None
    for (name, _, rules), hit in zip(checks, fired, strict=True):
        if not hit:
            continue
        column = pl.col(name)
        names = source.collect_schema().names()
        predicates = [_predicate(rule, column, names).fill_null(False) for rule in rules]
        anywhere = pl.any_horizontal(predicates)
        # The smallest offending index: order-independent, so right under any engine.
        row = source.select(pl.int_range(pl.len()).filter(anywhere).min()).collect().item()
        if row is None:  # e.g. a cost sum that overflowed to infinity from finite values
            if overflowed is None and any(rule.predicate != "null" for rule in rules):
                overflowed = name
            continue
        named = (bad.alias(f"{RESERVED_PREFIX}rule_{i}") for i, bad in enumerate(predicates))
        at_row = source.slice(row, 1).select(pl.col(name), *named).collect().row(0)
        expectation = next(
            rule.expectation for rule, broken in zip(rules, at_row[1:], strict=True) if broken
        )
        raise AggregateError(bad_value_message(name, expectation, at_row[0], f"at row {row}"))
    if overflowed is not None:
        raise AggregateError(overflow_message(overflowed))


def overflow_message(name: str) -> str:
    """The message for finite values whose sum is not finite (a float overflow)."""
    return (
        f"column {name!r}: every value is finite, but they add up to more than a 64-bit float "
        "holds (the sum overflows to infinity); these cannot be real amounts"
    )


def check_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Raise `AggregateError` for the first offending row of the first bad column.

    The happy path is one parallel pass of reductions; only when a column's detector
    fires is its first bad row located, whichever of the column's rules that row breaks.
    """
    checks = _value_checks(frame.schema)
    if checks and frame.height:
        fired = frame.select(
            detector.fill_null(False).alias(name) for name, detector, _ in checks
        ).row(0)
        if any(fired):
            _raise_first_bad(frame.lazy(), checks, fired)
    return frame


#: Column names of the owed checks' results (lazy inputs).
_BAD_ROWS = f"{RESERVED_PREFIX}bad_rows"
_BAD_COST_SUM = f"{RESERVED_PREFIX}bad_cost_sum"


@dataclass(frozen=True)
class Validated:
    """Aggregates as a LazyFrame of exactly `AGGREGATE_COLUMNS`, with the checks still owed.

    An eager input is fully checked already. A LazyFrame owes its value checks, settled
    at collect time by `enforce` without materialising the input: every null, sign and
    whole-number rule becomes one filter-and-count (so a Parquet scan skips each row
    group whose statistics prove it clean), and NaN or infinite costs show up as a
    non-finite cost sum that the consumer computes in its own pass (`reductions`).
    """

    frame: pl.LazyFrame
    lazy: bool
    source: pl.LazyFrame
    checks: tuple[_Check, ...] = ()

    @property
    def reductions(self) -> list[pl.Expr]:
        """Reductions over the input that the consumer must compute and pass to `enforce`."""
        summed = any(rule.summed for _, _, rules in self.checks for rule in rules)
        return [(~pl.col("cost_usd").sum().is_finite()).alias(_BAD_COST_SUM)] if summed else []

    def enforce(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """`frame`, raising `AggregateError` at collect time if an owed check fails.

        `frame` carries the `reductions` columns (their first row holds the values); they
        are dropped from the result.
        """
        if not self.checks:
            return frame
        names = self.source.collect_schema().names()
        row_rules = [
            _predicate(rule, pl.col(name), names)
            for name, _, rules in self.checks
            for rule in rules
            if not rule.summed
        ]
        bad_rows = self.source.filter(pl.any_horizontal(row_rules)).select(
            pl.len().alias(_BAD_ROWS)
        )
        reduced = [e.meta.output_name() for e in self.reductions]
        schema = frame.collect_schema()
        if reduced and reduced[0] not in schema:  # the consumer did not compute them: do it here
            bad_rows = pl.concat([bad_rows, self.frame.select(self.reductions)], how="horizontal")
        flags = [_BAD_ROWS, *reduced]
        kept = pl.Schema({name: dtype for name, dtype in schema.items() if name not in flags})

        def settle(evaluated: pl.DataFrame) -> pl.DataFrame:
            rows_bad, *sums_bad = evaluated.select(flags).row(0)
            if rows_bad:
                _raise_first_bad(self.source, list(self.checks), [True] * len(self.checks))
            if any(sums_bad):  # a NaN or infinite cost, or finite costs whose sum overflowed
                costs = [name == "cost_usd" for name, _, _ in self.checks]
                _raise_first_bad(self.source, list(self.checks), costs)
            return evaluated.select(kept.names())

        joined = pl.concat([frame, bad_rows], how="horizontal_extend")
        return joined.map_batches(settle, schema=kept)


def _canonical(name: str, dtype: pl.DataType) -> pl.Expr:
    """The cast that makes a column's sums safe and exact (narrow ints widen, costs are Float64)."""
    column = pl.col(name)
    if name in _KEY_COLUMNS:
        return column.cast(pl.String) if isinstance(dtype, pl.Null) else column
    if name == "cost_usd":
        return column if dtype == pl.Float64 else column.cast(pl.Float64)
    if dtype.is_float() or isinstance(dtype, pl.Null):
        return column.cast(pl.Float64)
    if dtype in (pl.Int128, pl.UInt128):  # the "too_large" rule reports what does not fit
        return column.cast(pl.Int64, strict=False)
    return column if dtype in (pl.Int64, pl.UInt64) else column.cast(pl.Int64)


#: Optional aggregate columns that carry meaning when present.
OPTIONAL_COLUMNS = (
    "already_batched",
    "period_start",
    *CACHE_COLUMNS,
    LONG_CONTEXT,
    CACHE_HIT,
    COST_UNKNOWN,
    COST_SOURCE,
)


def _with_index_label(error: AggregateError, aggregates: object) -> AggregateError:
    """For a pandas input, the error's ``at row N`` followed by that row's index label."""
    pandas = sys.modules.get("pandas")
    if pandas is None or not isinstance(aggregates, pandas.DataFrame):
        return error
    match = re.search(r" at row (\d+)$", str(error))
    if match is None or isinstance(aggregates.index, pandas.RangeIndex):
        return error
    label = aggregates.index[int(match.group(1))]
    return AggregateError(f"{error} (index label {label!r})")


def check_kept(names: Sequence[str], keep: Sequence[str]) -> None:
    """`AggregateError` for a column that ``by=`` or ``price_at=`` names and the input lacks."""
    for name in keep:
        if name not in names:
            raise AggregateError(
                f"column {name!r} (asked for by by= or price_at=) is not in the input; "
                f"the input has {list(names)}"
            )


def summed_columns(names: Sequence[str]) -> tuple[str, ...]:
    """The counters a fold sums: `SUMMED_COLUMNS` and the cache counters present."""
    return (*SUMMED_COLUMNS, *(name for name in CACHE_COLUMNS if name in names))


def optional_columns(schema: pl.Schema) -> list[pl.Expr]:
    """Casts of the optional columns the input has; `AggregateError` for a wrong type."""
    out: list[pl.Expr] = []
    for name in CACHE_COLUMNS:
        if name in schema:
            dtype = schema[name]
            if not (dtype.is_integer() or dtype.is_float() or isinstance(dtype, pl.Null)):
                raise AggregateError(
                    f"column {name!r}: expected integers >= 0, got non-numeric dtype {dtype}"
                )
            cast = _canonical(name, dtype) if not isinstance(dtype, pl.Null) else pl.col(name)
            out.append(cast.cast(pl.Int64, strict=False).fill_null(0).alias(name))
    if LONG_CONTEXT in schema:
        dtype = schema[LONG_CONTEXT]
        if not isinstance(dtype, (pl.Boolean, pl.Null)):
            raise AggregateError(f"column 'long_context': expected booleans, got dtype {dtype}")
        out.append(pl.col(LONG_CONTEXT).cast(pl.Boolean).fill_null(False))
    for name in EXCLUDING_FLAGS:  # absent or null = false
        if name in schema:
            dtype = schema[name]
            if not isinstance(dtype, (pl.Boolean, pl.Null)):
                raise AggregateError(f"column {name!r}: expected booleans, got dtype {dtype}")
            out.append(pl.col(name).cast(pl.Boolean).fill_null(False))
    if COST_SOURCE in schema:
        dtype = schema[COST_SOURCE]
        if not isinstance(dtype, (pl.String, pl.Categorical, pl.Enum, pl.Null)):
            raise AggregateError(
                f"column {COST_SOURCE!r}: expected text ('recorded' or 'catalog'), got dtype {dtype}"
            )
        out.append(pl.col(COST_SOURCE).cast(pl.String))
    if "period_start" in schema:
        dtype = schema["period_start"]
        if isinstance(dtype, (pl.String, pl.Categorical, pl.Enum)):
            # batchframe's own output read back from CSV or NDJSON: ISO 8601 text
            out.append(parse_timestamp("period_start", dtype).alias("period_start"))
        elif isinstance(dtype, (pl.Datetime, pl.Date)):
            out.append(pl.col("period_start"))
        else:
            raise AggregateError(
                f"column 'period_start': expected a date, a datetime or ISO 8601 text, "
                f"got dtype {dtype}"
            )
    return out


def validated(aggregates: AggregatesLike, keep: Sequence[str] = ()) -> Validated:
    """Any accepted container as a `Validated` LazyFrame of exactly `AGGREGATE_COLUMNS`.

    Schema problems raise at once. Eager inputs get their value checks now; a LazyFrame
    owes them (see `Validated.enforce`). The caller's object is never modified.
    """
    data = _to_polars(aggregates, keep)
    schema = data.collect_schema() if isinstance(data, pl.LazyFrame) else data.schema
    check_schema(schema)
    canonical = [_canonical(name, schema[name]) for name in AGGREGATE_COLUMNS]
    canonical += optional_columns(schema)
    carried = [n for n in OPTIONAL_COLUMNS if n in schema]
    check_kept(schema.names(), keep)
    for name in dict.fromkeys(keep):
        if name not in AGGREGATE_COLUMNS and name not in carried:
            carried.append(name)
            canonical.append(pl.col(name))
    selected = data.select(*AGGREGATE_COLUMNS, *carried)
    if isinstance(selected, pl.DataFrame):
        try:
            check_values(selected)
        except AggregateError as exc:
            raise _with_index_label(exc, aggregates) from None
        return Validated(selected.lazy().select(canonical), lazy=False, source=selected.lazy())
    checks = tuple(_value_checks(schema))
    return Validated(selected.select(canonical), lazy=True, source=selected, checks=checks)
