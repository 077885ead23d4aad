"""The projection over a Spark DataFrame: the row work runs in Spark, the finish in Polars.

Install the extra on the machine that runs the driver::

    pip install "batchframe[spark]"

and call the functions of this module from the driver program (``spark-submit``, a
notebook attached to the cluster, Databricks, EMR, Dataproc …)::

    import batchframe.spark as bfs

    aggregates = spark.read.parquet("s3://bucket/aggregates/")
    findings = bfs.project_batch_savings(aggregates)          # a polars.DataFrame

    logs = spark.read.parquet("s3://bucket/request-logs/")
    monthly = bfs.aggregate_request_logs(logs, every="1mo")    # a Spark DataFrame
    findings = bfs.project_batch_savings(monthly, by="period_start")

The executors need nothing beyond Spark itself: every per-row step is a built-in Spark
SQL expression (``IN``, ``sum``, ``min``, ``count_if``, ``filter``/``try_element_at``
on arrays, ``trunc``/``pmod`` on dates and epoch microseconds), the catalog's rates
travel as a literal table in a broadcast join, and no Python UDF, pandas UDF or RDD
lambda is ever shipped to a worker (tests/test_spark.py checks the physical plans).
Neither batchframe, Polars nor PyArrow has to be installed there. The driver needs
batchframe with its dependencies and PySpark >= 3.5 (tested with 4.x).

What `project_batch_savings` asks of Spark, in one query (one pass over the input):

1. One aggregation over every input row folds the rows whose tag is an eligible spelling
   (and that did not already run on a batch or flex tier) per ``(provider, model, tag)``
   and `by` keys, summing tokens, cost and requests; every other row lands in a single
   group. The same pass yields the total spend and cheap input checks (a count of rows
   with a null, one minimum over the counters, sums that are finite exactly when no NaN
   or infinity is present).
2. Those segments (a few hundred, typically) are joined, broadcast, to the catalog's
   latest entry per ``(provider, model)`` with both rates of the tier, priced per segment
   (``input_tokens × rate_in / 1e6 + output_tokens × rate_out / 1e6`` on the summed
   tokens, as the Polars path does) and folded per tag and `by` keys.
3. Only that small result is collected (Arrow), turned into the partial frame of
   `batchframe.partial_projection`, and finished by `batchframe.merge_partials` (savings
   floor, shares, discount, summary, order). The numbers equal those of
   `batchframe.project_batch_savings` on the same data within relative 1e-9.

Differences from the Polars path, by design:

* Bad values raise `AggregateError` naming the column, the expectation, an offending value
  and how many rows offend — but not the row index (a Spark DataFrame has no row order).
  The exact check runs only after the cheap one fired.
* Eligible words that are not ASCII (or too many spellings) fall back to
  ``lower(tag) IN (…)`` with Spark's (Java's) lower-casing.
* `aggregate_request_logs` reads ``tags`` JSON text with ``from_json``: a malformed list
  counts as untagged instead of raising, and timestamps must be Spark timestamps or dates
  (parse text with ``to_timestamp`` first).
"""

from __future__ import annotations

import functools
import math
import operator
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import polars as pl

from batchframe._catalog import PricingCatalog
from batchframe._errors import AggregateError
from batchframe._input import AGGREGATE_COLUMNS, FOLDED_LOG_COLUMNS, SUMMED_COLUMNS, check_columns
from batchframe._project import (
    TagsLike,
    _check_by,
    _check_catalog,
    _check_tier,
    eligible_tag_set,
    merge_partials,
    spellings,
)

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import Column, DataFrame, SparkSession
    from pyspark.sql.types import DataType

__all__ = ["aggregate_request_logs", "local_session", "project_batch_savings", "to_spark"]

INSTALL_HINT = 'pip install "batchframe[spark]"'

_COUNT_COLUMNS = ("input_tokens", "output_tokens", "request_count")
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
        if name in _COUNT_COLUMNS:
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
    for name, column in zip(table.column_names, table.columns):
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


# -- schema checks -------------------------------------------------------------------------


def _is_text(dtype: DataType) -> bool:
    from pyspark.sql import types as T

    return isinstance(dtype, (T.StringType, T.CharType, T.VarcharType, T.NullType))


def _is_float(dtype: DataType) -> bool:
    from pyspark.sql import types as T

    return isinstance(dtype, (T.FloatType, T.DoubleType))


def _is_fractional_decimal(dtype: DataType) -> bool:
    from pyspark.sql import types as T

    return isinstance(dtype, T.DecimalType) and dtype.scale > 0


def _is_integral(dtype: DataType) -> bool:
    from pyspark.sql import types as T

    return isinstance(dtype, (T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.NullType))


def _check_schema(schema: Mapping[str, DataType], keys: Sequence[str]) -> None:
    """Missing columns and wrong types, as `AggregateError` (mirrors SPEC §1)."""
    from pyspark.sql import types as T

    check_columns(list(schema))
    for name in ("provider", "model", "tag"):
        if not _is_text(schema[name]):
            raise AggregateError(
                f"column {name!r}: expected strings, got dtype {schema[name].simpleString()}"
            )
    for name in (*_COUNT_COLUMNS, "cost_usd"):
        dtype = schema[name]
        if not (isinstance(dtype, (T.NumericType, T.NullType))):
            expected = "a number" if name == "cost_usd" else "integers >= 0"
            raise AggregateError(
                f"column {name!r}: expected {expected}, got non-numeric dtype "
                f"{dtype.simpleString()}"
            )
    if "already_batched" in schema and not isinstance(
        schema["already_batched"], (T.BooleanType, T.NullType)
    ):
        raise AggregateError(
            "column 'already_batched': expected booleans, got dtype "
            f"{schema['already_batched'].simpleString()}"
        )
    for key in keys:
        if key not in schema:
            raise AggregateError(
                f"column {key!r} (asked for by by=) is not in the input; "
                f"the input has {list(schema)}"
            )


# -- value checks --------------------------------------------------------------------------


def _detectors(schema: Mapping[str, DataType]) -> list[Column]:
    """Cheap per-group reductions that reveal bad values (folded once more afterwards).

    One count of rows with a null in a required column, one minimum over the counters, and
    for float counters a count of fractional values; NaN and infinities show up as
    non-finite sums, which the fold computes anyway. Few aggregation buffers, so the pass
    costs little more than the sums it carries.
    """
    from pyspark.sql import functions as F

    required = ("provider", "model", *_COUNT_COLUMNS, "cost_usd")
    any_null = functools.reduce(operator.or_, (_col(name).isNull() for name in required))
    out = [
        F.count_if(any_null).alias("_bf_nulls"),
        F.min(F.least(*(_col(name) for name in _COUNT_COLUMNS))).alias("_bf_min"),
    ]
    for name in _COUNT_COLUMNS:
        dtype = schema[name]
        if _is_float(dtype):
            column = _col(name).cast("double")
            out.append(F.count_if(column != F.rint(column)).alias(f"_bf_frac_{name}"))
        elif _is_fractional_decimal(dtype):
            out.append(F.count_if(_col(name) % 1 != 0).alias(f"_bf_frac_{name}"))
    return out


def _refold_detectors(names: Iterable[str]) -> list[Column]:
    """The detectors and counter sums of the segments, folded over the final groups."""
    from pyspark.sql import functions as F

    return [(F.min(name) if name == "_bf_min" else F.sum(name)).alias(name) for name in names]


def _fired(result: pl.DataFrame, total: float) -> bool:
    """Whether a detector fired: a null, a negative or fractional count, a non-finite sum."""
    if result.height == 0:
        return False
    smallest = result["_bf_min"].min()
    if (result["_bf_nulls"].sum() or 0) > 0 or (smallest is not None and smallest < 0):  # type: ignore[operator]
        return True
    for name in result.columns:
        if name.startswith("_bf_frac_") and (result[name].sum() or 0) > 0:
            return True
        if name.startswith("_bf_sum_") and not math.isfinite(float(result[name].sum())):
            return True
    return not math.isfinite(total)


def _rules(name: str, dtype: DataType) -> list[tuple[str, Column, bool]]:
    """(expectation, predicate on an offending row, whether the value is worth showing)."""
    from pyspark.sql import functions as F

    column = _col(name)
    if name in ("provider", "model"):
        return [("a string, not null", column.isNull(), False)]
    if name == "cost_usd":
        rules = [("a finite number, not null", column.isNull(), False)]
        if _is_float(dtype):
            as_double = column.cast("double")
            rules.append(("a finite number", F.isnan(as_double), True))
            rules.append(("a finite number", F.abs(as_double) == float("inf"), True))
        return rules
    rules = [("an integer >= 0, not null", column.isNull(), False)]
    if _is_float(dtype):
        as_double = column.cast("double")
        non_finite = F.isnan(as_double) | (F.abs(as_double) == float("inf"))
        rules.append(("a whole, finite number", non_finite, True))
        rules.append(("a whole number", as_double != F.rint(as_double), True))
    elif _is_fractional_decimal(dtype):
        rules.append(("a whole number", column % 1 != 0, True))
    rules.append(("an integer >= 0", column < 0, True))
    return rules


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    return repr(value)


def _raise_first_bad(df: DataFrame, schema: Mapping[str, DataType]) -> None:
    """Name the first bad column's rule, an offending value and the number of such rows.

    Runs only on the failure path: one more aggregation over the input, every rule of
    SPEC §1 at once; columns and rules are reported in the order of the Polars path.
    """
    from pyspark.sql import functions as F

    aggs: list[Column] = []
    plan: list[tuple[str, str, str | None, str]] = []
    for name in AGGREGATE_COLUMNS:
        if name == "tag":
            continue
        for i, (expectation, bad, show) in enumerate(_rules(name, schema[name])):
            count = f"_bf_{name}_{i}_n"
            example = f"_bf_{name}_{i}_v" if show else None
            aggs.append(F.count_if(F.coalesce(bad, F.lit(False))).alias(count))
            if example:
                aggs.append(F.min(F.when(bad, _col(name))).alias(example))
            plan.append((name, expectation, example, count))
    found = df.agg(*aggs).collect()[0].asDict()
    for name, expectation, example, count in plan:
        n = found[count]
        if n:
            got = _describe(found[example] if example else None)
            rows = "1 such row" if n == 1 else f"{n} such rows"
            raise AggregateError(
                f"column {name!r}: expected {expectation}, got {got} at a row of the Spark "
                f"DataFrame ({rows}; Spark reports no row index)"
            )


# -- the projection --------------------------------------------------------------------------


def _rates(spark: SparkSession, catalog: PricingCatalog, tier: str) -> DataFrame:
    """The latest entry of each pair that has both rates of `tier`, as a literal Spark table."""
    from pyspark.sql import functions as F

    latest = catalog.latest_frame.select(
        "provider",
        "model",
        pl.col("effective_at").dt.epoch("us").alias("effective_us"),
        pl.col(f"{tier}_input_per_million").alias("rate_in"),
        pl.col(f"{tier}_output_per_million").alias("rate_out"),
    ).drop_nulls(["rate_in", "rate_out"])
    rows = [
        F.struct(
            F.lit(provider).cast("string").alias("_bf_r_provider"),
            F.lit(model).cast("string").alias("_bf_r_model"),
            F.lit(effective).cast("bigint").alias("_bf_r_effective_us"),
            F.lit(rate_in).cast("double").alias("_bf_r_in"),
            F.lit(rate_out).cast("double").alias("_bf_r_out"),
        )
        for provider, model, effective, rate_in, rate_out in latest.iter_rows()
    ]
    if not rows:  # nothing is priced at this tier: one row that matches no segment
        null = F.lit(None)
        rows = [
            F.struct(
                null.cast("string").alias("_bf_r_provider"),
                null.cast("string").alias("_bf_r_model"),
                null.cast("bigint").alias("_bf_r_effective_us"),
                null.cast("double").alias("_bf_r_in"),
                null.cast("double").alias("_bf_r_out"),
            )
        ]
    return spark.range(1).select(F.inline(F.array(*rows)))


def _summed(name: str, dtype: DataType) -> Column:
    """A counter column in the type its sum is exact and overflow-free in: long or double."""
    return _col(name).cast("bigint" if _is_integral(dtype) else "double")


def _candidate(schema: Mapping[str, DataType], eligible: list[str]) -> Column:
    """True on rows whose tag is eligible (exact spellings) and that were not batched yet."""
    from pyspark.sql import functions as F

    tag = _col("tag").cast("string")
    words = spellings(tuple(eligible))
    if not eligible:
        is_eligible = F.lit(False)
    elif words is not None:
        is_eligible = tag.isin(list(words))
    else:  # non-ASCII words: lower-case every row (Java's lower-casing)
        is_eligible = F.lower(tag).isin(eligible)
    if "already_batched" in schema:
        is_eligible = is_eligible & ~F.coalesce(
            _col("already_batched").cast("boolean"), F.lit(False)
        )
    return F.coalesce(is_eligible, F.lit(False))


def _fold(
    df: DataFrame,
    catalog: PricingCatalog,
    eligible: list[str],
    tier: str,
    keys: Sequence[str],
) -> DataFrame:
    """The whole Spark side: candidates -> segments (+ checks) -> rates -> per tag and key."""
    from pyspark.sql import functions as F

    schema = {field.name: field.dataType for field in df.schema.fields}
    extra = [key for key in keys if key not in ("provider", "model")]
    # The eligibility test (a hash-set lookup) is computed once per row; Spark keeps this
    # projection rather than inlining the test into each grouping key.
    prepared = df.select(
        _candidate(schema, eligible).alias("_bf_candidate"),
        *(_col(name) for name in AGGREGATE_COLUMNS),
        *(_col(key).alias(f"_bf_key_{i}") for i, key in enumerate(extra)),
    )
    candidate = F.col("_bf_candidate")
    segment_keys = [
        F.when(candidate, _col("tag").cast("string")).alias("_bf_tag"),
        F.when(candidate, _col("provider").cast("string")).alias("_bf_provider"),
        F.when(candidate, _col("model").cast("string")).alias("_bf_model"),
        *(
            F.when(candidate, F.col(f"_bf_key_{i}")).alias(f"_bf_key_{i}")
            for i in range(len(extra))
        ),
    ]
    detectors = _detectors(schema)
    segments = prepared.groupBy(*segment_keys).agg(
        F.sum(_col("cost_usd").cast("double")).alias("_bf_cost"),
        F.sum(_summed("input_tokens", schema["input_tokens"])).alias("_bf_in"),
        F.sum(_summed("output_tokens", schema["output_tokens"])).alias("_bf_out"),
        F.sum(_summed("request_count", schema["request_count"])).alias("_bf_n"),
        *detectors,
    )
    rates = F.broadcast(_rates(df.sparkSession, catalog, tier))
    priced = segments.join(
        rates,
        (F.col("_bf_provider") == F.col("_bf_r_provider"))
        & (F.col("_bf_model") == F.col("_bf_r_model")),
        "left",
    )
    projected = F.col("_bf_r_in").isNotNull() & F.col("_bf_tag").isNotNull()
    cost = (
        F.col("_bf_in").cast("double") * F.col("_bf_r_in") / 1e6
        + F.col("_bf_out").cast("double") * F.col("_bf_r_out") / 1e6
    )
    key_names = {"provider": "_bf_provider", "model": "_bf_model"}
    key_names.update({key: f"_bf_key_{i}" for i, key in enumerate(extra)})
    provenance = (
        [
            F.array_sort(F.collect_set(F.when(projected, F.col("_bf_r_effective_us")))).alias(
                "rates_effective_at"
            )
        ]
        if "model" in keys
        else []
    )
    detector_names = [
        name
        for name in segments.columns
        if name in ("_bf_nulls", "_bf_min") or name.startswith("_bf_frac_")
    ]
    # Float counters: a NaN or an infinity anywhere makes their sum non-finite.
    float_sums = [
        F.sum(segment_sum).alias(f"_bf_sum_{name}")
        for name, segment_sum in zip(_COUNT_COLUMNS, ("_bf_in", "_bf_out", "_bf_n"))
        if _is_float(schema[name])
    ]
    return priced.groupBy(
        F.when(projected, F.col("_bf_tag")).alias("tag"),
        *(F.when(projected, F.col(key_names[key])).alias(key) for key in keys),
    ).agg(
        F.sum("_bf_cost").alias("_bf_cost"),
        F.sum(F.when(projected, cost)).alias("projected_batch_cost_usd"),
        F.sum(F.when(projected, F.col("_bf_n"))).alias("request_count"),
        *provenance,
        *_refold_detectors(detector_names),
        *float_sums,
    )


def _partial(result: pl.DataFrame, keys: Sequence[str], tier: str, total: float) -> pl.DataFrame:
    """The collected fold as the partial frame of `batchframe.partial_projection`."""
    by_model = "model" in keys
    rows = result.filter(pl.col("tag").is_not_null()).select(
        pl.col("tag").cast(pl.String),
        *(pl.col(key) for key in keys),
        pl.col("_bf_cost").cast(pl.Float64).alias("eligible_spend_usd"),
        pl.col("projected_batch_cost_usd").cast(pl.Float64),
        pl.col("request_count").cast(pl.UInt64),
        pl.lit(None, dtype=pl.Float64).alias("total_spend_usd"),
        pl.lit(tier, dtype=pl.String).alias("tier"),
        *(
            [pl.col("rates_effective_at").cast(pl.List(pl.Datetime("us", "UTC")))]
            if by_model
            else []
        ),
    )
    total_row = pl.DataFrame(
        {
            name: [total if name == "total_spend_usd" else tier if name == "tier" else None]
            for name in rows.columns
        },
        schema=rows.schema,
    )
    return pl.concat([total_row, rows], how="vertical")


def project_batch_savings(
    spark_df: DataFrame,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    tier: str = "batch",
    by: Sequence[str] | str | None = None,
) -> pl.DataFrame:
    """`batchframe.project_batch_savings` over a Spark DataFrame of request aggregates.

    The aggregates (SPEC §1 columns; extra columns ignored; ``already_batched`` honoured
    when present) are folded inside Spark in one query; only a row per tag (and `by` key) is
    collected. Returns the findings frame as a ``polars.DataFrame``, equal to the Polars
    path's within relative 1e-9 (same tags, same order).

    Raises:
        AggregateError: a missing column (the message lists the columns there are), a
            column of the wrong type, or a bad value (null provider/model/token/cost/count,
            negative or fractional count, NaN or infinite cost): the message names the
            column, the expectation, an offending value and how many rows offend.
        ImportError: PySpark is not installed (``pip install "batchframe[spark]"``).
    """
    _require_pyspark()
    _check_frame(spark_df, "project_batch_savings")
    keys = _check_by(by)
    tier = _check_tier(tier)
    eligible = eligible_tag_set(eligible_tags)
    cat = _check_catalog(catalog)
    schema = {field.name: field.dataType for field in spark_df.schema.fields}
    _check_schema(schema, keys)
    result = _collect(_fold(spark_df, cat, eligible, tier, keys))
    total = float(result["_bf_cost"].sum()) if result.height else 0.0
    if _fired(result, total):
        _raise_first_bad(spark_df, schema)
    partial = _partial(result, keys, tier, total)
    findings = merge_partials([partial])
    assert isinstance(findings, pl.DataFrame)
    return findings


# -- request logs ------------------------------------------------------------------------------

_CALENDAR_UNITS = {"w": "week", "mo": "month", "q": "quarter", "y": "year"}
_FIXED_UNITS_US = {
    "us": 1,
    "ms": 1_000,
    "s": 1_000_000,
    "m": 60_000_000,
    "h": 3_600_000_000,
    "d": _DAY_US,
}


def _period_start(micros: Column, every: str) -> Column:
    """Truncate UTC epoch microseconds to the start of the `every` period (a timestamp).

    Calendar units (``1w`` from Monday, ``1mo``, ``1q``, ``1y``) truncate the UTC date;
    fixed ones (``Nd``, ``Nh``, ``Nm``, ``Ns``, ``Nms``, ``Nus``) count from the Unix epoch,
    as Polars' ``dt.truncate`` does. Independent of the session time zone.
    """
    from pyspark.sql import functions as F

    match = re.fullmatch(r"(\d+)(us|ms|s|m|h|d|w|mo|q|y)", every.strip())
    if match is None or int(match.group(1)) == 0:
        raise ValueError(
            f"every={every!r}: expected one Polars duration such as '1d', '6h', '1w', '1mo', "
            "'1q' or '1y'"
        )
    count, unit = int(match.group(1)), match.group(2)
    if unit in _CALENDAR_UNITS:
        if count != 1:
            raise ValueError(f"every={every!r}: calendar periods are supported for a count of 1")
        whole_days = (micros - F.pmod(micros, F.lit(_DAY_US))) / F.lit(_DAY_US)  # exact
        day = F.date_from_unix_date(whole_days.cast("int"))
        start = F.unix_date(F.trunc(day, _CALENDAR_UNITS[unit])).cast("bigint") * _DAY_US
        return F.timestamp_micros(start)
    step = F.lit(count * _FIXED_UNITS_US[unit]).cast("bigint")
    return F.timestamp_micros(micros - F.pmod(micros, step))


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


def _infer_provider(model: Column) -> Column:
    """`batchframe._presets.infer_provider` as a Spark expression (the same patterns)."""
    from pyspark.sql import functions as F

    from batchframe import _presets as p

    m = F.lower(F.regexp_replace(model.cast("string"), r"^\s+|\s+$", ""))
    return (
        F.when(m.rlike(p._OPENAI) & ~m.rlike(p._OPEN_WEIGHT_OPENAI), F.lit("openai"))
        .when(m.rlike(p._ANTHROPIC), F.lit("anthropic"))
        .when(m.rlike(p._GOOGLE), F.lit("google"))
        .when(m.rlike(p._MISTRAL), F.lit("mistral"))
        .when(m.rlike(p._GROQ), F.lit("groq"))
        .otherwise(F.lit(None).cast("string"))
    )


def _chosen_tag(schema: Mapping[str, DataType], eligible_tags: TagsLike) -> Column:
    """Each request's first eligible tag, else its first tag, else null (no UDF)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if "tags" in schema:
        dtype = schema["tags"]
        if isinstance(dtype, T.ArrayType):
            tags = _col("tags").cast("array<string>")
        elif _is_text(dtype):  # JSON text such as ["nightly", "team-a"]
            tags = F.from_json(F.trim(_col("tags").cast("string")), "array<string>")
        else:
            raise AggregateError(
                "request logs: column 'tags': expected an array of strings or JSON text, got "
                f"dtype {dtype.simpleString()}"
            )
        tags = F.filter(F.coalesce(tags, F.array().cast("array<string>")), lambda x: x.isNotNull())
    elif "tag" in schema:  # one tag per request
        if not _is_text(schema["tag"]):
            raise AggregateError(
                f"request logs: column 'tag': expected strings, got dtype {schema['tag'].simpleString()}"
            )
        return _col("tag").cast("string")
    else:
        return F.lit(None).cast("string")
    eligible = eligible_tag_set(eligible_tags)
    words = spellings(tuple(eligible))
    if not eligible:
        return F.try_element_at(tags, F.lit(1))
    if words is not None:
        chosen = F.filter(tags, lambda x: x.isin(list(words)))
    else:
        chosen = F.filter(tags, lambda x: F.lower(x).isin(eligible))
    return F.coalesce(F.try_element_at(chosen, F.lit(1)), F.try_element_at(tags, F.lit(1)))


def aggregate_request_logs(
    spark_df: DataFrame,
    *,
    every: str | None = None,
    timestamp: str = "timestamp",
    eligible_tags: TagsLike = None,
) -> DataFrame:
    """`batchframe.aggregate_request_logs` for a Spark DataFrame of request logs.

    Columns: ``model``, ``input_tokens``, ``output_tokens``, ``cost_usd`` (required);
    ``provider`` (trimmed and lower-cased, blank = null; a missing or null provider is
    inferred from the model id as batchframe does, else ``"unknown"``); ``tags`` (an array
    of strings, or JSON text of one) or a single ``tag``; ``request_count`` (default 1);
    ``already_batched`` or ``service_tier`` (``batch``/``flex`` = already batched); and
    the `timestamp` column (a timestamp or date) for `every`.

    One row per ``(provider, model, tag, already_batched)`` and, with `every` (``"1d"``,
    ``"6h"``, ``"1w"``, ``"1mo"``, ``"1q"``, ``"1y"`` …), per ``period_start`` (UTC). A
    request with several tags counts once, under its first eligible tag (`eligible_tags`
    as in the projection), else its first tag. Returns a lazy Spark DataFrame with the
    columns ``provider, model, tag, input_tokens, output_tokens, cost_usd,
    request_count, already_batched[, period_start]``, ready for `project_batch_savings`.
    """
    _require_pyspark()
    _check_frame(spark_df, "aggregate_request_logs")
    from pyspark.sql import functions as F

    schema = {field.name: field.dataType for field in spark_df.schema.fields}
    for name in ("model", "input_tokens", "output_tokens", "cost_usd"):
        if name not in schema:
            raise AggregateError(
                f"request logs: missing column {name!r}; the logs have {list(schema)}"
            )
    if "provider" in schema:
        provider = F.lower(F.regexp_replace(_col("provider").cast("string"), r"^\s+|\s+$", ""))
        provider = F.when(provider != "", provider)
    else:
        provider = F.lit(None).cast("string")
    if "already_batched" in schema:
        batched = _col("already_batched").cast("boolean")
    elif "service_tier" in schema:
        tier = F.lower(F.regexp_replace(_col("service_tier").cast("string"), r"^\s+|\s+$", ""))
        batched = tier.isin("batch", "flex")
    else:
        batched = F.lit(False)
    count = _col("request_count").cast("bigint") if "request_count" in schema else F.lit(1)
    keys = [
        provider.alias("provider"),
        _col("model").cast("string").alias("model"),
        _chosen_tag(schema, eligible_tags).alias("tag"),
        F.coalesce(batched, F.lit(False)).alias("already_batched"),
    ]
    if every is not None:
        if timestamp not in schema:
            raise AggregateError(
                f"request logs: every={every!r} needs a timestamp column {timestamp!r}; "
                f"the logs have {list(schema)}"
            )
        micros = _epoch_micros(_col(timestamp), schema[timestamp], timestamp)
        keys.append(_period_start(micros, every).alias("period_start"))
    sums = [
        F.sum(_col("input_tokens").cast("bigint")).alias("input_tokens"),
        F.sum(_col("output_tokens").cast("bigint")).alias("output_tokens"),
        F.sum(_col("cost_usd").cast("double")).alias("cost_usd"),
        F.sum(count.cast("bigint")).alias("request_count"),
    ]
    folded = spark_df.groupBy(*keys).agg(*sums)
    # A provider the logs did not name comes from the model id, once per segment; that can
    # make two segments one, so they are folded together again.
    named = F.coalesce(F.col("provider"), _infer_provider(F.col("model")), F.lit("unknown"))
    group = ["provider", "model", "tag", "already_batched"]
    if every is not None:
        group.append("period_start")
    regrouped = (
        folded.withColumn("provider", named)
        .groupBy(*group)
        .agg(*(F.sum(name).alias(name) for name in SUMMED_COLUMNS))
    )
    order = list(FOLDED_LOG_COLUMNS)
    if every is not None:
        order.append("period_start")
    return regrouped.select(*order)
