"""Prompt caching and long context, priced the way the bill does (docs/semantics.md §3).

Every expected number below is worked out by hand from the rates of the test catalog,
which copies the SPEC §2 facts for claude-sonnet-4-6 and gpt-5.5 (USD per 1M tokens).
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest

import batchframe as bf

import reference as ref
from support import given, settings, st

CATALOG = bf.PricingCatalog.parse(
    """
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

[[entry]]
provider = "openai"
model = "gpt-5.5"
effective_at = "2026-01-01T00:00:00Z"
input_per_million = 5.00
output_per_million = 30.00
cached_input_per_million = 0.50
batch_input_per_million = 2.50
batch_output_per_million = 15.00
batch_cached_input_per_million = 0.25
flex_input_per_million = 2.50
flex_output_per_million = 15.00
long_context_threshold_tokens = 272000
long_context_input_per_million = 10.00
long_context_output_per_million = 45.00
batch_long_context_input_per_million = 5.00
batch_long_context_output_per_million = 22.50
batch_long_context_cached_input_per_million = 0.50

[[entry]]
provider = "acme"
model = "plain"
effective_at = "2026-01-01T00:00:00Z"
input_per_million = 1.00
output_per_million = 2.00
batch_input_per_million = 0.50
batch_output_per_million = 1.00
"""
)


def segment(model: str, provider: str = "openai", **values: Any) -> dict[str, Any]:
    row = {
        "provider": provider,
        "model": model,
        "tag": "nightly",
        "input_tokens": 0,
        "output_tokens": 0,
        "cost_usd": 10.0,
        "request_count": 1,
        "cached_input_tokens": 0,
        "cache_write_tokens": 0,
        "long_context": False,
    }
    row.update(values)
    return row


def classified(*rows: dict[str, Any], tier: str = "batch") -> pl.DataFrame:
    return bf.classify_segments(list(rows), CATALOG, tier=tier)


def cost_of(row: dict[str, Any], tier: str = "batch") -> float | None:
    value = classified(row, tier=tier)["projected_batch_cost_usd"][0]
    assert value is None or isinstance(value, float)
    return value


def test_the_issues_claude_example_cached_reads() -> None:
    # 100k prompt tokens, 90k of them read from the cache, 2k out; paid at standard rates:
    # 10k x 3.00 + 90k x 0.30 + 2k x 15.00 = 0.030 + 0.027 + 0.030 = 0.087 USD.
    # At batch rates: 10k x 1.50 + 90k x 0.15 + 2k x 7.50 = 0.015 + 0.0135 + 0.015 = 0.0435.
    row = segment(
        "claude-sonnet-4-6",
        "anthropic",
        input_tokens=100_000,
        cached_input_tokens=90_000,
        output_tokens=2_000,
        cost_usd=0.087,
    )
    assert cost_of(row) == pytest.approx(0.0435, rel=1e-12)
    (finding,) = bf.as_findings(bf.project_batch_savings([row], CATALOG))
    assert finding.projected_savings_usd == pytest.approx(0.0435, rel=1e-9)
    assert round(finding.discount_pct()) == 50


def test_cache_writes_at_the_batch_write_rate() -> None:
    # 100k in, 20k of them written to the cache: 80k x 1.50 + 20k x 1.875 = 0.12 + 0.0375
    row = segment("claude-sonnet-4-6", "anthropic", input_tokens=100_000, cache_write_tokens=20_000)
    assert cost_of(row) == pytest.approx(0.1575, rel=1e-12)


def test_cached_reads_and_writes_together() -> None:
    # 40k uncached x 1.50 + 50k cached x 0.15 + 10k written x 1.875 + 1k out x 7.50
    # = 0.06 + 0.0075 + 0.01875 + 0.0075 = 0.09375
    row = segment(
        "claude-sonnet-4-6",
        "anthropic",
        input_tokens=100_000,
        cached_input_tokens=50_000,
        cache_write_tokens=10_000,
        output_tokens=1_000,
    )
    assert cost_of(row) == pytest.approx(0.09375, rel=1e-12)


def test_long_prompts_at_the_long_context_batch_rates() -> None:
    # 300k in (above gpt-5.5's 272k threshold), 1k out: 300k x 5.00 + 1k x 22.50
    long = segment("gpt-5.5", input_tokens=300_000, output_tokens=1_000, long_context=True)
    assert cost_of(long) == pytest.approx(1.5 + 0.0225, rel=1e-12)
    # the same tokens in short requests: 300k x 2.50 + 1k x 15.00
    short = {**long, "long_context": False}
    assert cost_of(short) == pytest.approx(0.75 + 0.015, rel=1e-12)


def test_long_context_with_cached_reads() -> None:
    # 100k uncached x 5.00 + 200k cached x 0.50 (batch long-context cached) + 0 out = 0.6
    row = segment("gpt-5.5", input_tokens=300_000, cached_input_tokens=200_000, long_context=True)
    assert cost_of(row) == pytest.approx(0.6, rel=1e-12)


def test_flex_without_a_cached_rate_prices_cached_tokens_at_the_flex_input_rate() -> None:
    # gpt-5.5 flex has no cached rate here: 100k (80k cached) all at 2.50, 1k out at 15.00
    row = segment("gpt-5.5", input_tokens=100_000, cached_input_tokens=80_000, output_tokens=1_000)
    frame = classified(row, tier="flex")
    assert frame["projected_batch_cost_usd"][0] == pytest.approx(0.25 + 0.015, rel=1e-12)
    assert frame["pricing_note"][0] == "cached_at_input_rate"
    # the batch tier has one: 20k x 2.50 + 80k x 0.25 + 1k x 15.00 = 0.05 + 0.02 + 0.015
    assert cost_of(row) == pytest.approx(0.085, rel=1e-12)


def test_what_cannot_be_priced_faithfully_is_no_batch_tier() -> None:
    rows = [
        # cache writes, and acme/plain has no batch cache-write rate
        segment("plain", "acme", input_tokens=1_000, cache_write_tokens=10),
        # a long prompt of a model with a threshold but no flex long-context rates
        segment("gpt-5.5", input_tokens=300_000, long_context=True),
        # long_context on a model without a threshold: its rates do not depend on length
        segment("plain", "acme", input_tokens=1_000_000, long_context=True),
        # cached tokens without a batch cached rate: priced at the batch input rate
        segment("plain", "acme", input_tokens=1_000_000, cached_input_tokens=400_000),
    ]
    batch = classified(*rows)
    assert batch["status"].cast(pl.String).to_list() == [
        "no_batch_tier",
        "projected",
        "projected",
        "projected",
    ]
    assert batch["pricing_note"].to_list() == [
        "no_cache_write_rate",
        None,
        None,
        "cached_at_input_rate",
    ]
    assert batch["projected_batch_cost_usd"].to_list()[2:] == [0.5, 0.5]
    flex = classified(rows[1], tier="flex")
    assert flex["status"].cast(pl.String).to_list() == ["no_batch_tier"]
    assert flex["pricing_note"].to_list() == ["no_long_context_rate"]


def test_short_and_long_prompts_never_share_a_segment() -> None:
    rows = [
        segment("gpt-5.5", input_tokens=300_000, long_context=True, cost_usd=3.0),
        segment("gpt-5.5", input_tokens=300_000, long_context=False, cost_usd=1.5),
    ]
    findings = bf.project_batch_savings(rows, CATALOG)
    # 1.5 (long, 300k x 5.00) + 0.75 (short, 300k x 2.50): not 600k at either rate
    assert findings["projected_batch_cost_usd"].to_list() == [pytest.approx(2.25, rel=1e-12)]


def test_partials_merge_the_cache_aware_costs() -> None:
    rows = [
        segment("claude-sonnet-4-6", "anthropic", input_tokens=100_000, cached_input_tokens=90_000),
        segment("gpt-5.5", input_tokens=300_000, long_context=True),
    ]
    whole = bf.project_batch_savings(rows, CATALOG)
    parts = [bf.partial_projection([row], CATALOG) for row in rows]
    merged = bf.merge_partials(parts)
    assert merged["projected_batch_cost_usd"][0] == pytest.approx(
        whole["projected_batch_cost_usd"][0], rel=1e-12
    )
    # 10k x 1.50 + 90k x 0.15 = 0.0285, plus 300k x 5.00 = 1.5
    assert whole["projected_batch_cost_usd"][0] == pytest.approx(1.5285, rel=1e-12)


def test_lazy_equals_eager_with_cache_columns() -> None:
    rows = [
        segment("claude-sonnet-4-6", "anthropic", input_tokens=100_000, cached_input_tokens=90_000),
        segment("gpt-5.5", input_tokens=300_000, cached_input_tokens=1, long_context=True),
    ]
    eager = bf.project_batch_savings(rows, CATALOG)
    lazy = bf.project_batch_savings(pl.DataFrame(rows).lazy(), CATALOG).collect()
    assert lazy.equals(eager)


def test_the_cache_cannot_exceed_the_input() -> None:
    rows = [segment("gpt-5.5", input_tokens=10, cached_input_tokens=8, cache_write_tokens=3)]
    message = (
        r"^column 'cached_input_tokens': expected cached_input_tokens \+ cache_write_tokens "
        r"<= input_tokens, got 8 at row 0$"
    )
    with pytest.raises(bf.AggregateError, match=message):
        bf.project_batch_savings(rows, CATALOG)
    with pytest.raises(bf.AggregateError, match=message):
        bf.project_batch_savings(pl.DataFrame(rows).lazy(), CATALOG).collect()


def test_cache_columns_are_optional_and_default_to_none() -> None:
    row = segment("gpt-5.5", input_tokens=1_000_000)
    plain = {k: v for k, v in row.items() if k not in ("cached_input_tokens", "cache_write_tokens")}
    assert math.isclose(cost_of(plain) or 0.0, cost_of(row) or 0.0)
    assert cost_of(plain) == 2.5


# -- against the row-by-row reference ---------------------------------------------------------


_MODELS = [("anthropic", "claude-sonnet-4-6"), ("openai", "gpt-5.5"), ("acme", "plain")]


@st.composite
def cache_segments(draw: Any) -> dict[str, Any]:
    provider, model = draw(st.sampled_from(_MODELS))
    total = draw(st.integers(min_value=0, max_value=2_000_000))
    cached = draw(st.integers(min_value=0, max_value=total))
    written = draw(st.integers(min_value=0, max_value=total - cached))
    return segment(
        model,
        provider,
        tag=draw(st.sampled_from(["nightly", "Bulk", "chat", None])),
        input_tokens=total,
        cached_input_tokens=cached,
        cache_write_tokens=written,
        output_tokens=draw(st.integers(min_value=0, max_value=500_000)),
        cost_usd=draw(st.floats(min_value=0, max_value=100, allow_nan=False)),
        long_context=draw(st.booleans()),
    )


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(cache_segments(), min_size=1, max_size=8), tier=st.sampled_from(["batch", "flex"])
)
def test_statuses_and_costs_match_the_reference(rows: list[dict[str, Any]], tier: str) -> None:
    got = classified(*rows, tier=tier)
    for row, status, cost in zip(
        rows, got["status"].cast(pl.String), got["projected_batch_cost_usd"], strict=True
    ):
        want_status, want_cost = ref.segment_status_and_cost(row, CATALOG, tier=tier)
        assert status == want_status, row
        if want_cost is None:
            assert cost is None
        else:
            assert cost == pytest.approx(want_cost, rel=1e-9, abs=1e-12), row
    # and the findings are the folds of those costs
    findings = bf.project_batch_savings(rows, CATALOG, tier=tier)
    per_tag: dict[str, list[float]] = {}
    for row in rows:
        status, cost = ref.segment_status_and_cost(row, CATALOG, tier=tier)
        if status == "projected":
            acc = per_tag.setdefault(row["tag"], [0.0, 0.0])
            acc[0] += row["cost_usd"]
            acc[1] += cost
    want = {tag: v for tag, v in per_tag.items() if v[0] > 0}
    assert set(findings["tag"]) == set(want)
    for tag, spend, cost in findings.select(
        "tag", "eligible_spend_usd", "projected_batch_cost_usd"
    ).iter_rows():
        assert spend == pytest.approx(want[tag][0], rel=1e-9)
        assert cost == pytest.approx(want[tag][1], rel=1e-9, abs=1e-12)


def test_a_row_that_needs_a_missing_write_rate_does_not_spoil_its_neighbours() -> None:
    # acme/plain has no batch cache-write rate: the row with writes is no_batch_tier, the
    # row without writes of the same (provider, model, tag) is still projected (2.5e6 x 0.5)
    rows = [
        segment("plain", "acme", input_tokens=1_000, cache_write_tokens=10, cost_usd=1.0),
        segment("plain", "acme", input_tokens=2_500_000, cost_usd=3.0),
    ]
    findings = bf.project_batch_savings(rows, CATALOG)
    assert findings.select("eligible_spend_usd", "projected_batch_cost_usd").rows() == [(3.0, 1.25)]
    statuses = bf.classify_segments(rows, CATALOG)["status"].cast(pl.String).to_list()
    assert statuses == ["no_batch_tier", "projected"]
