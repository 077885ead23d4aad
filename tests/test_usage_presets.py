"""The providers' usage APIs: ``openai-usage`` and ``anthropic-usage`` on the bundled samples.

The samples (samples/openai-usage/, samples/anthropic-usage/; field sources in
samples/README.md) hold pages in the shapes of the APIs' response types. They carry no
cost, so every expected number below is what the provider bills for the tokens at the
embedded catalog's list rates (USD per 1M tokens), worked out by hand:

* gpt-5.5: input 5.00, cached 0.50, output 30.00; batch 2.50 / 0.25 / 15.00; flex as batch;
  above 272k prompt tokens: input 10.00, output 45.00, batch 5.00 / 22.50.
* gpt-5.4-mini: input 0.75, cached 0.075, output 4.50; flex 0.375 / 0.0375 / 2.25.
* claude-sonnet-4-6: input 3.00, cache read 0.30, cache write 3.75, output 15.00;
  batch 1.50 / 0.15 / 1.875 / 7.50; no priority rates.
* claude-haiku-4-5: batch input 0.50, batch output 2.50.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import batchframe as bf
from batchframe._cli import main
from batchframe._usage_presets import anthropic_usage_preset, openai_usage_preset

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
OPENAI = SAMPLES / "openai-usage"
ANTHROPIC = SAMPLES / "anthropic-usage"

# OpenAI, day 1 (2026-05-01), tag proj_nightly -> "nightly" through projects.csv:
#   gpt-5.5 standard ("default"): 2M input of which 500k cached, 100k output, 400 requests
#     = 1.5M × 5.00 + 0.5M × 0.50 + 0.1M × 30.00 = 7.50 + 0.25 + 3.00 = 10.75
#     at batch: 1.5M × 2.50 + 0.5M × 0.25 + 0.1M × 15.00 = 3.75 + 0.125 + 1.50 = 5.375
#   gpt-5.5 batch: 1M input, 200k output at batch rates = 2.50 + 3.00 = 5.50 (already batched)
#   gpt-5.4-mini flex: 1M input, 100k output = 0.375 + 0.225 = 0.60 (already batched)
#   proj_chat gpt-5.4-mini standard: 4M input (1M cached), 500k output
#     = 3M × 0.75 + 1M × 0.075 + 0.5M × 4.50 = 2.25 + 0.075 + 2.25 = 4.575 (tag chat)
# day 2 (2026-05-02):
#   gpt-5.5 standard: 3M input over 10 requests (300k each > 272k: long prompts), 10k output
#     = 3M × 10.00 + 10k × 45.00 = 30.00 + 0.45 = 30.45; at batch 15.00 + 0.225 = 15.225
#   no project: gpt-5.5 100k input = 0.50 (untagged)
#   a fine-tuned model the catalog does not know: 1k input, 100 output -> cost unknown
OPENAI_DAY1_TOTAL = 10.75 + 5.50 + 0.60 + 4.575  # 21.425
OPENAI_TOTAL = OPENAI_DAY1_TOTAL + 30.45 + 0.50  # 52.375
OPENAI_NIGHTLY = (10.75 + 30.45, 5.375 + 15.225)  # eligible 41.20, projected 20.60


def _openai(name: str, **options: object) -> pl.DataFrame:
    preset = openai_usage_preset(tag_names=OPENAI / "projects.csv", **options)  # type: ignore[arg-type]
    agg = bf.aggregate_request_logs(bf.scan_request_logs(OPENAI / name, preset=preset))
    return agg.collect()  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["completions_pages.json", "completions_pages.ndjson"])
def test_openai_pages_are_priced_at_the_tier_they_ran_on(name: str) -> None:
    agg = _openai(name)
    assert float(agg["cost_usd"].sum()) == pytest.approx(OPENAI_TOTAL)
    assert set(agg["cost_source"].drop_nulls()) == {"catalog"}
    unknown = agg.filter(pl.col("cost_unknown"))
    assert unknown.select("model", "input_tokens", "output_tokens", "cost_usd").rows() == [
        ("ft:gpt-4o-mini:acme::abc123", 1_000, 100, 0.0)
    ]
    assert int(agg["request_count"].sum()) == 400 + 100 + 50 + 2000 + 10 + 10 + 1
    batched = agg.filter(pl.col("already_batched")).sort("cost_usd")
    assert batched["cost_usd"].to_list() == pytest.approx([0.60, 5.50])
    long = agg.filter(pl.col("long_context"))
    assert long.select("input_tokens", "request_count").rows() == [(3_000_000, 10)]
    assert long["cost_usd"].to_list() == pytest.approx([30.45])
    findings = bf.project_batch_savings(agg)
    assert findings["tag"].to_list() == ["nightly"]
    eligible, projected = OPENAI_NIGHTLY
    assert findings["eligible_spend_usd"].to_list() == pytest.approx([eligible])
    assert findings["projected_batch_cost_usd"].to_list() == pytest.approx([projected])
    # the share is relative to all spend: 41.20 / 52.375
    assert findings["share_of_spend_pct"].to_list() == pytest.approx(
        [eligible / OPENAI_TOTAL * 100]
    )
    statuses = dict(
        bf.spend_by_status(bf.classify_segments(agg)).select("status", "request_count").rows()
    )
    assert statuses["already_batched"] == 150
    assert statuses["not_eligible"] == 2000  # proj_chat -> "chat"
    assert statuses["untagged"] == 10
    assert statuses["unknown_cost"] == 1


def test_a_single_openai_page_and_periods() -> None:
    agg = _openai("completions_page.json")
    assert float(agg["cost_usd"].sum()) == pytest.approx(OPENAI_DAY1_TOTAL)
    preset = openai_usage_preset(tag_names=OPENAI / "projects.csv")
    logs = bf.scan_request_logs(OPENAI / "completions_pages.json", preset=preset)
    daily = bf.aggregate_request_logs(logs, every="1d").collect()  # type: ignore[union-attr]
    per_day = daily.group_by("period_start").agg(pl.col("cost_usd").sum()).sort("period_start")
    assert [d.isoformat() for d in per_day["period_start"]] == [
        "2026-05-01T00:00:00+00:00",
        "2026-05-02T00:00:00+00:00",
    ]
    assert per_day["cost_usd"].to_list() == pytest.approx([OPENAI_DAY1_TOTAL, 30.45 + 0.50])
    findings = bf.project_batch_savings(daily, price_at="period_start")
    assert findings["projected_savings_usd"].sum() == pytest.approx(5.375 + 15.225)


def test_openai_tag_dimension_and_names() -> None:
    raw = openai_usage_preset()  # no names: the ids are the tags
    logs = bf.scan_request_logs(OPENAI / "completions_page.json", preset=raw).collect()
    assert sorted({tag for tags in logs["tags"] for tag in tags}) == ["proj_chat", "proj_nightly"]
    by_user = openai_usage_preset(tag_from="user_id")  # no user grouping: every row untagged
    logs = bf.scan_request_logs(OPENAI / "completions_page.json", preset=by_user).collect()
    assert logs["tags"].list.len().sum() == 0
    with pytest.raises(bf.AggregateError, match="tag_from must be one of"):
        openai_usage_preset(tag_from="workspace_id")


# Anthropic, day 1 (2026-05-01), wrkspc_nightly -> "nightly" through workspaces.csv:
#   claude-sonnet-4-6 standard: 1M uncached + 2M cache read + 100k 5-minute writes, 50k output
#     input_tokens = 1M + 2M + 0.1M = 3.1M
#     = 1M × 3.00 + 2M × 0.30 + 0.1M × 3.75 + 50k × 15.00 = 3.00 + 0.60 + 0.375 + 0.75 = 4.725
#     at batch: 1.50 + 0.30 + 0.1875 + 0.375 = 2.3625
#   claude-haiku-4-5 batch: 2M input, 400k output = 1.00 + 1.00 = 2.00 (already batched)
# day 2:
#   default workspace (null): claude-sonnet-4-6 500k input, 10k output = 1.50 + 0.15 = 1.65
#   priority tier: the catalog has no priority rates for claude-sonnet-4-6 -> cost unknown
ANTHROPIC_TOTAL = 4.725 + 2.00 + 1.65  # 8.375


@pytest.mark.parametrize("name", ["messages_pages.json", "messages_pages.ndjson"])
def test_anthropic_pages_are_priced_at_the_tier_they_ran_on(name: str) -> None:
    preset = anthropic_usage_preset(tag_names=ANTHROPIC / "workspaces.csv")
    logs = bf.scan_request_logs(ANTHROPIC / name, preset=preset)
    agg = bf.aggregate_request_logs(logs).collect()  # type: ignore[union-attr]
    assert float(agg["cost_usd"].sum()) == pytest.approx(ANTHROPIC_TOTAL)
    sonnet = agg.filter((pl.col("tag") == "nightly") & ~pl.col("cost_unknown"))
    sonnet = sonnet.filter(pl.col("model") == "claude-sonnet-4-6")
    assert sonnet.select("input_tokens", "cached_input_tokens", "cache_write_tokens").rows() == [
        (3_100_000, 2_000_000, 100_000)
    ]
    assert int(agg["request_count"].sum()) == 0  # the report counts no requests
    unknown = agg.filter(pl.col("cost_unknown"))
    assert unknown.select("model", "input_tokens", "cost_usd").rows() == [
        ("claude-sonnet-4-6", 100_000, 0.0)
    ]
    findings = bf.project_batch_savings(agg)
    assert findings.select("tag", "eligible_spend_usd", "projected_batch_cost_usd").rows() == [
        ("nightly", pytest.approx(4.725), pytest.approx(2.3625))
    ]
    classified = bf.classify_segments(agg)
    statuses = dict(classified.select(pl.col("status").cast(pl.String), "cost_usd").rows())
    assert statuses["already_batched"] == pytest.approx(2.00)
    assert statuses["untagged"] == pytest.approx(1.65)
    assert statuses["unknown_cost"] == 0.0


def test_anthropic_context_window_sets_long_context() -> None:
    catalog = bf.PricingCatalog.parse(
        """
[[entry]]
provider = "anthropic"
model = "claude-sonnet-4-6"
effective_at = "2026-01-01T00:00:00Z"
input_per_million = 3.00
output_per_million = 15.00
long_context_threshold_tokens = 200000
long_context_input_per_million = 6.00
long_context_output_per_million = 22.50
"""
    )
    page = pl.LazyFrame(
        [
            {
                "data": [
                    {
                        "starting_at": "2026-05-01T00:00:00Z",
                        "results": [
                            {
                                "uncached_input_tokens": 1_000_000,
                                "cache_read_input_tokens": 0,
                                "cache_creation": {
                                    "ephemeral_5m_input_tokens": 0,
                                    "ephemeral_1h_input_tokens": 0,
                                },
                                "output_tokens": 100_000,
                                "model": "claude-sonnet-4-6",
                                "workspace_id": "w",
                                "context_window": window,
                            }
                            for window in ("200k-1M", "0-200k")
                        ],
                    }
                ]
            }
        ]
    )
    logs = anthropic_usage_preset()(page, page.collect_schema())
    agg = bf.aggregate_request_logs(logs, catalog=catalog).collect()  # type: ignore[union-attr]
    costs = dict(agg.select("long_context", "cost_usd").rows())
    # long: 1M × 6.00 + 100k × 22.50 = 6.00 + 2.25 = 8.25; short: 3.00 + 1.50 = 4.50
    assert costs == {True: pytest.approx(8.25), False: pytest.approx(4.50)}


def test_pages_without_the_needed_grouping_say_what_to_request(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    path.write_text(
        '{"object": "page", "data": [{"start_time": 1777593600, "end_time": 1777680000, '
        '"results": [{"input_tokens": 10, "output_tokens": 1, "num_model_requests": 1, '
        '"project_id": "p"}]}], "has_more": false}',
        "utf-8",
    )
    with pytest.raises(bf.AggregateError, match="group_by=model"):
        bf.scan_request_logs(path, preset="openai-usage")
    path.write_text('[{"model": "gpt-5.5", "input_tokens": 1}]', "utf-8")
    with pytest.raises(bf.AggregateError, match="expected pages of the usage API"):
        bf.scan_request_logs(path, preset="openai-usage")


def test_cli_tag_from_and_tag_names(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["project", "--logs", str(OPENAI / "completions_pages.ndjson"), "--preset"]
    assert main([*args, "openai-usage", "--tag-names", str(OPENAI / "projects.csv"), "-q"]) == 0
    out = capsys.readouterr().out
    assert "Total projected saving: $20.60" in out  # 5.375 + 15.225
    assert "$52.38 priced from the catalog" in out  # 52.375
    assert "1 request(s) (1,000 input, 100 output tokens) have no known cost" in out
    # the raw ids as tags: name them in --tags
    assert main([*args, "openai-usage", "--tags", "proj_chat", "-q", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert '"tag": "proj_chat"' in out
    assert main([*args, "anthropic-usage", "--tag-from", "project_id"]) == 2
    assert "tag_from must be one of ['workspace_id', 'api_key_id']" in capsys.readouterr().err
    assert main([*args, "helicone", "--tag-from", "project_id"]) == 2
    assert "--tag-from / --tag-names apply to --preset" in capsys.readouterr().err
