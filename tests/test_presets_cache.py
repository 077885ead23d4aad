"""Prompt-cache columns of the log presets, on the cache fixtures in tests/data/logs.

Every expected ``input_tokens`` / ``cached_input_tokens`` / ``cache_write_tokens`` below is
computed by hand from the fixture rows (tests/data/logs/README.md gives each field's source):
the convention of docs/semantics.md §1: ``input_tokens`` counts every input token, cache reads and cache
writes included.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import batchframe as bf
from batchframe._errors import AggregateError
from batchframe._presets import PRESETS

LOGS = Path(__file__).parent / "data" / "logs"
CACHE_COLUMNS = ["input_tokens", "cached_input_tokens", "cache_write_tokens"]

Triples = list[tuple[int, int, int]]


def _apply(name: str, lf: pl.LazyFrame) -> pl.DataFrame:
    return PRESETS[name](lf, lf.collect_schema()).collect()


def _triples(df: pl.DataFrame) -> Triples:
    return [tuple(r) for r in df.select(CACHE_COLUMNS).rows()]  # type: ignore[misc]


def _check_dtypes_and_bound(df: pl.DataFrame) -> None:
    for column in CACHE_COLUMNS:
        assert df.schema[column] == pl.Int64
        assert df[column].null_count() == 0
    # docs/semantics.md §1: cached + write <= input on every row.
    assert (df["cached_input_tokens"] + df["cache_write_tokens"] <= df["input_tokens"]).all()


def _scanned(path: Path, preset: str) -> pl.DataFrame:
    return bf.scan_request_logs(path, preset=preset).collect()


# ---------------------------------------------------------------------------------------------
# LiteLLM spend logs: prompt_tokens already holds the cache reads and writes (current LiteLLM);
# the counts come from metadata.usage_object (else metadata.additional_usage_values).

SPENDLOGS_EXPECTED: Triples = [
    # c01 OpenAI: prompt_tokens 50000 incl. prompt_tokens_details.cached_tokens 40960.
    (50_000, 40_960, 0),
    # c02 Anthropic via current LiteLLM: input 1200 + read 90000 + write 3000 = 94200.
    (1_200 + 90_000 + 3_000, 90_000, 3_000),
    # c03 Anthropic via an older LiteLLM (prompt_tokens = input 500 + reads 0, the 20000 written
    # tokens left out): 500 < 0 + 20000, so the writes are added back: 500 + 20000.
    (500 + 20_000, 0, 20_000),
    # c04 no usage_object; additional_usage_values.prompt_tokens_details.cached_tokens 1024.
    (4_096, 1_024, 0),
    # c05 failed request, usage_object null.
    (0, 0, 0),
    # c06 Gemini: prompt_tokens 200000 incl. cached_tokens 150000.
    (200_000, 150_000, 0),
]


@pytest.mark.parametrize("all_text", [True, False], ids=["all-text", "inferred-types"])
def test_litellm_spendlogs_csv_cache(all_text: bool) -> None:
    path = LOGS / "litellm_spendlogs_cache.csv"
    lf = pl.scan_csv(path, infer_schema_length=0) if all_text else pl.scan_csv(path)
    df = _apply("litellm-spendlogs", lf)
    assert _triples(df) == SPENDLOGS_EXPECTED
    assert df["output_tokens"].to_list() == [2_000, 800, 300, 100, 0, 1_000]
    assert not any(c.startswith("__batchframe") for c in df.columns)
    _check_dtypes_and_bound(df)


def test_litellm_spendlogs_struct_metadata(tmp_path: Path) -> None:
    # NDJSON from /spend/logs: metadata is an object (a Struct); the same again as Parquet.
    lf = pl.scan_ndjson(LOGS / "litellm_spendlogs_cache.ndjson")
    assert isinstance(lf.collect_schema()["metadata"], pl.Struct)
    expected = SPENDLOGS_EXPECTED[:3]
    df = _apply("litellm-spendlogs", lf)
    assert _triples(df) == expected
    _check_dtypes_and_bound(df)
    parquet = tmp_path / "spendlogs.parquet"
    lf.sink_parquet(parquet)
    assert _triples(_apply("litellm-spendlogs", pl.scan_parquet(parquet))) == expected


def test_litellm_spendlogs_without_metadata_or_cache() -> None:
    lf = pl.LazyFrame(
        {
            "model": ["gpt-5.5", "gpt-5.5"],
            "request_tags": ['["a"]', "[]"],
            "prompt_tokens": [10, 20],
            "completion_tokens": [1, 2],
            "spend": [0.1, 0.2],
        }
    )
    assert _triples(_apply("litellm-spendlogs", lf)) == [(10, 0, 0), (20, 0, 0)]
    # The committed sample without cache counts (metadata has no usage_object) gives 0 too.
    df = _apply("litellm-spendlogs", pl.scan_csv(LOGS / "litellm_spendlogs.csv"))
    assert df["cached_input_tokens"].sum() == 0
    assert df["cache_write_tokens"].sum() == 0


def test_litellm_spendlogs_first_positive_source() -> None:
    # LiteLLM's extract_cache_read_tokens: an explicit 0 does not hide the details' count;
    # usage_object wins over additional_usage_values.
    metadata = [
        {
            "usage_object": {
                "cache_read_input_tokens": 0,
                "prompt_tokens_details": {"cached_tokens": 7},
            }
        },
        {
            "usage_object": {"cache_read_input_tokens": 5},
            "additional_usage_values": {"cache_read_input_tokens": 9},
        },
        {"usage_object": {"prompt_tokens_details": {"cache_write_tokens": 4}}},
        {"additional_usage_values": {"cache_creation_input_tokens": 6}},
    ]
    lf = pl.LazyFrame(
        {
            "model": ["claude-sonnet-4-5"] * 4,
            "request_tags": ["[]"] * 4,
            "prompt_tokens": [100, 100, 100, 100],
            "completion_tokens": [1] * 4,
            "spend": [0.0] * 4,
            "metadata": [json.dumps(m) for m in metadata],
        }
    )
    assert _triples(_apply("litellm-spendlogs", lf)) == [
        (100, 7, 0),
        (100, 5, 0),
        (100, 0, 4),
        (100, 0, 6),
    ]


def _one_spendlog(metadata: str) -> pl.LazyFrame:
    """One spend-log row of 100 prompt tokens with the given ``metadata`` JSON text."""
    return pl.LazyFrame(
        {
            "model": ["claude-sonnet-4-5"],
            "request_tags": ["[]"],
            "prompt_tokens": [100],
            "completion_tokens": [1],
            "spend": [0.0],
            "metadata": [metadata],
        }
    )


@pytest.mark.parametrize("bad", ['"1.5"', "-3", '"many"'])
def test_litellm_spendlogs_bad_cache_count_raises(bad: str) -> None:
    lf = _one_spendlog(f'{{"usage_object": {{"cache_read_input_tokens": {bad}}}}}')
    with pytest.raises(AggregateError, match=r"metadata\.usage_object\.cache_read_input_tokens"):
        _apply("litellm-spendlogs", lf)


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        # the first field is 0, so the second is read and its bad value raises, named
        (
            '{"cache_read_input_tokens": 0, "prompt_tokens_details": {"cached_tokens": "many"}}',
            r"metadata\.usage_object\.prompt_tokens_details\.cached_tokens.*'many'",
        ),
        # the first field is positive: LiteLLM's extract_cache_read_tokens stops there and
        # never reads the second, and neither does the preset
        ('{"cache_read_input_tokens": 5, "prompt_tokens_details": {"cached_tokens": "many"}}', 5),
    ],
    ids=["read-after-zero", "never-read"],
)
def test_litellm_spendlogs_later_cache_field_read_only_when_needed(
    usage: str, expected: int | str
) -> None:
    lf = _one_spendlog(f'{{"usage_object": {usage}}}')
    if isinstance(expected, str):
        with pytest.raises(AggregateError, match=expected):
            _apply("litellm-spendlogs", lf)
    else:
        assert _triples(_apply("litellm-spendlogs", lf)) == [(100, expected, 0)]


def test_litellm_spendlogs_end_to_end() -> None:
    df = _scanned(LOGS / "litellm_spendlogs_cache.csv", "litellm-spendlogs")
    assert _triples(df) == SPENDLOGS_EXPECTED


# ---------------------------------------------------------------------------------------------
# LiteLLM DailyTagSpend: prompt_tokens sums the spend-log prompt_tokens (reads and writes in);
# cache_read_input_tokens / cache_creation_input_tokens are their own columns.

DAILY_EXPECTED: Triples = [
    (1_000_000, 800_000, 50_000),
    (500_000, 300_000, 0),
    # older-LiteLLM day: prompt 30000 < 10000 + 40000, so the writes are added: 30000 + 40000.
    (30_000 + 40_000, 10_000, 40_000),
    (100_000, 0, 0),
]


@pytest.mark.parametrize("all_text", [True, False], ids=["all-text", "inferred-types"])
def test_litellm_daily_tag_spend_cache(all_text: bool) -> None:
    path = LOGS / "litellm_daily_tag_spend_cache.csv"
    lf = pl.scan_csv(path, infer_schema_length=0) if all_text else pl.scan_csv(path)
    df = _apply("litellm-daily-tag-spend", lf)
    assert _triples(df) == DAILY_EXPECTED
    assert df["request_count"].to_list() == [10, 5, 2, 1]
    _check_dtypes_and_bound(df)


def test_litellm_daily_tag_spend_older_table_without_cache_columns() -> None:
    lf = pl.scan_csv(LOGS / "litellm_daily_tag_spend_cache.csv").drop(
        "cache_read_input_tokens", "cache_creation_input_tokens"
    )
    df = _apply("litellm-daily-tag-spend", lf)
    assert _triples(df) == [(1_000_000, 0, 0), (500_000, 0, 0), (30_000, 0, 0), (100_000, 0, 0)]


def test_litellm_daily_tag_spend_bad_cache_count_raises() -> None:
    lf = pl.scan_csv(LOGS / "litellm_daily_tag_spend_cache.csv", infer_schema_length=0)
    lf = lf.with_columns(
        pl.when(pl.col("tag") == "bulk")
        .then(pl.lit("12.5"))
        .otherwise(pl.col("cache_creation_input_tokens"))
        .alias("cache_creation_input_tokens")
    )
    with pytest.raises(AggregateError, match=r"cache_creation_input_tokens.*12\.5"):
        _apply("litellm-daily-tag-spend", lf)


def test_litellm_daily_tag_spend_end_to_end() -> None:
    df = _scanned(LOGS / "litellm_daily_tag_spend_cache.csv", "litellm-daily-tag-spend")
    assert _triples(df) == DAILY_EXPECTED


# ---------------------------------------------------------------------------------------------
# Langfuse: usage buckets are separate (ingestion subtracts each detail from input), so the
# input is the sum of every input-side bucket, cache ones included.

LANGFUSE_EXPECTED: Triples = [
    # OpenAI, converted server-side: input 9040 + input_cached_tokens 40960 + input_audio 0.
    (9_040 + 40_960 + 0, 40_960, 0),
    # Anthropic through LangChain: input 1200 + input_cache_read 90000 + input_cache_creation 3000.
    (1_200 + 90_000 + 3_000, 90_000, 3_000),
    # Bedrock-Anthropic raw usage through LangChain: input 500 + cache_read_input_tokens 20000
    # + cache_creation_input_tokens 1000 (keys outside Langfuse's own input* rule).
    (500 + 20_000 + 1_000, 20_000, 1_000),
    # Vertex through LangChain: input 0 + input_modality_TEXT 2000 + cached_modality_TEXT 8000.
    (0 + 2_000 + 8_000, 8_000, 0),
]
LANGFUSE_OUTPUT = [1_488 + 512, 800, 300, 0 + 100]


def _langfuse_rows() -> list[dict[str, Any]]:
    lines = (LOGS / "langfuse_observations_cache.ndjson").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_langfuse_cache_struct_usage() -> None:
    df = _apply(
        "langfuse-observations", pl.scan_ndjson(LOGS / "langfuse_observations_cache.ndjson")
    )
    assert _triples(df) == LANGFUSE_EXPECTED
    assert df["output_tokens"].to_list() == LANGFUSE_OUTPUT
    _check_dtypes_and_bound(df)


def test_langfuse_cache_json_text_usage() -> None:
    rows = _langfuse_rows()
    lf = pl.LazyFrame(
        {
            "type": [r["type"] for r in rows],
            "provided_model_name": [r["provided_model_name"] for r in rows],
            "usage_details": [json.dumps(r["usage_details"]) for r in rows],
            "total_cost": [r["total_cost"] for r in rows],
            "tags": [r["tags"] for r in rows],
        }
    )
    df = _apply("langfuse-observations", lf)
    assert _triples(df) == LANGFUSE_EXPECTED
    assert df["output_tokens"].to_list() == LANGFUSE_OUTPUT


def test_langfuse_cache_parquet_map_usage(tmp_path: Path) -> None:
    # The blob-storage Parquet export writes usage_details as a Map(String, UInt64); Polars
    # reads a map as List(Struct(key, value)).
    rows = _langfuse_rows()
    table = pa.table(
        {
            "type": [r["type"] for r in rows],
            "provided_model_name": [r["provided_model_name"] for r in rows],
            "usage_details": pa.array(
                [list(r["usage_details"].items()) for r in rows],
                type=pa.map_(pa.string(), pa.uint64()),
            ),
            "total_cost": [r["total_cost"] for r in rows],
            "tags": [r["tags"] for r in rows],
            "start_time": [r["start_time"] for r in rows],
        }
    )
    path = tmp_path / "observations.parquet"
    pq.write_table(table, path)
    lf = pl.scan_parquet(path)
    dtype = lf.collect_schema()["usage_details"]
    # Polars < 2 reads a map as List(Struct(key, value)); newer Polars has a Map dtype.
    assert str(dtype).startswith("Map") or (
        isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)
    )
    df = _apply("langfuse-observations", lf)
    assert _triples(df) == LANGFUSE_EXPECTED
    # ... and the List(Struct(key, value)) form itself.
    lf = lf.with_columns(
        pl.col("usage_details").cast(pl.List(pl.Struct({"key": pl.String, "value": pl.UInt64})))
    )
    df = _apply("langfuse-observations", lf)
    assert _triples(df) == LANGFUSE_EXPECTED
    assert df["output_tokens"].to_list() == LANGFUSE_OUTPUT


def test_langfuse_usage_details_win_over_input_usage() -> None:
    # inputUsage is Langfuse's sum of the keys starting with "input": 500 for the Bedrock row,
    # which loses cache_read_input_tokens / cache_creation_input_tokens.
    rows = _langfuse_rows()
    lf = pl.LazyFrame(
        {
            "type": ["GENERATION"],
            "providedModelName": [rows[2]["provided_model_name"]],
            "usageDetails": [json.dumps(rows[2]["usage_details"])],
            "inputUsage": [500],
            "outputUsage": [300],
            "totalCost": [rows[2]["total_cost"]],
            "traceTags": ['["bulk"]'],
        }
    )
    assert _triples(_apply("langfuse-observations", lf)) == [(21_500, 20_000, 1_000)]


@pytest.mark.parametrize("bad", ["-3", "1.5"])
def test_langfuse_bad_usage_value_raises(bad: str) -> None:
    lf = pl.LazyFrame(
        {
            "provided_model_name": ["claude-sonnet-4-5"],
            "usage_details": [f'{{"input": 10, "cache_read_input_tokens": {bad}}}'],
            "total_cost": [0.0],
            "tags": [["a"]],
        }
    )
    with pytest.raises(AggregateError, match=rf"usage_details.*{bad}"):
        _apply("langfuse-observations", lf)


def test_langfuse_end_to_end() -> None:
    df = _scanned(LOGS / "langfuse_observations_cache.ndjson", "langfuse-observations")
    assert _triples(df) == LANGFUSE_EXPECTED


# ---------------------------------------------------------------------------------------------
# Helicone: prompt_tokens are the uncached ones; reads and writes are added back.

HELICONE_EXPECTED: Triples = [
    (1_200 + 90_000 + 3_000, 90_000, 3_000),
    (9_040 + 40_960 + 0, 40_960, 0),
    (0, 0, 0),  # the 500 response: no counts
]


def test_helicone_cache() -> None:
    df = _apply("helicone", pl.scan_ndjson(LOGS / "helicone_requests_cache.ndjson"))
    assert _triples(df) == HELICONE_EXPECTED
    assert df["provider"].to_list() == ["anthropic", "openai", "openai"]
    assert df["tags"].to_list() == [["nightly"], ["nightly"], []]
    assert df["cost_usd"].to_list() == [0.05, 0.091, 0.0]
    _check_dtypes_and_bound(df)


def test_helicone_csv_without_cache_columns() -> None:
    df = _apply("helicone", pl.scan_csv(LOGS / "helicone_requests.csv"))
    assert df["cached_input_tokens"].sum() == 0
    assert df["cache_write_tokens"].sum() == 0
    assert df["input_tokens"][0] == 100_000


def test_helicone_bad_cache_count_raises() -> None:
    lf = pl.LazyFrame(
        {
            "model": ["gpt-5.5"],
            "prompt_tokens": [10],
            "completion_tokens": [2],
            "prompt_cache_read_tokens": ["lots"],
            "cost": [0.1],
            "request_properties": ["{}"],
        }
    )
    with pytest.raises(AggregateError, match="prompt_cache_read_tokens"):
        _apply("helicone", lf)


def test_helicone_end_to_end() -> None:
    df = _scanned(LOGS / "helicone_requests_cache.ndjson", "helicone")
    assert _triples(df) == HELICONE_EXPECTED
