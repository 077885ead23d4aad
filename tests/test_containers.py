"""docs/semantics.md §1: every accepted container gives the same findings; bad input raises.

One parametrized fixture builds the same aggregates as each accepted
container; the findings must equal the row-by-row reference and each other,
and the caller's object must be left exactly as it was.
"""

from __future__ import annotations

import copy
import math
import os
import re
import sys

import polars as pl
import pyarrow as pa
import pytest
from polars.testing import assert_frame_equal

import batchframe as bf

try:
    import pandas as pd
except ImportError:  # an extra: the pandas cases are skipped (marker `pandas`, conftest.py)
    pd = None

sys.path.insert(0, os.path.dirname(__file__))
import reference as ref

AGG = ref.AGGREGATE_COLUMNS
PL_SCHEMA = ref.spec_input_dtypes()
FINDINGS_SCHEMA = ref.spec_findings_dtypes()

PA_SCHEMA = pa.schema(
    [
        ("provider", pa.string()),
        ("model", pa.string()),
        ("tag", pa.string()),
        ("input_tokens", pa.int64()),
        ("output_tokens", pa.int64()),
        ("cost_usd", pa.float64()),
        ("request_count", pa.int64()),
    ]
)


def r(provider, model, tag, inp, out, cost, n) -> dict:
    return dict(zip(AGG, (provider, model, tag, inp, out, float(cost), n), strict=True))


# Several findings, an untagged row, an unpriced row, a credit, mixed case.
ROWS = [
    r("acme", "big", "nightly", 1_000_000, 500_000, 10.0, 3),
    r("acme", "small", "nightly", 2_000_000, 1_000_000, 5.0, 4),
    r("acme", "big", "Nightly", 1_000_000, 0, 4.0, 1),
    r("acme", "big", None, 3_000_000, 1_000_000, 30.0, 9),
    r("acme", "hist", "bulk", 1_000_000, 1_000_000, 20.0, 2),
    r("acme", "big", "chat", 1_000_000, 1_000_000, 12.0, 5),
    r("other", "nobatch", "async", 1_000_000, 1_000_000, 7.0, 1),
    r("acme", "unknown", "async", 1_000_000, 1_000_000, 8.0, 1),
    r("acme", "small", "async", 4_000_000, 0, 3.0, 2),
    r("acme", "small", "offline", 1_000, 1_000, -1.0, 1),
]

EXTRA = {
    "region": ["eu", None, "us", "us", None, "eu", "eu", "ap", None, "us"],
    "latency_ms": [float("nan"), -1.0, 3.0, float("inf"), 0.0, 1.0, 2.0, None, 4.0, 5.0],
    "note_count": [-5, None, 0, 1, 2, 3, 4, 5, 6, 7],
}
EXTRA_PL = {"region": pl.String, "latency_ms": pl.Float64, "note_count": pl.Int64}


@pytest.fixture(scope="module")
def expected(cat) -> list[dict]:
    found = ref.project(ROWS, cat)
    # bulk: 20 - 9 = 11; nightly: 15 - 8.5 = 6.5; Nightly: 4 - 2 = 2; async: 3 - 2 = 1
    assert [f["tag"] for f in found] == ["bulk", "nightly", "Nightly", "async"]
    return found


def _columns(rows, extra: bool) -> dict:
    cols = {c: [row[c] for row in rows] for c in AGG}
    if extra:
        cols.update({k: list(v) for k, v in EXTRA.items()})
    return cols


def _polars(rows, extra=False) -> pl.DataFrame:
    schema = dict(PL_SCHEMA, **(EXTRA_PL if extra else {}))
    return pl.DataFrame(_columns(rows, extra), schema=schema)


def _arrow_table(rows, extra=False) -> pa.Table:
    schema = PA_SCHEMA
    if extra:
        schema = schema.append(pa.field("region", pa.string()))
        schema = schema.append(pa.field("latency_ms", pa.float64()))
        schema = schema.append(pa.field("note_count", pa.int64()))
    return pa.Table.from_pydict(_columns(rows, extra), schema=schema)


PD_DTYPES = {
    "provider": "str",
    "model": "str",
    "tag": "str",
    "input_tokens": "int64",
    "output_tokens": "int64",
    "cost_usd": "float64",
    "request_count": "int64",
}


def _pandas(rows, extra=False) -> pd.DataFrame:
    frame = pd.DataFrame(_columns(rows, extra))
    if not rows:  # an empty object column has no type to infer
        frame = frame.astype({c: t for c, t in PD_DTYPES.items() if c in frame.columns})
    return frame


def _dicts(rows, extra=False) -> list[dict]:
    out = []
    for i, row in enumerate(rows):
        d = dict(row)
        if extra:
            d.update({k: v[i] for k, v in EXTRA.items()})
        out.append(d)
    return out


def _dataclasses(rows, extra=False) -> list:
    return [bf.RequestAggregate(**row) for row in rows]


BUILDERS = {
    "polars": _polars,
    "lazy": lambda rows, extra=False: _polars(rows, extra).lazy(),
    "arrow_table": _arrow_table,
    "arrow_batch": lambda rows, extra=False: (
        _arrow_table(rows, extra).to_batches()[0]
        if rows
        else pa.RecordBatch.from_pylist([], schema=_arrow_table(rows, extra).schema)
    ),
    "pandas": _pandas,
    "dataclasses": _dataclasses,
    "dicts": _dicts,
}

#: the pandas case of a parametrization; skipped without pandas
PANDAS = pytest.param("pandas", marks=pytest.mark.pandas)


def _snapshot(kind: str, obj):
    """An independent copy of the caller's object, for before/after checks."""
    if kind == "polars":
        return obj.clone()
    if kind == "lazy":
        return obj.collect()
    if kind in ("arrow_table", "arrow_batch"):
        return (obj.schema, obj.to_pylist())
    if kind == "pandas":
        return (obj.copy(deep=True), list(obj.columns), obj.dtypes.to_dict())
    return (copy.deepcopy(obj), [id(x) for x in obj], len(obj))


def _assert_unchanged(kind: str, obj, before) -> None:
    if kind == "polars":
        assert_frame_equal(obj, before, check_exact=True)
    elif kind == "lazy":
        assert_frame_equal(obj.collect(), before, check_exact=True)
    elif kind in ("arrow_table", "arrow_batch"):
        assert obj.schema.equals(before[0])
        assert obj.to_pylist() == before[1] or _nan_equal(obj.to_pylist(), before[1])
    elif kind == "pandas":
        frame, columns, dtypes = before
        assert list(obj.columns) == columns
        assert obj.dtypes.to_dict() == dtypes
        pd.testing.assert_frame_equal(obj, frame, check_exact=True)
    else:
        items, ids, length = before
        assert len(obj) == length
        assert [id(x) for x in obj] == ids
        assert _nan_equal(list(obj), items)


def _nan_equal(a, b) -> bool:
    """== that treats NaN as equal to NaN (for rows with NaN extras)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_nan_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_nan_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _collect(out):
    if isinstance(out, pl.LazyFrame):
        return out.collect()
    return out


def assert_matches_reference(out: pl.DataFrame, expected: list[dict]) -> None:
    assert list(out.schema.items()) == FINDINGS_SCHEMA
    got = out.to_dicts()
    assert [g["tag"] for g in got] == [e["tag"] for e in expected]
    for g, e in zip(got, expected, strict=True):
        for col in ref.FINDING_COLUMNS:
            if isinstance(e[col], float):
                assert math.isclose(g[col], e[col], rel_tol=1e-9, abs_tol=1e-9), (col, g, e)
            else:
                assert g[col] == e[col], (col, g, e)


# --------------------------------------------------------------------------
# the same aggregates in every container


@pytest.fixture(params=[PANDAS if kind == "pandas" else kind for kind in BUILDERS])
def kind(request) -> str:
    return request.param


def test_every_container_gives_the_reference_findings(cat, expected, kind):
    data = BUILDERS[kind](ROWS)
    before = _snapshot(kind, data)
    out = bf.project_batch_savings(data, cat)
    if kind == "lazy":
        assert isinstance(out, pl.LazyFrame)
    else:
        assert isinstance(out, pl.DataFrame)
    out = _collect(out)
    assert_matches_reference(out, expected)
    baseline = bf.project_batch_savings(_polars(ROWS), cat)
    assert_frame_equal(out, baseline, check_exact=True)
    _assert_unchanged(kind, data, before)


def test_extra_columns_are_ignored(cat, expected, kind):
    # dataclass rows have fixed fields: no extra columns to add
    data = BUILDERS[kind](ROWS) if kind == "dataclasses" else BUILDERS[kind](ROWS, extra=True)
    before = _snapshot(kind, data)
    out = _collect(bf.project_batch_savings(data, cat))
    assert_matches_reference(out, expected)
    _assert_unchanged(kind, data, before)


def test_caller_object_unchanged_after_collect_and_repeat(cat, kind):
    data = BUILDERS[kind](ROWS, extra=kind != "dataclasses")
    before = _snapshot(kind, data)
    first = _collect(bf.project_batch_savings(data, cat, eligible_tags=["chat", "nightly"]))
    second = _collect(bf.project_batch_savings(data, cat, eligible_tags=["chat", "nightly"]))
    assert_frame_equal(first, second, check_exact=True)
    assert first["tag"].to_list() == ["nightly", "Nightly", "chat"]
    _assert_unchanged(kind, data, before)


def test_empty_container_gives_empty_findings_with_schema(cat, kind):
    data = BUILDERS[kind]([])
    out = _collect(bf.project_batch_savings(data, cat))
    assert out.height == 0
    assert list(out.schema.items()) == FINDINGS_SCHEMA


def test_tuple_of_mappings_and_dataclasses(cat, expected):
    assert_matches_reference(bf.project_batch_savings(tuple(ROWS), cat), expected)
    aggs = tuple(bf.RequestAggregate(**row) for row in ROWS)
    assert_matches_reference(bf.project_batch_savings(aggs, cat), expected)


@pytest.mark.pandas
def test_pandas_with_nondefault_index(cat, expected):
    data = _pandas(ROWS)
    data.index = [f"r{i}" for i in range(len(ROWS))][::-1]
    before = _snapshot("pandas", data)
    assert_matches_reference(bf.project_batch_savings(data, cat), expected)
    _assert_unchanged("pandas", data, before)


# --------------------------------------------------------------------------
# tag and number dtypes


TAG_VALUES = sorted({row["tag"] for row in ROWS if row["tag"] is not None})


@pytest.mark.parametrize(
    "make",
    [
        lambda: _polars(ROWS).with_columns(pl.col("tag").cast(pl.Categorical)),
        lambda: _polars(ROWS).with_columns(pl.col("tag").cast(pl.Enum(TAG_VALUES))),
        lambda: _polars(ROWS).with_columns(pl.col("tag").cast(pl.Categorical)).lazy(),
        lambda: _polars(ROWS).with_columns(pl.col("tag").cast(pl.Enum(TAG_VALUES[::-1]))).lazy(),
        lambda: _arrow_table(ROWS).set_column(
            2,
            pa.field("tag", pa.large_string()),
            pa.array([x["tag"] for x in ROWS], pa.large_string()),
        ),
        lambda: _arrow_table(ROWS).cast(
            pa.schema(
                [
                    pa.field(f.name, pa.large_string()) if f.type == pa.string() else f
                    for f in PA_SCHEMA
                ]
            )
        ),
        lambda: _arrow_table(ROWS).set_column(
            2,
            pa.field("tag", pa.dictionary(pa.int32(), pa.string())),
            pa.array([x["tag"] for x in ROWS], pa.string()).dictionary_encode(),
        ),
        pytest.param(lambda: _pandas(ROWS).astype({"tag": "category"}), marks=pytest.mark.pandas),
        pytest.param(lambda: _polars(ROWS).to_pandas(), marks=pytest.mark.pandas),
    ],
    ids=[
        "pl-categorical",
        "pl-enum",
        "lazy-categorical",
        "lazy-enum-reordered",
        "pa-large-string-tag",
        "pa-all-large-string",
        "pa-dictionary-tag",
        "pd-category",
        "pd-from-polars",
    ],
)
def test_tag_and_string_dtypes(cat, expected, make):
    data = make()
    out = _collect(bf.project_batch_savings(data, cat))
    assert_matches_reference(out, expected)
    # The tag column of the findings is always a plain String.
    assert out.schema["tag"] == pl.String


def test_enum_tags_sort_by_string_not_by_category_order(cat):
    rows = [dict(row) for row in ROWS]
    data = _polars(rows).with_columns(pl.col("tag").cast(pl.Enum(TAG_VALUES[::-1])))
    found = bf.project_batch_savings(data, cat, eligible_tags=["chat", "nightly"])
    # nightly 6.5; Nightly and chat tie on 2.0 and 'N' < 'c'
    assert found["tag"].to_list() == ["nightly", "Nightly", "chat"]
    assert found.schema["tag"] == pl.String
    cat_data = _polars(rows).with_columns(pl.col("tag").cast(pl.Categorical))
    assert_frame_equal(
        bf.project_batch_savings(cat_data, cat, eligible_tags=["chat", "nightly"]),
        found,
        check_exact=True,
    )


@pytest.mark.parametrize("int_dtype", [pl.Int32, pl.UInt32, pl.UInt64, pl.Int64])
@pytest.mark.parametrize("cost_dtype", [pl.Float64, pl.Float32])
def test_numeric_dtypes(cat, expected, int_dtype, cost_dtype):
    data = _polars(ROWS).with_columns(
        pl.col("input_tokens", "output_tokens", "request_count").cast(int_dtype),
        pl.col("cost_usd").cast(cost_dtype),  # every cost in ROWS is exact in f32
    )
    assert_matches_reference(bf.project_batch_savings(data, cat), expected)


@pytest.mark.parametrize("column", ["input_tokens", "output_tokens", "request_count"])
def test_float_count_columns_with_whole_values_are_accepted(cat, expected, column):
    data = _polars(ROWS).with_columns(pl.col(column).cast(pl.Float64))
    assert_matches_reference(bf.project_batch_savings(data, cat), expected)


@pytest.mark.pandas
@pytest.mark.parametrize("column", ["input_tokens", "output_tokens", "request_count"])
def test_float_count_columns_with_whole_values_are_accepted_in_pandas(cat, expected, column):
    pdf = _pandas(ROWS).astype({column: "float64"})
    assert_matches_reference(bf.project_batch_savings(pdf, cat), expected)


def test_negative_cost_is_accepted(cat):
    rows = [
        r("acme", "big", "nightly", 1_000_000, 500_000, 10.0, 1),  # batch cost 6
        r("acme", "big", "nightly", 0, 0, -2.0, 1),  # a credit inside the tag
        r("acme", "big", None, 0, 0, -4.0, 1),  # a credit elsewhere
    ]
    found = bf.project_batch_savings(_polars(rows), cat).to_dicts()
    assert len(found) == 1
    f = found[0]
    # spend 8, batch cost 6, savings 2, total 4 -> share 200
    assert (f["tag"], f["eligible_spend_usd"]) == ("nightly", 8.0)
    assert f["projected_batch_cost_usd"] == 6.0
    assert f["projected_savings_usd"] == pytest.approx(2.0, rel=1e-12)
    assert f["share_of_spend_pct"] == pytest.approx(200.0, rel=1e-12)
    assert f["discount_pct"] == pytest.approx(25.0, rel=1e-12)
    assert f["request_count"] == 2


# --------------------------------------------------------------------------
# bad input (docs/semantics.md §1)


def _row_re(index: int) -> re.Pattern:
    return re.compile(rf"\brow\b[^0-9]{{0,12}}\b{index}\b", re.IGNORECASE)


def _message(excinfo) -> str:
    assert isinstance(excinfo.value, bf.AggregateError)
    assert isinstance(excinfo.value, ValueError)
    assert isinstance(excinfo.value, bf.BatchframeError)
    return str(excinfo.value)


def _project_and_collect(data, cat):
    out = bf.project_batch_savings(data, cat)
    return _collect(out)


@pytest.mark.parametrize("missing", AGG)
def test_missing_column_lists_the_present_columns(cat, missing):
    # the extra columns are not required ones, so they can only be in the
    # message if it lists what the input has
    data = _polars(ROWS, extra=True).drop(missing)
    with pytest.raises(bf.AggregateError) as info:
        _project_and_collect(data, cat)
    msg = _message(info)
    assert missing in msg
    for present in data.columns:
        assert present in msg, (present, msg)
    assert "note_count" in msg and "region" in msg and "latency_ms" in msg


@pytest.mark.parametrize("kind", ["lazy", "arrow_table", "arrow_batch", PANDAS, "dicts"])
@pytest.mark.parametrize("missing", ["cost_usd", "tag"])
def test_missing_column_in_other_containers(cat, kind, missing):
    rows = [dict(row, region="eu") for row in ROWS]
    for row in rows:
        del row[missing]
    if kind == "lazy":
        schema = {k: v for k, v in PL_SCHEMA.items() if k != missing}
        data = pl.DataFrame(rows, schema=dict(schema, region=pl.String)).lazy()
    elif kind in ("arrow_table", "arrow_batch"):
        schema = pa.schema([f for f in PA_SCHEMA if f.name != missing])
        schema = schema.append(pa.field("region", pa.string()))
        data = pa.Table.from_pylist(rows, schema=schema)
        if kind == "arrow_batch":
            data = data.to_batches()[0]
    elif kind == "pandas":
        data = pd.DataFrame(rows)
    else:
        data = rows
    with pytest.raises(bf.AggregateError) as info:
        _project_and_collect(data, cat)
    msg = _message(info)
    assert missing in msg
    for present in (c for c in AGG if c != missing):
        assert present in msg, (present, msg)
    assert "region" in msg, msg


# (column, polars dtype for that column, first bad value at row 3, second bad
#  value at row 4, text that must appear for the first bad value)
NAN, INF = float("nan"), float("inf")
BAD_VALUES = [
    ("provider", pl.String, None, None, ("null", "none")),
    ("model", pl.String, None, None, ("null", "none")),
    ("input_tokens", pl.Int64, None, None, ("null", "none")),
    ("output_tokens", pl.Int64, None, None, ("null", "none")),
    ("cost_usd", pl.Float64, None, None, ("null", "none")),
    ("request_count", pl.Int64, None, None, ("null", "none")),
    ("input_tokens", pl.Int64, -7, -8, ("-7",)),
    ("output_tokens", pl.Int64, -1, -9, ("-1",)),
    ("request_count", pl.Int64, -2, -3, ("-2",)),
    ("cost_usd", pl.Float64, NAN, 1.0, ("nan",)),
    ("cost_usd", pl.Float64, INF, -INF, ("inf",)),
    ("cost_usd", pl.Float64, -INF, INF, ("-inf",)),
    ("input_tokens", pl.Float64, 2.5, 3.5, ("2.5",)),
    ("output_tokens", pl.Float64, 0.25, 1.5, ("0.25",)),
    ("request_count", pl.Float64, 1.5, 2.5, ("1.5",)),
    ("input_tokens", pl.Float64, INF, 1.5, ("inf",)),
    ("output_tokens", pl.Float64, NAN, -1.0, ("nan",)),
    ("request_count", pl.Float64, -1.0, -2.0, ("-1",)),
]
BAD_IDS = [
    "null-provider",
    "null-model",
    "null-input_tokens",
    "null-output_tokens",
    "null-cost",
    "null-request_count",
    "negative-input_tokens",
    "negative-output_tokens",
    "negative-request_count",
    "nan-cost",
    "inf-cost",
    "neg-inf-cost",
    "fractional-float-input_tokens",
    "fractional-float-output_tokens",
    "fractional-float-request_count",
    "inf-float-input_tokens",
    "nan-float-output_tokens",
    "negative-float-request_count",
]


def _bad_rows(column, first, second) -> list[dict]:
    rows = [dict(row) for row in ROWS[:6]]
    rows[3][column] = first
    rows[4][column] = second
    return rows


def _bad_container(kind, rows, column, dtype):
    schema = dict(PL_SCHEMA, **{column: dtype})
    frame = pl.DataFrame(rows, schema=schema)
    if kind == "polars":
        return frame
    if kind == "lazy":
        return frame.lazy()
    if kind == "arrow_table":
        return frame.to_arrow()
    if kind == "pandas":
        return pd.DataFrame(rows)
    if kind == "dataclasses":
        return [bf.RequestAggregate(**row) for row in rows]
    return rows


@pytest.mark.parametrize("case", BAD_VALUES, ids=BAD_IDS)
@pytest.mark.parametrize("kind", ["polars", "lazy", "arrow_table", "dicts"])
def test_bad_values_name_column_row_and_value(cat, kind, case):
    column, dtype, first, second, texts = case
    rows = _bad_rows(column, first, second)
    with pytest.raises(bf.AggregateError) as info:
        _project_and_collect(_bad_container(kind, rows, column, dtype), cat)
    msg = _message(info)
    assert column in msg, msg
    assert _row_re(3).search(msg), msg
    assert any(t in msg.lower() for t in texts), msg


# Two different violations in one column: the message reports the first
# offending row (row 3), whichever check the later row (row 4) fails.
MIXED_BAD_VALUES = [
    ("cost_usd", pl.Float64, INF, NAN, ("inf",)),
    ("cost_usd", pl.Float64, NAN, None, ("nan",)),
    ("cost_usd", pl.Float64, -INF, None, ("-inf",)),
    ("input_tokens", pl.Int64, -7, None, ("-7",)),
    ("request_count", pl.Int64, -2, None, ("-2",)),
    ("output_tokens", pl.Float64, 0.25, NAN, ("0.25",)),
    ("output_tokens", pl.Float64, 0.25, None, ("0.25",)),
    ("input_tokens", pl.Float64, -3.0, INF, ("-3",)),
    ("request_count", pl.Float64, -1.0, 0.5, ("-1",)),
]


@pytest.mark.parametrize("case", MIXED_BAD_VALUES, ids=lambda c: f"{c[0]}-{c[2]!r}-then-{c[3]!r}")
@pytest.mark.parametrize("kind", ["polars", "dicts"])
def test_first_offending_row_wins_across_kinds_of_violation(cat, kind, case):
    column, dtype, first, second, texts = case
    rows = _bad_rows(column, first, second)
    with pytest.raises(bf.AggregateError) as info:
        _project_and_collect(_bad_container(kind, rows, column, dtype), cat)
    msg = _message(info)
    assert column in msg, msg
    assert _row_re(3).search(msg), msg
    assert any(t in msg.lower() for t in texts), msg


@pytest.mark.parametrize("case", BAD_VALUES, ids=BAD_IDS)
@pytest.mark.parametrize("kind", [PANDAS, "dataclasses"])
def test_bad_values_in_pandas_and_dataclasses(cat, kind, case):
    # pandas turns a null in an integer column into NaN, so only the column
    # and the row are checked here; a RequestAggregate may refuse at once.
    column, dtype, first, second, _texts = case
    rows = _bad_rows(column, first, second)
    with pytest.raises(bf.AggregateError) as info:
        _project_and_collect(_bad_container(kind, rows, column, dtype), cat)
    msg = _message(info)
    assert column in msg, msg
    if kind == "pandas":
        assert _row_re(3).search(msg), msg


@pytest.mark.parametrize("case", BAD_VALUES, ids=BAD_IDS)
def test_lazy_bad_values_raise_at_the_latest_on_collect(cat, case):
    column, dtype, first, second, _texts = case
    lf = _bad_container("lazy", _bad_rows(column, first, second), column, dtype)
    before = lf.collect()
    with pytest.raises(bf.AggregateError) as info:
        out = bf.project_batch_savings(lf, cat)  # may already raise here ...
        assert isinstance(out, pl.LazyFrame)
        out.collect()  # ... and must raise here otherwise
    assert column in _message(info)
    assert_frame_equal(lf.collect(), before)


def test_lazy_bad_value_error_survives_a_further_query(cat):
    lf = _bad_container("lazy", _bad_rows("input_tokens", -7, -8), "input_tokens", pl.Int64)
    with pytest.raises(bf.AggregateError) as info:
        bf.project_batch_savings(lf, cat).filter(pl.col("request_count") > 0).collect()
    assert "input_tokens" in _message(info)


# wrong column types: (column, values for the six rows)
BAD_TYPES = [
    ("provider", pl.Int64, [1, 2, 3, 4, 5, 6]),
    ("model", pl.Int64, [1, 2, 3, 4, 5, 6]),
    ("model", pl.Float64, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
    ("tag", pl.Int64, [1, None, 3, 4, 5, 6]),
    ("tag", pl.Boolean, [True, None, False, True, True, False]),
    ("input_tokens", pl.String, ["1", "2", "3", "4", "5", "6"]),
    ("output_tokens", pl.String, ["1", "2", "3", "4", "5", "6"]),
    ("request_count", pl.String, ["1", "2", "3", "4", "5", "6"]),
    ("cost_usd", pl.String, ["1.0", "2.0", "3.0", "4.0", "5.0", "6.0"]),
    ("input_tokens", pl.Boolean, [True, False, True, True, False, True]),
    ("input_tokens", pl.Date, [None] * 6),
]


@pytest.mark.parametrize("column, dtype, values", BAD_TYPES, ids=lambda x: str(x)[:20])
@pytest.mark.parametrize("kind", ["polars", "lazy", "arrow_table", PANDAS])
def test_wrong_column_type_is_an_aggregate_error(cat, kind, column, dtype, values):
    rows = [dict(row) for row in ROWS[:6]]
    for row, value in zip(rows, values, strict=True):
        row[column] = value
    if dtype == pl.Date:
        frame = pl.DataFrame(rows, schema=dict(PL_SCHEMA, **{column: pl.Date}))
        frame = frame.with_columns(pl.date(2025, 1, 1).alias(column))
        data = {
            "polars": lambda: frame,
            "lazy": frame.lazy,
            "arrow_table": frame.to_arrow,
            "pandas": frame.to_pandas,
        }[kind]()
    elif kind == "pandas":
        data = pd.DataFrame(rows)
    else:
        data = _bad_container(kind, rows, column, dtype)
    with pytest.raises(bf.AggregateError) as info:
        _project_and_collect(data, cat)
    msg = _message(info)
    assert column in msg, msg


@pytest.mark.parametrize("column, value", [("provider", 5), ("model", 1.5), ("tag", 7)])
def test_non_string_value_in_mappings(cat, column, value):
    rows = [dict(row) for row in ROWS[:6]]
    rows[3][column] = value
    with pytest.raises(bf.AggregateError) as info:
        _project_and_collect(rows, cat)
    assert column in _message(info)


def test_non_string_tag_in_dataclasses(cat):
    rows = [dict(row) for row in ROWS[:6]]
    rows[3]["tag"] = 7
    with pytest.raises(bf.AggregateError) as info:
        _project_and_collect([bf.RequestAggregate(**row) for row in rows], cat)
    assert "tag" in _message(info)
