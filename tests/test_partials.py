"""Additive partials: merging the partials of any split equals projecting the whole."""

from __future__ import annotations

import itertools

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import batchframe as bf

from support import given, settings, st

PAIRS = [
    ("openai", "gpt-5.5"),
    ("openai", "gpt-5.4"),
    ("groq", "llama-3.1-8b-instant"),
    ("acme", "m"),
    ("anthropic", "claude-opus-4-8"),
]
ROWS = st.lists(
    st.tuples(
        st.sampled_from(PAIRS),
        st.sampled_from(["nightly", "Nightly", "bulk", "chat", None]),
        st.integers(0, 10**7),
        st.integers(0, 10**6),
        st.integers(-(10**4), 10**6).map(lambda c: c / 64),
        st.integers(0, 1000),
    ),
    min_size=0,
    max_size=40,
)


def frame(rows: list[tuple]) -> pl.DataFrame:  # type: ignore[type-arg]
    return pl.DataFrame(
        [(p, m, t, i, o, c, n) for (p, m), t, i, o, c, n in rows],
        schema={
            "provider": pl.String,
            "model": pl.String,
            "tag": pl.String,
            "input_tokens": pl.Int64,
            "output_tokens": pl.Int64,
            "cost_usd": pl.Float64,
            "request_count": pl.Int64,
        },
        orient="row",
    )


@settings(max_examples=60, deadline=None)
@given(
    ROWS,
    st.lists(st.integers(0, 40), max_size=4),
    st.sampled_from([None, ("provider", "model")]),
    st.sampled_from(["batch", "flex"]),
)
def test_merging_any_split_equals_the_whole(
    rows: list[tuple],
    cuts: list[int],
    by: tuple[str, ...] | None,  # type: ignore[type-arg]
    tier: str,
) -> None:
    whole = frame(rows)
    bounds = sorted({0, len(rows), *(min(c, len(rows)) for c in cuts)})
    chunks = [whole.slice(a, b - a) for a, b in itertools.pairwise(bounds)] or [whole]
    partials = [bf.partial_projection(chunk, by=by, tier=tier) for chunk in chunks]
    merged = bf.merge_partials(partials)
    expected = bf.project_batch_savings(whole, by=by, tier=tier)
    assert isinstance(merged, pl.DataFrame) and isinstance(expected, pl.DataFrame)
    # Same tags and keys; numbers equal up to float rounding (the split changes the order
    # of the additions). Rows whose savings tie at different bits may swap: compare sorted.
    keys = ["tag", *(by or ())]
    assert_frame_equal(
        merged.drop("summary").sort(keys),
        expected.drop("summary").sort(keys),
        check_exact=False,
        rel_tol=1e-9,
        abs_tol=1e-9,
    )


def test_partial_frame_shape_and_lazy_merge() -> None:
    rows = [
        bf.RequestAggregate("openai", "gpt-5.5", "nightly", 1_000_000, 0, 5.0, 1),
        bf.RequestAggregate("groq", "llama-3.1-8b-instant", "bulk", 10, 0, 1.0, 2),
    ]
    part = bf.partial_projection(rows, by="model")
    assert isinstance(part, pl.DataFrame)
    assert part.columns == [
        "tag",
        "model",
        "eligible_spend_usd",
        "projected_batch_cost_usd",
        "request_count",
        "total_spend_usd",
        "tier",
        "rates_effective_at",
    ]
    assert part.select("tag", "model", "eligible_spend_usd", "total_spend_usd").rows() == [
        (None, None, None, 6.0),
        ("nightly", "gpt-5.5", 5.0, None),
    ]
    lazy = bf.merge_partials(
        [part.lazy(), bf.partial_projection(pl.DataFrame(rows).lazy(), by="model")]
    )
    assert isinstance(lazy, pl.LazyFrame)
    out = lazy.collect()
    assert out.select("tag", "eligible_spend_usd", "share_of_spend_pct").rows() == [
        ("nightly", 10.0, 10 / 12 * 100)
    ]
    with pytest.raises(ValueError, match="at least one partial"):
        bf.merge_partials([])
    with pytest.raises(ValueError, match="same breakdown"):
        bf.merge_partials([part, bf.partial_projection(rows)])


def test_a_parquet_scan_is_streamed_once_not_cached(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The fold and the total both read the scan. Planned one way, Polars' common-subplan
    # elimination puts a CACHE on the scan itself, which then holds every row in memory
    # (885 MiB peak on 10M Parquet rows instead of ~115 MiB). No CACHE may sit on a scan.
    path = tmp_path / "agg.parquet"
    frame(
        [(PAIRS[0], "nightly", 10**6, 0, 5.0, 1), (PAIRS[1], None, 10**6, 0, 5.0, 1)]
    ).write_parquet(path)
    for by in (None, ("provider", "model")):
        findings = bf.project_batch_savings(pl.scan_parquet(path), by=by)
        partial = bf.partial_projection(pl.scan_parquet(path), by=by)
        for plan in (findings, partial):
            assert isinstance(plan, pl.LazyFrame)
            lines = [line.strip() for line in plan.explain().splitlines() if line.strip()]
            assert any(line.startswith("Parquet SCAN") for line in lines)
            cached = [nxt for line, nxt in itertools.pairwise(lines) if line.startswith("CACHE[")]
            assert not [line for line in cached if "SCAN" in line], cached
        out = findings.collect()
        assert out["tag"].to_list() == ["nightly"] and out["eligible_spend_usd"].to_list() == [5.0]


def test_dollar_sums_do_not_depend_on_row_order_eager_or_lazy() -> None:
    # 0.1 + 0.2 + 0.3 is 0.6000000000000001 in ascending order and 0.6 from the other
    # end: the segments of a tag are added in sorted order, so every order of the rows,
    # eager or lazy, gives the same findings, bit for bit.
    rows = [
        (pair, "nightly", 10**6, 10**5, cost, 1)
        for pair, cost in zip(PAIRS[:2] + PAIRS[4:], (0.3, 0.2, 0.1), strict=True)
    ]
    want = 0.1 + 0.2 + 0.3
    seen = set()
    for order in itertools.permutations(rows):
        whole = frame(list(order))
        eager = bf.project_batch_savings(whole)
        lazy = bf.project_batch_savings(whole.lazy())
        assert isinstance(eager, pl.DataFrame) and isinstance(lazy, pl.LazyFrame)
        assert eager.equals(lazy.collect())
        seen.add((eager["eligible_spend_usd"].item(), eager["projected_batch_cost_usd"].item()))
        # Partials add the same segment values in the same sorted order. (The total spend
        # is a plain sum over input rows, so shares may differ by rounding.)
        merged = bf.merge_partials(
            [bf.partial_projection(whole.slice(i, 1)) for i in range(3)][::-1]
        )
        assert isinstance(merged, pl.DataFrame)
        sums = ["eligible_spend_usd", "projected_batch_cost_usd", "request_count"]
        assert merged.select(sums).equals(eager.select(sums))
    assert len(seen) == 1 and next(iter(seen))[0] == want
