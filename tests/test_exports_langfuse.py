"""Langfuse exports in their real shapes: blob CSV / JSONL / Parquet (Map column), UI JSON.

samples/langfuse/ (field sources in samples/README.md) hold the same observations in each
shape. Expected values are worked out by hand at the embedded catalog's rates (USD per
1M tokens; gpt-5.5: 5.00 / cached 0.50 / 30.00, batch 2.50 / 0.25 / 15.00, above 272k
prompt tokens 10.00 / 45.00, batch 5.00 / 22.50; claude-sonnet-4-6: 3.00 / read 0.30 /
write 3.75 / 15.00, batch 1.50 / 0.15 / 1.875 / 7.50). Langfuse's usage buckets are
separate (its ingestion subtracts each detail from ``input``), so they add up:

* obs-01 gpt-5.5: input 80k + input_cached_tokens 20k = 100k, output 10k; cost 0.71
  recorded (= 80k × 5.00 + 20k × 0.50 + 10k × 30.00 = 0.40 + 0.01 + 0.30);
  at batch 0.20 + 0.005 + 0.15 = 0.355
* obs-02 claude-sonnet-4-6: input 10k + cache_read_input_tokens 50k +
  cache_creation_input_tokens 5k = 65k, output 2k; cost 0.09375 recorded
  (0.03 + 0.015 + 0.01875 + 0.03); at batch 0.015 + 0.0075 + 0.009375 + 0.015 = 0.046875
* obs-03 anthropic/claude-sonnet-4.6, no cost: provider anthropic, model claude-sonnet-4.6,
  which the catalog does not know -> unknown_cost (0, never projected)
* obs-04 gpt-5.5, cost 0 with 200k input tokens (Langfuse had no price): priced from the
  catalog, 200k × 5.00 = 1.00; at batch 0.50
* obs-05 a SPAN: dropped
* obs-06 gpt-5.5 untagged, 0.50 recorded
* obs-07 gpt-5.5, 300k input (long prompt), 1k output: 3.045 recorded; at batch long-context
  rates 300k × 5.00 + 1k × 22.50 = 1.50 + 0.0225 = 1.5225
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import batchframe as bf
from batchframe._cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "langfuse"
EXPORTS = [
    "observations_v2.csv",
    "observations_v2.jsonl",
    "observations_v2.parquet",
    "ui_export.json",
]
TOTAL = 0.71 + 0.09375 + 1.00 + 0.50 + 3.045  # 5.34875
NIGHTLY = 0.71 + 0.09375 + 1.00 + 3.045  # 4.84875
NIGHTLY_BATCH = 0.355 + 0.046875 + 0.50 + 1.5225  # 2.424375


@pytest.mark.parametrize("name", EXPORTS)
def test_every_export_shape_gives_the_same_bill(name: str) -> None:
    logs = bf.scan_request_logs(SAMPLES / name, preset="langfuse-observations")
    agg = bf.aggregate_request_logs(logs).collect()  # type: ignore[union-attr]
    assert float(agg["cost_usd"].sum()) == pytest.approx(TOTAL)
    assert int(agg["request_count"].sum()) == 6  # the SPAN is dropped
    sonnet = agg.filter(pl.col("model") == "claude-sonnet-4-6")
    assert sonnet.select("input_tokens", "cached_input_tokens", "cache_write_tokens").rows() == [
        (65_000, 50_000, 5_000)
    ]
    cached = agg.filter(pl.col("cached_input_tokens") == 20_000)
    assert cached.select("model", "input_tokens").rows() == [("gpt-5.5", 100_000)]
    unknown = agg.filter(pl.col("cost_unknown"))
    assert unknown.select("provider", "model", "cost_usd").rows() == [
        ("anthropic", "claude-sonnet-4.6", 0.0)
    ]
    priced = agg.filter(pl.col("cost_source") == "catalog")
    assert priced.select("model", "input_tokens", "cost_usd").rows() == [
        ("gpt-5.5", 200_000, pytest.approx(1.00))
    ]
    findings = bf.project_batch_savings(agg)
    assert findings.select("tag", "eligible_spend_usd", "projected_batch_cost_usd").rows() == [
        ("nightly", pytest.approx(NIGHTLY), pytest.approx(NIGHTLY_BATCH))
    ]
    assert (findings["projected_savings_usd"] >= 0).all()


def test_parquet_usage_details_is_a_map_column() -> None:
    schema = pl.read_parquet_schema(SAMPLES / "observations_v2.parquet")
    assert isinstance(schema["usage_details"], pl.Map)


def test_v2_api_default_fields_say_what_to_request() -> None:
    with pytest.raises(bf.AggregateError, match=r"fields=core,basic,usage,model"):
        bf.scan_request_logs(SAMPLES / "v2_api_default_fields.json", preset="langfuse-observations")


def test_v2_api_with_usage_but_no_tags_says_what_to_export(tmp_path: Path) -> None:
    page = tmp_path / "v2.json"
    page.write_text(
        '{"data": [{"id": "o", "traceId": "t", "type": "GENERATION", '
        '"startTime": "2026-05-01T00:00:00Z", "model": "gpt-5.5", '
        '"usageDetails": {"input": 10, "output": 1}, "totalCost": 0.1}], "meta": {"cursor": null}}',
        "utf-8",
    )
    with pytest.raises(bf.AggregateError, match="carry no trace tags: use the observations_v2"):
        bf.scan_request_logs(page, preset="langfuse-observations")


def test_cli_on_the_blob_csv(capsys: pytest.CaptureFixture[str]) -> None:
    path = SAMPLES / "observations_v2.csv"
    assert main(["project", "--logs", str(path), "--preset", "langfuse-observations", "-q"]) == 0
    out = capsys.readouterr().out
    # saving 4.84875 − 2.424375 = 2.424375
    assert "Total projected saving: $2.42" in out
    assert "$1.00 priced from the catalog" in out
    assert "1 request(s) (100,000 input, 1,000 output tokens) have no known cost" in out
