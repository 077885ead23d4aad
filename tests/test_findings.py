"""Findings: exact Python-compatible number formatting, BatchFinding and as_findings."""

from __future__ import annotations

import dataclasses
import math

import polars as pl
import pytest

import batchframe as bf
from batchframe._findings import FINDINGS_SCHEMA, with_fixed_text

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


def python_format(values: list[float], decimals: int) -> list[str]:
    return [format(v, f".{decimals}f") for v in values]


def polars_format(values: list[float], decimals: int) -> list[str]:
    frame = pl.LazyFrame({"x": pl.Series(values, dtype=pl.Float64)})
    return with_fixed_text(frame, {"text": ("x", decimals)}).collect()["text"].to_list()


@pytest.mark.parametrize("decimals", [0, 1, 2])
def test_format_fixed_on_rounding_boundaries(decimals: int) -> None:
    assert polars_format(TRICKY, decimals) == python_format(TRICKY, decimals)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
            # k/2**n are exact binary values, so they hit exact ties after scaling.
            st.builds(lambda k, n: k / 2**n, st.integers(-(10**6), 10**6), st.integers(0, 12)),
            st.builds(lambda k: k / 1000, st.integers(-(10**7), 10**7)),
        ),
        min_size=1,
        max_size=50,
    ),
    st.sampled_from([0, 1, 2]),
)
@example([0.125, 2.675, -0.0], 2)
def test_format_fixed_matches_python_format(values: list[float], decimals: int) -> None:
    assert polars_format(values, decimals) == python_format(values, decimals)


def test_format_fixed_non_finite_follows_python() -> None:
    values = [math.inf, -math.inf, math.nan]
    assert polars_format(values, 2) == python_format(values, 2) == ["inf", "-inf", "nan"]


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
def test_shares_are_true_divisions_under_every_engine(engine: str) -> None:
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
