"""docs/semantics.md §2-§4, one rule per test, with hand-computed numbers.

Rates of the synthetic catalog (reference.SYNTHETIC_CATALOG_TOML), USD per
1M tokens, batch input / batch output of the *latest* entry:

    acme/big    2 / 8      acme/small  0.5 / 1.5     acme/hist   3 / 6
    acme/legacy  (latest entry has no batch tier)     other/nobatch  (none)

So 1,000,000 in + 500,000 out on acme/big projects to 2 + 4 = 6.0 USD.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import sys
from datetime import datetime, timedelta, timezone

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import batchframe as bf

sys.path.insert(0, os.path.dirname(__file__))
import reference as ref

UTC = timezone.utc
FINDINGS_SCHEMA = ref.spec_findings_dtypes()
INPUT_SCHEMA = ref.spec_input_dtypes()

# --------------------------------------------------------------------------
# helpers


def r(provider, model, tag, inp, out, cost, n) -> dict:
    return {
        "provider": provider,
        "model": model,
        "tag": tag,
        "input_tokens": inp,
        "output_tokens": out,
        "cost_usd": float(cost),
        "request_count": n,
    }


def big(tag, cost, n=1):
    """acme/big, 1M in + 0.5M out: projected batch cost 6.0."""
    return r("acme", "big", tag, 1_000_000, 500_000, cost, n)


def frame(rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=INPUT_SCHEMA)


def assert_schema(out) -> None:
    schema = out.collect_schema() if isinstance(out, pl.LazyFrame) else out.schema
    assert list(schema.items()) == FINDINGS_SCHEMA


def run(rows, catalog, **kw) -> list[dict]:
    out = bf.project_batch_savings(frame(rows), catalog, **kw)
    assert isinstance(out, pl.DataFrame)
    assert_schema(out)
    return out.to_dicts()


def expect(found: list[dict], expected: list[tuple]) -> None:
    """expected: (tag, spend, batch cost, savings, share, count, discount)."""
    assert [f["tag"] for f in found] == [e[0] for e in expected]
    for f, (tag, spend, cost, savings, share, count, discount) in zip(found, expected, strict=True):
        got = (
            f["eligible_spend_usd"],
            f["projected_batch_cost_usd"],
            f["projected_savings_usd"],
            f["share_of_spend_pct"],
            f["discount_pct"],
        )
        want = (spend, cost, savings, share, discount)
        for g, w in zip(got, want, strict=True):
            assert math.isclose(g, w, rel_tol=1e-12, abs_tol=1e-12), (tag, got, want)
        assert f["request_count"] == count
        assert f["summary"] == ref.summary(tag, share, savings, discount, count)


# --------------------------------------------------------------------------
# worked example and embedded catalog (docs/semantics.md §2, §3)


def test_default_tags_constant():
    assert tuple(bf.DEFAULT_BATCH_ELIGIBLE_TAGS) == (
        "background",
        "offline",
        "nightly",
        "batch",
        "bulk",
        "async",
    )


def test_worked_example_on_embedded_catalog():
    rows = [
        r("openai", "gpt-5.5", "nightly", 1_000_000, 1_000_000, 35.0, 10),
        r("openai", "gpt-5.5", None, 1_000_000, 1_000_000, 35.0, 10),
    ]
    out = bf.project_batch_savings(frame(rows), bf.catalog())
    assert isinstance(out, pl.DataFrame)
    assert_schema(out)
    assert out.height == 1
    row = out.row(0, named=True)
    assert row["tag"] == "nightly"
    assert row["eligible_spend_usd"] == 35.0
    assert math.isclose(row["projected_batch_cost_usd"], 17.5, rel_tol=1e-12)
    assert math.isclose(row["projected_savings_usd"], 17.5, rel_tol=1e-12)
    assert math.isclose(row["share_of_spend_pct"], 50.0, rel_tol=1e-12)
    assert math.isclose(row["discount_pct"], 50.0, rel_tol=1e-12)
    assert row["request_count"] == 10
    assert row["summary"] == (
        "tag=nightly is 50.0% of spend and batch-eligible \u2192 ~$17.50 saved "
        "at the Batch API rate (\u221250%) on 10 request(s)"
    )
    assert row["summary"] == (
        "tag=nightly is 50.0% of spend and batch-eligible → ~$17.50 saved "
        "at the Batch API rate (−50%) on 10 request(s)"
    )


@pytest.mark.parametrize(
    "provider, model, std_in, std_out, batch_in, batch_out",
    [
        ("openai", "gpt-5.5", 5.00, 30.00, 2.50, 15.00),
        ("openai", "gpt-5.4", 2.50, 15.00, 1.25, 7.50),
        ("anthropic", "claude-opus-4-8", 5.00, 25.00, 2.50, 12.50),
        ("groq", "llama-3.1-8b-instant", 0.05, 0.08, None, None),
    ],
)
def test_embedded_catalog_facts(provider, model, std_in, std_out, batch_in, batch_out):
    p = bf.catalog().latest(provider, model)
    assert p is not None
    assert p.provider == provider and p.model == model
    assert p.input_per_million == pytest.approx(std_in, rel=1e-12)
    assert p.output_per_million == pytest.approx(std_out, rel=1e-12)
    if batch_in is None:
        assert p.batch_input_per_million is None
        assert p.batch_output_per_million is None
    else:
        assert p.batch_input_per_million == pytest.approx(batch_in, rel=1e-12)
        assert p.batch_output_per_million == pytest.approx(batch_out, rel=1e-12)
    assert (provider, model) in bf.catalog().pairs()


def test_embedded_catalog_is_parsed_once():
    assert isinstance(bf.catalog(), bf.PricingCatalog)
    assert bf.catalog() is bf.catalog()


def test_groq_has_no_batch_tier_so_no_finding():
    rows = [r("groq", "llama-3.1-8b-instant", "nightly", 1_000_000, 1_000_000, 5.0, 3)]
    assert run(rows, bf.catalog()) == []


# --------------------------------------------------------------------------
# rule 1: eligibility


def test_default_set_makes_each_default_tag_eligible(cat):
    tags = ["nightly", "offline", "chat", "bulk", "async", "interactive", "batch", "background"]
    found = run([big(t, 10.0) for t in tags], cat)
    # total 80 over 8 rows; every eligible row: spend 10, cost 6, savings 4.
    # all tied on savings, so byte order of the tag decides.
    expect(
        found,
        [
            (t, 10.0, 6.0, 4.0, 12.5, 1, 40.0)
            for t in ["async", "background", "batch", "bulk", "nightly", "offline"]
        ],
    )


def test_matching_is_case_insensitive_and_original_case_is_kept(cat):
    rows = [big("Background", 10.0), big("background", 20.0), big("NIGHTLY", 10.0)]
    found = run(rows, cat)
    # total 40; background: savings 14; Background and NIGHTLY tie on 4,
    # 'B' (0x42) sorts before 'N' (0x4E).
    expect(
        found,
        [
            ("background", 20.0, 6.0, 14.0, 50.0, 1, 70.0),
            ("Background", 10.0, 6.0, 4.0, 25.0, 1, 40.0),
            ("NIGHTLY", 10.0, 6.0, 4.0, 25.0, 1, 40.0),
        ],
    )


def test_case_folding_is_unicode_lowercase_on_both_sides(cat):
    rows = [big("ÜBER", 10.0), big("über", 10.0), big("uber", 10.0), big("nightly", 10.0)]
    found = run(rows, cat, eligible_tags=["Über"])
    # total 40; "ÜBER" (0xC3 0x9C) sorts before "über" (0xC3 0xBC)
    expect(
        found,
        [
            ("ÜBER", 10.0, 6.0, 4.0, 25.0, 1, 40.0),
            ("über", 10.0, 6.0, 4.0, 25.0, 1, 40.0),
        ],
    )


def test_custom_set_replaces_the_default(cat):
    rows = [big("nightly", 10.0), big("reports", 10.0), big("EXPORTS", 20.0), big("bulk", 10.0)]
    found = run(rows, cat, eligible_tags=["reports", "Exports"])
    expect(
        found,
        [
            ("EXPORTS", 20.0, 6.0, 14.0, 40.0, 1, 70.0),
            ("reports", 10.0, 6.0, 4.0, 20.0, 1, 40.0),
        ],
    )


def test_bare_string_means_one_tag_not_its_characters(cat):
    rows = [big(t, 10.0) for t in ["b", "u", "l", "k", "bulk", "BULK", "nightly"]]
    found = run(rows, cat, eligible_tags="bulk")
    expect(
        found,
        [
            ("BULK", 10.0, 6.0, 4.0, 100 / 7, 1, 40.0),
            ("bulk", 10.0, 6.0, 4.0, 100 / 7, 1, 40.0),
        ],
    )


@pytest.mark.parametrize(
    "make_tags",
    [
        lambda: ["offline", "chat"],
        lambda: ("offline", "chat"),
        lambda: {"offline", "chat"},
        lambda: frozenset({"offline", "chat"}),
        lambda: (t for t in ["offline", "chat"]),
        lambda: {"offline": 1, "chat": 2}.keys(),
    ],
    ids=["list", "tuple", "set", "frozenset", "generator", "dict_keys"],
)
def test_any_iterable_of_strings_is_an_eligible_set(cat, make_tags):
    rows = [big("chat", 16.0, 2), big("offline", 8.0, 3), big("nightly", 8.0)]
    found = run(rows, cat, eligible_tags=make_tags())
    # total 32
    expect(
        found,
        [
            ("chat", 16.0, 6.0, 10.0, 50.0, 2, 62.5),
            ("offline", 8.0, 6.0, 2.0, 25.0, 3, 25.0),
        ],
    )


@pytest.mark.parametrize("empty", [[], (), set(), frozenset()], ids=repr)
def test_empty_eligible_set_makes_nothing_eligible(cat, empty):
    rows = [big("nightly", 10.0), big("bulk", 10.0), big(None, 10.0)]
    assert run(rows, cat, eligible_tags=empty) == []


def test_untagged_rows_are_never_eligible(cat):
    rows = [big(None, 10.0), big(None, 20.0)]
    assert run(rows, cat) == []
    # not even when the caller lists strings that look like "no tag"
    assert run(rows, cat, eligible_tags=["None", "null", "", "nan"]) == []


# --------------------------------------------------------------------------
# rule 2: pricing


def test_unknown_pairs_are_excluded_but_count_in_total(cat):
    rows = [
        big("nightly", 10.0),
        r("acme", "unknown", "nightly", 1_000_000, 500_000, 10.0, 1),
        # providers match trimmed and lower-cased (spec §2); model ids are case-sensitive
        r(" ACME ", "big", "nightly", 1_000_000, 500_000, 10.0, 1),
        r("acme", "BIG", "nightly", 1_000_000, 500_000, 10.0, 1),
    ]
    expect(run(rows, cat), [("nightly", 20.0, 12.0, 8.0, 50.0, 2, 40.0)])
    assert run([rows[1], rows[3]], cat) == []


def test_pair_without_batch_tier_is_excluded(cat):
    rows = [r("other", "nobatch", "nightly", 1_000_000, 1_000_000, 50.0, 5)]
    assert run(rows, cat) == []


def test_latest_entry_without_batch_tier_is_excluded_despite_history(cat):
    # acme/legacy had a batch tier in 2024; its latest entry has none
    rows = [r("acme", "legacy", "nightly", 1_000_000, 1_000_000, 50.0, 5)]
    assert run(rows, cat) == []


def test_latest_entry_rates_are_used(cat):
    # acme/hist latest (2025-03-01, listed first in the file): batch 3 / 6
    rows = [r("acme", "hist", "nightly", 1_000_000, 1_000_000, 20.0, 4)]
    expect(run(rows, cat), [("nightly", 20.0, 9.0, 11.0, 100.0, 4, 55.0)])


def test_projected_cost_formula(cat):
    # acme/small: 3,000,000 × 0.5 / 1e6 + 250,000 × 1.5 / 1e6 = 1.5 + 0.375
    rows = [r("acme", "small", "async", 3_000_000, 250_000, 3.75, 7)]
    expect(run(rows, cat), [("async", 3.75, 1.875, 1.875, 100.0, 7, 50.0)])


# --------------------------------------------------------------------------
# folding and the finding columns


def test_fold_across_models_into_one_finding_per_tag(cat):
    rows = [
        r("acme", "big", "nightly", 1_000_000, 500_000, 10.0, 3),  # 6.0
        r("acme", "small", "nightly", 2_000_000, 1_000_000, 5.0, 4),  # 1.0 + 1.5
        r("acme", "hist", "nightly", 1_000_000, 0, 5.0, 1),  # 3.0
    ]
    expect(run(rows, cat), [("nightly", 20.0, 11.5, 8.5, 100.0, 8, 42.5)])


def test_share_is_over_all_spend_including_ineligible_and_unpriced(cat):
    rows = [
        big("nightly", 10.0),
        big(None, 20.0),
        big("chat", 30.0),
        r("acme", "unknown", "nightly", 1, 1, 25.0, 1),
        r("other", "nobatch", "bulk", 1, 1, 15.0, 1),
    ]
    expect(run(rows, cat), [("nightly", 10.0, 6.0, 4.0, 10.0, 1, 40.0)])


@pytest.mark.parametrize("other_cost", [-10.0, -30.0])
def test_share_is_zero_when_total_is_not_positive(cat, other_cost):
    rows = [big("nightly", 10.0, 2), big(None, other_cost)]
    found = run(rows, cat)
    expect(found, [("nightly", 10.0, 6.0, 4.0, 0.0, 2, 40.0)])
    assert found[0]["summary"] == (
        "tag=nightly is 0.0% of spend and batch-eligible → ~$4.00 saved "
        "at the Batch API rate (−40%) on 2 request(s)"
    )


def test_savings_are_floored_at_zero_and_discount_is_zero_then(cat):
    found = run([big("nightly", 5.0, 3)], cat)  # projected 6.0 > paid 5.0
    expect(found, [("nightly", 5.0, 6.0, 0.0, 100.0, 3, 0.0)])
    assert found[0]["projected_savings_usd"] == 0.0
    assert found[0]["summary"] == (
        "tag=nightly is 100.0% of spend and batch-eligible → ~$0.00 saved "
        "at the Batch API rate (−0%) on 3 request(s)"
    )


def test_tag_with_non_positive_eligible_spend_yields_no_finding(cat):
    rows = [
        big("nightly", 10.0),
        r("acme", "small", "nightly", 1, 1, -10.0, 1),  # nightly folds to 0.0
        big("bulk", -3.0),  # a credit
        big("async", 0.0),  # free
        big("batch", 12.0, 5),
    ]
    # total = 10 - 10 - 3 + 0 + 12 = 9; batch share = 12 / 9 × 100
    found = run(rows, cat)
    expect(found, [("batch", 12.0, 6.0, 6.0, 1200 / 9, 5, 50.0)])
    assert found[0]["summary"] == (
        "tag=batch is 133.3% of spend and batch-eligible → ~$6.00 saved "
        "at the Batch API rate (−50%) on 5 request(s)"
    )


def test_negative_rows_inside_a_positive_tag_are_netted(cat):
    rows = [big("nightly", 20.0, 2), r("acme", "small", "nightly", 0, 0, -4.0, 1)]
    # spend 16, cost 6 + 0, savings 10, share 16/16
    expect(run(rows, cat), [("nightly", 16.0, 6.0, 10.0, 100.0, 3, 62.5)])


def test_sort_by_savings_desc_then_tag_in_byte_order(cat):
    rows = [
        big("alpha", 10.0),  # savings 4
        big("low", 7.0),  # savings 1
        big("Zeta", 10.0),  # savings 4
        big("mid", 11.0),  # savings 5
        big("ábc", 10.0),  # savings 4, non-ASCII sorts after ASCII
    ]
    found = run(rows, cat, eligible_tags=["ALPHA", "zeta", "mid", "low", "ÁBC"])
    assert [f["tag"] for f in found] == ["mid", "Zeta", "alpha", "ábc", "low"]
    assert [f["projected_savings_usd"] for f in found] == [5.0, 4.0, 4.0, 4.0, 1.0]


def test_request_counts_are_summed_as_uint64(cat):
    rows = [big("nightly", 10.0, 3_000_000_000), big("nightly", 10.0, 3_000_000_000)]
    found = run(rows, cat)
    assert found[0]["request_count"] == 6_000_000_000
    assert found[0]["summary"].endswith("on 6000000000 request(s)")


# --------------------------------------------------------------------------
# empty inputs


def test_empty_input_frame_gives_empty_frame_with_exact_schema(cat):
    out = bf.project_batch_savings(frame([]), cat)
    assert isinstance(out, pl.DataFrame)
    assert out.height == 0
    assert_schema(out)


def test_empty_lazy_input_gives_empty_lazy_frame_with_exact_schema(cat):
    out = bf.project_batch_savings(frame([]).lazy(), cat)
    assert isinstance(out, pl.LazyFrame)
    assert_schema(out)
    collected = out.collect()
    assert collected.height == 0
    assert_schema(collected)


def test_empty_sequence_gives_empty_frame_with_exact_schema(cat):
    out = bf.project_batch_savings([], cat)
    assert isinstance(out, pl.DataFrame)
    assert out.height == 0
    assert_schema(out)


def test_no_eligible_rows_gives_exact_schema(cat):
    out = bf.project_batch_savings(frame([big("chat", 10.0)]), cat)
    assert out.height == 0
    assert_schema(out)


# --------------------------------------------------------------------------
# public API shapes (docs/semantics.md §4)


def test_lazy_in_lazy_out_and_same_values(cat):
    rows = [big("nightly", 10.0, 2), big("bulk", 20.0, 3), big(None, 10.0)]
    eager = bf.project_batch_savings(frame(rows), cat)
    lazy = bf.project_batch_savings(frame(rows).lazy(), cat)
    assert isinstance(eager, pl.DataFrame)
    assert isinstance(lazy, pl.LazyFrame)
    assert_schema(lazy)
    assert_frame_equal(lazy.collect(), eager)
    expect(
        eager.to_dicts(),
        [
            ("bulk", 20.0, 6.0, 14.0, 50.0, 3, 70.0),
            ("nightly", 10.0, 6.0, 4.0, 25.0, 2, 40.0),
        ],
    )


def test_catalog_none_means_the_embedded_catalog():
    rows = [
        r("openai", "gpt-5.4", "bulk", 4_000_000, 1_000_000, 30.0, 6),  # 5 + 7.5
        r("anthropic", "claude-opus-4-8", "nightly", 2_000_000, 2_000_000, 40.0, 2),  # 5 + 25
        r("openai", "gpt-5.5", None, 1, 1, 30.0, 1),
    ]
    default = bf.project_batch_savings(frame(rows))
    explicit = bf.project_batch_savings(frame(rows), bf.catalog())
    keyword_none = bf.project_batch_savings(frame(rows), None)
    assert_frame_equal(default, explicit)
    assert_frame_equal(keyword_none, explicit)
    # total 100
    expect(
        default.to_dicts(),
        [
            ("bulk", 30.0, 12.5, 17.5, 30.0, 6, 17.5 / 30 * 100),
            ("nightly", 40.0, 30.0, 10.0, 40.0, 2, 25.0),
        ],
    )


@pytest.mark.parametrize(
    "tags, expected",
    [
        (["chat", "NIGHTLY"], ["chat", "nightly"]),
        ("chat", ["chat"]),
        (("bulk",), ["bulk"]),
        ([], []),
    ],
    ids=["list", "bare-string", "tuple", "empty"],
)
def test_with_tags_equals_keyword_form(cat, tags, expected):
    rows = [big("nightly", 10.0), big("chat", 20.0, 2), big("bulk", 30.0, 3), big(None, 5.0)]
    positional = bf.project_batch_savings_with_tags(frame(rows), cat, tags)
    keyword = bf.project_batch_savings(frame(rows), cat, eligible_tags=tags)
    assert isinstance(positional, pl.DataFrame)
    assert_schema(positional)
    assert_frame_equal(positional, keyword)
    assert positional["tag"].to_list() == expected


def test_eligible_tags_is_keyword_only(cat):
    with pytest.raises(TypeError):
        bf.project_batch_savings(frame([big("x", 1.0)]), cat, ["x"])  # type: ignore[misc]


def test_as_findings_matches_the_frame(cat):
    rows = [big("nightly", 10.0, 2), big("bulk", 20.0, 3), big(None, 10.0)]
    out = bf.project_batch_savings(frame(rows), cat)
    findings = bf.as_findings(out)
    assert isinstance(findings, list)
    assert len(findings) == 2
    names = {f.name for f in dataclasses.fields(bf.BatchFinding)}
    for finding, row in zip(findings, out.iter_rows(named=True), strict=True):
        assert isinstance(finding, bf.BatchFinding)
        assert finding.tag == row["tag"]
        assert finding.discount_pct() == row["discount_pct"]
        assert finding.summary() == row["summary"]
        for column, value in row.items():
            if column in names:
                assert getattr(finding, column) == value, column
    assert [f.tag for f in findings] == ["bulk", "nightly"]
    assert findings[0].summary() == (
        "tag=bulk is 50.0% of spend and batch-eligible → ~$14.00 saved "
        "at the Batch API rate (−70%) on 3 request(s)"
    )
    assert findings[1].discount_pct() == pytest.approx(40.0, rel=1e-12)


def test_as_findings_of_a_floored_finding(cat):
    findings = bf.as_findings(bf.project_batch_savings(frame([big("nightly", 5.0, 3)]), cat))
    assert len(findings) == 1
    assert findings[0].discount_pct() == 0.0
    assert (
        findings[0].summary().endswith("~$0.00 saved at the Batch API rate (−0%) on 3 request(s)")
    )


def test_as_findings_of_empty_frame(cat):
    assert bf.as_findings(bf.project_batch_savings(frame([]), cat)) == []


def _assert_frozen(obj) -> None:
    assert dataclasses.is_dataclass(obj) and not isinstance(obj, type)
    first = dataclasses.fields(obj)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(obj, first, getattr(obj, first))


def test_public_dataclasses_are_frozen(cat):
    _assert_frozen(bf.RequestAggregate(**big("nightly", 10.0)))
    pricing = cat.latest("acme", "big")
    assert isinstance(pricing, bf.ModelPricing)
    _assert_frozen(pricing)
    finding = bf.as_findings(bf.project_batch_savings(frame([big("nightly", 10.0)]), cat))[0]
    _assert_frozen(finding)


def test_error_classes():
    for cls in (bf.AggregateError, bf.CatalogError):
        assert issubclass(cls, bf.BatchframeError)
        assert issubclass(cls, ValueError)


# --------------------------------------------------------------------------
# the catalog API (docs/semantics.md §2)


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _assert_utc(value: datetime) -> None:
    assert isinstance(value, datetime)
    assert value.tzinfo is not None
    assert value.utcoffset() == timedelta(0)


def test_latest_picks_greatest_effective_at_not_file_order(cat):
    p = cat.latest("acme", "hist")
    assert (p.provider, p.model) == ("acme", "hist")
    assert p.effective_at == _utc(2025, 3, 1)
    _assert_utc(p.effective_at)
    assert (p.input_per_million, p.output_per_million) == (6.0, 12.0)
    assert (p.batch_input_per_million, p.batch_output_per_million) == (3.0, 6.0)


def test_latest_without_batch_tier_has_none_rates_and_utc_instant(cat):
    p = cat.latest("acme", "legacy")
    # "2025-06-01T02:00:00+02:00" is midnight UTC
    assert p.effective_at == _utc(2025, 6, 1)
    _assert_utc(p.effective_at)
    assert p.batch_input_per_million is None
    assert p.batch_output_per_million is None
    assert p.input_per_million == 2.0


def test_toml_datetime_effective_at_is_accepted(cat):
    p = cat.latest("acme", "small")
    assert p.effective_at == _utc(2025, 1, 1)
    _assert_utc(p.effective_at)
    assert (p.batch_input_per_million, p.batch_output_per_million) == (0.5, 1.5)


def test_absent_optional_keys_are_none(cat):
    p = cat.latest("acme", "big")
    for key in (
        "cached_input_per_million",
        "cache_write_per_million",
        "flex_input_per_million",
        "flex_output_per_million",
        "prompt_cache_min_tokens",
    ):
        assert getattr(p, key) is None, key


@pytest.mark.parametrize(
    "when, expected_input",
    [
        (_utc(2000, 1, 1), 10.0),  # predates all: earliest entry
        (_utc(2024, 1, 1), 10.0),  # exactly the first instant
        (_utc(2024, 6, 30, 23, 59, 59, 999_999), 10.0),
        (_utc(2024, 7, 1), 8.0),  # exactly an effective_at instant
        (datetime(2024, 7, 1, 2, 0, tzinfo=timezone(timedelta(hours=2))), 8.0),
        (_utc(2025, 2, 28, 23, 59), 8.0),
        (_utc(2025, 3, 1), 6.0),
        (_utc(2099, 1, 1), 6.0),
    ],
)
def test_at_semantics(cat, when, expected_input):
    p = cat.at("acme", "hist", when)
    assert p is not None
    assert (p.provider, p.model) == ("acme", "hist")
    assert p.input_per_million == expected_input


def test_at_before_first_entry_falls_back_to_the_earliest_with_its_tier(cat):
    early = cat.at("acme", "legacy", _utc(2020, 1, 1))
    assert early.effective_at == _utc(2024, 1, 1)
    assert (early.batch_input_per_million, early.batch_output_per_million) == (1.0, 3.0)
    late = cat.at("acme", "legacy", _utc(2025, 6, 1))
    assert late.effective_at == _utc(2025, 6, 1)
    assert late.batch_input_per_million is None


def test_unknown_pair_gives_none(cat):
    assert cat.latest("acme", "nope") is None
    assert cat.latest("acme", "BIG") is None  # model ids are case-sensitive
    assert cat.latest("big", "acme") is None
    assert cat.at("acme", "nope", _utc(2025, 1, 1)) is None
    assert cat.at("acme", "Hist", _utc(2025, 1, 1)) is None


def test_provider_ids_match_trimmed_and_lower_cased(cat):
    # spec §2: `OpenAI ` means `openai`, in latest() and at() as in the projection
    assert cat.latest("ACME", "big") == cat.latest("acme", "big") is not None
    assert cat.latest(" Acme\u00a0", "big") == cat.latest("acme", "big")
    assert cat.at("Acme", "hist", _utc(2025, 1, 1)) == cat.at("acme", "hist", _utc(2025, 1, 1))


def test_catalog_frame_has_one_row_per_entry_with_utc_datetime(cat):
    f = cat.frame
    assert isinstance(f, pl.DataFrame)
    assert f.height == 8
    dtype = f.schema["effective_at"]
    assert isinstance(dtype, pl.Datetime)
    assert dtype.time_zone == "UTC"
    got = sorted(f.select("provider", "model", "effective_at").rows())
    assert got == sorted(
        [
            ("acme", "big", _utc(2025, 1, 1)),
            ("acme", "small", _utc(2025, 1, 1)),
            ("acme", "legacy", _utc(2024, 1, 1)),
            ("acme", "legacy", _utc(2025, 6, 1)),
            ("acme", "hist", _utc(2025, 3, 1)),
            ("acme", "hist", _utc(2024, 1, 1)),
            ("acme", "hist", _utc(2024, 7, 1)),
            ("other", "nobatch", _utc(2025, 1, 1)),
        ]
    )
    rates = {
        (p, m, e): bi
        for p, m, e, bi in f.select(
            "provider", "model", "effective_at", "batch_input_per_million"
        ).rows()
    }
    assert rates[("acme", "hist", _utc(2024, 7, 1))] == 4.0
    assert rates[("acme", "legacy", _utc(2025, 6, 1))] is None


def test_embedded_catalog_frame_has_utc_datetime():
    f = bf.catalog().frame
    assert f.height >= 4
    dtype = f.schema["effective_at"]
    assert isinstance(dtype, pl.Datetime)
    assert dtype.time_zone == "UTC"


def test_pairs_lists_each_pair_once(cat):
    pairs = cat.pairs()
    assert isinstance(pairs, list)
    assert sorted(tuple(p) for p in pairs) == [
        ("acme", "big"),
        ("acme", "hist"),
        ("acme", "legacy"),
        ("acme", "small"),
        ("other", "nobatch"),
    ]


def test_latest_agrees_with_naive_reading_of_the_toml(cat):
    naive = ref.NaiveCatalog.from_toml(ref.SYNTHETIC_CATALOG_TOML)
    for provider, model in cat.pairs():
        got, want = cat.latest(provider, model), naive.latest(provider, model)
        assert got.effective_at == want.effective_at
        assert got.batch_input_per_million == want.batch_input_per_million
        assert got.batch_output_per_million == want.batch_output_per_million


def test_load_reads_a_file_like_parse(cat, tmp_path):
    path = tmp_path / "prices.toml"
    path.write_text(ref.SYNTHETIC_CATALOG_TOML, encoding="utf-8")
    loaded = bf.PricingCatalog.load(path)
    assert isinstance(loaded, bf.PricingCatalog)
    assert_frame_equal(loaded.frame, cat.frame)
    assert loaded.latest("acme", "hist") == cat.latest("acme", "hist")
    assert isinstance(bf.PricingCatalog.load(str(path)), bf.PricingCatalog)


def test_integer_rates_are_numeric():
    text = """
[[entry]]
provider = "p"
model = "m"
effective_at = "2025-01-01T00:00:00Z"
input_per_million = 4
output_per_million = 16
batch_input_per_million = 2
batch_output_per_million = 8
"""
    p = bf.PricingCatalog.parse(text).latest("p", "m")
    assert (p.input_per_million, p.batch_output_per_million) == (4.0, 8.0)


# --------------------------------------------------------------------------
# CatalogError (docs/semantics.md §2)

_GOOD = """\
[[entry]]
provider = "acme"
model = "big"
effective_at = "2025-01-01T00:00:00Z"
input_per_million = 4.0
output_per_million = 16.0
"""

_SECOND = {
    "provider": '"zeta"',
    "model": '"tiny"',
    "effective_at": '"2025-01-01T00:00:00Z"',
    "input_per_million": "1.0",
    "output_per_million": "2.0",
}


def _second_entry(**changes) -> str:
    keys = dict(_SECOND)
    keys.update(changes)
    body = "".join(f"{k} = {v}\n" for k, v in keys.items() if v is not None)
    return _GOOD + "\n[[entry]]\n" + body


@pytest.mark.parametrize(
    "changes, must_mention",
    [
        ({"batch_input_per_milion": "1.0"}, "batch_input_per_milion"),
        ({"input_per_million": None}, "input_per_million"),
        ({"output_per_million": None}, "output_per_million"),
        ({"effective_at": None}, "effective_at"),
        ({"input_per_million": "-1.0"}, "input_per_million"),
        (
            {"batch_output_per_million": "-0.5", "batch_input_per_million": "1.0"},
            "batch_output_per_million",
        ),
        ({"output_per_million": '"2.0"'}, "output_per_million"),
        ({"input_per_million": "true"}, "input_per_million"),
        ({"effective_at": '"2025-01-01T00:00:00"'}, "effective_at"),
        ({"effective_at": "2025-01-01T00:00:00"}, "effective_at"),
        ({"effective_at": "2025-01-01"}, "effective_at"),
        ({"effective_at": '"yesterday"'}, "effective_at"),
    ],
    ids=[
        "typo-key",
        "missing-input",
        "missing-output",
        "missing-effective_at",
        "negative-rate",
        "negative-batch-rate",
        "string-rate",
        "bool-rate",
        "offsetless-string",
        "offsetless-toml-datetime",
        "toml-date",
        "garbage-date",
    ],
)
def test_catalog_errors_name_the_entry(changes, must_mention):
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.parse(_second_entry(**changes))
    msg = str(info.value)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, bf.BatchframeError)
    assert must_mention in msg
    assert "zeta" in msg and "tiny" in msg, msg
    assert re.search(r"\b1\b", msg), msg  # the entry's index


def test_catalog_error_missing_provider_names_the_entry_index():
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.parse(_second_entry(provider=None))
    msg = str(info.value)
    assert "provider" in msg
    assert re.search(r"\b1\b", msg), msg


@pytest.mark.parametrize(
    "when",
    ['"2025-01-01T00:00:00Z"', '"2025-01-01T01:00:00+01:00"'],
    ids=["same-text", "same-instant"],
)
def test_duplicate_entry_is_a_catalog_error(when):
    text = (
        _GOOD
        + f'\n[[entry]]\nprovider = "acme"\nmodel = "big"\neffective_at = {when}\n'
        + ("input_per_million = 1.0\noutput_per_million = 2.0\n")
    )
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.parse(text)
    msg = str(info.value)
    assert "acme" in msg and "big" in msg, msg


def test_toml_syntax_error_has_line_and_column():
    text = _GOOD + "\n[[entry]]\nprovider = \n"
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.parse(text)
    msg = str(info.value).lower()
    assert "line" in msg and "column" in msg, msg
    assert re.search(r"\b9\b", msg), msg  # "provider = " is line 9
