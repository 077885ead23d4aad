"""The projection's private machinery: the spelling filter must never change a result."""

from __future__ import annotations

import sys

import polars as pl

import batchframe as bf
from batchframe._rules import SPELLING_BUDGET, spellings

from support import given, settings, st


def test_only_kelvin_sign_lowercases_into_ascii_letters() -> None:
    # The spelling filter relies on this fact about Polars' (Rust's) lower-casing.
    everything = pl.Series(
        [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF], dtype=pl.String
    )
    frame = pl.DataFrame({"char": everything, "lower": everything.str.to_lowercase()})
    into_ascii = frame.filter(
        ~pl.col("char").str.contains("^[A-Za-z]$")
        & pl.col("lower").str.contains("[a-z]")
        & pl.col("lower").str.contains(r"^[\x00-\x7f]+$")
    )
    assert into_ascii.rows() == [("\u212a", "k")]


def test_spellings_cover_every_case_and_nothing_else() -> None:
    found = spellings(("bulk",))
    assert found is not None
    assert len(found) == 2 * 2 * 2 * 3 == len(set(found))
    assert {s.lower() for s in found} == {"bulk"}
    assert "BuLK" in found and "bul\u212a" in found
    assert spellings(("bätch",)) is None  # non-ASCII words fall back to lower-casing rows
    assert spellings(("x" * 15,)) is None  # 2**15 spellings exceed the budget
    assert SPELLING_BUDGET < 2**15


TAGS = [
    "bulk",
    "BULK",
    "Bulk",
    "bul\u212a",
    "bätch",
    "BÄTCH",
    "nightly",
    "Nightly",
    "night",
    "x" * 15,
    "X" * 15,
    "chat",
    None,
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(TAGS), min_size=1, max_size=30),
    st.lists(st.sampled_from(["bulk", "bätch", "nightly", "x" * 15, "NIGHT"]), max_size=3),
)
def test_the_filter_never_changes_the_findings(tags: list[str | None], eligible: list[str]) -> None:
    # Words with and without a spelling set (non-ASCII, over budget) give the same answer
    # as lower-casing every row, which is what the rule says.
    agg = pl.DataFrame(
        {
            "provider": ["openai"] * len(tags),
            "model": ["gpt-5.4"] * len(tags),
            "tag": tags,
            "input_tokens": [1_000_000] * len(tags),
            "output_tokens": [0] * len(tags),
            "cost_usd": [3.0] * len(tags),
            "request_count": [1] * len(tags),
        },
        schema_overrides={"tag": pl.String},
    )
    wanted = {t.lower() for t in eligible}
    expected: dict[str, float] = {}
    for tag in tags:
        if tag is not None and tag.lower() in wanted:
            expected[tag] = expected.get(tag, 0.0) + 3.0
    got = bf.project_batch_savings(agg, eligible_tags=eligible)
    assert isinstance(got, pl.DataFrame)
    assert dict(got.select("tag", "eligible_spend_usd").rows()) == expected
