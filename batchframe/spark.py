"""The projection over a Spark DataFrame: Spark folds the rows, Polars applies the rules.

Install the extra on the machine that runs the driver::

    pip install "batchframe[spark]"

and call the functions of this module from the driver program (``spark-submit``, a
notebook attached to the cluster, Databricks, EMR, Dataproc …)::

    import batchframe.spark as bfs

    aggregates = spark.read.parquet("s3://bucket/aggregates/")
    findings = bfs.project_batch_savings(aggregates)          # a polars.DataFrame

    logs = spark.read.parquet("s3://bucket/request-logs/")
    monthly = bfs.aggregate_request_logs(logs, every="1mo")    # a (small) Spark DataFrame
    findings = bfs.project_batch_savings(monthly, by="period_start", price_at="period_start")

One definition of the rules. The only per-row work in Spark is a fold: one
aggregation that sums the counters per key (for the projection, only the rows whose tag
is an eligible spelling, the rest folded into one row for the total spend) and counts
the rows that break each value check of `batchframe._rules.value_rules`. The folded
segments (a few hundred, typically) are collected through Arrow, and everything else —
provider matching, eligibility, the status precedence, rate choice (latest or as of
`price_at`), the cost formula, the per-tag fold and the finish — runs on them in Polars,
in the functions the Polars path itself uses. For request logs, Spark folds on the raw
key values (provider, model, tag text or array, service tier, the timestamp floored to
the period's finest unit) and `batchframe.aggregate_request_logs` cleans and folds the
collected rows, so Polars and Spark cannot disagree on a rule.

The executors need nothing beyond Spark itself: every per-row step is a built-in Spark
SQL expression (``IN``, ``sum``, ``count_if``, ``pmod`` on epoch microseconds), and no
Python UDF, pandas UDF or RDD lambda is ever shipped to a worker (tests/test_spark.py
checks the physical plans). The driver needs batchframe with its dependencies and
PySpark >= 3.5 (tested with 4.x).

Differences from the Polars path, by design:

* A bad value's `AggregateError` names the column, the expectation and an offending value
  and says how many rows offend, but not a row index (a Spark DataFrame has no row order).
* `classify_segments` returns one row per distinct segment key (rows with the same keys
  are one segment), sorted by the keys.
* `batchframe.spark` takes the canonical columns; it does not read the export presets
  (use `batchframe.scan_request_logs` with a preset, or map the columns in Spark first).
"""

from __future__ import annotations

import functools
import math
import operator
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import polars as pl

from batchframe import _logs, _project
from batchframe._catalog import PricingCatalog, resolve_catalog
from batchframe._errors import AggregateError
from batchframe._input import check_kept, check_schema, optional_columns, summed_columns
from batchframe._logs import check_every_column, check_log_columns
from batchframe._project import merge_partials, partial_from_segments
from batchframe._rules import (
    CACHE_COLUMNS,
    COST_SOURCE,
    COUNT_COLUMNS,
    EXCLUDING_FLAGS,
    LONG_CONTEXT,
    RESERVED_PREFIX,
    TagsLike,
    ValueRule,
    bad_value_message,
    check_by,
    check_tier,
    checked_columns,
    eligible_tag_set,
    parse_every,
    spellings,
    value_rules,
)

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import Column, DataFrame, SparkSession
    from pyspark.sql.types import DataType

__all__ = [
    "aggregate_request_logs",
    "classify_segments",
    "local_session",
    "project_batch_savings",
    "to_spark",
]

INSTALL_HINT = 'pip install "batchframe[spark]"'

_DAY_US = 86_400_000_000


def _require_pyspark() -> None:
    """Raise ImportError with the install hint when PySpark cannot be imported."""
    try:
        import pyspark.sql  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"batchframe.spark needs PySpark (>= 3.5), which is not installed: {INSTALL_HINT}"
        ) from exc


def _check_frame(spark_df: object, function: str) -> None:
    """A readable TypeError for anything that is not a Spark DataFrame."""
    if not (hasattr(spark_df, "groupBy") and hasattr(spark_df, "sparkSession")):
        raise TypeError(
            f"batchframe.spark.{function} takes a Spark DataFrame, got {type(spark_df).__name__}; "
            f"for Polars, Arrow or pandas data use batchframe.{function}, or convert with "
            "batchframe.spark.to_spark(frame, spark)"
        )


def _col(name: str) -> Column:
    """A top-level column by its exact name (dots and backticks are not paths)."""
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


# -- sessions and conversion --------------------------------------------------------------


def local_session(
    app_name: str = "batchframe",
    cores: int = 2,
    *,
    config: Mapping[str, str] | None = None,
) -> SparkSession:
    """A quiet local Spark session (``local[cores]``) set up for batchframe.

    No web UI, no progress bars, few shuffle partitions (small results), UTC session time
    zone, Arrow conversions on, log level ERROR. `config` adds or overrides settings. If a
    session is already active, Spark returns it (settings that need a new JVM, such as the
    master, then keep their old values).
    """
    _require_pyspark()
    from pyspark.sql import SparkSession

    settings = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        # Only consulted if the caller runs Python code on workers; batchframe never does.
        "spark.pyspark.python": sys.executable,
    }
    settings.update(config or {})
    builder = SparkSession.builder.master(f"local[{int(cores)}]").appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _spark_safe_type(dtype: pa.DataType, name: str | None = None) -> pa.DataType:
    """The Arrow type Spark reads without surprises (for a top-level column, `name`)."""
    import pyarrow as pa

    t = pa.types
    if t.is_dictionary(dtype):
        return _spark_safe_type(dtype.value_type)
    if t.is_large_string(dtype) or t.is_string_view(dtype):
        return pa.string()
    if t.is_large_binary(dtype) or t.is_binary_view(dtype):
        return pa.binary()
    if t.is_uint8(dtype):
        return pa.int16()
    if t.is_uint16(dtype):
        return pa.int32()
    if t.is_uint32(dtype):
        return pa.int64()
    if t.is_uint64(dtype):
        return pa.decimal128(20, 0)  # top-level columns that fit become int64 (see to_spark)
    if t.is_float16(dtype):
        return pa.float32()
    if t.is_timestamp(dtype):
        return pa.timestamp("us", tz="UTC")  # naive values are taken as UTC wall time
    if t.is_null(dtype):
        if name in COUNT_COLUMNS:
            return pa.int64()
        return pa.float64() if name == "cost_usd" else pa.string()
    if (
        t.is_list(dtype)
        or t.is_large_list(dtype)
        or t.is_fixed_size_list(dtype)
        or (t.is_list_view(dtype) or t.is_large_list_view(dtype))
    ):
        return pa.list_(_spark_safe_type(dtype.value_type))
    if t.is_struct(dtype):
        return pa.struct(
            [
                dtype.field(i).with_type(_spark_safe_type(dtype.field(i).type))
                for i in range(dtype.num_fields)
            ]
        )
    return dtype


def to_spark(frame: Any, spark: SparkSession) -> DataFrame:
    """A Polars DataFrame/LazyFrame, Arrow Table/RecordBatch (or any Arrow stream) as Spark.

    Spark has no unsigned integers and reads neither Arrow view types nor large strings
    everywhere, so columns are cast first: ``uint8/16/32`` widen to the next signed type,
    ``uint64`` becomes ``int64`` when every value fits (else ``decimal(20,0)``), string
    views, large strings and dictionaries (Categorical, Enum) become plain strings, large
    and view lists become lists, ``float16`` becomes ``float32``, and every timestamp
    becomes microseconds in UTC (naive timestamps are taken as UTC, as batchframe does).
    The data go to the JVM as Arrow batches: no Python worker is involved.
    """
    _require_pyspark()
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    if isinstance(frame, pl.DataFrame):
        table = frame.to_arrow()
    elif isinstance(frame, pa.RecordBatch):
        table = pa.Table.from_batches([frame])
    elif isinstance(frame, pa.Table):
        table = frame
    elif hasattr(frame, "__arrow_c_stream__"):
        table = pa.table(frame)
    else:
        raise TypeError(
            f"to_spark takes a polars DataFrame/LazyFrame or a pyarrow Table/RecordBatch, "
            f"got {type(frame).__name__}"
        )
    columns = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        target = _spark_safe_type(column.type, name)
        if pa.types.is_uint64(column.type):
            biggest = pc.max(column).as_py()
            if biggest is None or biggest < 2**63:
                target = pa.int64()
        if target != column.type:
            # Truncating nanoseconds to microseconds is intended (Spark keeps microseconds).
            column = column.cast(target, safe=not pa.types.is_timestamp(column.type))
        columns.append(column)
    table = pa.Table.from_arrays(columns, names=table.column_names)
    if _pyspark_major() >= 4:
        return spark.createDataFrame(table)  # Arrow batches, read by the JVM
    return _arrow_to_spark_35(table, spark)  # pragma: no cover - PySpark 3.5


def _arrow_to_spark_35(table: pa.Table, spark: SparkSession) -> DataFrame:  # pragma: no cover
    """PySpark 3.5 takes no Arrow table: hand the batches to the JVM as its pandas path does.

    Going through pandas instead would turn NaN into null; that is the fallback only if
    these PySpark internals are not there.
    """
    from pyspark.sql import DataFrame
    from pyspark.sql.pandas.types import from_arrow_schema

    schema = from_arrow_schema(table.schema)
    try:
        from pyspark.sql.pandas.serializers import ArrowStreamSerializer

        jvm: Any = getattr(spark, "_jvm")  # noqa: B009
        jiter = spark.sparkContext._serialize_to_jvm(
            table.to_batches(),
            ArrowStreamSerializer(),
            jvm.PythonSQLUtils.readArrowStreamFromFile,
            jvm.ArrowIteratorServer,
        )
        jdf = jvm.PythonSQLUtils.toDataFrame(jiter, schema.json(), getattr(spark, "_jsparkSession"))  # noqa: B009
        return DataFrame(jdf, spark)
    except (AttributeError, ImportError, TypeError):
        return spark.createDataFrame(table.to_pandas(), schema=schema)


def _pyspark_major() -> int:
    import pyspark

    return int(pyspark.__version__.split(".")[0])


def _collect(df: DataFrame) -> pl.DataFrame:
    """A small Spark result as a Polars frame, through Arrow."""
    import pyarrow as pa

    if hasattr(df, "toArrow"):  # PySpark >= 4.0
        table = df.toArrow()
    else:  # pragma: no cover - PySpark 3.5
        from pyspark.sql.pandas.types import to_arrow_schema

        batches = getattr(df, "_collect_as_arrow")()  # noqa: B009
        if batches:
            table = pa.Table.from_batches(batches)
        else:  # no rows, no batches: the empty table of the result's schema
            table = to_arrow_schema(df.schema).empty_table()
    out = pl.from_arrow(table)
    assert isinstance(out, pl.DataFrame)
    return out


# -- schema ----------------------------------------------------------------------------------


def _polars_dtype(dtype: DataType) -> pl.DataType:
    """The Polars type a Spark column arrives as, for the shared schema checks."""
    from pyspark.sql import types as T

    simple: list[tuple[type, pl.DataType]] = [
        (T.NullType, pl.Null()),
        (T.BooleanType, pl.Boolean()),
        (T.ByteType, pl.Int8()),
        (T.ShortType, pl.Int16()),
        (T.IntegerType, pl.Int32()),
        (T.LongType, pl.Int64()),
        (T.FloatType, pl.Float32()),
        (T.DoubleType, pl.Float64()),
        (T.DateType, pl.Date()),
        (T.TimestampNTZType, pl.Datetime("us")),
        (T.TimestampType, pl.Datetime("us", "UTC")),
    ]
    if isinstance(dtype, (T.StringType, T.CharType, T.VarcharType)):
        return pl.String()
    for spark_type, polars_type in simple:
        if isinstance(dtype, spark_type):
            return polars_type
    if isinstance(dtype, T.DecimalType):
        # A whole-number decimal is an integer column; a fractional one is checked as floats.
        return pl.Int64() if dtype.scale == 0 else pl.Float64()
    if isinstance(dtype, T.ArrayType):
        return pl.List(_polars_dtype(dtype.elementType))
    return pl.Object()


def _schema(df: DataFrame) -> dict[str, DataType]:
    return {field.name: field.dataType for field in df.schema.fields}


def _checked_schema(df: DataFrame, keep: Sequence[str]) -> dict[str, DataType]:
    """The Spark schema, checked by the rules of the Polars path (`_input.check_schema`)."""
    schema = _schema(df)
    as_polars = pl.Schema({name: _polars_dtype(dtype) for name, dtype in schema.items()})
    check_schema(as_polars)
    optional_columns(as_polars)
    check_kept(list(schema), keep)
    return schema


# -- value checks: the rules of batchframe._rules.value_rules, compiled for Spark ---------------


def _is_float(dtype: DataType) -> bool:
    from pyspark.sql import types as T

    return isinstance(dtype, (T.FloatType, T.DoubleType))


def _is_fractional(dtype: DataType) -> bool:
    from pyspark.sql import types as T

    return _is_float(dtype) or (isinstance(dtype, T.DecimalType) and dtype.scale > 0)


def _predicate(
    rule: ValueRule, name: str, dtype: DataType, schema: Mapping[str, DataType]
) -> Column:
    from pyspark.sql import functions as F

    column = _col(name)
    if rule.predicate == "exceeds_input":
        present = [c for c in CACHE_COLUMNS if c in schema]
        cache = functools.reduce(
            operator.add, (F.coalesce(_col(c).cast("decimal(38,0)"), F.lit(0)) for c in present)
        )
        return cache > _col("input_tokens")
    if rule.predicate == "null":
        return column.isNull()
    if rule.predicate == "negative":
        return column < 0
    if not _is_float(dtype):  # decimals: no NaN or infinity, fractions by remainder
        return column % 1 != 0 if rule.predicate == "fractional" else F.lit(False)
    value = column.cast("double")
    nan, infinite = F.isnan(value), F.abs(value) == float("inf")
    return {
        "nan": nan,
        "infinite": infinite,
        "not_finite": nan | infinite,
        "fractional": ~nan & ~infinite & (value != F.rint(value)),
    }[rule.predicate]


def _checks(schema: Mapping[str, DataType]) -> list[tuple[str, list[ValueRule]]]:
    return [
        (name, value_rules(name, is_float=_is_fractional(schema[name])))
        for name in checked_columns(list(schema))
    ]


def _detectors(schema: Mapping[str, DataType]) -> list[Column]:
    """One count per checked column of rows that break any of its rules (partial counts)."""
    from pyspark.sql import functions as F

    out = []
    for name, rules in _checks(schema):
        broken = functools.reduce(
            operator.or_, (_predicate(rule, name, schema[name], schema) for rule in rules)
        )
        out.append(F.count_if(F.coalesce(broken, F.lit(False))).alias(f"{_BAD}{name}"))
    return out


_BAD = f"{RESERVED_PREFIX}bad_"


def _raise_first_bad(df: DataFrame, schema: Mapping[str, DataType], fired: pl.DataFrame) -> None:
    """Name the first bad column's rule, an offending value and the number of such rows.

    Runs only on the failure path: one more aggregation over the input, every rule at
    once; columns and rules are reported in the order of the Polars path.
    """
    from pyspark.sql import functions as F

    if not any((fired[f"{_BAD}{name}"].sum() or 0) > 0 for name in checked_columns(list(schema))):
        return
    aggs: list[Column] = []
    plan: list[tuple[str, str, bool, int]] = []
    for name, rules in _checks(schema):
        for i, rule in enumerate(rules):
            bad = F.coalesce(_predicate(rule, name, schema[name], schema), F.lit(False))
            aggs.append(F.count_if(bad).alias(f"{_BAD}{name}_{i}_n"))
            aggs.append(F.min(F.when(bad, _col(name))).alias(f"{_BAD}{name}_{i}_v"))
            plan.append((name, rule.expectation, rule.predicate != "null", i))
    found = df.agg(*aggs).collect()[0].asDict()
    for name, expectation, show, i in plan:
        n = found[f"{_BAD}{name}_{i}_n"]
        if n:
            value = found[f"{_BAD}{name}_{i}_v"] if show else None
            if isinstance(value, Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            rows = "1 such row" if n == 1 else f"{n} such rows"
            where = f"at a row of the Spark DataFrame ({rows}; Spark reports no row index)"
            raise AggregateError(bad_value_message(name, expectation, value, where))


# -- the fold: the only per-row work that runs in Spark -----------------------------------------


def _summed(name: str, dtype: DataType) -> Column:
    """A counter in the type its sum is exact in: long for integers, double otherwise."""
    from pyspark.sql import types as T

    whole = isinstance(dtype, (T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.NullType))
    # decimal(38,0): a sum of longs that cannot wrap (Spark's bigint sum would overflow)
    return _col(name).cast("decimal(38,0)" if whole else "double")


def _candidate(schema: Mapping[str, DataType], eligible: list[str]) -> Column:
    """True on rows whose tag is an eligible spelling and that were not batched yet.

    The spellings come from `batchframe._rules.spellings`; without them (non-ASCII words)
    every tagged row is a candidate and the rule is applied in Polars after the fold.
    """
    from pyspark.sql import functions as F

    tag = _col("tag").cast("string")
    words = spellings(tuple(eligible))
    if not eligible:
        is_candidate = F.lit(False)
    elif words is not None:
        is_candidate = tag.isin(list(words))
    else:
        is_candidate = tag.isNotNull()
    for name in EXCLUDING_FLAGS:  # already batched, gateway cache hits, cost unknown
        if name in schema:
            is_candidate = is_candidate & ~F.coalesce(_col(name).cast("boolean"), F.lit(False))
    return F.coalesce(is_candidate, F.lit(False))


def _fold_plan(
    df: DataFrame,
    schema: Mapping[str, DataType],
    keys: Sequence[str],
    candidate: Column | None = None,
) -> DataFrame:
    """The Spark side: one aggregation that sums the counters per `keys` and counts bad rows.

    With `candidate`, only candidate rows keep their keys; all others fold into one row
    whose keys are null, so the total spend still covers every row.
    """
    from pyspark.sql import functions as F

    keyed = [(_col(key), key) for key in keys]
    if candidate is not None:
        flag = f"{RESERVED_PREFIX}candidate"
        df = df.select(candidate.alias(flag), "*")
        keyed = [(F.when(F.col(flag), column), key) for column, key in keyed]
    return df.groupBy(*(column.alias(key) for column, key in keyed)).agg(
        *(F.sum(_summed(name, schema[name])).alias(name) for name in summed_columns(list(schema))),
        *_detectors(schema),
    )


def _fold(
    df: DataFrame,
    schema: Mapping[str, DataType],
    keys: Sequence[str],
    candidate: Column | None = None,
) -> pl.DataFrame:
    """`_fold_plan`, collected, with its value checks settled (`AggregateError`)."""
    result = _collect(_fold_plan(df, schema, keys, candidate))
    _raise_first_bad(df, schema, result)
    total = result["cost_usd"].sum() if result.height else 0.0
    if not math.isfinite(float(total)):
        _raise_first_bad(df, schema, result.with_columns(pl.lit(1).alias(f"{_BAD}cost_usd")))
    return result.drop(pl.selectors.starts_with(_BAD))


def _counters(result: pl.DataFrame) -> list[pl.Expr]:
    """The collected sums as the Polars path folds them: exact integers (Int128), Float64 cost."""
    return [
        pl.col(name).cast(pl.Float64 if name == "cost_usd" else pl.Int128)
        for name in summed_columns(result.columns)
    ]


def _segments(result: pl.DataFrame, keys: Sequence[str]) -> pl.LazyFrame:
    """The collected candidate segments as aggregates with the Polars path's column types."""
    return result.lazy().filter(pl.col("tag").is_not_null()).select(*keys, *_counters(result))


def project_batch_savings(
    spark_df: DataFrame,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    tier: str = "batch",
    price_at: str | None = None,
    by: Sequence[str] | str | None = None,
) -> pl.DataFrame:
    """`batchframe.project_batch_savings` over a Spark DataFrame of request aggregates.

    Spark folds the candidate rows (an eligible spelling, not already batched) per
    ``(provider, model, tag)``, `by` keys and the `price_at` column, with the total spend
    and the value checks in the same pass; only those segments are collected, and the
    rules, pricing and finish run on them in Polars (`batchframe.partial_from_segments`),
    the code the Polars path runs. Returns the findings as a ``polars.DataFrame``.

    Raises:
        AggregateError: a missing column, a wrong type or a bad value, as in the Polars
            path; a bad value's message says how many rows offend instead of a row index.
        ImportError: PySpark is not installed (``pip install "batchframe[spark]"``).
    """
    _require_pyspark()
    _check_frame(spark_df, "project_batch_savings")
    keys = check_by(by)
    tier = check_tier(tier)
    eligible = eligible_tag_set(eligible_tags)
    cat = resolve_catalog(catalog)
    instants = (price_at,) if price_at else ()
    schema = _checked_schema(spark_df, (*keys, *instants))
    context = [LONG_CONTEXT] if LONG_CONTEXT in schema else []
    if "cache_write_tokens" in schema:  # rows that write to the cache fold apart (as in Polars)
        from pyspark.sql import functions as F

        spark_df = spark_df.withColumn(
            _project.WRITES, F.coalesce(_col("cache_write_tokens") > 0, F.lit(False))
        )
        schema = {**schema, _project.WRITES: spark_df.schema[_project.WRITES].dataType}
        context.append(_project.WRITES)
    group = list(dict.fromkeys(("provider", "model", "tag", *context, *keys, *instants)))
    result = _fold(spark_df, schema, group, _candidate(schema, eligible))
    total = pl.LazyFrame({"total_spend_usd": [float(result["cost_usd"].sum() or 0.0)]})
    partial = partial_from_segments(
        _segments(result, group),
        total,
        cat,
        eligible=eligible,
        tier=tier,
        price_at=price_at,
        keys=keys,
    )
    return merge_partials([partial.collect()])


def classify_segments(
    spark_df: DataFrame,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    tier: str = "batch",
    price_at: str | None = None,
) -> pl.DataFrame:
    """`batchframe.classify_segments` over a Spark DataFrame of request aggregates.

    Spark folds the rows per ``(provider, model, tag)`` and the optional flags
    (``already_batched``, ``cache_hit``, ``cost_unknown``, ``long_context``,
    ``cost_source``) and the `price_at` column; the folded segments are collected and classified in Polars by
    `batchframe.classify_segments`. A Spark DataFrame has no row order or identity, so
    rows with the same keys come back as one segment, sorted by their keys.
    """
    _require_pyspark()
    _check_frame(spark_df, "classify_segments")
    tier = check_tier(tier)
    instants = (price_at,) if price_at else ()
    schema = _checked_schema(spark_df, instants)
    group = ["provider", "model", "tag"]
    flags = (*EXCLUDING_FLAGS, LONG_CONTEXT, COST_SOURCE)
    group += [name for name in flags if name in schema]
    group = list(dict.fromkeys((*group, *instants)))
    folded = _fold(spark_df, schema, group).sort(group, nulls_last=True)
    segments = folded.with_columns(_counters(folded))
    return _project.classify_segments(
        segments, catalog, eligible_tags=eligible_tags, tier=tier, price_at=price_at
    )


# -- request logs ------------------------------------------------------------------------------


def _epoch_micros(column: Column, dtype: DataType, name: str) -> Column:
    """A timestamp or date column as UTC epoch microseconds (naive values taken as UTC)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if isinstance(dtype, T.TimestampType):
        return F.unix_micros(column)
    if isinstance(dtype, T.TimestampNTZType):  # wall-clock fields, read without a time zone
        seconds = F.extract(F.lit("SECOND"), column).cast("decimal(8,6)") * 1_000_000
        return (
            F.unix_date(column.cast("date")).cast("bigint") * _DAY_US
            + F.hour(column).cast("bigint") * 3_600_000_000
            + F.minute(column).cast("bigint") * 60_000_000
            + seconds.cast("bigint")
        )
    if isinstance(dtype, T.DateType):
        return F.unix_date(column).cast("bigint") * _DAY_US
    raise AggregateError(
        f"request logs: column {name!r} for every=: expected a timestamp or date, got dtype "
        f"{dtype.simpleString()}; parse text with to_timestamp() first"
    )


def _raw_log_fold(
    spark_df: DataFrame, every: str | None, timestamp: str, thresholds: Sequence[int] = ()
) -> DataFrame:
    """The Spark side of the log fold: sums per raw key value, prompt bucket (and period).

    The bucket is `batchframe._logs.prompt_bucket`'s rule: how many of the catalog's
    long-context thresholds a request's prompt exceeds, per request, before the fold.
    """
    from pyspark.sql import functions as F

    schema = _schema(spark_df)
    check_log_columns(list(schema))
    period = parse_every(every) if every is not None else None
    raw = [name for name in _RAW_KEYS if name in schema]
    columns = [_col(name) for name in raw]
    check_every_column(every, timestamp, list(schema))
    if period is not None:
        micros = _epoch_micros(_col(timestamp), schema[timestamp], timestamp)
        step = F.lit(period.floor_us).cast("bigint")
        columns.append(F.timestamp_micros(micros - F.pmod(micros, step)).alias("timestamp"))
        raw.append("timestamp")
    prompt = _col("input_tokens").cast("double")
    if "request_count" in schema:  # a pre-counted row: its mean prompt (_logs.per_request_prompt)
        count = F.greatest(F.coalesce(_col("request_count").cast("double"), F.lit(1.0)), F.lit(1.0))
        prompt = prompt / count
    bucket = functools.reduce(
        operator.add,
        (F.when(prompt > threshold, 1).otherwise(0) for threshold in thresholds),
        F.lit(0),
    )
    columns.append(bucket.cast("tinyint").alias(_logs.BUCKET))
    # requests without a recorded cost fold apart (priced from the catalog afterwards)
    columns.append(_col("cost_usd").isNull().alias(f"{RESERVED_PREFIX}unrecorded"))
    count = (
        _summed("request_count", schema["request_count"]) if "request_count" in schema else F.lit(1)
    )
    folded = spark_df.groupBy(*columns).agg(
        F.sum(_summed("input_tokens", schema["input_tokens"])).alias("input_tokens"),
        F.sum(_summed("output_tokens", schema["output_tokens"])).alias("output_tokens"),
        *(
            F.sum(_summed(name, schema[name])).alias(name)
            for name in CACHE_COLUMNS
            if name in schema
        ),
        # a request of unknown cost leaves its fold's cost unknown, as in the Polars path
        F.when(F.count_if(_col("cost_usd").isNull()) > 0, F.lit(None))
        .otherwise(F.sum(_col("cost_usd").cast("double")))
        .alias("cost_usd"),
        F.sum(count).alias("request_count"),
    )
    return folded


#: Raw log columns that are folded as they are and normalised in Polars afterwards.
_RAW_KEYS = ("provider", "model", "tags", "tag", "already_batched", "service_tier", "cache_hit")


def aggregate_request_logs(
    spark_df: DataFrame,
    *,
    every: str | None = None,
    timestamp: str = "timestamp",
    eligible_tags: TagsLike = None,
    catalog: PricingCatalog | None = None,
) -> DataFrame:
    """`batchframe.aggregate_request_logs` for a Spark DataFrame of request logs.

    Takes the canonical log columns (``model``, ``input_tokens``, ``output_tokens``,
    ``cost_usd``; optional ``provider``, ``tags`` as an array or JSON text or a single
    ``tag``, ``request_count``, ``already_batched`` or ``service_tier``, and the
    `timestamp` column for `every`); it does not read the export presets. Spark folds the
    rows on their raw values (and, with `every`, on the timestamp floored to the period's
    finest unit, in UTC); the few folded rows are collected and cleaned, tagged and
    folded again by `batchframe.aggregate_request_logs`, so both engines apply one
    definition of the log rules. Returns the aggregates as a (small) Spark DataFrame.
    """
    _require_pyspark()
    _check_frame(spark_df, "aggregate_request_logs")
    cat = resolve_catalog(catalog)
    thresholds = _logs.long_context_thresholds(cat)
    collected = _collect(_raw_log_fold(spark_df, every, timestamp, thresholds))
    if every is not None:
        collected = collected.with_columns(pl.col("timestamp").cast(pl.Datetime("us", "UTC")))
    collected = collected.with_columns(pl.col(_logs.BUCKET).cast(pl.UInt8))
    period = parse_every(every) if every is not None else None
    aggregates = _logs.fold_requests(
        collected.lazy(), cat, thresholds, period, eligible_tags, {}, lazy=False
    )
    assert isinstance(aggregates, pl.DataFrame)
    return to_spark(aggregates, spark_df.sparkSession)
