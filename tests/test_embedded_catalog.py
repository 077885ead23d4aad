"""The embedded catalog (``pricing.toml``), read with ``tomllib`` directly.

These tests deliberately do not go through batchframe's parser, so they state
the catalog contract of docs/semantics.md §2 on their own:

* every fact docs/semantics.md §2 lists, with exact values;
* the consistency rules the parser enforces (key scheme, complete rate
  pairs, cache rates only for a present tier/context, long-context rates only
  with a threshold, normalised provider ids, RFC 3339 instants with an offset,
  no duplicate (provider, model, effective_at), unique aliases);
* a cross-check against LiteLLM's price file as shipped in the newest
  ``litellm`` wheel (1.110.2): every OpenAI / Anthropic / Google entry's
  standard input/output rates equal LiteLLM's (per-token cost x 1e6, exact
  decimal), and the newest entry of each model carries exactly the rates
  LiteLLM's row maps to. Skipped, with a reason, when the file is absent.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
import tomllib

CATALOG_PATH = Path(__file__).resolve().parents[1] / "pricing.toml"
LITELLM_PATH = Path(
    os.environ.get(
        "BATCHFRAME_LITELLM_PRICES",
        "/tmp/litellm_dl/litellm/model_prices_and_context_window_backup.json",
    )
)

TIERS = ("", "batch_", "flex_", "priority_")
CONTEXTS = ("", "long_context_")
KINDS = ("input", "output", "cached_input", "cache_write")
RATE_KEYS = {f"{t}{c}{k}_per_million" for t in TIERS for c in CONTEXTS for k in KINDS}
OTHER_KEYS = {
    "provider",
    "model",
    "effective_at",
    "prompt_cache_min_tokens",
    "long_context_threshold_tokens",
    "aliases",
}
ALLOWED_KEYS = RATE_KEYS | OTHER_KEYS
REQUIRED_KEYS = {"provider", "model", "effective_at", "input_per_million", "output_per_million"}

# Entries whose standard input/output rates are deliberately not LiteLLM's.
# LiteLLM carries only today's price of a model; these are older prices kept
# as price history (docs/semantics.md §2), each with its source. No entry carries a
# price newer than LiteLLM 1.110.2 has.
LITELLM_DEVIATIONS = {
    ("openai", "o3", "2025-04-16T00:00:00+00:00"): (
        "o3 launch price 10 / 40 (batch 5 / 20, cached 2.50) before OpenAI's 80% cut on "
        "2025-06-10; sources: genai-prices row for o3-2025-04-16 and 2025 write-ups of the "
        "cut. LiteLLM's o3 row is the post-cut 2 / 8."
    ),
}
# Non-newest entries whose other rates differ from LiteLLM's current row
# (standard input/output still equal LiteLLM's). Listed so that a change is
# deliberate; the newest entry of each model is compared key by key.
HISTORY_ONLY = {
    ("anthropic", "claude-sonnet-5-5", "2026-09-29T00:00:00+00:00"): (
        "cache read 0.20 before Anthropic's 2026-10-07 cut to 0.10 (release notes of "
        "kurofune/claudit v1.9.2 and TheKrush/PromptFuel v1.0.23)"
    ),
    (
        "google",
        "gemini-2.5-pro",
        "2025-07-07T00:00:00+00:00",
    ): "no context-cache rates before 2026-12-01",
    (
        "google",
        "gemini-2.5-flash",
        "2025-07-07T00:00:00+00:00",
    ): "no context-cache rates before 2026-12-01",
    (
        "google",
        "gemini-2.5-flash-lite",
        "2025-07-22T00:00:00+00:00",
    ): "no context-cache rates before 2026-12-01",
}


def _load_entries() -> list[dict]:
    with CATALOG_PATH.open("rb") as fh:
        data = tomllib.load(fh)
    assert set(data) == {"entry"}, f"top-level tables other than [[entry]]: {set(data) - {'entry'}}"
    return data["entry"]


ENTRIES = _load_entries()


def _instant(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        when = value
    else:
        assert isinstance(value, str), value
        assert re.fullmatch(
            r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", value
        ), f"not RFC 3339 with an offset: {value!r}"
        when = dt.datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    assert when.tzinfo is not None and when.utcoffset() is not None, f"no offset: {value!r}"
    return when


def _key(entry: dict) -> tuple[str, str, str]:
    return (
        entry["provider"],
        entry["model"],
        _instant(entry["effective_at"]).astimezone(dt.timezone.utc).isoformat(),
    )


def _history(provider: str, model: str) -> list[dict]:
    return sorted(
        (e for e in ENTRIES if e["provider"] == provider and e["model"] == model),
        key=lambda e: _instant(e["effective_at"]),
    )


def latest(provider: str, model: str) -> dict | None:
    hist = _history(provider, model)
    return hist[-1] if hist else None


_DATE_STAMP = re.compile(r"(?:-\d{8}|-\d{4}-\d{2}-\d{2}|@\d{8})$")


def resolve(provider: str, model: str) -> str | None:
    """docs/semantics.md §2 resolution: exact id, then aliases, then once without a
    trailing date stamp and/or a leading ``<provider>/``."""
    provider = provider.strip().lower()
    models = {e["model"] for e in ENTRIES if e["provider"] == provider}
    aliases = {
        a: e["model"] for e in ENTRIES if e["provider"] == provider for a in e.get("aliases", [])
    }

    def match(mid: str) -> str | None:
        if mid in models:
            return mid
        return aliases.get(mid)

    found = match(model)
    if found:
        return found
    stripped = model
    if stripped.lower().startswith(provider + "/"):
        stripped = stripped[len(provider) + 1 :]
    stripped = _DATE_STAMP.sub("", stripped)
    return match(stripped) if stripped != model else None


def D(value) -> Decimal:
    return Decimal(str(value))


def assert_rates(entry: dict, expected: dict[str, str]) -> None:
    for key, want in expected.items():
        assert key in entry, f"{entry['provider']}/{entry['model']}: missing {key}"
        assert D(entry[key]) == Decimal(want), (
            f"{entry['provider']}/{entry['model']} {key}: {entry[key]} != {want}"
        )


# --------------------------------------------------------------------------
# docs/semantics.md §2 facts


SPEC_FACTS = [
    (
        "openai",
        "gpt-5.5",
        {
            "input_per_million": "5.00",
            "output_per_million": "30.00",
            "batch_input_per_million": "2.50",
            "batch_output_per_million": "15.00",
            "cached_input_per_million": "0.50",
            "batch_cached_input_per_million": "0.25",
            "long_context_input_per_million": "10.00",
            "long_context_output_per_million": "45.00",
            "batch_long_context_input_per_million": "5.00",
            "batch_long_context_output_per_million": "22.50",
        },
    ),
    (
        "openai",
        "gpt-5.4",
        {
            "input_per_million": "2.50",
            "output_per_million": "15.00",
            "batch_input_per_million": "1.25",
            "batch_output_per_million": "7.50",
        },
    ),
    (
        "anthropic",
        "claude-opus-4-8",
        {
            "input_per_million": "5.00",
            "output_per_million": "25.00",
            "batch_input_per_million": "2.50",
            "batch_output_per_million": "12.50",
        },
    ),
    ("groq", "llama-3.1-8b-instant", {"input_per_million": "0.05", "output_per_million": "0.08"}),
    (
        "openai",
        "gpt-5",
        {
            "input_per_million": "1.25",
            "output_per_million": "10.00",
            "batch_input_per_million": "0.625",
            "batch_output_per_million": "5.00",
            "flex_input_per_million": "0.625",
            "flex_output_per_million": "5.00",
            "cached_input_per_million": "0.125",
            "batch_cached_input_per_million": "0.0625",
        },
    ),
    (
        "anthropic",
        "claude-sonnet-4-6",
        {
            "input_per_million": "3.00",
            "output_per_million": "15.00",
            "cached_input_per_million": "0.30",
            "cache_write_per_million": "3.75",
            "batch_input_per_million": "1.50",
            "batch_output_per_million": "7.50",
            "batch_cached_input_per_million": "0.15",
            "batch_cache_write_per_million": "1.875",
        },
    ),
    (
        "anthropic",
        "claude-sonnet-4-5",
        {
            "input_per_million": "3.00",
            "output_per_million": "15.00",
            "batch_input_per_million": "1.50",
            "batch_output_per_million": "7.50",
        },
    ),
    (
        "google",
        "gemini-2.5-pro",
        {
            "input_per_million": "1.25",
            "output_per_million": "10.00",
            "batch_input_per_million": "0.625",
            "batch_output_per_million": "5.00",
            "long_context_input_per_million": "2.50",
            "long_context_output_per_million": "15.00",
            "batch_long_context_input_per_million": "1.25",
            "batch_long_context_output_per_million": "7.50",
        },
    ),
]


@pytest.mark.parametrize(
    ("provider", "model", "rates"), SPEC_FACTS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_spec_fact_rates(provider, model, rates):
    hist = _history(provider, model)
    assert hist, f"{provider}/{model} is not in the embedded catalog"
    # The facts hold for the newest entry and for every entry of the model.
    for entry in hist:
        assert_rates(entry, rates)


def test_spec_fact_thresholds():
    for entry in _history("openai", "gpt-5.5"):
        assert entry["long_context_threshold_tokens"] == 272000
    for entry in _history("google", "gemini-2.5-pro"):
        assert entry["long_context_threshold_tokens"] == 200000


def test_groq_llama_8b_has_no_batch_tier():
    hist = _history("groq", "llama-3.1-8b-instant")
    assert hist
    for entry in hist:
        assert not any(k.startswith("batch_") for k in entry), entry


def test_claude_sonnet_4_5_dated_snapshot_resolves():
    assert resolve("anthropic", "claude-sonnet-4-5-20250929") == "claude-sonnet-4-5"
    assert "claude-sonnet-4-5-20250929" in latest("anthropic", "claude-sonnet-4-5").get(
        "aliases", []
    )
    assert resolve("anthropic", "claude-sonnet-4-5") == "claude-sonnet-4-5"
    assert resolve(" Anthropic ", "anthropic/claude-sonnet-4-5") == "claude-sonnet-4-5"


@pytest.mark.parametrize(
    ("provider", "model_id", "catalog_model"),
    [
        ("openai", "gpt-4o-2024-08-06", "gpt-4o"),
        ("openai", "gpt-5.5-2026-04-23", "gpt-5.5"),
        ("openai", "openai/gpt-5.5", "gpt-5.5"),
        ("anthropic", "claude-haiku-4-5-20251001", "claude-haiku-4-5"),
        ("anthropic", "claude-opus-4-7-20260416", "claude-opus-4-7"),
        ("google", "gemini-3.1-flash-lite-preview", "gemini-3.1-flash-lite"),
    ],
)
def test_dated_snapshots_resolve(provider, model_id, catalog_model):
    assert resolve(provider, model_id) == catalog_model


def test_gpt_4o_may_snapshot_is_its_own_entry():
    # gpt-4o-2024-05-13 is priced 5 / 15, not gpt-4o's 2.50 / 10: without its
    # own entry the date-stamp rule would resolve it to gpt-4o.
    assert resolve("openai", "gpt-4o-2024-05-13") == "gpt-4o-2024-05-13"
    assert "gpt-4o-2024-05-13" not in latest("openai", "gpt-4o").get("aliases", [])
    assert_rates(
        latest("openai", "gpt-4o-2024-05-13"),
        {"input_per_million": "5", "output_per_million": "15"},
    )


def test_price_history_is_kept():
    o3 = _history("openai", "o3")
    assert [D(e["input_per_million"]) for e in o3] == [Decimal("10"), Decimal("2")]
    assert [_instant(e["effective_at"]).date().isoformat() for e in o3] == [
        "2025-04-16",
        "2025-06-10",
    ]
    assert len(_history("mistral", "mistral-medium-latest")) == 2
    assert len(_history("mistral", "ministral-8b-latest")) == 2
    assert [
        D(e["cached_input_per_million"]) for e in _history("anthropic", "claude-sonnet-5-5")
    ] == [
        Decimal("0.2"),
        Decimal("0.1"),
    ]


def test_existing_non_llm_provider_rows_kept():
    pairs = {(e["provider"], e["model"]) for e in ENTRIES}
    for pair in [
        ("groq", "llama-3.1-8b-instant"),
        ("groq", "llama-3.3-70b-versatile"),
        ("groq", "openai/gpt-oss-120b"),
        ("mistral", "mistral-large-2512"),
        ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
        ("together", "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo"),
        ("together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"),
        ("openrouter", "openai/gpt-5.5"),
        ("openrouter", "anthropic/claude-opus-4.8"),
        ("openrouter", "anthropic/claude-sonnet-4.6"),
    ]:
        assert pair in pairs, pair


# --------------------------------------------------------------------------
# Consistency rules (what the parser enforces), for every entry


@pytest.mark.parametrize(
    "index",
    range(len(ENTRIES)),
    ids=lambda i: f"{ENTRIES[i]['provider']}/{ENTRIES[i]['model']}#{i}",
)
def test_entry_is_consistent(index):
    entry = ENTRIES[index]
    name = f"entry {index} ({entry.get('provider')}/{entry.get('model')})"
    assert set(entry) >= REQUIRED_KEYS, f"{name}: missing {REQUIRED_KEYS - set(entry)}"
    assert set(entry) <= ALLOWED_KEYS, f"{name}: unknown keys {set(entry) - ALLOWED_KEYS}"
    provider = entry["provider"]
    assert isinstance(provider, str) and provider == provider.strip().lower() and provider, name
    assert (
        isinstance(entry["model"], str)
        and entry["model"] == entry["model"].strip()
        and entry["model"]
    ), name
    _instant(entry["effective_at"])

    for key in RATE_KEYS & set(entry):
        value = entry[key]
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (
            f"{name}: {key}={value!r}"
        )
        assert value >= 0, f"{name}: {key} negative"

    for tier in TIERS:
        for ctx in CONTEXTS:
            prefix = f"{tier}{ctx}"
            has_in = f"{prefix}input_per_million" in entry
            has_out = f"{prefix}output_per_million" in entry
            assert has_in == has_out, f"{name}: {prefix or 'standard '}input/output pair incomplete"
            for kind in ("cached_input", "cache_write"):
                if f"{prefix}{kind}_per_million" in entry:
                    assert has_in and has_out, (
                        f"{name}: {prefix}{kind} without its tier/context pair"
                    )
            if ctx and has_in:
                # a long-context tier only where the same tier exists for short prompts
                assert f"{tier}input_per_million" in entry, (
                    f"{name}: {prefix} without {tier or 'standard'} rates"
                )

    has_long = any("long_context_" in k for k in RATE_KEYS & set(entry))
    if has_long:
        assert "long_context_threshold_tokens" in entry, (
            f"{name}: long-context rates without a threshold"
        )
    if "long_context_threshold_tokens" in entry:
        thr = entry["long_context_threshold_tokens"]
        assert isinstance(thr, int) and not isinstance(thr, bool) and thr > 0, (
            f"{name}: threshold {thr!r}"
        )
        assert has_long, f"{name}: threshold without long-context rates"
    if "prompt_cache_min_tokens" in entry:
        pcm = entry["prompt_cache_min_tokens"]
        assert isinstance(pcm, int) and not isinstance(pcm, bool) and pcm >= 0, f"{name}: {pcm!r}"
    if "aliases" in entry:
        aliases = entry["aliases"]
        assert isinstance(aliases, list) and all(isinstance(a, str) and a for a in aliases), name
        assert len(set(aliases)) == len(aliases), f"{name}: repeated alias"
        assert entry["model"] not in aliases, f"{name}: alias equal to its own id"


def test_no_duplicate_provider_model_instant():
    seen: dict[tuple, int] = {}
    for i, entry in enumerate(ENTRIES):
        key = _key(entry)
        assert key not in seen, f"entries {seen[key]} and {i} share {key}"
        seen[key] = i


def test_aliases_unique_per_provider_and_not_a_model_id():
    owner: dict[tuple[str, str], str] = {}
    models = {(e["provider"], e["model"]) for e in ENTRIES}
    for entry in ENTRIES:
        for alias in entry.get("aliases", []):
            key = (entry["provider"], alias)
            assert key not in models, f"alias {alias!r} of {entry['model']} is another model's id"
            prev = owner.setdefault(key, entry["model"])
            assert prev == entry["model"], f"alias {alias!r} claimed by {prev} and {entry['model']}"


def test_batch_never_dearer_than_standard():
    for entry in ENTRIES:
        for ctx in CONTEXTS:
            for kind in KINDS:
                std, bat = f"{ctx}{kind}_per_million", f"batch_{ctx}{kind}_per_million"
                if std in entry and bat in entry:
                    assert entry[bat] <= entry[std], (entry["provider"], entry["model"], bat)


# --------------------------------------------------------------------------
# Cross-check against LiteLLM's price file


_LL_RATE = re.compile(
    r"^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)"
    r"(?:_above_(\d+)k_tokens)?(_batches|_flex|_priority)?$"
)
_LL_KIND = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cached_input",
    "cache_creation_input_token_cost": "cache_write",
}
_LL_TIER = {None: "", "_batches": "batch_", "_flex": "flex_", "_priority": "priority_"}
LLM_PROVIDERS = {"openai", "anthropic", "google"}


def litellm_key(provider: str, model: str) -> str:
    return f"gemini/{model}" if provider == "google" else model


def litellm_rates(row: dict) -> tuple[dict[str, Decimal], int | None]:
    """LiteLLM row -> catalog rate keys (x1e6, exact), dropping cache rates of
    a tier/context without its input/output pair (unmappable)."""
    rates: dict[str, Decimal] = {}
    threshold = None
    for key, value in row.items():
        m = _LL_RATE.match(key)
        if not m or value is None:
            continue
        ctx = "long_context_" if m.group(2) else ""
        if m.group(2):
            threshold = int(m.group(2)) * 1000
        rates[f"{_LL_TIER[m.group(3)]}{ctx}{_LL_KIND[m.group(1)]}_per_million"] = (
            D(value) * 1_000_000
        ).normalize()
    pairs = {
        k[: -len("input_per_million")]
        for k in rates
        if k.endswith("input_per_million")
        and not k.endswith("cached_input_per_million")
        and k[: -len("input_per_million")] + "output_per_million" in rates
    }
    rates = {
        k: v
        for k, v in rates.items()
        if any(k == f"{p}{kind}_per_million" for p in pairs for kind in KINDS)
    }
    if not any("long_context_" in k for k in rates):
        threshold = None
    return rates, threshold


@pytest.fixture(scope="module")
def litellm():
    if not LITELLM_PATH.is_file():
        pytest.skip(
            f"LiteLLM price file not present at {LITELLM_PATH} (unpack litellm 1.110.2's wheel there, "
            "or set BATCHFRAME_LITELLM_PRICES)"
        )
    with LITELLM_PATH.open() as fh:
        return json.load(fh)


def _llm_entries():
    return [e for e in ENTRIES if e["provider"] in LLM_PROVIDERS]


@pytest.mark.parametrize(
    "entry", _llm_entries(), ids=lambda e: f"{e['provider']}/{e['model']}@{e['effective_at']}"
)
def test_standard_rates_equal_litellm(litellm, entry):
    key = _key(entry)
    row = litellm.get(litellm_key(entry["provider"], entry["model"]))
    assert row is not None, f"no LiteLLM row {litellm_key(entry['provider'], entry['model'])!r}"
    want, _ = litellm_rates(row)
    got = {k: D(entry[k]) for k in ("input_per_million", "output_per_million")}
    same = all(got[k] == want.get(k) for k in got)
    if key in LITELLM_DEVIATIONS:
        assert not same, (
            f"{key} is listed as a deviation but equals LiteLLM: drop it from LITELLM_DEVIATIONS"
        )
    else:
        assert same, f"{key}: {got} != LiteLLM { ({k: want.get(k) for k in got}) }"


@pytest.mark.parametrize(
    "pair",
    sorted({(e["provider"], e["model"]) for e in _llm_entries()}),
    ids=lambda p: f"{p[0]}/{p[1]}",
)
def test_newest_entry_carries_litellm_rates(litellm, pair):
    entry = latest(*pair)
    want, threshold = litellm_rates(litellm[litellm_key(*pair)])
    got = {k: D(v).normalize() for k, v in entry.items() if k in RATE_KEYS}
    assert got == want, (
        f"{pair}: only in catalog { ({k: got[k] for k in got.keys() - want.keys()}) }, "
        f"only in LiteLLM { ({k: want[k] for k in want.keys() - got.keys()}) }, "
        f"different { ({k: (got[k], want[k]) for k in got.keys() & want.keys() if got[k] != want[k]}) }"
    )
    assert entry.get("long_context_threshold_tokens") == threshold, pair
    ll_min = litellm[litellm_key(*pair)].get("prompt_cache_min_tokens")
    if ll_min is not None:
        assert entry.get("prompt_cache_min_tokens") == int(ll_min), pair


def test_older_entries_are_listed(litellm):
    """Every non-newest OpenAI/Anthropic/Google entry differs from LiteLLM's
    current row only as listed in LITELLM_DEVIATIONS / HISTORY_ONLY."""
    for provider, model in {(e["provider"], e["model"]) for e in _llm_entries()}:
        hist = _history(provider, model)
        for entry in hist[:-1]:
            key = _key(entry)
            want, _ = litellm_rates(litellm[litellm_key(provider, model)])
            got = {k: D(v).normalize() for k, v in entry.items() if k in RATE_KEYS}
            if got != want:
                assert key in LITELLM_DEVIATIONS or key in HISTORY_ONLY, (
                    f"unlisted difference from LiteLLM: {key}"
                )


def test_aliases_priced_like_litellm_dated_rows(litellm):
    """Where LiteLLM has a row for an alias (a dated snapshot), its standard
    rates equal the aliased model's: an alias must not hide a different price."""
    for provider, model in {(e["provider"], e["model"]) for e in _llm_entries()}:
        entry = latest(provider, model)
        for alias in entry.get("aliases", []):
            row = litellm.get(litellm_key(provider, alias))
            if row is None:
                continue
            want, _ = litellm_rates(row)
            for k in ("input_per_million", "output_per_million"):
                assert D(entry[k]) == want[k], (provider, model, alias, k)


def test_litellm_dated_ids_resolve_to_the_same_price(litellm):
    """A dated id LiteLLM prices (``gpt-4o-2024-05-13``) must not resolve, by
    the date-stamp rule, to a catalog model with a different price."""
    to_catalog = {"openai": "openai", "anthropic": "anthropic", "gemini": "google"}
    for key, row in litellm.items():
        provider = to_catalog.get(row.get("litellm_provider"))
        if provider is None or row.get("mode") not in ("chat", "responses"):
            continue
        model_id = key[len("gemini/") :] if key.startswith("gemini/") else key
        if "/" in model_id or not _DATE_STAMP.search(model_id):
            continue
        found = resolve(provider, model_id)
        if found is None:
            continue
        want, _ = litellm_rates(row)
        entry = latest(provider, found)
        for k in ("input_per_million", "output_per_million"):
            assert D(entry[k]) == want.get(k), (provider, model_id, found, k)


def test_the_spec_facts_through_batchframes_own_parser() -> None:
    """The same SPEC §2 facts as batchframe itself reads them (bf.catalog())."""
    import batchframe as bf

    cat = bf.catalog()
    g55 = cat.latest("openai", "gpt-5.5")
    assert g55 is not None
    assert (g55.cached_input_per_million, g55.batch_cached_input_per_million) == (0.5, 0.25)
    assert g55.long_context_threshold_tokens == 272000
    assert (g55.long_context_input_per_million, g55.long_context_output_per_million) == (10.0, 45.0)
    assert (
        g55.batch_long_context_input_per_million,
        g55.batch_long_context_output_per_million,
    ) == (
        5.0,
        22.5,
    )
    g5 = cat.latest("openai", "gpt-5")
    assert g5 is not None
    assert (g5.flex_input_per_million, g5.flex_output_per_million) == (0.625, 5.0)
    assert (g5.cached_input_per_million, g5.batch_cached_input_per_million) == (0.125, 0.0625)
    s46 = cat.latest("anthropic", "claude-sonnet-4-6")
    assert s46 is not None
    assert (s46.cache_write_per_million, s46.batch_cache_write_per_million) == (3.75, 1.875)
    assert (s46.batch_cached_input_per_million, s46.batch_input_per_million) == (0.15, 1.5)
    gp = cat.latest("google", "gemini-2.5-pro")
    assert gp is not None and gp.long_context_threshold_tokens == 200000
    assert (gp.batch_long_context_input_per_million, gp.batch_long_context_output_per_million) == (
        1.25,
        7.5,
    )
    assert cat.resolve("anthropic", "claude-sonnet-4-5-20250929") == "claude-sonnet-4-5"
    groq = cat.latest("groq", "llama-3.1-8b-instant")
    assert groq is not None and not groq.has_batch_tier
