"""Pricing that matches the bill: as-of prices, the Flex tier, breakdowns (issue 5)."""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import batchframe as bf

from support import given, settings, st

UTC = timezone.utc

# o3-like history: a price cut on June 10, and a later entry that drops the batch tier.
HISTORY = bf.PricingCatalog.parse("""
[[entry]]
provider = "acme"
model = "m"
input_per_million = 10.0
output_per_million = 40.0
batch_input_per_million = 5.0
batch_output_per_million = 20.0
effective_at = "2025-04-16T00:00:00Z"

[[entry]]
provider = "acme"
model = "m"
input_per_million = 2.0
output_per_million = 8.0
batch_input_per_million = 1.0
batch_output_per_million = 4.0
flex_input_per_million = 1.5
flex_output_per_million = 6.0
effective_at = "2025-06-10T00:00:00Z"

[[entry]]
provider = "acme"
model = "m"
input_per_million = 2.0
output_per_million = 8.0
effective_at = "2025-09-01T00:00:00Z"

[[entry]]
provider = "acme"
model = "n"
input_per_million = 1.0
output_per_million = 1.0
batch_input_per_million = 0.5
batch_output_per_million = 0.5
effective_at = "2025-01-01T00:00:00Z"
""")


def segments() -> pl.DataFrame:
    # One million input tokens per segment, so a segment's batch cost is its input rate.
    return pl.DataFrame(
        {
            "provider": ["acme"] * 5,
            "model": ["m", "m", "m", "m", "n"],
            "tag": ["nightly"] * 5,
            "input_tokens": [1_000_000] * 5,
            "output_tokens": [0] * 5,
            "cost_usd": [10.0, 10.0, 2.0, 2.0, 1.0],
            "request_count": [1, 2, 3, 4, 5],
            "period_start": [
                datetime(2025, 3, 1),
                datetime(2025, 6, 9, 23),
                datetime(2025, 6, 10),
                datetime(2025, 10, 1),
                datetime(2024, 1, 1),
            ],
        }
    )


def test_price_at_prices_each_segment_at_the_entry_in_effect() -> None:
    classified = bf.classify_segments(segments(), HISTORY, price_at="period_start")
    assert isinstance(classified, pl.DataFrame)
    assert classified["status"].to_list() == [
        "projected",
        "projected",
        "projected",
        "no_batch_tier",
        "projected",
    ]
    # Before the first entry -> the earliest; before the cut -> 5.0; from the cut -> 1.0;
    # after the tier was dropped -> excluded; "n" predates its only entry -> that entry.
    assert classified["projected_batch_cost_usd"].to_list() == [5.0, 5.0, 1.0, None, 0.5]
    assert classified["rates_effective_at"].to_list() == [
        datetime(2025, 4, 16, tzinfo=UTC),
        datetime(2025, 4, 16, tzinfo=UTC),
        datetime(2025, 6, 10, tzinfo=UTC),
        datetime(2025, 9, 1, tzinfo=UTC),
        datetime(2025, 1, 1, tzinfo=UTC),
    ]
    findings = bf.project_batch_savings(segments(), HISTORY, price_at="period_start")
    assert isinstance(findings, pl.DataFrame)
    # Projected: segments 1, 2, 3 and 5 (requests 1 + 2 + 3 + 5).
    assert findings.select("eligible_spend_usd", "projected_batch_cost_usd", "request_count").row(
        0
    ) == (23.0, 11.5, 11)
    # Latest pricing instead: the latest "m" entry has no batch tier, so only "n" is priced.
    latest = bf.project_batch_savings(segments(), HISTORY)
    assert latest.select("eligible_spend_usd", "projected_batch_cost_usd").row(0) == (1.0, 0.5)


def test_flex_tier_uses_flex_rates_and_says_so() -> None:
    flex = bf.project_batch_savings(segments(), HISTORY, tier="flex", price_at="period_start")
    assert isinstance(flex, pl.DataFrame)
    # Only the June-10 entry has flex rates.
    assert flex.select("eligible_spend_usd", "projected_batch_cost_usd").row(0) == (2.0, 1.5)
    assert flex["summary"][0] == (
        "tag=nightly is 8.0% of spend and batch-eligible \u2192 ~$0.50 saved at the Flex rate "
        "(\u221225%) on 3 request(s)"
    )
    with pytest.raises(ValueError, match="tier must be one of"):
        bf.project_batch_savings(segments(), HISTORY, tier="priority")


def test_by_keeps_keys_orders_and_reports_provenance() -> None:
    out = bf.project_batch_savings(
        segments(), HISTORY, price_at="period_start", by=("provider", "model")
    )
    assert isinstance(out, pl.DataFrame)
    assert (
        out.columns[:3] == ["tag", "provider", "model"] and out.columns[-1] == "rates_effective_at"
    )
    assert out.select("model", "eligible_spend_usd", "projected_savings_usd").rows() == [
        ("m", 22.0, 11.0),
        ("n", 1.0, 0.5),
    ]
    assert out["rates_effective_at"].to_list() == [
        [datetime(2025, 4, 16, tzinfo=UTC), datetime(2025, 6, 10, tzinfo=UTC)],
        [datetime(2025, 1, 1, tzinfo=UTC)],
    ]
    total = segments()["cost_usd"].sum()
    assert out["share_of_spend_pct"].to_list() == [22.0 / total * 100, 1.0 / total * 100]
    periods = bf.project_batch_savings(
        segments(), HISTORY, price_at="period_start", by="period_start"
    )
    assert periods.columns[:2] == ["tag", "period_start"]
    # Ties in savings are broken by tag, then by the keys.
    assert periods.select("period_start", "projected_savings_usd").rows() == [
        (datetime(2025, 3, 1), 5.0),
        (datetime(2025, 6, 9, 23), 5.0),
        (datetime(2025, 6, 10), 1.0),
        (datetime(2024, 1, 1), 0.5),
    ]
    with pytest.raises(bf.AggregateError, match=r"column 'region' .* is not in the input"):
        bf.project_batch_savings(segments(), HISTORY, by="region")


def test_periods_from_logs_price_across_a_price_cut() -> None:
    logs = pl.DataFrame(
        {
            "provider": ["acme"] * 2,
            "model": ["m"] * 2,
            "tags": [["bulk"], ["bulk"]],
            "input_tokens": [1_000_000, 1_000_000],
            "output_tokens": [0, 0],
            "cost_usd": [10.0, 2.0],
            "timestamp": [datetime(2025, 5, 20, tzinfo=UTC), datetime(2025, 6, 20, tzinfo=UTC)],
        }
    )
    monthly = bf.aggregate_request_logs(logs, every="1mo")
    out = bf.project_batch_savings(monthly, HISTORY, price_at="period_start", by="period_start")
    assert isinstance(out, pl.DataFrame)
    # May is priced before the cut (5.0), June after it (1.0), although June's period
    # starts on June 1, before the June-10 cut: the entry in effect then is the old one.
    assert out.select("period_start", "projected_batch_cost_usd").sort("period_start").rows() == [
        (datetime(2025, 5, 1, tzinfo=UTC), 5.0),
        (datetime(2025, 6, 1, tzinfo=UTC), 5.0),
    ]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**7),
            st.integers(0, 10**6),
            st.integers(0, 10**5),
            st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)),
        ),
        min_size=1,
        max_size=20,
    ),
)
def test_single_entry_catalog_as_of_equals_latest(
    rows: list[tuple[int, int, int, datetime]],
) -> None:
    cat = bf.PricingCatalog.parse(
        '[[entry]]\nprovider = "p"\nmodel = "m"\ninput_per_million = 2.0\noutput_per_million = 8.0\n'
        'batch_input_per_million = 1.0\nbatch_output_per_million = 4.0\neffective_at = "2020-01-01T00:00:00Z"\n'
    )
    frame = pl.DataFrame(
        [("p", "m", "nightly", i, o, c / 64, 1, t) for i, o, c, t in rows],
        schema=[
            "provider",
            "model",
            "tag",
            "input_tokens",
            "output_tokens",
            "cost_usd",
            "request_count",
            "at",
        ],
        orient="row",
    )
    as_of = bf.project_batch_savings(frame, cat, price_at="at")
    latest = bf.project_batch_savings(frame, cat)
    assert isinstance(as_of, pl.DataFrame) and isinstance(latest, pl.DataFrame)
    # Priced per instant, the cost is a sum of per-instant products: equal up to rounding.
    assert_frame_equal(
        as_of.drop("summary"),
        latest.drop("summary"),
        check_exact=False,
        rel_tol=1e-9,
        abs_tol=1e-12,
    )


def test_as_findings_keeps_the_tier_in_the_summary() -> None:
    flex = bf.project_batch_savings(segments(), HISTORY, tier="flex", price_at="period_start")
    (finding,) = bf.as_findings(flex, tier="flex")
    assert finding.tier == "flex" and finding.summary() == flex["summary"][0]
    batch = bf.as_findings(bf.project_batch_savings(segments(), HISTORY, price_at="period_start"))
    assert [f.tier for f in batch] == ["batch"] and batch[0].summary().endswith(
        "at the Batch API rate (\u221250%) on 11 request(s)"
    )
