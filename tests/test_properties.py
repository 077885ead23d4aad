"""Hypothesis properties: batchframe against the row-by-row reference (docs/semantics.md §3, §5).

Costs are mostly drawn as multiples of 1/64 so that every sum of costs is
exact in any order: whether a tag's spend is > 0 and whether the total is
> 0 are then decided identically by any summation order, and only the
batch-cost side carries float rounding (docs/semantics.md §5 allows relative 1e-9).
One property also uses arbitrary non-negative floats.
"""

from __future__ import annotations

import itertools
import math
import os
import sys

import polars as pl
import pytest

pytest.importorskip(
    "hypothesis", reason="property tests: needs hypothesis (pip install --group test)"
)

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import batchframe as bf

sys.path.insert(0, os.path.dirname(__file__))
import reference as ref

pytestmark = pytest.mark.hypothesis

CAT = bf.PricingCatalog.parse(ref.SYNTHETIC_CATALOG_TOML)

SCHEMA = ref.spec_input_dtypes()

TAGS = [
    "nightly", "Nightly", "NIGHTLY", "bulk", "Bulk", "BULK", "batch", "Batch",
    "async", "offline", "Offline", "background", "BackGround",
    "chat", "Chat", "interactive", "b", "bulky", "night", "Über", "über",
    None,
]  # fmt: skip
PAIRS = [
    ("acme", "big"),
    ("acme", "small"),
    ("acme", "hist"),
    ("acme", "legacy"),
    ("other", "nobatch"),
    ("acme", "unknown"),
    ("ACME", "big"),
]
TAG_WORDS = ["nightly", "BULK", "chat", "Über", "interactive", "b"]

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TOL = {"rel_tol": 1e-9, "abs_tol": 1e-9}
FLOATS = (
    "eligible_spend_usd",
    "projected_batch_cost_usd",
    "projected_savings_usd",
    "share_of_spend_pct",
    "discount_pct",
)

dyadic_costs = st.one_of(
    st.just(0.0),
    st.integers(-(2**16), 2**26).map(lambda k: k / 64),
    st.integers(1, 2**26).map(lambda k: k / 64),
    st.integers(1, 2**26).map(lambda k: k / 64),
)
nonneg_costs = st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False)
tokens = st.one_of(st.integers(0, 10**9), st.integers(0, 2_000), st.just(0))


PRICED = [("acme", "big"), ("acme", "small"), ("acme", "hist")]
ELIGIBLE_VARIANTS = [t for t in TAGS if t is not None and t.lower() in ref.DEFAULT_TAGS]

# Biased towards priced pairs and eligible tags so most examples have findings.
pairs = st.one_of(st.sampled_from(PRICED), st.sampled_from(PAIRS))
tags = st.one_of(st.sampled_from(ELIGIBLE_VARIANTS), st.sampled_from(TAGS))


def rows_strategy(costs=dyadic_costs, min_size=1, max_size=30):
    row = st.builds(
        lambda pair, tag, i, o, c, n: {
            "provider": pair[0],
            "model": pair[1],
            "tag": tag,
            "input_tokens": i,
            "output_tokens": o,
            "cost_usd": c,
            "request_count": n,
        },
        pairs,
        tags,
        tokens,
        tokens,
        costs,
        st.integers(0, 10**6),
    )
    return st.lists(row, min_size=min_size, max_size=max_size)


eligible_sets = st.one_of(
    st.none(),
    st.none(),
    st.sampled_from(TAG_WORDS),
    st.lists(st.sampled_from([*TAG_WORDS, "ASYNC", "offline", "Night"]), min_size=1, max_size=4),
    st.just([]),
)


def project(rows, eligible_tags=None) -> list[dict]:
    frame = pl.DataFrame(rows, schema=SCHEMA)
    out = bf.project_batch_savings(frame, CAT, eligible_tags=eligible_tags)
    assert isinstance(out, pl.DataFrame)
    assert list(out.schema.items()) == ref.spec_findings_dtypes()
    found = out.to_dicts()
    for f in found:
        assert_own_summary(f)
    assert_sorted(found)
    return found


def assert_own_summary(f: dict) -> None:
    """The summary is the f-string of docs/semantics.md §3 of the row's own column values."""
    assert f["summary"] == (
        f"tag={f['tag']} is {f['share_of_spend_pct']:.1f}% of spend and batch-eligible → "
        f"~${f['projected_savings_usd']:.2f} saved at the Batch API rate "
        f"(−{f['discount_pct']:.0f}%) on {f['request_count']} request(s)"
    )


def assert_sorted(found: list[dict]) -> None:
    """Savings descending, ties by tag ascending in byte order (exact values)."""
    keys = [(-f["projected_savings_usd"], f["tag"].encode("utf-8")) for f in found]
    assert keys == sorted(keys)
    assert len({f["tag"] for f in found}) == len(found)


def assert_same_as_reference(got: list[dict], want: list[dict]) -> None:
    """Same tags, same order (up to near-ties in savings), same numbers."""
    assert sorted(g["tag"] for g in got) == sorted(w["tag"] for w in want)
    by_tag = {w["tag"]: w for w in want}
    for g in got:
        w = by_tag[g["tag"]]
        for col in FLOATS:
            assert math.isclose(g[col], w[col], **TOL), (g["tag"], col, g[col], w[col])
        assert g["request_count"] == w["request_count"]
    # the order must agree wherever savings are not within float noise
    for a, b in itertools.pairwise(got):
        wa, wb = by_tag[a["tag"]], by_tag[b["tag"]]
        sa, sb = wa["projected_savings_usd"], wb["projected_savings_usd"]
        if not math.isclose(sa, sb, **TOL):
            assert sa > sb, (a["tag"], b["tag"], sa, sb)
    # where the reference has no near-ties at all, the order is identical
    ref_savings = [w["projected_savings_usd"] for w in want]
    if all(not math.isclose(a, b, **TOL) for a, b in itertools.pairwise(ref_savings)):
        assert [g["tag"] for g in got] == [w["tag"] for w in want]


# --------------------------------------------------------------------------


@SETTINGS
@given(rows=rows_strategy(), eligible=eligible_sets)
def test_matches_reference(rows, eligible):
    got = project(rows, eligible)
    want = ref.project(rows, CAT, eligible)
    assert_same_as_reference(got, want)
    for f in got:
        assert f["eligible_spend_usd"] > 0
        assert f["projected_savings_usd"] >= 0
        assert 0 <= f["discount_pct"] <= 100 + 1e-9


@SETTINGS
@given(rows=rows_strategy(costs=nonneg_costs), eligible=eligible_sets)
def test_matches_reference_with_arbitrary_nonnegative_costs(rows, eligible):
    got = project(rows, eligible)
    want = ref.project(rows, CAT, eligible)
    assert_same_as_reference(got, want)
    assert sum(f["share_of_spend_pct"] for f in got) <= 100 + 1e-7


@SETTINGS
@given(rows=rows_strategy(), data=st.data())
def test_independent_of_row_order(rows, data):
    shuffled = data.draw(st.permutations(rows))
    assert_same_as_reference(project(shuffled), project(rows))


@SETTINGS
@given(
    a=rows_strategy(costs=nonneg_costs, min_size=0, max_size=15),
    b=rows_strategy(costs=nonneg_costs, min_size=0, max_size=15),
)
def test_partition_additivity(a, b):
    fa = {f["tag"]: f for f in project(a)}
    fb = {f["tag"]: f for f in project(b)}
    fab = {f["tag"]: f for f in project(a + b)}
    # with costs >= 0 a missing finding means zero eligible spend
    assert set(fab) == set(fa) | set(fb)
    for tag, f in fab.items():
        spend = (fa[tag]["eligible_spend_usd"] if tag in fa else 0.0) + (
            fb[tag]["eligible_spend_usd"] if tag in fb else 0.0
        )
        assert math.isclose(f["eligible_spend_usd"], spend, **TOL), tag
        if tag in fa and tag in fb:
            for col in ("projected_batch_cost_usd",):
                assert math.isclose(f[col], fa[tag][col] + fb[tag][col], **TOL), (tag, col)
            assert f["request_count"] == fa[tag]["request_count"] + fb[tag]["request_count"]


@SETTINGS
@given(a=rows_strategy(min_size=0, max_size=15), b=rows_strategy(min_size=0, max_size=15))
def test_partition_additivity_with_credits(a, b):
    # with credits a part may have no finding for a tag; where both have
    # one, spend, batch cost and requests add up exactly like the reference.
    fa = {f["tag"]: f for f in project(a)}
    fb = {f["tag"]: f for f in project(b)}
    fab = {f["tag"]: f for f in project(a + b)}
    for tag in set(fa) & set(fb):
        assert tag in fab  # sum of two positive spends is positive
        for col in ("eligible_spend_usd", "projected_batch_cost_usd"):
            assert math.isclose(fab[tag][col], fa[tag][col] + fb[tag][col], **TOL), (tag, col)
        assert fab[tag]["request_count"] == fa[tag]["request_count"] + fb[tag]["request_count"]


@SETTINGS
@given(rows=rows_strategy(), eligible=eligible_sets)
def test_savings_never_negative_and_lazy_equals_eager(rows, eligible):
    frame = pl.DataFrame(rows, schema=SCHEMA)
    eager = bf.project_batch_savings(frame, CAT, eligible_tags=eligible)
    lazy = bf.project_batch_savings(frame.lazy(), CAT, eligible_tags=eligible)
    assert isinstance(lazy, pl.LazyFrame)
    collected = lazy.collect()
    assert collected.to_dicts() == eager.to_dicts()
    assert (eager["projected_savings_usd"] >= 0).all()
    assert (eager["eligible_spend_usd"] > 0).all()


@SETTINGS
@given(rows=rows_strategy(costs=st.integers(0, 2**26).map(lambda k: k / 64)))
def test_shares_sum_to_at_most_100_with_nonnegative_costs(rows):
    found = project(rows)
    total = sum(f["share_of_spend_pct"] for f in found)
    assert total <= 100 + 1e-9
    for f in found:
        assert 0 < f["share_of_spend_pct"] <= 100 + 1e-9
    # when every row is eligible and priced, the shares cover all spend
    priced = [
        row
        for row in rows
        if row["tag"] is not None
        and row["tag"].lower() in ref.DEFAULT_TAGS
        and (row["provider"], row["model"]) in PRICED
    ]
    if rows and len(priced) == len(rows) and sum(r["cost_usd"] for r in rows) > 0:
        assert math.isclose(total, 100.0, rel_tol=1e-9)


@pytest.mark.parametrize("seed_rows", [[], [{"provider": "acme", "model": "big", "tag": None,
    "input_tokens": 0, "output_tokens": 0, "cost_usd": 1.0, "request_count": 1}]])  # fmt: skip
def test_reference_and_batchframe_agree_on_trivial_inputs(seed_rows):
    assert project(seed_rows) == ref.project(seed_rows, CAT) == []
