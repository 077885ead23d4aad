"""Issue 13, catalog parts: the full rate-key scheme, model resolution, and the LiteLLM import.

The excerpt ``tests/data/litellm/model_prices_1.110.2_excerpt.json`` holds entries copied
verbatim (values unchanged, re-indented) from ``litellm/model_prices_and_context_window_backup.json``
of the ``litellm`` 1.110.2 wheel on PyPI: ``gpt-5.5``, ``gpt-5.6``, ``claude-sonnet-4-5``
(and its dated twin), ``claude-haiku-5-5``, ``gemini/gemini-2.5-pro``, ``gemini/gemini-4-argon``,
``kyma/qwen3.7-flash``, ``azure/gpt-5.5``, ``dashscope/qwen-flash``, ``text-embedding-3-small``,
the Vertex ``gemini-2.5-pro`` row and ``sample_spec``. Together they cover every key family
``from_litellm`` maps: ``cache_read_input_token_cost[_batches|_flex|_priority]``,
``cache_creation_input_token_cost[_batches|_flex|_priority]``, ``*_cost_per_token_priority``,
``*_above_<N>k_tokens[_batches|_flex|_priority]``, a whole-number float
``prompt_cache_min_tokens`` (4096.0), several thresholds in one entry (32k and 256k),
half tiers, ``tiered_pricing`` only, a non-text mode and Vertex AI. The expected values below
are the file's per-token numbers times 10**6, worked by hand.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
import pytest

import batchframe as bf
from batchframe._catalog import LiteLLMImportReport, resolve_expr, to_toml
from batchframe._cli import main
from batchframe._rules import RATE_KEYS

from support import given, settings, st

DATA = Path(__file__).parent / "data"
EXCERPT = DATA / "litellm" / "model_prices_1.110.2_excerpt.json"
FULL_FILE = Path("/tmp/litellm_dl/litellm/model_prices_and_context_window_backup.json")
STAMP = datetime(2026, 11, 28, tzinfo=timezone.utc)

HEAD = """[[entry]]
provider = "acme"
model = "m1"
input_per_million = 2.0
output_per_million = 8.0
effective_at = "2026-01-01T00:00:00Z"
"""


def _entry(model: str, when: str = "2026-01-01T00:00:00Z", extra: str = "") -> str:
    return (
        f'[[entry]]\nprovider = "anthropic"\nmodel = "{model}"\ninput_per_million = 3.0\n'
        f'output_per_million = 15.0\neffective_at = "{when}"\n{extra}\n'
    )


# -- the key scheme -------------------------------------------------------------------------
def test_every_rate_key_is_accepted_and_lands_in_its_column() -> None:
    rates = "\n".join(f"{key} = {index + 1}.0" for index, key in enumerate(RATE_KEYS[2:]))
    text = HEAD + rates + '\nlong_context_threshold_tokens = 272000\naliases = ["m1-x"]\n'
    cat = bf.PricingCatalog.parse(text)
    (entry,) = list(cat)
    for index, key in enumerate(RATE_KEYS[2:]):
        assert getattr(entry, key) == float(index + 1)
    assert entry.long_context_threshold_tokens == 272000
    assert entry.aliases == ("m1-x",)
    for tier in ("standard", "batch", "flex", "priority"):
        assert entry.has_tier(tier) and entry.has_tier(tier, "long")
    row = cat.frame.row(0, named=True)
    assert row["priority_long_context_cache_write_per_million"] == float(len(RATE_KEYS) - 2)
    assert row["aliases"] == ["m1-x"]


def test_frame_has_one_column_per_key_with_its_dtype() -> None:
    frame = bf.PricingCatalog.parse(HEAD).frame
    assert frame.columns == [
        "provider",
        "model",
        "effective_at",
        *RATE_KEYS,
        "prompt_cache_min_tokens",
        "long_context_threshold_tokens",
        "aliases",
    ]
    assert len(RATE_KEYS) == 32
    assert frame.schema["effective_at"] == pl.Datetime("us", "UTC")
    assert all(frame.schema[key] == pl.Float64 for key in RATE_KEYS)
    assert frame.schema["prompt_cache_min_tokens"] == pl.Int64
    assert frame.schema["long_context_threshold_tokens"] == pl.Int64
    assert frame.schema["aliases"] == pl.List(pl.String)
    row = frame.row(0, named=True)
    assert row["aliases"] is None  # null where the entry lacks the key
    assert all(row[key] is None for key in RATE_KEYS[2:])
    assert bf.PricingCatalog().frame.schema == frame.schema
    assert bf.PricingCatalog.parse(HEAD).latest_frame.columns == frame.columns


def test_embedded_catalog_still_parses_with_the_new_schema() -> None:
    cat = bf.catalog()
    assert len(cat) > 20
    assert cat.frame.height == len(cat)
    assert cat.names.height >= len(cat.pairs())


def test_positional_construction_keeps_the_first_twelve_fields() -> None:
    p = bf.ModelPricing("acme", "m", STAMP, 2.0, 8.0, 0.2, 2.5, 1.0, 4.0, 1.0, 4.0, 1024)
    assert (p.cached_input_per_million, p.cache_write_per_million) == (0.2, 2.5)
    assert (p.batch_input_per_million, p.flex_output_per_million) == (1.0, 4.0)
    assert p.prompt_cache_min_tokens == 1024
    assert p.has_batch_tier and p.has_flex_tier and p.has_tier("flex")
    assert not p.has_tier("priority") and not p.has_tier("batch", "long")
    assert p.rate("batch", "short", "input") == 1.0
    assert p.rate("batch", "short", "cached_input") is None
    assert p.long_context_threshold_tokens is None and p.aliases == ()
    with pytest.raises(ValueError, match="no such rate"):
        p.has_tier("turbo")
    with pytest.raises(ValueError, match="no such rate"):
        p.has_tier("batch", "medium")


def test_model_pricing_aliases_are_checked_and_normalised() -> None:
    p = bf.ModelPricing("acme", "m", STAMP, 2.0, 8.0, aliases=["a", "m", "a", "b"])  # type: ignore[arg-type]
    assert p.aliases == ("a", "b")  # the own id and duplicates are dropped
    with pytest.raises(bf.CatalogError) as info:
        bf.ModelPricing("acme", "m", STAMP, 2.0, 8.0, aliases="a")  # type: ignore[arg-type]
    assert str(info.value) == (
        "ModelPricing(acme/m): key 'aliases' must be a list of non-empty strings, got 'a'"
    )
    with pytest.raises(bf.CatalogError, match="long_context_threshold_tokens"):
        bf.ModelPricing(
            "acme",
            "m",
            STAMP,
            2.0,
            8.0,
            long_context_input_per_million=4.0,
            long_context_output_per_million=16.0,
        )


def test_long_context_threshold_alone_is_allowed() -> None:
    cat = bf.PricingCatalog.parse(HEAD + "long_context_threshold_tokens = 200000\n")
    (entry,) = list(cat)
    assert entry.long_context_threshold_tokens == 200000 and not entry.has_tier("standard", "long")


def test_long_context_tier_without_short_tier_is_allowed() -> None:
    cat = bf.PricingCatalog.parse(
        HEAD
        + "long_context_threshold_tokens = 200000\n"
        + "batch_long_context_input_per_million = 2.0\nbatch_long_context_output_per_million = 8.0\n"
    )
    (entry,) = list(cat)
    assert entry.has_tier("batch", "long") and not entry.has_tier("batch")


def test_to_toml_round_trips_the_new_keys() -> None:
    text = (
        HEAD
        + 'aliases = ["m1-2026", "acme/m1"]\nlong_context_threshold_tokens = 128000\n'
        + "long_context_input_per_million = 4.0\nlong_context_output_per_million = 16.0\n"
        + "priority_input_per_million = 3.0\npriority_output_per_million = 12.0\n"
    )
    cat = bf.PricingCatalog.parse(text)
    dumped = to_toml(cat)
    assert 'aliases = ["m1-2026", "acme/m1"]' in dumped
    assert list(bf.PricingCatalog.parse(dumped)) == list(cat)


# -- resolution -----------------------------------------------------------------------------
SONNET = (
    _entry("claude-sonnet-4-5", "2025-09-29T00:00:00Z", 'aliases = ["claude-sonnet-4-5-latest"]')
    + _entry("claude-sonnet-4-5", "2026-03-01T00:00:00Z", 'aliases = ["sonnet"]')
    + _entry("claude-opus-4-1")
    + _entry("claude-opus-4-1-20250805")  # a dated snapshot listed as its own model
    + _entry("anthropic/odd")  # a model id that happens to hold a slash
    + _entry("odd-20250101")
)


@pytest.fixture(scope="module")
def sonnet() -> bf.PricingCatalog:
    return bf.PricingCatalog.parse(SONNET)


@pytest.mark.parametrize(
    ("model", "resolved"),
    [
        ("claude-sonnet-4-5", "claude-sonnet-4-5"),  # exact
        ("claude-sonnet-4-5-latest", "claude-sonnet-4-5"),  # alias of the older entry
        ("sonnet", "claude-sonnet-4-5"),  # alias of the newer entry: the union counts
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),  # date stamp
        ("claude-sonnet-4-5-2025-09-29", "claude-sonnet-4-5"),
        ("claude-sonnet-4-5@20250929", "claude-sonnet-4-5"),
        ("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5"),  # provider prefix
        ("Anthropic/claude-sonnet-4-5", "claude-sonnet-4-5"),  # the prefix is a provider id
        ("anthropic/claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),  # both
        ("anthropic/sonnet", "claude-sonnet-4-5"),  # prefix, then alias
        ("sonnet-20260101", "claude-sonnet-4-5"),  # stamp, then alias
        ("claude-opus-4-1-20250805", "claude-opus-4-1-20250805"),  # exact beats the stamp rule
        ("claude-opus-4-1-20250806", "claude-opus-4-1"),
        # Prefix first: "anthropic/odd-20250101" -> "odd-20250101" (prefix stripped) wins
        # over "anthropic/odd" (stamp stripped).
        ("anthropic/odd-20250101", "odd-20250101"),
        ("anthropic/odd", "anthropic/odd"),
        ("Claude-Sonnet-4-5", None),  # model ids and aliases are case-sensitive
        ("SONNET", None),
        ("claude-sonnet-4-5-20250929-20250930", None),  # the stamp is stripped once only
        ("claude-sonnet-4-5-202509", None),  # not a date stamp
        ("claude-sonnet-4-5-v1", None),
        ("openai/claude-sonnet-4-5", None),  # another provider's prefix
        ("anthropic/anthropic/claude-sonnet-4-5", None),  # the prefix is stripped once only
        ("claude-sonnet", None),  # nothing fuzzier
    ],
)
def test_resolve_precedence(sonnet: bf.PricingCatalog, model: str, resolved: str | None) -> None:
    assert sonnet.resolve("anthropic", model) == resolved
    assert sonnet.resolve(" Anthropic\t", model) == resolved  # the provider is normalised
    latest = sonnet.latest("anthropic", model)
    assert (latest.model if latest is not None else None) == resolved


def test_latest_at_and_history_resolve(sonnet: bf.PricingCatalog) -> None:
    dated = "claude-sonnet-4-5-20250929"
    history = sonnet.history("anthropic", dated)
    assert [e.effective_at.year for e in history] == [2025, 2026]
    assert history == sonnet.history("anthropic", "claude-sonnet-4-5")
    older = sonnet.at("anthropic", "claude-sonnet-4-5-latest", "2025-12-01T00:00:00Z")
    assert older is not None and older.effective_at == datetime(2025, 9, 29, tzinfo=timezone.utc)
    assert sonnet.at("anthropic", "nope-20250101", "2025-12-01T00:00:00Z") is None
    assert sonnet.history("openai", dated) == ()
    assert sonnet.resolve("openai", "sonnet") is None  # aliases belong to their provider
    with pytest.raises(TypeError, match="model must be a str"):
        sonnet.resolve("anthropic", 5)  # type: ignore[arg-type]


def test_names_frame(sonnet: bf.PricingCatalog) -> None:
    names = sonnet.names
    assert names.schema == pl.Schema({"provider": pl.String, "name": pl.String, "model": pl.String})
    assert names.rows() == [
        ("anthropic", "anthropic/odd", "anthropic/odd"),
        ("anthropic", "claude-opus-4-1", "claude-opus-4-1"),
        ("anthropic", "claude-opus-4-1-20250805", "claude-opus-4-1-20250805"),
        ("anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5"),
        ("anthropic", "claude-sonnet-4-5-latest", "claude-sonnet-4-5"),
        ("anthropic", "odd-20250101", "odd-20250101"),
        ("anthropic", "sonnet", "claude-sonnet-4-5"),
    ]
    assert bf.PricingCatalog().names.height == 0


def test_latest_of_a_dated_id_returns_the_undated_entry() -> None:
    """SPEC §2: ``latest("anthropic", "claude-sonnet-4-5-20250929")`` is the undated entry."""
    cat = bf.PricingCatalog.parse(
        _entry(
            "claude-sonnet-4-5",
            extra="batch_input_per_million = 1.5\nbatch_output_per_million = 7.5",
        )
    )
    entry = cat.latest("anthropic", "claude-sonnet-4-5-20250929")
    assert entry is not None and entry.model == "claude-sonnet-4-5"
    assert (entry.batch_input_per_million, entry.batch_output_per_million) == (1.5, 7.5)


# -- merge keeps aliases --------------------------------------------------------------------
def test_merge_keeps_aliases_of_a_replaced_entry(sonnet: bf.PricingCatalog) -> None:
    deal = bf.PricingCatalog.parse(_entry("claude-sonnet-4-5", "2026-03-01T00:00:00Z"))
    merged = sonnet.merge(deal)
    assert merged.resolve("anthropic", "sonnet") == "claude-sonnet-4-5"
    latest = merged.latest("anthropic", "sonnet")
    assert latest is not None and latest.aliases == ("sonnet",)
    assert merged.names.equals(sonnet.names)


def test_merge_other_wins_on_alias_conflicts(sonnet: bf.PricingCatalog) -> None:
    # `other` has a model whose id is one of our aliases: our alias is dropped.
    own = bf.PricingCatalog.parse(_entry("sonnet"))
    merged = sonnet.merge(own)
    assert merged.resolve("anthropic", "sonnet") == "sonnet"
    assert merged.resolve("anthropic", "claude-sonnet-4-5-latest") == "claude-sonnet-4-5"
    # `other` gives one of our aliases to another model: it moves.
    moved = bf.PricingCatalog.parse(_entry("claude-opus-4-1", extra='aliases = ["sonnet"]'))
    assert sonnet.merge(moved).resolve("anthropic", "sonnet") == "claude-opus-4-1"
    # `other` claims one of our model ids as an alias: a real conflict.
    clash = bf.PricingCatalog.parse(_entry("x", extra='aliases = ["claude-opus-4-1"]'))
    with pytest.raises(bf.CatalogError, match=r"alias 'claude-opus-4-1' is the id of another"):
        sonnet.merge(clash)


# -- from_litellm on the committed excerpt of the 1.110.2 file ------------------------------
@pytest.fixture(scope="module")
def excerpt() -> bf.PricingCatalog:
    return bf.PricingCatalog.from_litellm(EXCERPT, effective_at=STAMP)


def _get(cat: bf.PricingCatalog, provider: str, model: str) -> bf.ModelPricing:
    entry = cat.latest(provider, model)
    assert entry is not None, (provider, model)
    return entry


def _rates(entry: bf.ModelPricing) -> dict[str, float]:
    return {key: getattr(entry, key) for key in RATE_KEYS if getattr(entry, key) is not None}


def test_excerpt_pairs_and_report(excerpt: bf.PricingCatalog) -> None:
    assert excerpt.pairs() == [
        ("anthropic", "claude-haiku-5-5"),
        ("anthropic", "claude-sonnet-4-5"),
        ("anthropic", "claude-sonnet-4-5-20250929"),
        ("azure", "gpt-5.5"),
        ("google", "gemini-2.5-pro"),
        ("google", "gemini-4-argon"),
        ("kyma", "qwen3.7-flash"),
        ("openai", "gpt-5.5"),
        ("openai", "gpt-5.6"),
    ]
    report = excerpt.import_report
    assert report == LiteLLMImportReport(
        source=str(EXCERPT),
        keys=12,
        imported=9,
        skipped={"not_text": 1, "vertex_ai": 1, "tiered_pricing": 1},
        dropped={"half_tier": 1, "rate_without_tier": 1, "extra_thresholds": 1},
    )
    assert report.skipped_total == 3
    assert report.summary() == (
        "imported 9 of 12 LiteLLM entries; skipped 3 (1 not text generation, 1 Vertex AI, "
        "1 tiered pricing only); rates dropped from imported entries: 1 half a tier, "
        "1 cached/write rate without its tier, 1 long-context rates above a larger second "
        "threshold"
    )
    assert bf.PricingCatalog.parse(HEAD).import_report is None


def test_excerpt_gpt_5_5(excerpt: bf.PricingCatalog) -> None:
    p = _get(excerpt, "openai", "gpt-5.5")
    assert p.long_context_threshold_tokens == 272000
    assert p.prompt_cache_min_tokens is None and p.aliases == ()
    assert _rates(p) == {
        # 5e-06, 3e-05, 5e-07 per token
        "input_per_million": 5.0,
        "output_per_million": 30.0,
        "cached_input_per_million": 0.5,
        # *_above_272k_tokens: 1e-05, 4.5e-05, 1e-06
        "long_context_input_per_million": 10.0,
        "long_context_output_per_million": 45.0,
        "long_context_cached_input_per_million": 1.0,
        # *_batches: 2.5e-06, 1.5e-05, 2.5e-07; *_above_272k_tokens_batches: 5e-06, 2.25e-05, 5e-07
        "batch_input_per_million": 2.5,
        "batch_output_per_million": 15.0,
        "batch_cached_input_per_million": 0.25,
        "batch_long_context_input_per_million": 5.0,
        "batch_long_context_output_per_million": 22.5,
        "batch_long_context_cached_input_per_million": 0.5,
        # *_flex and *_above_272k_tokens_flex
        "flex_input_per_million": 2.5,
        "flex_output_per_million": 15.0,
        "flex_cached_input_per_million": 0.25,
        "flex_long_context_input_per_million": 5.0,
        "flex_long_context_output_per_million": 22.5,
        "flex_long_context_cached_input_per_million": 0.5,
        # *_priority: 1.25e-05, 7.5e-05, 1.25e-06 (no long-context priority rates here)
        "priority_input_per_million": 12.5,
        "priority_output_per_million": 75.0,
        "priority_cached_input_per_million": 1.25,
    }


def test_excerpt_gpt_5_6_cache_writes(excerpt: bf.PricingCatalog) -> None:
    p = _get(excerpt, "openai", "gpt-5.6")
    # cache_creation_input_token_cost 5e-06, not the 12-hour rate *_above_12hr (1e-05).
    assert p.cache_write_per_million == 5.0
    assert p.batch_cache_write_per_million == 2.5  # 2.5e-06
    assert p.flex_cache_write_per_million == 2.5
    assert p.priority_cache_write_per_million == 10.0  # 1e-05
    assert p.long_context_cache_write_per_million == 10.0  # *_above_272k_tokens 1e-05
    assert p.batch_long_context_cache_write_per_million == 5.0  # ..._above_272k_tokens_batches
    assert p.flex_long_context_cache_write_per_million == 5.0
    assert p.priority_long_context_cache_write_per_million == 20.0
    assert (
        p.priority_long_context_input_per_million,
        p.priority_long_context_output_per_million,
    ) == (
        16.0,
        60.0,
    )
    assert p.long_context_threshold_tokens == 272000


def test_excerpt_anthropic(excerpt: bf.PricingCatalog) -> None:
    sonnet = _get(excerpt, "anthropic", "claude-sonnet-4-5")
    assert _rates(sonnet) == {
        "input_per_million": 3.0,
        "output_per_million": 15.0,
        "cached_input_per_million": 0.3,
        "cache_write_per_million": 3.75,  # the 5-minute write; *_above_1hr (6e-06) is ignored
        "batch_input_per_million": 1.5,
        "batch_output_per_million": 7.5,
        "batch_cached_input_per_million": 0.15,
        "batch_cache_write_per_million": 1.875,
    }
    assert sonnet.prompt_cache_min_tokens == 1024 and sonnet.long_context_threshold_tokens is None
    haiku = _get(excerpt, "anthropic", "claude-haiku-5-5")
    assert haiku.long_context_threshold_tokens == 100000  # *_above_100k_tokens
    assert (haiku.long_context_input_per_million, haiku.long_context_output_per_million) == (
        0.5,
        2.5,
    )
    assert haiku.long_context_cache_write_per_million == 0.625  # not the 1-hour 1e-06
    assert haiku.long_context_cached_input_per_million == 0.05
    assert (
        haiku.batch_long_context_input_per_million,
        haiku.batch_long_context_output_per_million,
        haiku.batch_long_context_cached_input_per_million,
        haiku.batch_long_context_cache_write_per_million,
    ) == (0.25, 1.25, 0.025, 0.3125)
    assert (haiku.batch_cached_input_per_million, haiku.batch_cache_write_per_million) == (
        0.005,
        0.0625,
    )
    assert haiku.prompt_cache_min_tokens == 512


def test_excerpt_gemini(excerpt: bf.PricingCatalog) -> None:
    pro = _get(excerpt, "google", "gemini-2.5-pro")  # from gemini/gemini-2.5-pro, not Vertex
    assert pro.long_context_threshold_tokens == 200000
    assert (pro.input_per_million, pro.output_per_million) == (1.25, 10.0)
    assert (pro.long_context_input_per_million, pro.long_context_output_per_million) == (2.5, 15.0)
    assert (pro.batch_input_per_million, pro.batch_output_per_million) == (0.625, 5.0)
    assert (
        pro.batch_long_context_input_per_million,
        pro.batch_long_context_output_per_million,
    ) == (1.25, 7.5)
    assert (
        pro.priority_long_context_input_per_million,
        pro.priority_long_context_output_per_million,
        pro.priority_long_context_cached_input_per_million,
    ) == (4.5, 27.0, 0.45)
    assert pro.cache_write_per_million is None
    argon = _get(excerpt, "google", "gemini-4-argon")
    assert argon.prompt_cache_min_tokens == 4096 and isinstance(argon.prompt_cache_min_tokens, int)


def test_excerpt_several_thresholds_keep_the_smallest(excerpt: bf.PricingCatalog) -> None:
    kyma = _get(excerpt, "kyma", "qwen3.7-flash")
    # *_above_32k_tokens (1.35e-07 / 5.4e-07) win over *_above_256k_tokens (2.7e-07 / 1.08e-06).
    assert kyma.long_context_threshold_tokens == 32000
    assert (kyma.long_context_input_per_million, kyma.long_context_output_per_million) == (
        0.135,
        0.54,
    )
    assert kyma.long_context_cached_input_per_million is None


def test_excerpt_half_tiers_are_dropped(excerpt: bf.PricingCatalog) -> None:
    azure = _get(excerpt, "azure", "gpt-5.5")
    # input_cost_per_token_flex without output_cost_per_token_flex: no flex tier, and the flex
    # cache-read rate and the half long-context flex pair go with it.
    assert not azure.has_flex_tier and not azure.has_tier("flex", "long")
    assert azure.flex_cached_input_per_million is None
    assert azure.flex_long_context_cached_input_per_million is None
    assert azure.has_tier("batch", "long") and azure.has_tier("priority", "long")
    assert azure.priority_long_context_input_per_million == 20.0


def test_excerpt_frame_builds(excerpt: bf.PricingCatalog) -> None:
    frame = excerpt.frame
    assert frame.height == 9
    row = frame.filter(pl.col("model") == "gpt-5.5", pl.col("provider") == "openai").row(
        0, named=True
    )
    assert row["batch_long_context_output_per_million"] == 22.5
    assert row["long_context_threshold_tokens"] == 272000


# -- from_litellm edge cases ----------------------------------------------------------------
def _doc(**extra: object) -> dict[str, object]:
    return {
        "gpt-x": {
            "litellm_provider": "openai",
            "mode": "chat",
            "input_cost_per_token": 1e-06,
            "output_cost_per_token": 2e-06,
            **extra,
        }
    }


def test_litellm_whole_floats_are_integers_fractions_are_not() -> None:
    p = _get(
        bf.PricingCatalog.from_litellm(_doc(prompt_cache_min_tokens=1024.0), effective_at=STAMP),
        "openai",
        "gpt-x",
    )
    assert p.prompt_cache_min_tokens == 1024 and isinstance(p.prompt_cache_min_tokens, int)
    message = (
        "LiteLLM price map: entry 'gpt-x': key 'prompt_cache_min_tokens' must be an integer >= 0, "
        "got 1024.5"
    )
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.from_litellm(
            _doc(prompt_cache_min_tokens=1024.5), effective_at=STAMP, strict=True
        )
    assert str(info.value) == message
    cat = bf.PricingCatalog.from_litellm(_doc(prompt_cache_min_tokens=1024.5), effective_at=STAMP)
    assert len(cat) == 0 and cat.import_report is not None
    assert cat.import_report.problems == (message,)


def test_litellm_bad_long_context_value_names_the_key() -> None:
    doc = _doc(
        input_cost_per_token_above_200k_tokens=-1.0, output_cost_per_token_above_200k_tokens=1e-06
    )
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.from_litellm(doc, effective_at=STAMP, strict=True)
    assert str(info.value) == (
        "LiteLLM price map: entry 'gpt-x': key 'input_cost_per_token_above_200k_tokens' must be "
        "a finite number >= 0, got -1.0"
    )


def test_litellm_one_bad_entry_does_not_fail_the_file() -> None:
    doc = {**_doc(), "gpt-bad": {**_doc()["gpt-x"], "output_cost_per_token": "x"}}  # type: ignore[dict-item]
    cat = bf.PricingCatalog.from_litellm(doc, effective_at=STAMP)
    assert cat.pairs() == [("openai", "gpt-x")]
    assert cat.import_report is not None and cat.import_report.skipped == {"invalid_value": 1}


def test_litellm_cached_rate_without_its_tier_is_dropped() -> None:
    cat = bf.PricingCatalog.from_litellm(
        _doc(
            cache_read_input_token_cost_priority=1e-07, cache_creation_input_token_cost_flex=1e-06
        ),
        effective_at=STAMP,
    )
    p = _get(cat, "openai", "gpt-x")
    assert p.priority_cached_input_per_million is None and p.flex_cache_write_per_million is None
    assert cat.import_report is not None
    assert cat.import_report.dropped == {"rate_without_tier": 1}


def test_litellm_long_context_half_pair_drops_the_threshold_too() -> None:
    cat = bf.PricingCatalog.from_litellm(
        _doc(input_cost_per_token_above_128k_tokens=2e-06), effective_at=STAMP
    )
    p = _get(cat, "openai", "gpt-x")
    assert p.long_context_input_per_million is None
    assert p.long_context_threshold_tokens is None


@pytest.mark.skipif(
    not FULL_FILE.is_file(),
    reason=f"the litellm 1.110.2 price file is not unpacked at {FULL_FILE}",
)
def test_full_litellm_file_loads() -> None:
    cat = bf.PricingCatalog.from_litellm(FULL_FILE, effective_at=STAMP)
    assert len(cat) > 1000
    report = cat.import_report
    assert report is not None
    assert report.imported == len(cat)
    assert report.imported + report.skipped_total == report.keys
    assert "invalid_value" not in report.skipped  # the real file has no bad values
    gpt = _get(cat, "openai", "gpt-5.5")
    assert gpt.long_context_threshold_tokens == 272000
    assert (
        gpt.batch_long_context_input_per_million,
        gpt.batch_long_context_output_per_million,
    ) == (5.0, 22.5)
    assert (gpt.batch_input_per_million, gpt.batch_cached_input_per_million) == (2.5, 0.25)
    sonnet = _get(cat, "anthropic", "claude-sonnet-4-5")
    assert (sonnet.batch_cached_input_per_million, sonnet.batch_cache_write_per_million) == (
        0.15,
        1.875,
    )
    assert cat.frame.height == len(cat)
    # strict=True loads it too: nothing in it is a bad value.
    assert len(bf.PricingCatalog.from_litellm(FULL_FILE, effective_at=STAMP, strict=True)) == len(
        cat
    )


# -- the CLI takes a LiteLLM price file wherever it takes a catalog --------------------------
MTIME = datetime(2026, 11, 20, 12, 30, tzinfo=timezone.utc)


@pytest.fixture
def prices(tmp_path: Path) -> Path:
    path = tmp_path / "prices.json"
    path.write_bytes(EXCERPT.read_bytes())
    os.utime(path, (MTIME.timestamp(), MTIME.timestamp()))
    return path


NOTE = (
    "LiteLLM price file, effective_at 2026-11-20T12:30:00Z (its modification time); imported 9 "
    "of 12 LiteLLM entries; skipped 3 (1 not text generation, 1 Vertex AI, 1 tiered pricing "
    "only); rates dropped from imported entries: 1 half a tier, 1 cached/write rate without "
    "its tier, 1 long-context rates above a larger second threshold"
)


def test_cli_catalog_list_takes_a_litellm_file(
    prices: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "list", "--catalog", str(prices), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    rows = json.loads(out)
    assert len(rows) == 9
    assert {r["effective_at"] for r in rows} == {"2026-11-20T12:30:00Z"}
    assert err == f"batchframe: note: --catalog {prices}: {NOTE}\n"
    assert main(["catalog", "list", "-q", "--catalog", str(prices), "--format", "json"]) == 0
    assert capsys.readouterr().err == ""


def test_cli_overlay_and_check_take_a_litellm_file(
    prices: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["catalog", "list", "-q", "--catalog", f"+{prices}", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    pairs = {(r["provider"], r["model"]) for r in rows}
    assert ("kyma", "qwen3.7-flash") in pairs  # from the file
    assert ("groq", "llama-3.1-8b-instant") in pairs  # from the embedded catalog
    assert main(["catalog", "check", str(prices)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{prices}: ok, 9 entries, 9 models, newest effective_at 2026-11-20T12:30:00Z\n"
    assert err == f"batchframe: note: {prices}: {NOTE}\n"
    upper = prices.with_name("PRICES.JSON")
    upper.write_bytes(prices.read_bytes())
    assert main(["catalog", "check", "-q", str(upper)]) == 0
    assert capsys.readouterr().out.startswith(f"{upper}: ok, 9 entries")


def test_cli_project_takes_a_litellm_file(prices: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--catalog", f"+{prices}", "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert f"batchframe: note: --catalog +{prices}: {NOTE}\n" in err


def test_cli_missing_or_bad_litellm_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "absent.json"
    assert main(["catalog", "list", "--catalog", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"batchframe: error: {missing}: cannot read LiteLLM price map: ")
    broken = tmp_path / "broken.json"
    broken.write_text("[1]", encoding="utf-8")
    assert main(["catalog", "check", str(broken)]) == 2
    assert capsys.readouterr().err == (
        f"batchframe: error: {broken}: expected a JSON object of model entries, got list\n"
    )


def test_cli_gaps_on_the_excerpt(prices: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "gaps", "-q", "--catalog", str(prices), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    gpt = [(r["missing"], r["consequence"]) for r in rows if r["model"] == "gpt-5.5"]
    assert (
        "batch_cache_write_per_million",
        "batch tier without batch_cache_write_per_million: segments with cache writes are "
        "no_batch_tier",
    ) in gpt
    assert ("flex", "no flex tier: eligible segments cannot be projected to flex") in gpt


# -- the vectorised twin of resolve ---------------------------------------------------------
_IDS = st.sampled_from(
    [
        "claude-sonnet-4-5",
        "sonnet",
        "claude-opus-4-1",
        "odd",
        "anthropic/odd",
        "Anthropic",
        "anthropic",
        " anthropic ",
        "openai",
        "",
        "-",
        "x\n",
    ]
)
_SUFFIXES = st.sampled_from(
    ["", "-20250929", "-2025-09-29", "@20250929", "-202509", "-20250929-20250930", "\n", "-v1"]
)


@settings(max_examples=300, deadline=None)
@given(
    provider=st.sampled_from(["anthropic", " Anthropic\t", "ANTHROPIC", "openai", ""]),
    head=st.one_of(st.just(""), _IDS.map(lambda s: s + "/")),
    body=_IDS,
    suffix=_SUFFIXES,
)
def test_resolve_expr_agrees_with_resolve(provider: str, head: str, body: str, suffix: str) -> None:
    cat = bf.PricingCatalog.parse(SONNET)
    model = head + body + suffix
    frame = pl.DataFrame({"provider": [provider], "model": [model]})
    (got,) = frame.select(resolve_expr(cat, pl.col("provider"), pl.col("model")))["model"]
    assert got == cat.resolve(provider, model)


def test_resolve_expr_on_the_cases_and_nulls(sonnet: bf.PricingCatalog) -> None:
    frame = pl.DataFrame(
        {
            "provider": ["anthropic", None, "anthropic", "anthropic"],
            "model": ["anthropic/claude-sonnet-4-5-20250929", "sonnet", None, "sonnet"],
        }
    )
    resolved = frame.select(resolve_expr(sonnet, pl.col("provider"), pl.col("model")))
    assert resolved["model"].to_list() == ["claude-sonnet-4-5", None, None, "claude-sonnet-4-5"]
    empty = frame.select(resolve_expr(bf.PricingCatalog(), pl.col("provider"), pl.col("model")))
    assert empty["model"].to_list() == [None] * 4
    lazy = frame.lazy().with_columns(
        resolve_expr(sonnet, pl.col("provider"), pl.col("model")).alias("catalog_model")
    )
    assert lazy.collect()["catalog_model"].null_count() == 2
