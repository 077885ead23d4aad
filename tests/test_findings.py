"""Findings: the summary sentence (Python's own formatting), BatchFinding and as_findings."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Literal

import polars as pl
import pytest

import batchframe as bf
from batchframe._findings import FINDINGS_SCHEMA, tiers_of, with_summary

from support import example, given, settings, st

# Values that sit on or next to a rounding boundary, where naive scaling goes wrong.
TRICKY = [
    0.125,
    0.375,
    2.675,
    1.005,
    0.285,
    12.25,
    12.35,
    2.5,
    3.5,
    0.05,
    0.15,
    0.25,
    1e-9,
    99.95,
    49.999999999999993,
    0.0,
    -0.0,
    -0.005,
    -2.5,
    1234567.125,
]
# Beyond what a float64 -> int64 scaling can hold (today's summary was null above ~9.2e16).
HUGE = [4.5e13, 9.2e16, 9.3e16, 1e17, 2.5e18, 1e300, 5e-324]
NON_FINITE = [math.inf, -math.inf, math.nan]
COUNTS = [0, 1, 7, 2**53 + 1, 2**63, 2**64 - 1]
RATES = {"batch": "Batch API", "flex": "Flex"}


def spec_sentence(
    tag: str, share: float, savings: float, discount: float, count: int, tier: str = "batch"
) -> str:
    """docs/semantics.md §3's sentence, written out here independently of batchframe's template."""
    return (
        f"tag={tag} is {share:.1f}% of spend and batch-eligible \u2192 ~${savings:.2f} saved at "
        f"the {RATES[tier]} rate (\u2212{discount:.0f}%) on {count} request(s)"
    )


def findings_of(
    share: list[float], savings: list[float], discount: list[float], counts: list[int]
) -> pl.LazyFrame:
    """A lazy frame of the columns the sentence is made of, tags t0, t1, …"""
    return pl.LazyFrame(
        {
            "tag": [f"t{i}" for i in range(len(share))],
            "share_of_spend_pct": pl.Series(share, dtype=pl.Float64),
            "projected_savings_usd": pl.Series(savings, dtype=pl.Float64),
            "discount_pct": pl.Series(discount, dtype=pl.Float64),
            "request_count": pl.Series(counts, dtype=pl.UInt64),
        }
    )


Engine = Literal["auto", "in-memory", "streaming"]


def summaries(
    frame: pl.LazyFrame, tier: str | None = "batch", engine: Engine = "auto"
) -> list[str | None]:
    out = with_summary(frame, tier)
    assert isinstance(out, pl.LazyFrame)
    texts: list[str | None] = out.collect(engine=engine)["summary"].to_list()
    return texts


def expected_summaries(values: list[float], counts: list[int], tier: str = "batch") -> list[str]:
    return [
        spec_sentence(f"t{i}", v, v, v, c, tier)
        for i, (v, c) in enumerate(zip(values, counts, strict=True))
    ]


@pytest.mark.parametrize("engine", ["in-memory", "streaming"])
@pytest.mark.parametrize("values", [TRICKY, HUGE, NON_FINITE], ids=["tricky", "huge", "nonfinite"])
def test_summary_formats_every_number_as_python_does(values: list[float], engine: Engine) -> None:
    # Each value goes through all three specs: share .1f, savings .2f, discount .0f.
    counts = [COUNTS[i % len(COUNTS)] for i in range(len(values))]
    frame = findings_of(values, values, values, counts)
    assert summaries(frame, engine=engine) == expected_summaries(values, counts)
    findings = [
        bf.BatchFinding(f"t{i}", 100.0, 0.0, v, v, c)
        for i, (v, c) in enumerate(zip(values, counts, strict=False))
    ]
    # BatchFinding computes its own discount (here 100 * v / 100, exactly v for finite v).
    finite = [i for i, v in enumerate(values) if math.isfinite(v) and abs(v) < 1e300]
    got = summaries(frame)
    for i in finite:
        assert findings[i].summary() == got[i]


def test_summary_edge_values_spelled_out() -> None:
    frame = findings_of(
        [2.675, -0.0, 0.05], [2.675, -0.0, 1e17], [0.5, -0.0, 2.5], [1, 0, 2**64 - 1]
    )
    assert summaries(frame) == [
        (
            "tag=t0 is 2.7% of spend and batch-eligible \u2192 ~$2.67 saved at the Batch API "
            "rate (\u22120%) on 1 request(s)"
        ),
        (
            "tag=t1 is -0.0% of spend and batch-eligible \u2192 ~$-0.00 saved at the Batch API "
            "rate (\u2212-0%) on 0 request(s)"
        ),
        (
            "tag=t2 is 0.1% of spend and batch-eligible \u2192 ~$100000000000000000.00 saved at "
            "the Batch API rate (\u22122%) on 18446744073709551615 request(s)"
        ),
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            # k/2**n are exact binary values, so they hit exact ties after scaling.
            st.builds(lambda k, n: k / 2**n, st.integers(-(10**6), 10**6), st.integers(0, 12)),
            st.builds(lambda k: k / 1000, st.integers(-(10**7), 10**7)),
        ),
        min_size=1,
        max_size=50,
    ),
    st.sampled_from(["batch", "flex"]),
)
@example([0.125, 2.675, -0.0, 1e17], "batch")
def test_summary_matches_python_format(values: list[float], tier: str) -> None:
    counts = [COUNTS[i % len(COUNTS)] for i in range(len(values))]
    frame = findings_of(values, values[::-1], values, counts)
    expected = [
        spec_sentence(f"t{i}", share, savings, share, c, tier)
        for i, (share, savings, c) in enumerate(zip(values, values[::-1], counts, strict=False))
    ]
    assert summaries(frame, tier) == expected


def test_summary_takes_the_tier_from_the_argument_or_the_column() -> None:
    frame = findings_of([50.0, 25.0, 10.0], [17.5, 2.5, 1.0], [50.0, 50.0, 20.0], [10, 4, 1])
    with_tiers = frame.with_columns(pl.Series("tier", ["flex", "batch", None], dtype=pl.String))
    got = summaries(with_tiers, None)
    assert got == [
        spec_sentence("t0", 50.0, 17.5, 50.0, 10, "flex"),
        spec_sentence("t1", 25.0, 2.5, 50.0, 4, "batch"),
        spec_sentence("t2", 10.0, 1.0, 20.0, 1, "batch"),  # a null tier names the Batch API
    ]
    assert summaries(with_tiers, "flex") == summaries(frame, "flex")
    assert all(s is not None and " at the Flex rate " in s for s in summaries(frame, "flex"))


def test_summary_of_nulls_and_of_an_empty_frame() -> None:
    frame = pl.LazyFrame(
        {
            "tag": ["a", None, "c", "d"],
            "share_of_spend_pct": [1.0, 1.0, None, 1.0],
            "projected_savings_usd": [1.0, 1.0, 1.0, 1.0],
            "discount_pct": [1.0, 1.0, 1.0, 1.0],
            "request_count": pl.Series([1, 1, 1, None], dtype=pl.UInt64),
        }
    )
    assert summaries(frame) == [spec_sentence("a", 1.0, 1.0, 1.0, 1), None, None, None]
    empty = with_summary(pl.LazyFrame(schema=FINDINGS_SCHEMA).drop("summary"), "batch").collect()
    assert empty.schema == FINDINGS_SCHEMA
    assert empty.columns == [c for c in FINDINGS_SCHEMA if c != "summary"] + ["summary"]


def test_with_summary_stays_lazy_until_collected(tmp_path: Path) -> None:
    path = tmp_path / "findings.parquet"
    findings_of([1.0], [1.0], [1.0], [1]).collect().write_parquet(path)
    lazy = with_summary(pl.scan_parquet(path), "batch")
    assert lazy.collect_schema()["summary"] == pl.String
    # The sentences are made when the frame is collected, from the data read then.
    findings_of([2.675], [2.675], [2.675], [3]).collect().write_parquet(path)
    assert lazy.collect()["summary"].to_list() == [spec_sentence("t0", 2.675, 2.675, 2.675, 3)]


@pytest.mark.parametrize("lazy", [False, True], ids=["eager", "lazy"])
def test_projected_summaries_match_batch_finding(lazy: bool) -> None:
    # Rounding ties and a saving far beyond 9.2e16 (whose summary used to be null).
    agg = pl.DataFrame(
        {
            "provider": ["openai"] * 4,
            "model": ["gpt-5.5"] * 4,
            "tag": ["nightly", "bulk", "offline", None],
            "input_tokens": [1_000_000, 200_000, 1_000_000, 1_000_000],
            "output_tokens": [1_000_000, 0, 1_000_000, 1_000_000],
            "cost_usd": [35.0, 2.675, 2e17, 35.0],
            "request_count": [10, 2**40, 3, 10],
        }
    )
    for tier in ("batch", "flex"):
        out = bf.project_batch_savings(agg.lazy() if lazy else agg, tier=tier)
        frame = out.collect() if isinstance(out, pl.LazyFrame) else out
        assert frame["summary"].null_count() == 0
        findings = bf.as_findings(out, tier=tier)
        assert [f.summary() for f in findings] == frame["summary"].to_list()
        assert frame["summary"].to_list() == [
            spec_sentence(
                r["tag"],
                r["share_of_spend_pct"],
                r["projected_savings_usd"],
                r["discount_pct"],
                r["request_count"],
                tier,
            )
            for r in frame.iter_rows(named=True)
        ]
        assert "~$199999999999999968.00 saved" in frame["summary"][0]


def test_as_findings_tier_from_the_argument_or_the_column() -> None:
    seg = bf.RequestAggregate("openai", "gpt-5.4", "bulk", 2_000_000, 0, 5.0, 4)
    flex = bf.project_batch_savings([seg], tier="flex")
    assert isinstance(flex, pl.DataFrame)
    (finding,) = bf.as_findings(flex, tier="flex")
    assert finding.tier == "flex" and finding.summary() == flex["summary"][0]
    assert bf.as_findings(flex.lazy(), tier="flex") == [finding]
    # No tier column and no argument: batch (the sentence is not read).
    assert [f.tier for f in bf.as_findings(flex)] == ["batch"]
    tagged = flex.with_columns(pl.lit("flex").alias("tier"))
    assert bf.as_findings(tagged) == [finding]
    assert [f.tier for f in bf.as_findings(tagged, tier="batch")] == ["batch"]
    for bad in ("Flex", "", "standard"):
        with pytest.raises(ValueError, match=r"tier must be one of \['batch', 'flex'\], got"):
            bf.as_findings(flex, tier=bad)
    with pytest.raises(ValueError, match=r"column 'tier', row 0: .* got 'priority'"):
        bf.as_findings(flex.with_columns(pl.lit("priority").alias("tier")))
    with pytest.raises(ValueError, match=r"column 'tier', row 0: .* got None"):
        bf.as_findings(flex.with_columns(pl.lit(None, dtype=pl.String).alias("tier")))


def test_tiers_of() -> None:
    frame = pl.DataFrame({"tag": ["a", "b"], "tier": ["flex", "batch"]})
    assert tiers_of(frame) == ["flex", "batch"]
    assert tiers_of(frame, "batch") == ["batch", "batch"]
    assert tiers_of(frame.drop("tier")) == ["batch", "batch"]
    assert tiers_of(frame.head(0), "flex") == []
    with pytest.raises(ValueError, match="tier must be one of"):
        tiers_of(frame.head(0), "Batch")


def test_batch_finding_is_frozen_and_methods_match_columns() -> None:
    finding = bf.BatchFinding("Nightly", 80.0, 30.0, 50.0, 12.25, 7)
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.tag = "x"  # type: ignore[misc]
    assert finding.discount_pct() == 62.5
    assert finding.summary() == (
        "tag=Nightly is 12.2% of spend and batch-eligible \u2192 ~$50.00 saved at the "
        "Batch API rate (\u221262%) on 7 request(s)"
    )
    assert bf.BatchFinding("t", 0.0, 0.0, 0.0, 0.0, 0).discount_pct() == 0.0


def test_as_findings_round_trips_the_frame() -> None:
    agg = pl.DataFrame(
        {
            "provider": ["openai", "openai", "anthropic"],
            "model": ["gpt-5.4", "gpt-5.5", "claude-opus-4-8"],
            "tag": ["Bulk", "nightly", "bulk"],
            "input_tokens": [4_000_000, 1_000_000, 2_000_000],
            "output_tokens": [0, 1_000_000, 400_000],
            "cost_usd": [10.0, 35.0, 20.0],
            "request_count": [3, 10, 5],
        }
    )
    frame = bf.project_batch_savings(agg)
    assert isinstance(frame, pl.DataFrame)
    findings = bf.as_findings(frame)
    assert [f.tag for f in findings] == frame["tag"].to_list() == ["nightly", "bulk", "Bulk"]
    for finding, row in zip(findings, frame.rows(named=True), strict=True):
        assert finding.summary() == row["summary"]
        assert finding.discount_pct() == row["discount_pct"]
    assert bf.as_findings(bf.project_batch_savings(agg.lazy())) == findings
    assert bf.as_findings(pl.DataFrame(schema=FINDINGS_SCHEMA)) == []
    with pytest.raises(ValueError, match="missing column 'eligible_spend_usd'"):
        bf.as_findings(pl.DataFrame({"tag": ["x"]}))


@pytest.mark.parametrize("engine", ["in-memory", "streaming"])
def test_shares_are_true_divisions_under_every_engine(engine: Engine) -> None:
    # 35 / 65 * 100 is 53.84615384615385; through the reciprocal, (35 * (1/65)) * 100, it
    # would come out an ulp higher. Many free interactive rows give the streaming engine
    # morsels in which the total is constant.
    n = 5000
    agg = pl.DataFrame(
        {
            "provider": ["openai"] * (3 + n),
            "model": ["gpt-5.4", "gpt-5.5", "gpt-5.4"] + ["gpt-5.5"] * n,
            "tag": ["Bulk", "nightly", "bulk"] + ["chat"] * n,
            "input_tokens": [4_000_000, 1_000_000, 2_000_000] + [0] * n,
            "output_tokens": [0, 1_000_000, 0] + [0] * n,
            "cost_usd": [10.0, 35.0, 20.0] + [0.0] * n,
            "request_count": [3, 10, 5] + [1] * n,
        }
    )
    expected = {"nightly": 35 / 65 * 100, "bulk": 20 / 65 * 100, "Bulk": 10 / 65 * 100}
    lazy = bf.project_batch_savings(agg.lazy())
    assert isinstance(lazy, pl.LazyFrame)
    assert dict(lazy.collect(engine=engine).select("tag", "share_of_spend_pct").rows()) == expected
    eager = bf.project_batch_savings(agg)
    assert isinstance(eager, pl.DataFrame)
    assert dict(eager.select("tag", "share_of_spend_pct").rows()) == expected
