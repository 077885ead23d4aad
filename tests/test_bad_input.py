"""Bad input through the API: a named error or the right number, never a wrapped one (issue 12).

Expected numbers are worked out by hand from the embedded catalog (gpt-5.5 batch: 2.50 in,
15.00 out per 1M tokens).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

import batchframe as bf

from support import given, settings, st

GOOD: dict[str, Any] = {
    "provider": "openai",
    "model": "gpt-5.5",
    "tag": "nightly",
    "input_tokens": 1_000_000,
    "output_tokens": 0,
    "cost_usd": 5.0,
    "request_count": 1,
}
I64_MAX = 2**63 - 1


def rows(*changes: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**GOOD, **change} for change in changes]


def both(data: list[dict[str, Any]], **options: Any) -> list[pl.DataFrame]:
    """The projection of `data` eagerly and through a LazyFrame."""
    eager = bf.project_batch_savings(data, **options)
    lazy = bf.project_batch_savings(pl.DataFrame(data).lazy(), **options).collect()
    return [eager, lazy]


# -- sums never wrap ---------------------------------------------------------------------------


def test_token_sums_beyond_int64_are_exact_not_wrapped() -> None:
    # 2 x 5e18 input tokens: 1e19 (> 2**63) at 2.50 per 1M is 2.5e13 USD of batch cost,
    # far above the 10 USD paid: no saving (not a wrapped negative token count).
    data = rows({"input_tokens": 5 * 10**18, "cost_usd": 5.0}, {"input_tokens": 5 * 10**18})
    for findings in both(data):
        assert findings["projected_batch_cost_usd"].to_list() == [2.5e13]
        assert findings["projected_savings_usd"].to_list() == [0.0]
        assert findings["discount_pct"].to_list() == [0.0]
    classified = bf.classify_segments(data)
    assert classified["projected_batch_cost_usd"].sum() == 2.5e13  # the drill-down agrees


def test_uint64_token_sums_do_not_wrap() -> None:
    frame = pl.DataFrame(rows({"input_tokens": 2**63}, {"input_tokens": 2**63})).with_columns(
        pl.col("input_tokens").cast(pl.UInt64)
    )
    findings = bf.project_batch_savings(frame)
    assert findings["projected_batch_cost_usd"].to_list() == [2**64 * 2.5 / 1e6]
    assert findings["projected_savings_usd"].to_list() == [0.0]


def test_request_counts_beyond_uint64_are_a_named_error() -> None:
    data = rows(*({"request_count": I64_MAX} for _ in range(3)))  # 3 * (2**63 - 1) > 2**64
    with pytest.raises(bf.AggregateError, match=r"^column 'request_count': the counts add up to"):
        bf.project_batch_savings(data)
    with pytest.raises(bf.AggregateError, match=r"^column 'request_count': the counts add up to"):
        bf.project_batch_savings(pl.DataFrame(data).lazy()).collect()
    two = bf.project_batch_savings(rows({"request_count": I64_MAX}, {"request_count": I64_MAX}))
    assert two["request_count"].to_list() == [2 * I64_MAX]  # fits UInt64: exact


def test_a_cost_sum_overflowing_to_infinity_is_a_named_error() -> None:
    data = rows({"cost_usd": 1e308}, {"cost_usd": 1e308, "tag": None})
    message = r"^column 'cost_usd': every value is finite, but they add up to more than"
    with pytest.raises(bf.AggregateError, match=message):
        bf.project_batch_savings(data)
    with pytest.raises(bf.AggregateError, match=message):
        bf.project_batch_savings(pl.DataFrame(data).lazy()).collect()


def test_integers_beyond_64_bits_are_refused_with_row_and_value() -> None:
    with pytest.raises(
        bf.AggregateError,
        match=r"^column 'input_tokens': expected an integer below 2\*\*63, "
        r"got 36893488147419103232 at row 1$",
    ):
        bf.project_batch_savings(rows({}, {"input_tokens": 2**65}))
    with pytest.raises(
        bf.AggregateError,
        match=r"^column 'input_tokens': expected an integer below 2\*\*63, got 1606",
    ):
        bf.project_batch_savings(rows({"input_tokens": 2**200}))
    frame = pl.DataFrame(
        {**GOOD, "input_tokens": [2**65]}, schema_overrides={"input_tokens": pl.Int128}
    )
    with pytest.raises(bf.AggregateError, match=r"expected an integer below 2\*\*63, got 3689"):
        bf.project_batch_savings(frame.lazy()).collect()


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=I64_MAX), min_size=1, max_size=6),
    tokens=st.lists(st.integers(min_value=0, max_value=I64_MAX), min_size=1, max_size=6),
)
def test_request_count_sums_are_exact_or_refused(counts: list[int], tokens: list[int]) -> None:
    n = min(len(counts), len(tokens))
    pairs = zip(counts[:n], tokens[:n], strict=True)
    data = rows(*({"request_count": c, "input_tokens": t} for c, t in pairs))
    total = sum(counts[:n])
    if total > 2**64 - 1:
        with pytest.raises(bf.AggregateError, match="'request_count': the counts add up to"):
            bf.project_batch_savings(data)
        return
    findings = bf.project_batch_savings(data)
    assert findings["request_count"].to_list() == [total]
    want_cost = sum(tokens[:n]) * 2.5 / 1e6  # exact integer sum, then one rounding
    assert findings["projected_batch_cost_usd"][0] == pytest.approx(want_cost, rel=1e-12)
    assert findings["projected_savings_usd"][0] >= 0.0


# -- options ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("by", "why"),
    [
        ("tag", "every finding is per tag already"),
        ("input_tokens", "a summed counter"),
        ("cost_usd", "a summed counter"),
        ("summary", "a column of the findings themselves"),
        ("eligible_spend_usd", "a column of the findings themselves"),
    ],
)
def test_by_refuses_what_cannot_be_a_breakdown(by: str, why: str) -> None:
    with pytest.raises(bf.BatchframeError, match=f"^by= takes input columns .*; '{by}' is {why}$"):
        bf.project_batch_savings(rows({}), by=by)


def test_price_at_must_name_a_date_column_of_the_input() -> None:
    with pytest.raises(
        bf.AggregateError, match=r"price_at='cost_usd': expected a date or datetime"
    ):
        bf.project_batch_savings(rows({}), price_at="cost_usd")
    with pytest.raises(bf.AggregateError, match=r"column 'when' \(asked for by by= or price_at="):
        bf.classify_segments(rows({}), price_at="when")


def test_every_misuse_is_named() -> None:
    logs = (
        pl.DataFrame(rows({}))
        .drop("tag", "request_count")
        .with_columns(timestamp=pl.lit("2026-01-01"))
    )
    with pytest.raises(bf.BatchframeError, match=r"every='bad': expected a Polars duration"):
        bf.aggregate_request_logs(logs, every="bad")
    with pytest.raises(bf.BatchframeError, match=r"every='0d'"):
        bf.aggregate_request_logs(logs, every="0d")
    with pytest.raises(TypeError, match="every= takes a duration string"):
        bf.aggregate_request_logs(logs, every=5)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match="aggregate_request_logs takes a polars DataFrame"):
        bf.aggregate_request_logs(rows({}))  # type: ignore[call-overload]


def test_partials_of_different_tiers_do_not_merge() -> None:
    batch = bf.partial_projection(rows({}))
    flex = bf.partial_projection(rows({}), tier="flex")
    message = r"merge_partials: the partials were projected at different tiers \(batch, flex\)"
    with pytest.raises(bf.AggregateError, match=message):
        bf.merge_partials([batch, flex])
    with pytest.raises(bf.AggregateError, match=message):
        bf.merge_partials([batch.lazy(), flex.lazy()]).collect()
    same = bf.merge_partials([flex, flex])
    assert same["eligible_spend_usd"].to_list() == [10.0]


# -- containers ---------------------------------------------------------------------------------


def test_a_list_mixing_dataclasses_and_mappings_is_read_as_rows() -> None:
    mixed = [bf.RequestAggregate("openai", "gpt-5.5", "nightly", 1_000_000, 0, 5.0, 1), GOOD]
    assert bf.project_batch_savings(mixed).equals(bf.project_batch_savings([GOOD, GOOD]))
    with pytest.raises(
        bf.AggregateError, match=r"^row 1: expected a RequestAggregate or a mapping"
    ):
        bf.project_batch_savings([GOOD, 7])  # type: ignore[list-item]


def test_an_arrow_table_with_a_repeated_field_is_refused() -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"x": [1]}).drop_columns("x")
    for name, value in [*GOOD.items(), ("provider", "openai")]:
        table = table.append_column(name, pa.array([value]))
    with pytest.raises(bf.AggregateError, match=r"^column 'provider' appears 2 times in the input"):
        bf.project_batch_savings(table)


@pytest.mark.pandas
def test_pandas_rows_are_named_by_position_and_index_label() -> None:
    import pandas as pd

    frame = pd.DataFrame(rows({}, {"input_tokens": -1}), index=["mon", "tue"])
    with pytest.raises(
        bf.AggregateError,
        match=r"^column 'input_tokens': expected an integer >= 0, got -1 at row 1 "
        r"\(index label 'tue'\)$",
    ):
        bf.project_batch_savings(frame)


# -- round trips --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_monthly_aggregates_read_back_from_text_files(tmp_path: Path, fmt: str) -> None:
    logs = pl.DataFrame(
        {
            "model": ["gpt-5.5"] * 3,
            "tag": ["nightly", "nightly", None],
            # below gpt-5.5's 272k long-context threshold: short-prompt rates
            "input_tokens": [100_000, 200_000, 5],
            "output_tokens": [0, 0, 0],
            "cost_usd": [0.5, 1.0, 1.0],
            "timestamp": ["2026-01-15T10:00:00Z", "2026-02-01T00:00:00Z", "2026-02-03"],
        }
    )
    monthly = bf.aggregate_request_logs(logs, every="1mo")
    path = tmp_path / f"monthly.{fmt}"
    monthly.write_csv(path) if fmt == "csv" else monthly.write_ndjson(path)
    read = pl.read_csv(path) if fmt == "csv" else pl.read_ndjson(path)
    assert read.schema["period_start"] == pl.String  # ISO text, parsed by batchframe
    options: dict[str, Any] = {"by": "period_start", "price_at": "period_start"}
    want = bf.project_batch_savings(monthly, **options)
    got = bf.project_batch_savings(read, **options)
    assert (
        got.select("tag", "eligible_spend_usd", "projected_savings_usd").rows()
        == want.select("tag", "eligible_spend_usd", "projected_savings_usd").rows()
        == [("nightly", 1.0, 0.5), ("nightly", 0.5, 0.25)]
    )


def test_in_memory_logs_with_list_tags_and_no_provider_infer_it() -> None:
    logs = pl.DataFrame(
        {
            "model": ["gpt-5.5", "claude-opus-4-8"],
            "tags": [["nightly"], []],
            "input_tokens": [1_000_000, 1],
            "output_tokens": [0, 1],
            "cost_usd": [5.0, 1.0],
        }
    )
    folded = bf.aggregate_request_logs(logs).sort("model")
    assert folded["provider"].to_list() == ["anthropic", "openai"]


# -- raw logs -----------------------------------------------------------------------------------


def _csv(tmp_path: Path, text: str) -> pl.LazyFrame:
    path = tmp_path / "logs.csv"
    path.write_text(text, encoding="utf-8")
    return bf.scan_request_logs(path)


def test_a_torn_last_line_is_not_a_free_request(tmp_path: Path) -> None:
    logs = _csv(
        tmp_path,
        "model,tag,input_tokens,output_tokens,cost_usd\ngpt-5.5,nightly,1000000,0,5.0\ngpt-5.5,nigh\n",
    )
    with pytest.raises(
        bf.AggregateError, match=r"a row of model 'gpt-5.5' has no token counts and no cost"
    ):
        bf.aggregate_request_logs(logs).collect()


def test_request_counts_that_cancel_out_are_refused(tmp_path: Path) -> None:
    logs = _csv(
        tmp_path,
        "model,input_tokens,output_tokens,cost_usd,request_count\n"
        "gpt-5.5,1,1,1.0,1\ngpt-5.5,1,1,1.0,-1\n",
    )
    with pytest.raises(
        bf.AggregateError,
        match=r"^column 'request_count': expected a whole number >= 0, got '-1' at row 1 \(line 3\)$",
    ):
        logs.collect()


def test_already_batched_text_in_logs_is_read_or_refused() -> None:
    logs = (
        pl.DataFrame(rows({}, {}))
        .drop("tag")
        .with_columns(already_batched=pl.Series(["True", "no"]))
    )
    assert sorted(bf.aggregate_request_logs(logs)["already_batched"].to_list()) == [False, True]
    maybe = logs.with_columns(already_batched=pl.lit("maybe"))
    with pytest.raises(
        bf.AggregateError, match=r"^column 'already_batched': expected true or false, got 'maybe'$"
    ):
        bf.aggregate_request_logs(maybe)
    with pytest.raises(bf.AggregateError, match="'already_batched': expected booleans, got dtype"):
        bf.aggregate_request_logs(logs.with_columns(already_batched=pl.lit(1.5)))


def test_a_request_of_unknown_cost_is_folded_apart_and_priced() -> None:
    logs = pl.DataFrame(
        {
            "model": ["gpt-5.5", "gpt-5.5"],
            "tag": ["nightly", "nightly"],
            "input_tokens": [100_000, 100_000],
            "output_tokens": [0, 0],
            "cost_usd": [0.5, None],
        }
    )
    folded = bf.aggregate_request_logs(logs).sort("cost_source")
    # never 0.5 for two requests: the unrecorded one is priced at gpt-5.5's standard
    # input rate, 100_000 / 1e6 * $5.00 = $0.50, and says so (tests/test_recorded_cost.py)
    assert folded.select("cost_usd", "cost_source", "request_count").rows() == [
        (0.5, "catalog", 1),
        (0.5, "recorded", 1),
    ]


def test_a_preset_must_return_a_lazyframe(tmp_path: Path) -> None:
    path = tmp_path / "logs.csv"
    path.write_text("model,input_tokens,output_tokens,cost_usd\ngpt-5.5,1,1,1.0\n", "utf-8")

    def broken(lf: pl.LazyFrame, schema: pl.Schema) -> pl.LazyFrame:
        return None  # type: ignore[return-value]

    with pytest.raises(TypeError, match="preset broken must return a polars LazyFrame"):
        bf.scan_request_logs(path, preset=broken)


# A catalog without long-context thresholds: every request of a model folds into one segment.
NO_THRESHOLDS = bf.PricingCatalog.parse("")


@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=5))
def test_float_token_counts_of_logs_are_whole_or_refused(values: list[float]) -> None:
    logs = pl.DataFrame(
        {
            "model": ["gpt-5.5"] * len(values),
            "input_tokens": values,
            "output_tokens": [0.0] * len(values),
            "cost_usd": [1.0] * len(values),
        }
    )
    whole = all(
        v == v and abs(v) != float("inf") and v >= 0 and v == int(v) < 2**63 for v in values
    )
    if not whole:
        with pytest.raises(bf.AggregateError, match="'input_tokens': expected a whole number >= 0"):
            bf.aggregate_request_logs(logs, catalog=NO_THRESHOLDS)
        return
    total = sum(int(v) for v in values)
    if total > I64_MAX:
        with pytest.raises(bf.AggregateError, match="'input_tokens': the counts add up to"):
            bf.aggregate_request_logs(logs, catalog=NO_THRESHOLDS)
        return
    assert bf.aggregate_request_logs(logs, catalog=NO_THRESHOLDS)["input_tokens"].to_list() == [
        total
    ]
