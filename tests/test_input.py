"""Input validation (docs/semantics.md §1): exact messages for every bad input, and what is accepted."""

from __future__ import annotations

from typing import Any

import polars as pl
import pyarrow as pa
import pytest

import batchframe as bf

GOOD: dict[str, list[Any]] = {
    "provider": ["openai", "openai", "anthropic", "openai"],
    "model": ["gpt-5.5", "gpt-5.4", "claude-opus-4-8", "gpt-5.5"],
    "tag": ["nightly", None, "bulk", "chat"],
    "input_tokens": [1_000_000, 10, 20, 30],
    "output_tokens": [1_000_000, 1, 2, 3],
    "cost_usd": [35.0, 1.0, 2.0, 3.0],
    "request_count": [10, 1, 2, 3],
}


def with_column(name: str, values: list[Any], dtype: Any = None) -> pl.DataFrame:
    return pl.DataFrame(GOOD).with_columns(pl.Series(name, values, dtype=dtype, strict=False))


BAD_VALUES = [
    (
        with_column("provider", ["openai", None, "a", "b"]),
        "column 'provider': expected a string, not null, got null at row 1",
    ),
    (
        with_column("model", ["m", "m", "m", None]),
        "column 'model': expected a string, not null, got null at row 3",
    ),
    (
        with_column("input_tokens", [1, 2, None, 4]),
        "column 'input_tokens': expected an integer >= 0, not null, got null at row 2",
    ),
    (
        with_column("output_tokens", [1, -2, 3, -4]),
        "column 'output_tokens': expected an integer >= 0, got -2 at row 1",
    ),
    (
        with_column("request_count", [1, 2, 3, -1]),
        "column 'request_count': expected an integer >= 0, got -1 at row 3",
    ),
    (
        with_column("cost_usd", [1.0, None, 3.0, 4.0]),
        "column 'cost_usd': expected a finite number, not null, got null at row 1",
    ),
    (
        with_column("cost_usd", [1.0, 2.0, float("nan"), 4.0]),
        "column 'cost_usd': expected a finite number, got nan at row 2",
    ),
    (
        with_column("cost_usd", [float("-inf"), 2.0, 3.0, 4.0]),
        "column 'cost_usd': expected a finite number, got -inf at row 0",
    ),
    (
        with_column("input_tokens", [1.0, 2.5, 3.0, 4.0]),
        "column 'input_tokens': expected a whole number, got 2.5 at row 1",
    ),
    (
        with_column("input_tokens", [1.0, 2.0, float("inf"), 4.0]),
        "column 'input_tokens': expected a whole, finite number, got inf at row 2",
    ),
    (
        with_column("request_count", [1.0, 2.0, -3.0, 4.0]),
        "column 'request_count': expected an integer >= 0, got -3.0 at row 2",
    ),
]

BAD_SCHEMAS = [
    (
        pl.DataFrame(GOOD).drop("tag").rename({"cost_usd": "cost"}),
        "missing column 'tag': request aggregates need ['provider', 'model', 'tag', 'input_tokens', "
        "'output_tokens', 'cost_usd', 'request_count']; the input has ['provider', 'model', "
        "'input_tokens', 'output_tokens', 'cost', 'request_count']",
    ),
    (
        pl.DataFrame(GOOD).rename({"cost_usd": "costusd"}),
        "missing column 'cost_usd': request aggregates need ['provider', 'model', 'tag', 'input_tokens', "
        "'output_tokens', 'cost_usd', 'request_count']; the input has ['provider', 'model', 'tag', "
        "'input_tokens', 'output_tokens', 'costusd', 'request_count']; did you mean 'costusd'?",
    ),
    (with_column("provider", [1, 2, 3, 4]), "column 'provider': expected strings, got dtype Int64"),
    (
        with_column("tag", [1.0, None, 2.0, 3.0]),
        "column 'tag': expected strings, got dtype Float64",
    ),
    (
        with_column("input_tokens", ["1", "2", "3", "4"]),
        "column 'input_tokens': expected integers >= 0, got non-numeric dtype String",
    ),
    (
        with_column("cost_usd", [True, False, True, True]),
        "column 'cost_usd': expected a number, got non-numeric dtype Boolean",
    ),
]


@pytest.mark.parametrize(("frame", "message"), BAD_VALUES + BAD_SCHEMAS)
def test_bad_eager_input_message_is_exact(frame: pl.DataFrame, message: str) -> None:
    with pytest.raises(bf.AggregateError) as info:
        bf.project_batch_savings(frame)
    assert str(info.value) == message


@pytest.mark.parametrize(("frame", "message"), BAD_VALUES)
def test_bad_lazy_values_raise_when_collected(frame: pl.DataFrame, message: str) -> None:
    result = bf.project_batch_savings(frame.lazy())  # building the query reads no data
    assert isinstance(result, pl.LazyFrame)
    with pytest.raises(bf.AggregateError) as info:
        result.collect()
    assert str(info.value) == message


@pytest.mark.parametrize(("frame", "message"), BAD_SCHEMAS)
def test_bad_lazy_schema_raises_at_call(frame: pl.DataFrame, message: str) -> None:
    with pytest.raises(bf.AggregateError) as info:
        bf.project_batch_savings(frame.lazy())
    assert str(info.value) == message


def test_rows_of_python_objects_name_the_bad_value() -> None:
    rows = [dict(zip(GOOD, values, strict=True)) for values in zip(*GOOD.values(), strict=True)]
    rows[2] = {**rows[2], "input_tokens": "many"}
    with pytest.raises(
        bf.AggregateError, match=r"^column 'input_tokens': expected numbers, got 'many' at row 2$"
    ):
        bf.project_batch_savings(rows)
    with pytest.raises(
        bf.AggregateError, match=r"^row 1: expected a RequestAggregate or a mapping, got tuple$"
    ):
        bf.project_batch_savings([rows[0], ("openai",)])
    with pytest.raises(bf.AggregateError, match="got a single dict; wrap it in a list"):
        bf.project_batch_savings(rows[0])  # type: ignore[arg-type]
    with pytest.raises(bf.AggregateError, match="got int"):
        bf.project_batch_savings(42)  # type: ignore[arg-type]


@pytest.mark.pandas
def test_pandas_mixed_object_column_names_the_column() -> None:
    import pandas as pd

    frame = pd.DataFrame(GOOD)
    frame["input_tokens"] = pd.Series([1, "x", 3, 4], dtype=object)
    with pytest.raises(bf.AggregateError, match=r"^column 'input_tokens': cannot convert to Arrow"):
        bf.project_batch_savings(frame)


def test_accepted_value_shapes() -> None:
    # Whole floats as counts, negative costs (credits), integer costs, narrow ints,
    # Null-typed tags and unsigned counts are all fine.
    frame = pl.DataFrame(GOOD).with_columns(
        pl.col("input_tokens").cast(pl.Float64),
        pl.col("output_tokens").cast(pl.UInt32),
        pl.col("request_count").cast(pl.Int8),
        pl.Series("cost_usd", [35, -1, 2, 3], dtype=pl.Int32),
    )
    result = bf.project_batch_savings(frame)
    assert result["tag"].to_list() == ["nightly", "bulk"]
    assert result["eligible_spend_usd"].to_list() == [35.0, 2.0]
    assert result["request_count"].dtype == pl.UInt64
    untagged = pl.DataFrame(GOOD).with_columns(pl.lit(None).alias("tag"))
    assert bf.project_batch_savings(untagged).height == 0


def test_extra_columns_ignored_even_when_unconvertible() -> None:
    table = pa.Table.from_pydict({**GOOD, "payload": [[1], [2], None, [3]]})
    assert bf.project_batch_savings(table)["tag"].to_list() == ["nightly", "bulk"]


def test_aggregate_error_is_a_value_error() -> None:
    assert issubclass(bf.AggregateError, ValueError)
    assert issubclass(bf.AggregateError, bf.BatchframeError)
