"""PricingCatalog.merge, the LiteLLM import, staleness, and the ``batchframe catalog`` command.

The LiteLLM excerpt (tests/data/litellm/model_prices_excerpt.json) holds entries copied
verbatim from github.com/BerriAI/litellm, file ``model_prices_and_context_window.json``, at
commit 00035b69 (the snapshot pricing.toml cites). Spot-checked against that public file:
``gpt-5.4`` (2.5e-06 / 1.5e-05, batches and flex 1.25e-06 / 7.5e-06, cache read 2.5e-07),
``claude-opus-4-8`` (5e-06 / 2.5e-05, cache read 5e-07, cache creation 6.25e-06) and
``groq/llama-3.1-8b-instant`` (5e-08 / 8e-08, no batch keys). In that snapshot no
``anthropic`` row and not ``gemini/gemini-2.5-flash`` carry ``*_batches`` keys, so the
excerpt's batch-tier Gemini row is ``gemini/gemini-3-pro-preview`` (1e-06 / 6e-06) rather
than an invented one.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import batchframe as bf
from batchframe._catalog_cli import add_catalog_parser, run_catalog

DATA = Path(__file__).parent / "data"
EXCERPT = DATA / "litellm" / "model_prices_excerpt.json"
STAMP = datetime(2026, 11, 28, tzinfo=timezone.utc)

BASE = """
[[entry]]
provider = "acme"
model = "m1"
input_per_million = 4.0
output_per_million = 16.0
batch_input_per_million = 2.0
batch_output_per_million = 8.0
effective_at = "2025-01-01T00:00:00Z"

[[entry]]
provider = "acme"
model = "m1"
input_per_million = 2.0
output_per_million = 8.0
batch_input_per_million = 1.0
batch_output_per_million = 4.0
effective_at = "2025-07-01T00:00:00Z"

[[entry]]
provider = "acme"
model = "m2"
input_per_million = 1.0
output_per_million = 2.0
effective_at = "2025-01-01T00:00:00Z"
"""

OVERLAY = """
[[entry]]
provider = "acme"
model = "m1"
input_per_million = 1.5
output_per_million = 6.0
batch_input_per_million = 0.75
batch_output_per_million = 3.0
flex_input_per_million = 0.75
flex_output_per_million = 3.0
effective_at = "2025-07-01T02:00:00+02:00"

[[entry]]
provider = "other"
model = "x"
input_per_million = 0.5
output_per_million = 0.5
effective_at = "2026-02-01T00:00:00Z"
"""


def _latest(cat: bf.PricingCatalog, provider: str, model: str) -> bf.ModelPricing:
    entry = cat.latest(provider, model)
    assert entry is not None
    return entry


def _at(cat: bf.PricingCatalog, provider: str, model: str, when: str) -> bf.ModelPricing:
    entry = cat.at(provider, model, when)
    assert entry is not None
    return entry


@pytest.fixture(scope="module")
def imported() -> bf.PricingCatalog:
    return bf.PricingCatalog.from_litellm(EXCERPT, effective_at="2026-11-28T00:00:00Z")


# -- merge --------------------------------------------------------------------------------
def test_merge_other_wins_on_the_same_instant() -> None:
    merged = bf.PricingCatalog.parse(BASE).merge(bf.PricingCatalog.parse(OVERLAY))
    # 2025-07-01T02:00+02:00 is the same instant as the base's 2025-07-01T00:00Z entry.
    latest = merged.latest("acme", "m1")
    assert latest is not None
    assert (latest.input_per_million, latest.batch_input_per_million) == (1.5, 0.75)
    assert latest.flex_output_per_million == 3.0


def test_merge_keeps_history_and_the_union() -> None:
    base = bf.PricingCatalog.parse(BASE)
    merged = base.merge(bf.PricingCatalog.parse(OVERLAY))
    assert len(merged) == 4
    assert merged.pairs() == [("acme", "m1"), ("acme", "m2"), ("other", "x")]
    history = merged.history("acme", "m1")
    assert [e.input_per_million for e in history] == [4.0, 1.5]
    assert _at(merged, "acme", "m1", "2025-03-01T00:00:00Z").input_per_million == 4.0
    assert _latest(merged, "acme", "m2").output_per_million == 2.0
    # The operands are unchanged.
    assert _latest(base, "acme", "m1").input_per_million == 2.0
    assert len(base) == 3


def test_merge_with_empty_and_type_check() -> None:
    base = bf.PricingCatalog.parse(BASE)
    assert list(base.merge(bf.PricingCatalog())) == list(base)
    assert list(bf.PricingCatalog().merge(base)) == list(base)
    with pytest.raises(TypeError):
        base.merge([])  # type: ignore[arg-type]


def test_negotiated_overlay_on_the_embedded_catalog() -> None:
    deal = bf.PricingCatalog.parse(
        """
[[entry]]
provider = "openai"
model = "gpt-5.4"
input_per_million = 2.0
output_per_million = 12.0
batch_input_per_million = 1.0
batch_output_per_million = 6.0
effective_at = "2026-03-05T00:00:00Z"
"""
    )
    merged = bf.catalog().merge(deal)
    assert len(merged) == len(bf.catalog())
    p = merged.latest("openai", "gpt-5.4")
    assert p is not None
    assert (p.input_per_million, p.batch_output_per_million, p.has_flex_tier) == (2.0, 6.0, False)
    assert _latest(bf.catalog(), "openai", "gpt-5.4").input_per_million == 2.5


# -- from_litellm -------------------------------------------------------------------------
def test_litellm_excerpt_pairs(imported: bf.PricingCatalog) -> None:
    assert imported.pairs() == [
        ("ai21", "j2-light"),
        ("anthropic", "claude-haiku-4-5"),
        ("anthropic", "claude-opus-4-8"),
        ("cerebras", "llama3.1-8b"),
        ("google", "gemini-2.5-flash"),
        ("google", "gemini-3-pro-preview"),
        ("groq", "llama-3.1-8b-instant"),
        ("groq", "openai/gpt-oss-120b"),
        ("openai", "gpt-5-pro"),
        ("openai", "gpt-5.4"),
        ("openrouter", "openai/gpt-5"),
    ]
    assert len(imported) == 11


def test_litellm_skips_non_text_and_unpriced_entries(imported: bf.PricingCatalog) -> None:
    models = {model for _, model in imported.pairs()}
    for skipped in (
        "sample_spec",
        "256-x-256/dall-e-2",  # image_generation
        "gemini-2.5-flash-image",  # image_generation, although it has per-token rates
        "pplx-embed-v1-4b",  # embedding
        "playai-tts",  # audio_speech
        "openai-gpt-4o",  # chat, but no input/output rates
        "preset/fast-search",  # responses, but no rates
    ):
        assert skipped not in models


def test_litellm_gpt_5_4_rates_are_exact(imported: bf.PricingCatalog) -> None:
    p = imported.latest("openai", "gpt-5.4")
    # This older snapshot also lists long-context (above 272k) and priority rates.
    assert p is not None
    assert p.long_context_threshold_tokens == 272000
    assert (p.long_context_input_per_million, p.long_context_output_per_million) == (5.0, 22.5)
    assert (p.priority_input_per_million, p.priority_output_per_million) == (5.0, 30.0)
    short = {
        key: getattr(p, key)
        for key in bf.ModelPricing.__dataclass_fields__
        if "long_context" not in key and not key.startswith(("priority_", "flex_cached"))
    }
    assert bf.ModelPricing(**short) == bf.ModelPricing(
        provider="openai",
        model="gpt-5.4",
        effective_at=STAMP,
        input_per_million=2.5,
        output_per_million=15.0,
        cached_input_per_million=0.25,
        batch_input_per_million=1.25,
        batch_output_per_million=7.5,
        flex_input_per_million=1.25,
        flex_output_per_million=7.5,
    )
    # It agrees with the embedded catalog's list and tier rates.
    embedded = bf.catalog().latest("openai", "gpt-5.4")
    assert embedded is not None and p is not None
    for field in ("input", "output", "batch_input", "batch_output", "flex_input", "flex_output"):
        key = f"{field}_per_million"
        assert getattr(p, key) == getattr(embedded, key)


def test_litellm_anthropic_cache_rates(imported: bf.PricingCatalog) -> None:
    opus = imported.latest("anthropic", "claude-opus-4-8")
    haiku = imported.latest("anthropic", "claude-haiku-4-5")
    assert opus is not None and haiku is not None
    assert (opus.input_per_million, opus.output_per_million) == (5.0, 25.0)
    assert (opus.cached_input_per_million, opus.cache_write_per_million) == (0.5, 6.25)
    assert opus.prompt_cache_min_tokens == 1024
    assert not opus.has_batch_tier  # LiteLLM's anthropic rows carry no *_batches keys
    assert (haiku.cached_input_per_million, haiku.cache_write_per_million) == (0.1, 1.25)
    assert haiku.prompt_cache_min_tokens == 4096


def test_litellm_gemini_groq_and_prefixes(imported: bf.PricingCatalog) -> None:
    flash = imported.latest("google", "gemini-2.5-flash")
    assert flash is not None
    assert (flash.input_per_million, flash.output_per_million) == (0.3, 2.5)
    assert flash.cached_input_per_million == 0.03
    assert not flash.has_batch_tier
    pro = imported.latest("google", "gemini-3-pro-preview")
    assert pro is not None
    assert (pro.input_per_million, pro.output_per_million) == (2.0, 12.0)
    assert (pro.batch_input_per_million, pro.batch_output_per_million) == (1.0, 6.0)
    assert pro.cached_input_per_million == 0.2  # 2e-07 * 1e6 is 0.19999999999999998 in binary
    groq = imported.latest("groq", "llama-3.1-8b-instant")
    assert groq is not None
    assert (groq.input_per_million, groq.output_per_million) == (0.05, 0.08)
    assert not groq.has_batch_tier and not groq.has_flex_tier
    oss = imported.latest("groq", "openai/gpt-oss-120b")
    assert oss is not None
    assert (oss.input_per_million, oss.output_per_million, oss.cached_input_per_million) == (
        0.15,
        0.6,
        0.075,
    )
    router = imported.latest("openrouter", "openai/gpt-5")
    assert router is not None
    assert (router.input_per_million, router.output_per_million) == (1.25, 10.0)
    assert router.cached_input_per_million == 0.125


def test_litellm_responses_completion_and_unknown_providers(imported: bf.PricingCatalog) -> None:
    pro = imported.latest("openai", "gpt-5-pro")  # mode "responses"
    assert pro is not None
    assert (pro.input_per_million, pro.output_per_million) == (15.0, 120.0)
    assert (pro.batch_input_per_million, pro.batch_output_per_million) == (7.5, 60.0)
    j2 = imported.latest("ai21", "j2-light")  # mode "completion", provider kept as named
    assert j2 is not None and (j2.input_per_million, j2.output_per_million) == (3.0, 3.0)
    cerebras = imported.latest("cerebras", "llama3.1-8b")
    assert cerebras is not None and cerebras.input_per_million == 0.1


def test_litellm_effective_at_is_stamped(imported: bf.PricingCatalog) -> None:
    assert {entry.effective_at for entry in imported} == {STAMP}
    assert imported.newest_effective_at == STAMP
    naive = bf.PricingCatalog.from_litellm(EXCERPT, effective_at=datetime(2026, 11, 28))
    assert list(naive) == list(imported)
    offset = bf.PricingCatalog.from_litellm(str(EXCERPT), effective_at="2026-11-28T01:00:00+01:00")
    assert list(offset) == list(imported)
    with pytest.raises(ValueError, match="RFC 3339"):
        bf.PricingCatalog.from_litellm(EXCERPT, effective_at="2026-11-28")


def test_litellm_from_a_mapping_and_overlay_on_embedded() -> None:
    document = json.loads(EXCERPT.read_text(encoding="utf-8"))
    cat = bf.PricingCatalog.from_litellm(document, effective_at=STAMP)
    assert cat.pairs() == bf.PricingCatalog.from_litellm(EXCERPT, effective_at=STAMP).pairs()
    # An import stamped later than the embedded entries becomes each pair's latest entry.
    merged = bf.catalog().merge(cat)
    assert len(merged.history("openai", "gpt-5.4")) == 2
    assert _latest(merged, "openai", "gpt-5.4").effective_at == STAMP


def test_litellm_provider_mapping_vertex_and_duplicates() -> None:
    def row(provider: str, rate: float, mode: str = "chat") -> dict[str, object]:
        return {
            "litellm_provider": provider,
            "mode": mode,
            "input_cost_per_token": rate,
            "output_cost_per_token": rate * 4,
        }

    cat = bf.PricingCatalog.from_litellm(
        {
            "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo": row("together_ai", 8.8e-07),
            "mistral/mistral-large-2512": row("mistral", 5e-07),
            "gemini-2.5-flash": row("vertex_ai-language-models", 3e-07),
            "vertex_ai/claude-opus-4-8": row("vertex_ai", 5e-06),
            "Bedrock/model-a": row("Bedrock", 1e-06),
            "openai/gpt-x": row("openai", 2e-06),
            "gpt-x": row("openai", 1e-06),
            "gemini/gemini-y": row("gemini", 1e-06),
            "google/gemini-y": row("gemini", 3e-06),
            "no-mode": {"litellm_provider": "openai", "input_cost_per_token": 1e-06},
            "no-output": {
                "litellm_provider": "openai",
                "mode": "chat",
                "input_cost_per_token": 1e-06,
            },
        },
        effective_at=STAMP,
    )
    assert cat.pairs() == [
        ("bedrock", "model-a"),
        ("google", "gemini-y"),
        ("mistral", "mistral-large-2512"),
        ("openai", "gpt-x"),
        ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
    ]
    assert (
        _latest(cat, "together", "meta-llama/Llama-3.3-70B-Instruct-Turbo").input_per_million
        == 0.88
    )
    assert _latest(cat, "openai", "gpt-x").input_per_million == 1.0  # the unprefixed key wins
    assert _latest(cat, "google", "gemini-y").input_per_million == 1.0  # the first key wins


def test_litellm_bad_input_raises_catalog_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(bf.CatalogError, match=r"missing\.json: cannot read LiteLLM price map"):
        bf.PricingCatalog.from_litellm(missing, effective_at=STAMP)
    broken = tmp_path / "broken.json"
    broken.write_text('{"gpt-5.4": ', encoding="utf-8")
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.from_litellm(broken, effective_at=STAMP)
    assert str(info.value).startswith(f"{broken}: invalid JSON: ")
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.from_litellm(listed, effective_at=STAMP)
    assert str(info.value) == f"{listed}: expected a JSON object of model entries, got list"
    bad_rate = tmp_path / "bad_rate.json"
    bad_rate.write_text(
        json.dumps(
            {
                "m": {
                    "litellm_provider": "openai",
                    "mode": "chat",
                    "input_cost_per_token": "2.5e-06",
                    "output_cost_per_token": 1e-05,
                }
            }
        ),
        encoding="utf-8",
    )
    message = (
        f"{bad_rate}: entry 'm': key 'input_cost_per_token' must be a finite number >= 0, "
        "got '2.5e-06'"
    )
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.from_litellm(bad_rate, effective_at=STAMP, strict=True)
    assert str(info.value) == message
    # By default the entry is skipped, counted and its message kept.
    skipped = bf.PricingCatalog.from_litellm(bad_rate, effective_at=STAMP)
    assert len(skipped) == 0
    assert skipped.import_report is not None
    assert skipped.import_report.skipped == {"invalid_value": 1}
    assert skipped.import_report.problems == (message,)
    with pytest.raises(TypeError):
        bf.PricingCatalog.from_litellm(42, effective_at=STAMP)  # type: ignore[arg-type]


# -- staleness ----------------------------------------------------------------------------
def test_newest_effective_at_and_is_stale() -> None:
    embedded = bf.catalog()
    # the embedded catalog's newest prices were read on 2026-12-01 (pricing.toml)
    assert embedded.newest_effective_at == datetime(2026, 12, 1, tzinfo=timezone.utc)
    assert embedded.is_stale(now=datetime(2026, 12, 1, tzinfo=timezone.utc)) is False
    assert embedded.is_stale(now=datetime(2027, 12, 1, tzinfo=timezone.utc)) is True
    assert embedded.is_stale(now=datetime(2027, 3, 31)) is False  # exactly 120 days: not stale
    assert embedded.is_stale(now=datetime(2027, 3, 31, 0, 0, 1)) is True
    assert embedded.is_stale(30, datetime(2027, 1, 1, tzinfo=timezone.utc)) is True
    assert embedded.is_stale(max_days=400, now=datetime(2027, 12, 1)) is False
    later = datetime.now(timezone.utc) + timedelta(days=1)
    fresh = bf.PricingCatalog.from_litellm(EXCERPT, effective_at=later)
    assert fresh.is_stale() is False


def test_empty_catalog_is_stale() -> None:
    empty = bf.PricingCatalog()
    assert empty.newest_effective_at is None
    assert empty.is_stale() is True
    assert empty.is_stale(max_days=10_000, now=datetime(2000, 1, 1)) is True


# -- the catalog command --------------------------------------------------------------------
def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="batchframe")
    commands = parser.add_subparsers(dest="command", required=True)
    add_catalog_parser(commands)
    args = parser.parse_args(argv)
    assert args.command == "catalog"
    return run_catalog(args)


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_cli_list_json_embedded(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["catalog", "list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(bf.catalog().pairs())
    by_pair = {(r["provider"], r["model"]): r for r in rows}
    assert by_pair[("openai", "gpt-5.4")] == {
        "provider": "openai",
        "model": "gpt-5.4",
        "effective_at": "2026-03-05T00:00:00Z",
        "input_per_million": 2.5,
        "output_per_million": 15.0,
        "batch_input_per_million": 1.25,
        "batch_output_per_million": 7.5,
        "flex_input_per_million": 1.25,
        "flex_output_per_million": 7.5,
    }
    o3 = by_pair[("openai", "o3")]  # the latest of two entries
    assert (o3["effective_at"], o3["input_per_million"]) == ("2025-06-10T00:00:00Z", 2.0)
    groq = by_pair[("groq", "llama-3.1-8b-instant")]
    assert groq["batch_input_per_million"] is None and groq["flex_input_per_million"] is None


def test_cli_list_table_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["catalog", "list"]) == 0
    table = capsys.readouterr().out
    assert "gpt-5.4" in table and "claude-opus-4-8" in table
    assert "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo" in table  # not truncated
    assert "shape:" not in table
    assert "Rates in USD per 1M tokens" in table
    assert _run(["catalog", "list", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "provider,model,effective_at,input_per_million,output_per_million,"
        "batch_input_per_million,batch_output_per_million,flex_input_per_million,"
        "flex_output_per_million"
    )
    assert "openai,gpt-5.4,2026-03-05T00:00:00Z,2.5,15.0,1.25,7.5,1.25,7.5" in lines
    assert "groq,llama-3.1-8b-instant,2024-07-23T00:00:00Z,0.05,0.08,,,," in lines


def test_cli_list_merges_catalog_files_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = _write(tmp_path, "base.toml", BASE)
    overlay = _write(tmp_path, "overlay.toml", OVERLAY)
    assert (
        _run(["catalog", "list", "--catalog", base, "--catalog", overlay, "--format", "json"]) == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert [(r["provider"], r["model"], r["input_per_million"]) for r in rows] == [
        ("acme", "m1", 1.5),
        ("acme", "m2", 1.0),
        ("other", "x", 0.5),
    ]
    assert rows[0]["effective_at"] == "2025-07-01T00:00:00Z"
    # Reversed order: the base file is applied last and wins on the shared instant.
    assert (
        _run(["catalog", "list", "--catalog", overlay, "--catalog", base, "--format", "json"]) == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["input_per_million"] == 2.0 and rows[0]["flex_input_per_million"] is None


def test_cli_gaps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["catalog", "gaps", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    # The tier rows (missing batch and/or flex) come first for each pair.
    tiers = {
        (r["provider"], r["model"]): r["missing"]
        for r in rows
        if r["missing"] in ("batch", "flex", "batch, flex")
    }
    assert tiers[("groq", "llama-3.1-8b-instant")] == "batch, flex"
    assert tiers[("anthropic", "claude-opus-4-8")] == "flex"
    assert tiers[("openai", "gpt-4.1")] == "flex"
    assert ("openai", "gpt-5.4") not in tiers and ("openai", "o3") not in tiers
    base = _write(tmp_path, "base.toml", BASE)
    overlay = _write(tmp_path, "overlay.toml", OVERLAY)
    assert _run(["catalog", "gaps", "--catalog", base, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "provider,model,effective_at,missing,consequence",
        "acme,m1,2025-07-01T00:00:00Z,flex,no flex tier: eligible segments cannot be projected "
        "to flex",
        "acme,m1,2025-07-01T00:00:00Z,batch_cached_input_per_million,batch tier without "
        "batch_cached_input_per_million: input cached tokens will be priced at the batch input "
        "rate",
        "acme,m1,2025-07-01T00:00:00Z,batch_cache_write_per_million,batch tier without "
        "batch_cache_write_per_million: segments with cache writes are no_batch_tier",
        'acme,m2,2025-01-01T00:00:00Z,"batch, flex",no batch or flex tier: eligible segments '
        "cannot be projected to batch or flex",
    ]
    assert _run(["catalog", "gaps", "--catalog", base, "--catalog", overlay]) == 0
    table = capsys.readouterr().out
    assert "m2" in table and "x" in table


FULL = """
[[entry]]
provider = "acme"
model = "m1"
input_per_million = 2.0
output_per_million = 8.0
batch_input_per_million = 1.0
batch_output_per_million = 4.0
batch_cached_input_per_million = 0.1
batch_cache_write_per_million = 1.25
flex_input_per_million = 1.0
flex_output_per_million = 4.0
flex_cached_input_per_million = 0.1
flex_cache_write_per_million = 1.25
effective_at = "2026-01-01T00:00:00Z"
"""

LONG = """
[[entry]]
provider = "acme"
model = "long"
input_per_million = 2.0
output_per_million = 8.0
long_context_threshold_tokens = 200000
long_context_input_per_million = 4.0
long_context_output_per_million = 16.0
batch_input_per_million = 1.0
batch_output_per_million = 4.0
batch_cached_input_per_million = 0.1
batch_cache_write_per_million = 1.25
batch_long_context_input_per_million = 2.0
batch_long_context_output_per_million = 8.0
batch_long_context_cache_write_per_million = 2.5
flex_input_per_million = 1.0
flex_output_per_million = 4.0
flex_cached_input_per_million = 0.1
flex_cache_write_per_million = 1.25
effective_at = "2026-01-01T00:00:00Z"
"""


def test_cli_gaps_none(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    full = _write(tmp_path, "full.toml", FULL)
    assert _run(["catalog", "gaps", "--catalog", full]) == 0
    assert capsys.readouterr().out == (
        "No gaps: every model's latest entry has a batch and a flex tier, each with "
        "cached-input and cache-write rates (and long-context rates where the model has a "
        "long-context threshold).\n"
    )
    assert _run(["catalog", "gaps", "--catalog", full, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_cli_gaps_long_context(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "long.toml", LONG)
    assert _run(["catalog", "gaps", "--catalog", path, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["missing"], r["consequence"]) for r in rows] == [
        (
            "batch_long_context_cached_input_per_million",
            "batch long-context tier without batch_long_context_cached_input_per_million: "
            "input cached tokens will be priced at the batch long-context input rate",
        ),
        (
            "flex_long_context_input_per_million, flex_long_context_output_per_million",
            "flex tier without flex_long_context_input_per_million, "
            "flex_long_context_output_per_million: long-context segments are no_batch_tier",
        ),
    ]
    assert {r["model"] for r in rows} == {"long"}


def test_cli_check_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(Path(__file__).parent.parent / "pricing.toml")
    assert _run(["catalog", "check", path]) == 0
    cat = bf.PricingCatalog.load(path)
    assert capsys.readouterr().out == (
        f"{path}: ok, {len(cat)} entries, {len(cat.pairs())} models, "
        "newest effective_at 2026-12-01T00:00:00Z\n"
    )
    base = _write(tmp_path, "base.toml", BASE)
    assert _run(["catalog", "check", base]) == 0
    assert capsys.readouterr().out == (
        f"{base}: ok, 3 entries, 2 models, newest effective_at 2025-07-01T00:00:00Z\n"
    )
    empty = _write(tmp_path, "empty.toml", "# nothing yet\n")
    assert _run(["catalog", "check", empty]) == 0
    assert capsys.readouterr().out == (
        f"{empty}: ok, 0 entries, 0 models, newest effective_at none\n"
    )


def test_cli_check_invalid(capsys: pytest.CaptureFixture[str]) -> None:
    path = DATA / "invalid_catalogs" / "bool_rate.toml"
    expected = (DATA / "invalid_catalogs" / "bool_rate.expected").read_text(encoding="utf-8")
    assert _run(["catalog", "check", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"batchframe: error: {path}: {expected.strip()}\n"
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.load(path)
    assert captured.err == f"batchframe: error: {info.value}\n"


def test_cli_errors_for_list_and_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(
        tmp_path, "typo.toml", BASE.replace("batch_input_per_million", "batch_input_per_milion", 1)
    )
    assert _run(["catalog", "list", "--catalog", bad]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"batchframe: error: {bad}: entry 0 (acme/m1): unknown key 'batch_input_per_milion' "
        "(did you mean 'batch_input_per_million'?)\n"
    )
    missing = str(tmp_path / "nope.toml")
    assert _run(["catalog", "check", missing]) == 2
    assert capsys.readouterr().err.startswith(f"batchframe: error: {missing}: cannot read catalog:")


def test_cli_empty_catalog_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = _write(tmp_path, "empty.toml", "")
    assert _run(["catalog", "list", "--catalog", empty]) == 0
    assert capsys.readouterr().out == "The catalog has no entries.\n"
    assert _run(["catalog", "list", "--catalog", empty, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_cli_parser_requires_an_action() -> None:
    with pytest.raises(SystemExit):
        _run(["catalog"])
    with pytest.raises(SystemExit):
        _run(["catalog", "list", "--format", "parquet"])
