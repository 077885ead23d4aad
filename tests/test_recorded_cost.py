"""Costs the export did not record, gateway cache hits, and the two statuses they bring.

docs/semantics.md §1: a log row's ``cost_usd`` may be null (not recorded). The fold keeps
such requests apart, prices them from the catalog at the rates of the tier they ran on
(the projection's formula: cache- and long-context-aware), and marks what the catalog
cannot price ``cost_unknown`` (cost 0, status ``unknown_cost``, never projected). Gateway
cache hits (``cache_hit``) were never billed: status ``cache_hit``, never projected.

Every expected number is worked out by hand from the rates of `CATALOG` (USD per 1M).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import batchframe as bf
from batchframe._cli import main

from support import given, settings, st

CATALOG_TEXT = """
[[entry]]
provider = "anthropic"
model = "claude-sonnet-4-6"
effective_at = "2026-01-01T00:00:00Z"
input_per_million = 3.00
output_per_million = 15.00
cached_input_per_million = 0.30
cache_write_per_million = 3.75
batch_input_per_million = 1.50
batch_output_per_million = 7.50
batch_cached_input_per_million = 0.15
batch_cache_write_per_million = 1.875
priority_input_per_million = 6.00
priority_output_per_million = 30.00

[[entry]]
provider = "openai"
model = "gpt-5.5"
effective_at = "2026-01-01T00:00:00Z"
input_per_million = 5.00
output_per_million = 30.00
cached_input_per_million = 0.50
batch_input_per_million = 2.50
batch_output_per_million = 15.00
flex_input_per_million = 2.50
flex_output_per_million = 15.00
long_context_threshold_tokens = 272000
long_context_input_per_million = 10.00
long_context_output_per_million = 45.00
batch_long_context_input_per_million = 5.00
batch_long_context_output_per_million = 22.50

[[entry]]
provider = "acme"
model = "plain"
effective_at = "2026-01-01T00:00:00Z"
input_per_million = 1.00
output_per_million = 2.00
batch_input_per_million = 0.50
batch_output_per_million = 1.00
"""
CATALOG = bf.PricingCatalog.parse(CATALOG_TEXT)


def _logs(*rows: dict[str, Any]) -> pl.DataFrame:
    """Log rows with defaults: provider from the model, one tag, no cache, no tier."""
    base = {
        "provider": None,
        "model": "gpt-5.5",
        "tags": ["nightly"],
        "input_tokens": 0,
        "output_tokens": 0,
        "cached_input_tokens": 0,
        "cache_write_tokens": 0,
        "cost_usd": None,
        "service_tier": None,
        "already_batched": False,
        "cache_hit": False,
    }
    schema = {
        "provider": pl.String,
        "model": pl.String,
        "tags": pl.List(pl.String),
        "input_tokens": pl.Int64,
        "output_tokens": pl.Int64,
        "cached_input_tokens": pl.Int64,
        "cache_write_tokens": pl.Int64,
        "cost_usd": pl.Float64,
        "service_tier": pl.String,
        "already_batched": pl.Boolean,
        "cache_hit": pl.Boolean,
    }
    return pl.DataFrame([{**base, **row} for row in rows], schema=schema)


def _one(agg: pl.DataFrame, **where: Any) -> dict[str, Any]:
    rows = agg.filter(*(pl.col(k).eq_missing(v) for k, v in where.items())).rows(named=True)
    assert len(rows) == 1, rows
    return rows[0]


def test_unrecorded_standard_traffic_is_priced_cache_aware_at_standard_rates() -> None:
    logs = _logs(
        {
            "provider": "anthropic",
            "model": "claude-sonnet-4-6",
            "input_tokens": 1_000_000,  # all input: 700k uncached + 200k read + 100k written
            "cached_input_tokens": 200_000,
            "cache_write_tokens": 100_000,
            "output_tokens": 100_000,
        }
    )
    agg = bf.aggregate_request_logs(logs, catalog=CATALOG)
    row = _one(agg, model="claude-sonnet-4-6")
    # 700k × 3.00 + 200k × 0.30 + 100k × 3.75 + 100k × 15.00, per 1M
    # = 2.10 + 0.06 + 0.375 + 1.50 = 4.035
    assert row["cost_usd"] == pytest.approx(4.035)
    assert (row["cost_source"], row["cost_unknown"], row["already_batched"]) == (
        "catalog",
        False,
        False,
    )
    findings = bf.project_batch_savings(agg, CATALOG)
    # at batch: 700k × 1.50 + 200k × 0.15 + 100k × 1.875 + 100k × 7.50 = 1.05 + 0.03
    # + 0.1875 + 0.75 = 2.0175; saving 4.035 − 2.0175 = 2.0175
    assert findings["eligible_spend_usd"].to_list() == pytest.approx([4.035])
    assert findings["projected_savings_usd"].to_list() == pytest.approx([2.0175])


def test_each_tier_is_priced_at_its_own_rates() -> None:
    logs = _logs(
        # flex: 100k × 2.50 + 10k × 15.00 = 0.25 + 0.15 = 0.40; already discounted
        {"input_tokens": 100_000, "output_tokens": 10_000, "service_tier": "flex"},
        # OpenAI's "default" is the standard tier: 100k × 5.00 + 10k × 30.00 = 0.50 + 0.30 = 0.80
        {"input_tokens": 100_000, "output_tokens": 10_000, "service_tier": "default"},
        # a booked batch job without a tier: batch rates, 100k × 2.50 + 10k × 15.00 = 0.40
        {"input_tokens": 100_000, "output_tokens": 10_000, "already_batched": True, "tags": ["x"]},
        # priority: 100k × 6.00 + 10k × 30.00 = 0.60 + 0.30 = 0.90
        {
            "provider": "anthropic",
            "model": "claude-sonnet-4-6",
            "input_tokens": 100_000,
            "output_tokens": 10_000,
            "service_tier": "Priority",
        },
    )
    agg = bf.aggregate_request_logs(logs, catalog=CATALOG)
    assert _one(agg, tag="nightly", model="gpt-5.5", already_batched=True)[
        "cost_usd"
    ] == pytest.approx(0.40)
    assert _one(agg, model="gpt-5.5", already_batched=False)["cost_usd"] == pytest.approx(0.80)
    assert _one(agg, tag="x")["cost_usd"] == pytest.approx(0.40)
    assert _one(agg, model="claude-sonnet-4-6")["cost_usd"] == pytest.approx(0.90)
    classified = bf.classify_segments(agg, CATALOG)
    statuses = dict(
        classified.select(
            pl.format("{}/{}/{}", "model", "tag", "already_batched"), pl.col("status")
        ).rows()
    )
    assert statuses == {
        "gpt-5.5/nightly/true": "already_batched",
        "gpt-5.5/x/true": "already_batched",
        "gpt-5.5/nightly/false": "projected",
        "claude-sonnet-4-6/nightly/false": "projected",  # priority is not discounted
    }


def test_long_prompts_are_priced_at_long_context_rates() -> None:
    # 300k > gpt-5.5's 272k threshold: 300k × 10.00 + 1k × 45.00 = 3.00 + 0.045 = 3.045
    logs = _logs({"input_tokens": 300_000, "output_tokens": 1_000})
    agg = bf.aggregate_request_logs(logs, catalog=CATALOG)
    row = _one(agg, model="gpt-5.5")
    assert row["long_context"] is True
    assert row["cost_usd"] == pytest.approx(3.045)


def test_what_the_catalog_cannot_price_is_unknown_cost_never_guessed() -> None:
    logs = _logs(
        {"model": "mystery-7b", "provider": "acme", "input_tokens": 1_000, "output_tokens": 10},
        # acme/plain has no flex rates: it ran on flex, so its cost cannot be known
        {"model": "plain", "provider": "acme", "input_tokens": 2_000, "service_tier": "flex"},
        {"model": "plain", "provider": "acme", "input_tokens": 1_000_000, "cost_usd": 1.0},
    )
    agg = bf.aggregate_request_logs(logs, catalog=CATALOG)
    unknown = agg.filter(pl.col("cost_unknown"))
    assert sorted(unknown.select("model", "cost_usd", "input_tokens").rows()) == [
        ("mystery-7b", 0.0, 1_000),
        ("plain", 0.0, 2_000),
    ]
    assert "cost_source" not in agg.columns  # nothing priced from the catalog (null if it were)
    classified = bf.classify_segments(agg, CATALOG)
    by_status = bf.spend_by_status(classified)
    counts = dict(by_status.select("status", "request_count").rows())
    assert counts["unknown_cost"] == 1  # mystery-7b
    assert counts["already_batched"] == 1  # flex comes first in the precedence
    assert counts["projected"] == 1  # the recorded acme/plain request
    findings = bf.project_batch_savings(agg, CATALOG)
    # only the recorded $1.00: 1M × 0.50 = 0.50 at batch, saving 0.50, never negative
    assert findings.select("eligible_spend_usd", "projected_savings_usd").rows() == [(1.0, 0.5)]
    assert bf.cost_notes(agg) == [
        "2 request(s) (3,000 input, 10 output tokens) have no known cost: not in the catalog "
        "at the tier they ran on; counted, never projected (status unknown_cost)"
    ]


def test_gateway_cache_hits_are_never_priced_nor_projected() -> None:
    logs = _logs(
        {"input_tokens": 100_000, "output_tokens": 1_000, "cost_usd": 0.0, "cache_hit": True},
        {"input_tokens": 50_000, "cache_hit": True},  # no cost recorded: still never billed
        {"input_tokens": 100_000, "cost_usd": 0.5},
    )
    agg = bf.aggregate_request_logs(logs, catalog=CATALOG)
    hits = _one(agg, cache_hit=True)
    assert (hits["cost_usd"], hits["request_count"], hits["input_tokens"]) == (0.0, 2, 150_000)
    assert "cost_source" not in agg.columns  # nothing was priced from the catalog
    classified = bf.classify_segments(agg, CATALOG)
    assert sorted(classified.select(pl.col("status").cast(pl.String), "cost_usd").rows()) == [
        ("cache_hit", 0.0),
        ("projected", 0.5),
    ]
    findings = bf.project_batch_savings(agg, CATALOG)
    # only the billed request: 100k × 2.50 = 0.25 at batch
    assert findings.select("eligible_spend_usd", "projected_batch_cost_usd").rows() == [
        (0.5, pytest.approx(0.25))
    ]


def test_recorded_and_unrecorded_costs_of_a_segment_are_never_summed_into_one() -> None:
    logs = _logs(
        {"input_tokens": 100_000, "cost_usd": 0.7},  # recorded (whatever the bill said)
        {"input_tokens": 100_000, "cost_usd": 0.7},
        {"input_tokens": 200_000},  # 200k × 5.00 = 1.00 from the catalog
    )
    agg = bf.aggregate_request_logs(logs, catalog=CATALOG).sort("cost_source")
    assert agg.select("cost_source", "cost_usd", "request_count").rows() == [
        ("catalog", pytest.approx(1.0), 1),
        ("recorded", pytest.approx(1.4), 2),
    ]
    assert bf.cost_notes(agg) == [
        "$1.00 priced from the catalog at the rates of the tier each request ran on "
        "(the export records no cost): 1 request(s)"
    ]
    lazy = bf.aggregate_request_logs(logs.lazy(), catalog=CATALOG).collect().sort("cost_source")
    assert lazy.equals(agg)


def test_unrecorded_costs_are_priced_at_each_period_entry() -> None:
    catalog = bf.PricingCatalog.parse(
        CATALOG_TEXT
        + """
[[entry]]
provider = "acme"
model = "plain"
effective_at = "2026-03-01T00:00:00Z"
input_per_million = 4.00
output_per_million = 2.00
"""
    )
    logs = _logs(
        {"provider": "acme", "model": "plain", "input_tokens": 1_000_000},
        {"provider": "acme", "model": "plain", "input_tokens": 1_000_000},
    ).with_columns(
        timestamp=pl.Series(["2026-02-10T00:00:00Z", "2026-03-10T00:00:00Z"]).str.to_datetime()
    )
    agg = bf.aggregate_request_logs(logs, catalog=catalog, every="1mo").sort("period_start")
    # February at the January entry (1M × 1.00), March at the March entry (1M × 4.00)
    assert agg["cost_usd"].to_list() == pytest.approx([1.0, 4.0])


def test_the_new_columns_are_validated_and_absent_means_false() -> None:
    row = {
        "provider": "openai",
        "model": "gpt-5.5",
        "tag": "nightly",
        "input_tokens": 1,
        "output_tokens": 0,
        "cost_usd": 1.0,
        "request_count": 1,
    }
    with pytest.raises(bf.AggregateError, match="column 'cache_hit': expected booleans"):
        bf.classify_segments(pl.DataFrame([{**row, "cache_hit": 1.5}]))
    with pytest.raises(bf.AggregateError, match="column 'cost_unknown': expected booleans"):
        bf.classify_segments(pl.DataFrame([{**row, "cost_unknown": "yes"}]))
    out = bf.classify_segments(pl.DataFrame([{**row, "cache_hit": None, "cost_unknown": None}]))
    assert out["status"].to_list() == ["projected"]


def test_cli_says_what_was_priced_and_what_has_no_cost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(CATALOG_TEXT, "utf-8")
    logs = tmp_path / "logs.csv"
    logs.write_text(
        "model,tag,input_tokens,output_tokens,cost_usd\n"
        "gpt-5.5,nightly,200000,0,\n"  # 200k × 5.00 = $1.00 from the catalog
        "mystery-7b,nightly,1000,5,\n",  # unknown model: no known cost
        "utf-8",
    )
    common = ["--logs", str(logs), "--catalog", str(catalog), "--tags", "nightly"]
    assert main(["project", *common]) == 0
    out = capsys.readouterr().out
    assert (
        "$1.00 priced from the catalog at the rates of the tier each request ran on "
        "(the export records no cost): 1 request(s)"
    ) in out
    assert "1 request(s) (1,000 input, 5 output tokens) have no known cost" in out
    # 200k × 2.50 = $0.50 at batch: saving $0.50
    assert "Total projected saving: $0.50" in out
    assert main(["explain", *common, "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    statuses = {row["status"]: row for row in payload["spend_by_status"]}
    assert statuses["unknown_cost"]["request_count"] == 1
    assert statuses["projected"]["spend_usd"] == pytest.approx(1.0)
    assert len(payload["cost_notes"]) == 2


_MODELS = [("openai", "gpt-5.5"), ("acme", "plain"), ("acme", "mystery")]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_MODELS),
            st.sampled_from([None, "nightly", "chat"]),
            st.integers(0, 400_000),
            st.integers(0, 10_000),
            st.one_of(st.none(), st.floats(0, 10, allow_nan=False)),
            st.sampled_from([None, "flex", "batch", "priority", "default"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_costs_add_up_over_statuses_and_unknown_costs_are_never_projected(
    rows: list[tuple[Any, ...]],
) -> None:
    logs = _logs(
        *(
            {
                "provider": provider,
                "model": model,
                "tags": [tag] if tag else [],
                "input_tokens": tokens_in,
                "output_tokens": tokens_out,
                "cost_usd": cost,
                "service_tier": tier,
                "cache_hit": hit,
            }
            for (provider, model), tag, tokens_in, tokens_out, cost, tier, hit in rows
        )
    )
    agg = bf.aggregate_request_logs(logs, catalog=CATALOG)
    assert agg["cost_usd"].null_count() == 0
    assert (agg.filter(pl.col("cost_unknown"))["cost_usd"] == 0.0).all()
    # every request is counted once, whatever its cost
    assert int(agg["request_count"].sum()) == len(rows)
    recorded = sum(r[4] for r in rows if r[4] is not None)
    if "cost_source" in agg.columns:
        assert float(
            agg.filter(pl.col("cost_source") == "recorded")["cost_usd"].sum()
        ) == pytest.approx(recorded)
    classified = bf.classify_segments(agg, CATALOG)
    assert float(bf.spend_by_status(classified)["spend_usd"].sum()) == pytest.approx(
        float(agg["cost_usd"].sum())
    )
    never = classified.filter(pl.col("cost_unknown") | pl.col("cache_hit"))
    assert never["projected_batch_cost_usd"].null_count() == never.height
    assert set(never["status"].cast(pl.String)) <= {"already_batched", "cache_hit", "unknown_cost"}
    findings = bf.project_batch_savings(agg, CATALOG)
    projected = classified.filter(pl.col("status") == "projected")
    eligible = float(projected.filter(pl.col("cost_usd") > 0)["cost_usd"].sum())
    assert float(findings["eligible_spend_usd"].sum()) == pytest.approx(eligible)
    assert (findings["projected_savings_usd"] >= 0).all()
