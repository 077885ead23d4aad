"""Log-export presets (batchframe._presets) on the fixture exports in tests/data/logs.

Expected numbers are written out by hand from the fixture rows (they agree with the tables in
the research notes, section 6); they are not produced by the code under test.
"""

from __future__ import annotations

import inspect
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import batchframe._presets as presets_module
from batchframe._errors import AggregateError
from batchframe._presets import (
    PRESET_SOURCES,
    PRESETS,
    helicone_preset,
    infer_provider,
    provider_alias,
    strip_provider_prefix,
)

LOGS = Path(__file__).parent / "data" / "logs"
UTC = timezone.utc

Totals = dict[tuple[Any, ...], tuple[int, int, float, int]]


def _apply(name: str, lf: pl.LazyFrame) -> pl.DataFrame:
    return PRESETS[name](lf, lf.collect_schema()).collect()


def _by_model(df: pl.DataFrame) -> Totals:
    """(provider, model) -> (input, output, cost, rows)."""
    out = df.group_by("provider", "model").agg(
        pl.col("input_tokens").sum(),
        pl.col("output_tokens").sum(),
        pl.col("cost_usd").sum(),
        pl.len(),
    )
    return {
        (r["provider"], r["model"]): (
            r["input_tokens"],
            r["output_tokens"],
            round(r["cost_usd"], 6),
            r["len"],
        )
        for r in out.iter_rows(named=True)
    }


def _by_tag(df: pl.DataFrame) -> Totals:
    """(provider, model, tag) -> (input, output, cost, rows), each tag of a request counted."""
    out = (
        df.explode("tags", empty_as_null=True)
        .group_by("provider", "model", "tags")
        .agg(
            pl.col("input_tokens").sum(),
            pl.col("output_tokens").sum(),
            pl.col("cost_usd").sum(),
            pl.len(),
        )
    )
    return {
        (r["provider"], r["model"], r["tags"]): (
            r["input_tokens"],
            r["output_tokens"],
            round(r["cost_usd"], 6),
            r["len"],
        )
        for r in out.iter_rows(named=True)
    }


def _row(df: pl.DataFrame, i: int) -> dict[str, Any]:
    return df.row(i, named=True)


# ---------------------------------------------------------------------------------------------
# Registry


def test_preset_names_and_sources() -> None:
    names = {"litellm-spendlogs", "litellm-daily-tag-spend", "langfuse-observations", "helicone"}
    assert set(PRESETS) == names
    assert set(PRESET_SOURCES) == names
    assert "schema.prisma" in PRESET_SOURCES["litellm-spendlogs"]
    assert "LiteLLM_DailyTagSpend" in PRESET_SOURCES["litellm-daily-tag-spend"]
    assert "blob-storage-export-fields" in PRESET_SOURCES["langfuse-observations"]
    assert "examples/export/typescript/README.md" in PRESET_SOURCES["helicone"]
    for preset in PRESETS.values():
        doc = preset.__doc__ or ""
        assert "Source of the column names" in doc
    assert "schema.prisma" in (presets_module.__doc__ or "")


def test_no_per_row_python() -> None:
    source = inspect.getsource(presets_module)
    for banned in ("map_elements", "map_batches", ".apply(", "iter_rows"):
        assert banned not in source


# ---------------------------------------------------------------------------------------------
# Expression helpers

INFER_CASES = [
    ("gpt-5.5", "openai"),
    ("GPT-4o-mini", "openai"),
    ("chatgpt-4o-latest", "openai"),
    ("o1", "openai"),
    ("o3-mini", "openai"),
    ("o4-mini", "openai"),
    ("text-embedding-3-small", "openai"),
    ("ft:gpt-4.1-mini:acme::abc123", "openai"),
    ("gpt-oss-120b", None),
    ("openai/gpt-oss-120b", None),
    ("openai/gpt-5.5", None),
    ("claude-opus-4-8", "anthropic"),
    ("Claude-Sonnet-4-6", "anthropic"),
    ("claude-opus-4@20250514", None),
    ("anthropic.claude-3-5-sonnet-20240620-v1:0", None),
    ("anthropic/claude-opus-4.8", None),
    ("gemini-2.5-flash", "google"),
    ("models/gemini-2.5-pro", "google"),
    ("gemma-3-27b-it", None),
    ("mistral-large-2512", "mistral"),
    ("ministral-8b-latest", "mistral"),
    ("codestral-latest", "mistral"),
    ("magistral-medium-2509", "mistral"),
    ("devstral-small-2507", "mistral"),
    ("mixtral-8x7b-32768", None),
    ("llama-3.1-8b-instant", "groq"),
    ("LLAMA-3.3-70B-VERSATILE", "groq"),
    ("llama-3.1-8b", None),
    ("meta-llama/Llama-3.3-70B-Instruct-Turbo", None),
    ("grok-4", None),
    ("deepseek-chat", None),
    ("", None),
    (None, None),
]


def test_infer_provider_table() -> None:
    models = [m for m, _ in INFER_CASES]
    df = pl.DataFrame({"model": models}, schema={"model": pl.String})
    got = df.select(infer_provider(pl.col("model")).alias("p"))["p"].to_list()
    assert dict(zip(models, got, strict=True)) == dict(INFER_CASES)


def test_provider_alias_table() -> None:
    cases = {
        "openai": "openai",
        "gemini": "google",
        "vertex_ai": "google",
        "vertex_ai-language-models": "google",
        "together_ai": "together",
        "groq": "groq",
        "Anthropic": "anthropic",
        "azure": "azure",
        "bedrock": "bedrock",
        "OPENAI": "openai",
        "GOOGLE": "google",
        "google-ai-studio": "google",
        "TOGETHER": "together",
        "GROQ": "groq",
        "MISTRAL": "mistral",
        "OPENROUTER": "openrouter",
        " ": None,
        "": None,
    }
    df = pl.DataFrame({"p": [*cases, None]}, schema={"p": pl.String})
    got = df.select(provider_alias(pl.col("p")).alias("p"))["p"].to_list()
    assert got == [*cases.values(), None]


def test_strip_provider_prefix_table() -> None:
    rows = [
        ("gemini/gemini-2.5-flash", "gemini", "gemini-2.5-flash"),
        ("gemini/gemini-2.5-flash", "google", "gemini-2.5-flash"),
        ("openai/gpt-5.5", "openai", "gpt-5.5"),
        ("anthropic/claude-opus-4-8", "anthropic", "claude-opus-4-8"),
        ("groq/llama-3.1-8b-instant", "groq", "llama-3.1-8b-instant"),
        ("groq/openai/gpt-oss-120b", "groq", "openai/gpt-oss-120b"),
        ("openai/gpt-oss-120b", "groq", "openai/gpt-oss-120b"),
        ("anthropic/claude-opus-4.8", "openrouter", "anthropic/claude-opus-4.8"),
        (
            "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo",
            "together",
            "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        ),
        (
            "meta-llama/Llama-3.3-70B-Instruct-Turbo",
            "together_ai",
            "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        ),
        ("openai/gpt-5.5", None, "openai/gpt-5.5"),
        ("openai/gpt-5.5", "", "openai/gpt-5.5"),
        ("gpt-5.5", "openai", "gpt-5.5"),
        (None, "openai", None),
    ]
    df = pl.DataFrame(
        {"m": [r[0] for r in rows], "p": [r[1] for r in rows]},
        schema={"m": pl.String, "p": pl.String},
    )
    got = df.select(strip_provider_prefix(pl.col("m"), pl.col("p")).alias("m"))["m"].to_list()
    assert got == [r[2] for r in rows]


# ---------------------------------------------------------------------------------------------
# LiteLLM spend logs

LITELLM_CSV_BY_MODEL: Totals = {
    ("anthropic", "claude-opus-4-8"): (300_000, 60_000, 3.0, 3),
    ("google", "gemini-2.5-flash"): (3_000_000, 300_000, 1.65, 3),
    ("groq", "llama-3.1-8b-instant"): (2_000_000, 1_000_000, 0.18, 2),
    ("openai", "gpt-5.5"): (400_000, 40_000, 3.2, 4),
}
LITELLM_CSV_BY_TAG: Totals = {
    ("anthropic", "claude-opus-4-8", None): (100_000, 20_000, 1.0, 1),
    ("anthropic", "claude-opus-4-8", "Nightly"): (100_000, 20_000, 1.0, 1),
    ("anthropic", "claude-opus-4-8", "background"): (100_000, 20_000, 1.0, 1),
    ("anthropic", "claude-opus-4-8", "bulk"): (100_000, 20_000, 1.0, 1),
    ("google", "gemini-2.5-flash", "Nightly"): (1_000_000, 100_000, 0.55, 1),
    ("google", "gemini-2.5-flash", "nightly"): (1_000_000, 100_000, 0.55, 1),
    ("google", "gemini-2.5-flash", "team-a"): (1_000_000, 100_000, 0.55, 1),
    ("groq", "llama-3.1-8b-instant", None): (1_000_000, 500_000, 0.09, 1),
    ("groq", "llama-3.1-8b-instant", "background"): (1_000_000, 500_000, 0.09, 1),
    ("groq", "llama-3.1-8b-instant", "team-b"): (1_000_000, 500_000, 0.09, 1),
    ("openai", "gpt-5.5", None): (100_000, 10_000, 0.8, 1),
    ("openai", "gpt-5.5", "interactive"): (100_000, 10_000, 0.8, 1),
    ("openai", "gpt-5.5", "nightly"): (200_000, 20_000, 1.6, 2),
    ("openai", "gpt-5.5", "team-a"): (200_000, 20_000, 1.6, 2),
}


@pytest.mark.parametrize("all_text", [True, False], ids=["all-text", "inferred-types"])
def test_litellm_spendlogs_csv(all_text: bool) -> None:
    path = LOGS / "litellm_spendlogs.csv"
    lf = pl.scan_csv(path, infer_schema_length=0) if all_text else pl.scan_csv(path)
    df = _apply("litellm-spendlogs", lf)

    assert df.columns == [
        "provider",
        "model",
        "tags",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "cached_input_tokens",
        "cache_write_tokens",
        "timestamp",
        "service_tier",  # issue 14: the tier each request ran on, for the engine
        "already_batched",
        "cache_hit",  # issue 14: LiteLLM's own response-cache hits
    ]
    assert df.schema["tags"] == pl.List(pl.String)
    assert df.schema["timestamp"] == pl.Datetime("us", "UTC")
    assert df.height == 12

    # sl02: model "openai/gpt-5.5", provider openai -> prefix stripped.
    assert _row(df, 1) == {
        "provider": "openai",
        "model": "gpt-5.5",
        "tags": ["nightly", "team-a"],
        "input_tokens": 100_000,
        "output_tokens": 10_000,
        "cost_usd": 0.8,
        "cached_input_tokens": 0,
        "cache_write_tokens": 0,
        "timestamp": datetime(2026, 10, 14, 2, 0, tzinfo=UTC),
        "service_tier": None,  # no tier recorded
        "already_batched": False,
        "cache_hit": False,  # cache_hit "False"
    }
    # sl03: request_tags "[]".
    assert _row(df, 2)["tags"] == []
    # sl07: "gemini/gemini-2.5-flash", custom_llm_provider gemini -> google; model_group "flash"
    # is ignored.
    sl07 = _row(df, 6)
    assert (sl07["provider"], sl07["model"], sl07["tags"]) == (
        "google",
        "gemini-2.5-flash",
        ["nightly"],
    )
    assert sl07["timestamp"] == datetime(2026, 9, 21, 1, 0, tzinfo=UTC)
    assert (sl07["input_tokens"], sl07["output_tokens"], sl07["cost_usd"]) == (
        1_000_000,
        100_000,
        0.55,
    )
    # sl04: two tags in export order, case kept.
    assert _row(df, 3)["tags"] == ["bulk", "Nightly"]
    assert not df["already_batched"].any()

    assert _by_model(df) == LITELLM_CSV_BY_MODEL
    assert _by_tag(df) == LITELLM_CSV_BY_TAG
    assert df["cost_usd"].sum() == pytest.approx(8.03)
    # Per first tag (each request once): nightly sl01+sl02+sl07, bulk sl04, background
    # sl05+sl09, team-a sl08, interactive sl11, Nightly sl12, untagged sl03+sl06+sl10.
    first = (
        df.group_by(pl.col("tags").list.first().alias("tag"))
        .agg(pl.col("cost_usd").sum())
        .sort("tag", nulls_last=True)
    )
    assert first["tag"].to_list() == [
        "Nightly",
        "background",
        "bulk",
        "interactive",
        "nightly",
        "team-a",
        None,
    ]
    assert first["cost_usd"].to_list() == pytest.approx([0.55, 1.09, 1.0, 0.8, 2.15, 0.55, 1.89])


def test_litellm_spendlogs_ndjson_native_lists() -> None:
    lf = pl.scan_ndjson(LOGS / "litellm_spendlogs.ndjson")
    assert lf.collect_schema()["request_tags"] == pl.List(pl.String)
    df = _apply("litellm-spendlogs", lf)
    assert df.height == 4
    assert df["tags"].to_list() == [["nightly"], ["bulk", "Nightly"], [], ["background"]]
    assert df["model"].to_list() == [
        "gpt-5.5",
        "claude-opus-4-8",
        "gemini-2.5-flash",
        "llama-3.1-8b-instant",
    ]
    assert df["provider"].to_list() == ["openai", "anthropic", "google", "groq"]
    assert df["timestamp"].to_list() == [
        datetime(2026, 9, 14, 2, 0, tzinfo=UTC),
        datetime(2026, 9, 20, 3, 15, tzinfo=UTC),
        datetime(2026, 10, 21, 16, 20, tzinfo=UTC),
        datetime(2026, 10, 30, 11, 0, tzinfo=UTC),
    ]
    assert _by_model(df) == {
        ("anthropic", "claude-opus-4-8"): (100_000, 20_000, 1.0, 1),
        ("google", "gemini-2.5-flash"): (1_000_000, 100_000, 0.55, 1),
        ("groq", "llama-3.1-8b-instant"): (1_000_000, 500_000, 0.09, 1),
        ("openai", "gpt-5.5"): (100_000, 10_000, 0.8, 1),
    }
    assert _by_tag(df) == {
        ("anthropic", "claude-opus-4-8", "Nightly"): (100_000, 20_000, 1.0, 1),
        ("anthropic", "claude-opus-4-8", "bulk"): (100_000, 20_000, 1.0, 1),
        ("google", "gemini-2.5-flash", None): (1_000_000, 100_000, 0.55, 1),
        ("groq", "llama-3.1-8b-instant", "background"): (1_000_000, 500_000, 0.09, 1),
        ("openai", "gpt-5.5", "nightly"): (100_000, 10_000, 0.8, 1),
    }
    assert df["cost_usd"].sum() == pytest.approx(2.44)


def _litellm_frame(**overrides: list[Any]) -> pl.LazyFrame:
    n = len(next(iter(overrides.values()))) if overrides else 1
    base: dict[str, list[Any]] = {
        "model": ["gpt-5.5"] * n,
        "custom_llm_provider": ["openai"] * n,
        "request_tags": ["[]"] * n,
        "prompt_tokens": [1] * n,
        "completion_tokens": [1] * n,
        "spend": [0.0] * n,
    }
    base.update(overrides)
    return pl.LazyFrame(base)


def test_litellm_edge_values() -> None:
    lf = _litellm_frame(
        model=[
            "claude-opus-4-8",
            "openai/gpt-oss-120b",
            "openai/gpt-5.5",
            "vertex_ai/gemini-2.5-pro",
        ],
        custom_llm_provider=["", "groq", None, "vertex_ai"],
        request_tags=['["a", "", null, "b"]', None, "", "null"],
        prompt_tokens=["100", "", None, "7"],
        startTime=[
            "2026-09-14 02:00:00.123",
            "2026-09-14T04:00:00+02:00",
            "2026-09-14T02:00:00Z",
            "",
        ],
    )
    df = _apply("litellm-spendlogs", lf)
    # Empty provider -> inferred from the model; a prefixed model without provider keeps its prefix.
    assert df["provider"].to_list() == ["anthropic", "groq", None, "google"]
    assert df["model"].to_list() == [
        "claude-opus-4-8",
        "openai/gpt-oss-120b",
        "openai/gpt-5.5",
        "gemini-2.5-pro",
    ]
    assert df["tags"].to_list() == [["a", "b"], [], [], []]
    assert df["input_tokens"].to_list() == [100, 0, 0, 7]
    assert df["timestamp"].to_list() == [
        datetime(2026, 9, 14, 2, 0, 0, 123_000, tzinfo=UTC),
        datetime(2026, 9, 14, 2, 0, tzinfo=UTC),
        datetime(2026, 9, 14, 2, 0, tzinfo=UTC),
        None,
    ]


def test_litellm_datetime_columns_are_utc() -> None:
    naive = _litellm_frame(startTime=[datetime(2026, 9, 14, 2, 0)])
    df = _apply(
        "litellm-spendlogs", naive.with_columns(pl.col("startTime").cast(pl.Datetime("ms")))
    )
    assert df.schema["timestamp"] == pl.Datetime("us", "UTC")
    assert df["timestamp"].to_list() == [datetime(2026, 9, 14, 2, 0, tzinfo=UTC)]
    aware = naive.with_columns(
        pl.col("startTime").dt.replace_time_zone("UTC").dt.convert_time_zone("Europe/Paris")
    )
    df = _apply("litellm-spendlogs", aware)
    assert df.schema["timestamp"] == pl.Datetime("us", "UTC")
    assert df["timestamp"].to_list() == [datetime(2026, 9, 14, 2, 0, tzinfo=UTC)]


def test_litellm_already_batched_best_effort() -> None:
    metadata = [
        json.dumps({"usage_object": {"service_tier": "batch"}}),
        json.dumps({"additional_usage_values": {"service_tier": "Flex"}}),
        json.dumps({"usage_object": {"service_tier": "standard"}}),
        "{}",
        "{}",
    ]
    call_type = ["acompletion", "acompletion", "acompletion", "acompletion", "aretrieve_batch"]
    lf = _litellm_frame(metadata=metadata, call_type=call_type)
    assert _apply("litellm-spendlogs", lf)["already_batched"].to_list() == [
        True,
        True,
        False,
        False,
        True,
    ]
    # metadata as a native object (the /spend/logs API, NDJSON).
    native = pl.LazyFrame(
        {
            "model": ["gpt-5.5", "gpt-5.5"],
            "request_tags": [["x"], []],
            "prompt_tokens": [1, 1],
            "completion_tokens": [1, 1],
            "spend": [0.1, 0.1],
            "metadata": [{"usage_object": {"service_tier": "flex"}}, {"usage_object": None}],
        }
    )
    df = _apply("litellm-spendlogs", native)
    assert df["already_batched"].to_list() == [True, False]
    assert df["provider"].to_list() == ["openai", "openai"]
    # No tier source at all -> the column is left out (the caller defaults it).
    plain = _litellm_frame()
    assert "already_batched" not in _apply("litellm-spendlogs", plain).columns


# ---------------------------------------------------------------------------------------------
# LiteLLM daily tag spend


def test_litellm_daily_tag_spend() -> None:
    lf = pl.scan_csv(LOGS / "litellm_daily_tag_spend.csv", infer_schema_length=0)
    df = _apply("litellm-daily-tag-spend", lf)
    assert df.columns == [
        "provider",
        "model",
        "tags",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "request_count",
        "cached_input_tokens",
        "cache_write_tokens",
        "timestamp",
        "already_batched",  # issue 14: a blank-model row is a batch-job booking
    ]
    assert df.height == 8
    assert not df["already_batched"].any()  # every row of this file names its model
    assert _row(df, 4) == {
        "provider": "google",
        "model": "gemini-2.5-flash",
        "tags": ["background"],
        "input_tokens": 10_000_000,
        "output_tokens": 1_000_000,
        "cost_usd": 5.5,
        "cached_input_tokens": 0,
        "cache_write_tokens": 0,
        "request_count": 10,
        "timestamp": datetime(2026, 10, 2, 0, 0, tzinfo=UTC),
        "already_batched": False,
    }
    assert _row(df, 0)["timestamp"] == datetime(2026, 10, 1, tzinfo=UTC)
    assert df["tags"].to_list() == [
        ["nightly"],
        ["Nightly"],
        ["background"],
        ["team-a"],
        ["background"],
        ["nightly"],
        ["bulk"],
        ["interactive"],
    ]
    counts = df.group_by("provider", "model").agg(
        pl.col("input_tokens").sum(),
        pl.col("output_tokens").sum(),
        pl.col("cost_usd").sum(),
        pl.col("request_count").sum(),
    )
    assert {
        (r["provider"], r["model"]): (
            r["input_tokens"],
            r["output_tokens"],
            round(r["cost_usd"], 6),
            r["request_count"],
        )
        for r in counts.iter_rows(named=True)
    } == {
        ("anthropic", "claude-opus-4-8"): (3_000_000, 600_000, 30.0, 30),
        ("google", "gemini-2.5-flash"): (10_000_000, 1_000_000, 5.5, 10),
        ("groq", "llama-3.1-8b-instant"): (10_000_000, 5_000_000, 0.9, 10),
        ("openai", "gpt-5.5"): (2_700_000, 270_000, 21.6, 27),
    }
    per_tag = df.group_by(pl.col("tags").list.first().alias("tag")).agg(
        pl.col("cost_usd").sum(), pl.col("request_count").sum()
    )
    assert {
        r["tag"]: (round(r["cost_usd"], 6), r["request_count"])
        for r in per_tag.iter_rows(named=True)
    } == {
        "nightly": (12.0, 15),
        "Nightly": (10.0, 10),
        "background": (6.4, 20),
        "bulk": (20.0, 20),
        "team-a": (8.0, 10),
        "interactive": (1.6, 2),
    }
    assert df["cost_usd"].sum() == pytest.approx(58.0)


def test_litellm_daily_null_tag_and_prefixed_model() -> None:
    lf = pl.LazyFrame(
        {
            "tag": [None, "  ", "nightly"],
            "date": ["2026-10-01", "2026-10-02", None],
            "model": ["groq/llama-3.3-70b-versatile", "gpt-5.5", "gemini/gemini-2.5-flash"],
            "custom_llm_provider": ["groq", "openai", "gemini"],
            "prompt_tokens": [1, 2, 3],
            "completion_tokens": [1, 2, 3],
            "spend": [0.1, 0.2, 0.3],
            "api_requests": [1, 2, 3],
        }
    )
    df = _apply("litellm-daily-tag-spend", lf)
    assert df["tags"].to_list() == [[], [], ["nightly"]]
    assert df["model"].to_list() == ["llama-3.3-70b-versatile", "gpt-5.5", "gemini-2.5-flash"]
    assert df["provider"].to_list() == ["groq", "openai", "google"]
    assert df["timestamp"].to_list() == [
        datetime(2026, 10, 1, tzinfo=UTC),
        datetime(2026, 10, 2, tzinfo=UTC),
        None,
    ]


# ---------------------------------------------------------------------------------------------
# Langfuse


def test_langfuse_observations() -> None:
    lf = pl.scan_ndjson(LOGS / "langfuse_observations.ndjson")
    df = _apply("langfuse-observations", lf)
    assert df.columns == [
        "provider",
        "model",
        "tags",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "cached_input_tokens",
        "cache_write_tokens",
        "timestamp",
    ]
    assert df.height == 7  # obs-08 (SPAN) dropped
    assert _row(df, 0) == {
        "provider": "openai",
        "model": "gpt-5.5",
        "tags": ["nightly"],
        "input_tokens": 100_000,
        "output_tokens": 10_000,
        "cost_usd": 0.8,
        "cached_input_tokens": 0,
        "cache_write_tokens": 0,
        "timestamp": datetime(2026, 9, 14, 2, 0, tzinfo=UTC),
    }
    obs06 = _row(df, 5)
    assert (obs06["provider"], obs06["model"], obs06["tags"]) == (
        "groq",
        "llama-3.1-8b-instant",
        ["background"],
    )
    assert (obs06["input_tokens"], obs06["output_tokens"], obs06["cost_usd"]) == (
        1_000_000,
        500_000,
        0.09,
    )
    assert _row(df, 1)["tags"] == []
    assert _by_model(df) == {
        ("anthropic", "claude-opus-4-8"): (200_000, 40_000, 2.0, 2),
        ("google", "gemini-2.5-flash"): (1_000_000, 100_000, 0.55, 1),
        ("groq", "llama-3.1-8b-instant"): (1_000_000, 500_000, 0.09, 1),
        ("openai", "gpt-5.5"): (300_000, 30_000, 2.4, 3),
    }
    assert _by_tag(df) == {
        ("anthropic", "claude-opus-4-8", "Nightly"): (100_000, 20_000, 1.0, 1),
        ("anthropic", "claude-opus-4-8", "background"): (100_000, 20_000, 1.0, 1),
        ("anthropic", "claude-opus-4-8", "bulk"): (100_000, 20_000, 1.0, 1),
        ("google", "gemini-2.5-flash", "nightly"): (1_000_000, 100_000, 0.55, 1),
        ("google", "gemini-2.5-flash", "team-a"): (1_000_000, 100_000, 0.55, 1),
        ("groq", "llama-3.1-8b-instant", "background"): (1_000_000, 500_000, 0.09, 1),
        ("openai", "gpt-5.5", None): (100_000, 10_000, 0.8, 1),
        ("openai", "gpt-5.5", "interactive"): (100_000, 10_000, 0.8, 1),
        ("openai", "gpt-5.5", "nightly"): (100_000, 10_000, 0.8, 1),
    }
    assert df["cost_usd"].sum() == pytest.approx(5.04)


def test_langfuse_usage_keys_starting_with_input_output() -> None:
    usage: list[dict[str, int | None]] = [
        {
            "input": 100,
            "input_cached_tokens": 40,
            "output": 10,
            "output_reasoning": 5,
            "total": 155,
        },
        {
            "input": 7,
            "input_cached_tokens": None,
            "output": 3,
            "output_reasoning": None,
            "total": 10,
        },
    ]
    base: dict[str, list[Any]] = {
        "type": ["GENERATION", "EMBEDDING"],
        "provided_model_name": ["gpt-5.5", "text-embedding-3-small"],
        "total_cost": [0.1, None],
        "tags": [["nightly"], []],
    }
    struct_lf = pl.LazyFrame({**base, "usage_details": usage})
    text_lf = pl.LazyFrame({**base, "usage_details": [json.dumps(u) for u in usage]})
    map_lf = pl.LazyFrame(
        {
            **base,
            "usage_details": [
                [{"key": k, "value": v} for k, v in u.items() if v is not None] for u in usage
            ],
        }
    )
    for lf in (struct_lf, text_lf, map_lf):
        df = _apply("langfuse-observations", lf)
        assert df["input_tokens"].to_list() == [140, 7]
        assert df["output_tokens"].to_list() == [15, 3]
        assert df["cost_usd"].to_list() == [0.1, None]  # EMBEDDING kept; null cost stays null
        assert df["provider"].to_list() == ["openai", "openai"]


def test_langfuse_camel_case_ui_export() -> None:
    lf = pl.LazyFrame(
        {
            "type": ["GENERATION", "SPAN", "GENERATION"],
            "model": ["claude-opus-4-8", "", "models/gemini-2.5-flash"],
            "startTime": ["2026-09-20T03:15:00.000Z", "2026-09-20T03:14:00.000Z", None],
            "usageDetails": ['{"input":100000,"output":20000,"total":120000}', "{}", "{}"],
            "totalCost": ["1.0", "0", ""],
            "traceTags": ['["bulk","Nightly"]', '["nightly"]', "[]"],
        }
    )
    df = _apply("langfuse-observations", lf)
    assert df.to_dicts() == [
        {
            "provider": "anthropic",
            "model": "claude-opus-4-8",
            "tags": ["bulk", "Nightly"],
            "input_tokens": 100_000,
            "output_tokens": 20_000,
            "cost_usd": 1.0,
            "cached_input_tokens": 0,
            "cache_write_tokens": 0,
            "timestamp": datetime(2026, 9, 20, 3, 15, tzinfo=UTC),
        },
        {
            "provider": "google",
            "model": "gemini-2.5-flash",
            "tags": [],
            "input_tokens": 0,
            "output_tokens": 0,
            "cost_usd": None,
            "cached_input_tokens": 0,
            "cache_write_tokens": 0,
            "timestamp": None,
        },
    ]
    # usageDetails wins over inputUsage / outputUsage: Langfuse sums only the keys starting
    # with input / output into those, losing cache_read_input_tokens and the like.
    summed = lf.with_columns(inputUsage=pl.lit(5), outputUsage=pl.lit(6))
    df = _apply("langfuse-observations", summed)
    assert df["input_tokens"].to_list() == [100_000, 0]
    assert df["output_tokens"].to_list() == [20_000, 0]
    # Without a usage-details column the pre-summed counts are used, with no cache split.
    df = _apply("langfuse-observations", summed.drop("usageDetails"))
    assert df["input_tokens"].to_list() == [5, 5]
    assert df["output_tokens"].to_list() == [6, 6]
    assert df["cached_input_tokens"].to_list() == [0, 0]
    assert df["cache_write_tokens"].to_list() == [0, 0]


# ---------------------------------------------------------------------------------------------
# Helicone

HELICONE_BY_TAG: Totals = {
    ("anthropic", "claude-opus-4-8", None): (100_000, 20_000, 1.0, 1),
    ("anthropic", "claude-opus-4-8", "Nightly"): (100_000, 20_000, 1.0, 1),
    ("anthropic", "claude-opus-4-8", "background"): (100_000, 20_000, 1.0, 1),
    ("google", "gemini-2.5-flash", "bulk"): (1_000_000, 100_000, 0.55, 1),
    ("groq", "llama-3.1-8b-instant", "background"): (1_000_000, 500_000, 0.09, 1),
    ("openai", "gpt-5.5", None): (100_000, 10_000, 0.8, 1),
    ("openai", "gpt-5.5", "interactive"): (100_000, 10_000, 0.8, 1),
    ("openai", "gpt-5.5", "nightly"): (100_000, 10_000, 0.8, 1),
}


@pytest.mark.parametrize("all_text", [True, False], ids=["all-text", "inferred-types"])
def test_helicone_csv(all_text: bool) -> None:
    path = LOGS / "helicone_requests.csv"
    lf = pl.scan_csv(path, infer_schema_length=0) if all_text else pl.scan_csv(path)
    df = _apply("helicone", lf)
    assert df.columns == [
        "provider",
        "model",
        "tags",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "cached_input_tokens",
        "cache_write_tokens",
        "timestamp",
    ]
    assert df.height == 8
    assert _row(df, 2) == {
        "provider": "anthropic",
        "model": "claude-opus-4-8",
        "tags": ["Nightly"],
        "input_tokens": 100_000,
        "output_tokens": 20_000,
        "cost_usd": 1.0,
        "cached_input_tokens": 0,
        "cache_write_tokens": 0,
        "timestamp": datetime(2026, 9, 20, 3, 15, tzinfo=UTC),
    }
    assert _row(df, 1)["tags"] == []  # "{}"
    assert _row(df, 7)["tags"] == []  # empty field
    assert _row(df, 5)["provider"] == "groq"
    assert _by_model(df) == {
        ("anthropic", "claude-opus-4-8"): (300_000, 60_000, 3.0, 3),
        ("google", "gemini-2.5-flash"): (1_000_000, 100_000, 0.55, 1),
        ("groq", "llama-3.1-8b-instant"): (1_000_000, 500_000, 0.09, 1),
        ("openai", "gpt-5.5"): (300_000, 30_000, 2.4, 3),
    }
    assert _by_tag(df) == HELICONE_BY_TAG
    assert df["cost_usd"].sum() == pytest.approx(6.04)


def test_helicone_other_property_and_old_cost_usd_header() -> None:
    lf = pl.scan_csv(LOGS / "helicone_requests.csv", infer_schema_length=0).rename(
        {"cost": "cost_usd"}
    )
    df = helicone_preset("environment")(lf, lf.collect_schema()).collect()
    assert df["tags"].to_list() == [[], [], ["production"], [], [], [], [], []]
    assert df["cost_usd"].sum() == pytest.approx(6.04)
    # Property keys are matched as given, then lower-cased: "Feature" finds "feature".
    df = helicone_preset("Feature")(lf, lf.collect_schema()).collect()
    assert df["tags"].to_list()[:3] == [["nightly"], [], ["Nightly"]]
    with pytest.raises(ValueError, match="tag_property"):
        helicone_preset("")


def test_helicone_json_shape() -> None:
    lf = pl.LazyFrame(
        {
            "provider": ["OPENAI", "google-ai-studio", "TOGETHER", None],
            "model": ["gpt-5.5", "", None, "claude-opus-4-8"],
            "response_model": [None, "gemini-2.5-flash", None, None],
            "request_model": [None, None, "meta-llama/Llama-3.3-70B-Instruct-Turbo", None],
            "request_properties": [
                {"feature": "nightly", "my-key": None},
                {"feature": None, "my-key": "x"},
                None,
                {"feature": " ", "my-key": None},
            ],
            "prompt_tokens": [10, 20, 30, None],
            "completion_tokens": [1, 2, 3, None],
            "cost": [0.1, 0.2, 0.3, 0.0],
            "request_created_at": [
                "2026-09-14 02:00:00.000",
                "2026-09-14T02:00:00Z",
                None,
                "2026-09-14T02:00:00.000Z",
            ],
        }
    )
    df = _apply("helicone", lf)
    assert df["provider"].to_list() == ["openai", "google", "together", "anthropic"]
    assert df["model"].to_list() == [
        "gpt-5.5",
        "gemini-2.5-flash",
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "claude-opus-4-8",
    ]
    assert df["tags"].to_list() == [["nightly"], [], [], []]
    assert df["input_tokens"].to_list() == [10, 20, 30, 0]
    assert df["timestamp"].to_list() == [
        datetime(2026, 9, 14, 2, 0, tzinfo=UTC),
        datetime(2026, 9, 14, 2, 0, tzinfo=UTC),
        None,
        datetime(2026, 9, 14, 2, 0, tzinfo=UTC),
    ]
    keyed = helicone_preset("my-key")(lf, lf.collect_schema()).collect()
    assert keyed["tags"].to_list() == [[], ["x"], [], []]
    # A key with a dash in JSON text.
    text = pl.LazyFrame(
        {
            "model": ["gpt-5.5"],
            "prompt_tokens": [1],
            "completion_tokens": [1],
            "cost": [0.1],
            "request_properties": ['{"my-key": "y"}'],
        }
    )
    assert helicone_preset("my-key")(text, text.collect_schema()).collect()["tags"].to_list() == [
        ["y"]
    ]


def test_service_tier_column_marks_already_batched() -> None:
    lf = pl.LazyFrame(
        {
            "model": ["gpt-5.5", "gpt-5.5", "gpt-5.5"],
            "prompt_tokens": [1, 1, 1],
            "completion_tokens": [1, 1, 1],
            "cost": [0.1, 0.1, 0.1],
            "request_properties": ["{}", "{}", "{}"],
            "service_tier": ["flex", "default", None],
        }
    )
    assert _apply("helicone", lf)["already_batched"].to_list() == [True, False, False]


# ---------------------------------------------------------------------------------------------
# Errors


def test_missing_column_message() -> None:
    lf = pl.scan_csv(LOGS / "helicone_requests.csv", infer_schema_length=0).drop("prompt_tokens")
    with pytest.raises(AggregateError) as info:
        _apply("helicone", lf)
    assert str(info.value) == (
        "preset 'helicone': missing column 'prompt_tokens'; the file has ['response_id', "
        "'response_created_at', 'response_status', 'request_created_at', 'request_body', "
        "'request_properties', 'request_user_id', 'model', 'completion_tokens', 'latency', "
        "'cost']"
    )


def test_missing_column_alternatives_and_hints() -> None:
    lf = pl.scan_csv(LOGS / "helicone_requests.csv", infer_schema_length=0).drop("cost")
    with pytest.raises(AggregateError, match=r"missing column 'cost' \(or 'cost_usd'\)"):
        _apply("helicone", lf)

    legacy = pl.scan_ndjson(LOGS / "langfuse_observations.ndjson").drop("tags")
    with pytest.raises(AggregateError) as info:
        _apply("langfuse-observations", legacy)
    message = str(info.value)
    assert message.startswith("preset 'langfuse-observations': missing column 'tags'")
    assert "join traces.tags on trace_id" in message
    assert "'provided_model_name'" in message  # the columns present are listed

    spend = pl.scan_csv(LOGS / "litellm_spendlogs.csv").drop("spend")
    with pytest.raises(AggregateError, match="preset 'litellm-spendlogs': missing column 'spend'"):
        _apply("litellm-spendlogs", spend)

    daily = pl.scan_csv(LOGS / "litellm_daily_tag_spend.csv").drop("api_requests")
    with pytest.raises(AggregateError, match="missing column 'api_requests'"):
        _apply("litellm-daily-tag-spend", daily)


def test_wrong_dtype_is_reported() -> None:
    lf = _litellm_frame(request_tags=[1])
    with pytest.raises(
        AggregateError,
        match="column 'request_tags': expected a list of tags or JSON text of one, got dtype Int64",
    ):
        _apply("litellm-spendlogs", lf)
