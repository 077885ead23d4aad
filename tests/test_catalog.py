"""PricingCatalog: the strict schema (golden error files), history look-ups and the frame."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import polars as pl
import pytest

import batchframe as bf

from support import given, settings, st

INVALID = Path(__file__).parent / "data" / "invalid_catalogs"
CASES = sorted(p.stem for p in INVALID.glob("*.toml"))

HISTORY = """
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
effective_at = 2025-07-01T02:00:00+02:00

[[entry]]
provider = "acme"
model = "m0"
input_per_million = 1.0
output_per_million = 1.0
cached_input_per_million = 0.1
prompt_cache_min_tokens = 1024
effective_at = "2024-12-31T23:59:59.5-05:00"
"""


def test_golden_cases_cover_every_rule() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES)
def test_invalid_catalog_message_is_exact(case: str) -> None:
    text = (INVALID / f"{case}.toml").read_text(encoding="utf-8")
    expected = (INVALID / f"{case}.expected").read_text(encoding="utf-8").strip()
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.parse(text)
    assert str(info.value) == expected


def test_catalog_error_is_a_value_error_and_a_batchframe_error() -> None:
    assert issubclass(bf.CatalogError, ValueError)
    assert issubclass(bf.CatalogError, bf.BatchframeError)


def test_load_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "prices.toml"
    path.write_text((INVALID / "unknown_key.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(bf.CatalogError, match=r"prices\.toml: entry 0 \(acme/m1\): unknown key"):
        bf.PricingCatalog.load(path)
    with pytest.raises(bf.CatalogError, match="cannot read catalog"):
        bf.PricingCatalog.load(tmp_path / "absent.toml")


def test_history_latest_and_at() -> None:
    cat = bf.PricingCatalog.parse(HISTORY)
    assert cat.pairs() == [("acme", "m0"), ("acme", "m1")]
    assert len(cat) == 3
    latest = cat.latest("acme", "m1")
    assert latest is not None
    assert latest.effective_at == datetime(2025, 7, 1, tzinfo=timezone.utc)
    assert latest.input_per_million == 2.0 and not latest.has_batch_tier
    cut = datetime(2025, 7, 1, tzinfo=timezone.utc)
    before = cat.at("acme", "m1", cut - timedelta(microseconds=1))
    assert before is not None and before.batch_input_per_million == 2.0
    assert cat.at("acme", "m1", cut) == latest  # an entry is in effect at its own instant
    assert cat.at("acme", "m1", "2025-07-01T01:59:59+02:00") == before
    # Before every entry: the earliest one, not None.
    assert cat.at("acme", "m1", "2000-01-01T00:00:00Z") == before
    # A naive datetime is taken as UTC.
    assert cat.at("acme", "m1", datetime(2025, 6, 30, 23, 0)) == before
    assert cat.latest("acme", "nope") is None
    assert cat.at("nope", "m1", cut) is None


def test_optional_keys_and_fractional_offsets() -> None:
    m0 = bf.PricingCatalog.parse(HISTORY).latest("acme", "m0")
    assert m0 is not None
    assert m0.effective_at == datetime(2025, 1, 1, 4, 59, 59, 500000, tzinfo=timezone.utc)
    assert (m0.cached_input_per_million, m0.prompt_cache_min_tokens) == (0.1, 1024)
    assert m0.batch_input_per_million is None and m0.flex_output_per_million is None


def test_frame_is_one_row_per_entry_in_utc() -> None:
    frame = bf.PricingCatalog.parse(HISTORY).frame
    assert frame.height == 3
    assert frame.schema["effective_at"] == pl.Datetime("us", "UTC")
    assert frame.select("provider", "model").rows() == [
        ("acme", "m0"),
        ("acme", "m1"),
        ("acme", "m1"),
    ]
    assert frame["batch_input_per_million"].to_list() == [None, 2.0, None]
    assert frame["effective_at"].dt.hour().to_list() == [4, 0, 0]


def test_model_pricing_is_frozen() -> None:
    entry = bf.catalog().latest("openai", "gpt-5.5")
    assert entry is not None
    with pytest.raises(AttributeError):
        entry.input_per_million = 0.0  # type: ignore[misc]


def test_empty_catalog_prices_nothing() -> None:
    cat = bf.PricingCatalog.parse("")
    assert len(cat) == 0 and cat.pairs() == [] and cat.frame.height == 0


@pytest.mark.parametrize(
    ("provider", "model", "standard", "batch"),
    [
        ("openai", "gpt-5.5", (5.0, 30.0), (2.5, 15.0)),
        ("openai", "gpt-5.4", (2.5, 15.0), (1.25, 7.5)),
        ("anthropic", "claude-opus-4-8", (5.0, 25.0), (2.5, 12.5)),
        ("groq", "llama-3.1-8b-instant", (0.05, 0.08), (None, None)),
    ],
)
def test_embedded_catalog_contract_facts(
    provider: str,
    model: str,
    standard: tuple[float, float],
    batch: tuple[float | None, float | None],
) -> None:
    entry = bf.catalog().latest(provider, model)
    assert entry is not None
    assert (entry.input_per_million, entry.output_per_million) == standard
    assert (entry.batch_input_per_million, entry.batch_output_per_million) == batch


def test_embedded_catalog_is_parsed_once_and_rich() -> None:
    cat = bf.catalog()
    assert bf.catalog() is cat
    providers = {p for p, _ in cat.pairs()}
    assert {
        "openai",
        "anthropic",
        "google",
        "groq",
        "mistral",
        "together",
        "openrouter",
    } <= providers
    assert any(len(cat.history(p, m)) >= 2 for p, m in cat.pairs()), "no price-history example"


instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(timezone.utc)
)


@settings(max_examples=60, deadline=None)
@given(st.lists(instants, min_size=1, max_size=6, unique=True), instants)
def test_at_is_the_last_entry_not_after_when(effective: list[datetime], when: datetime) -> None:
    text = "\n".join(
        f'[[entry]]\nprovider = "p"\nmodel = "m"\ninput_per_million = {i}\n'
        f'output_per_million = 1\neffective_at = "{instant.isoformat()}"\n'
        for i, instant in enumerate(effective)
    )
    cat = bf.PricingCatalog.parse(text)
    ordered = sorted(effective)
    not_after = [t for t in ordered if t <= when]
    expected = not_after[-1] if not_after else ordered[0]
    found = cat.at("p", "m", when)
    assert found is not None and found.effective_at == expected
    latest = cat.latest("p", "m")
    assert latest is not None and latest.effective_at == ordered[-1]
