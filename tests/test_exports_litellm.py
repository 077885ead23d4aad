"""LiteLLM exports in their real shapes (samples/litellm/, sources in samples/README.md).

Expected values are worked out by hand from the embedded catalog's rates (pricing.toml, per
million tokens):

* openai gpt-5.5: input 5, output 30, cached input 0.5; above 272,000 prompt tokens input 10,
  output 45; batch (= flex) input 2.5, output 15, cached 0.25; batch long context input 5,
  output 22.5.
* anthropic claude-sonnet-4-6: input 3, output 15, cache read 0.3, cache write 3.75; batch
  input 1.5, output 7.5, cache read 0.15, cache write 1.875.

SpendLogs rows (2026-11-03), and what the provider bills for them:

1. gpt-5.5, tags nightly + 2 User-Agent tags, 100,000 prompt (40,000 cached), 10,000 output:
   60,000 x 5 + 40,000 x 0.5 + 10,000 x 30 = 0.30 + 0.02 + 0.30 = $0.62;
   at batch: 60,000 x 2.5 + 40,000 x 0.25 + 10,000 x 15 = 0.15 + 0.01 + 0.15 = $0.31.
2. gpt-5.5, nightly, 300,000 prompt (> 272,000: long context), 2,000 output:
   300,000 x 10 + 2,000 x 45 = 3.00 + 0.09 = $3.09; batch: 300,000 x 5 + 2,000 x 22.5 =
   1.50 + 0.045 = $1.545.
3. claude-sonnet-4-6, background, 50,000 prompt = 20,000 uncached + 20,000 read + 10,000
   written, 4,000 output: 0.06 + 0.006 + 0.0375 + 0.06 = $0.1635; batch 0.03 + 0.003 +
   0.01875 + 0.03 = $0.08175.
4. gpt-5.5 on flex (metadata.cost_breakdown.service_tier), nightly: 20,000 x 2.5 + 1,000 x 15
   = $0.065 -> already_batched.
5. LiteLLM cache hit of row 1: spend 0, tokens kept -> cache_hit, never projected.
6. batch job cost row (aretrieve_batch, model ""): 400,000 x 2.5 + 50,000 x 15 = $1.75 ->
   already_batched, model gpt-5.5 from metadata.batch_models.
7. acreate_batch row, model "", $0 -> already_batched, model "(batch job)".
8. gpt-5.5 with only User-Agent tags: 10,000 x 5 + 500 x 30 = $0.065 -> untagged.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

import batchframe as bf
from batchframe._cli import main
from batchframe._io import resolve, scan_log_files
from batchframe._presets import provider_alias

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "litellm"
SPENDLOGS = ["spendlogs.csv", "spendlogs.parquet", "spendlogs_api.ndjson"]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("name", SPENDLOGS)
def test_spendlogs_rows_read_in_every_shape(name: str) -> None:
    logs = bf.scan_request_logs(SAMPLES / name, preset="litellm-spendlogs").collect()
    assert logs.height == 8
    assert logs["tags"].to_list() == [
        ["nightly"],  # the two User-Agent tags are dropped
        ["nightly"],
        ["background"],
        ["nightly"],
        ["nightly"],
        [],
        [],
        [],  # only User-Agent tags: untagged
    ]
    assert logs["model"].to_list() == ["gpt-5.5"] * 2 + ["claude-sonnet-4-6"] + ["gpt-5.5"] * 3 + [
        "(batch job)",
        "gpt-5.5",
    ]
    assert logs["already_batched"].to_list() == [
        False,
        False,
        False,
        True,
        False,
        True,
        True,
        False,
    ]
    # row 1: OpenAI cached tokens inside prompt_tokens; row 3: Anthropic reads and writes
    assert logs["input_tokens"][0] == 100_000 and logs["cached_input_tokens"][0] == 40_000
    assert logs.row(2, named=True)["input_tokens"] == 50_000
    assert logs.row(2, named=True)["cached_input_tokens"] == 20_000
    assert logs.row(2, named=True)["cache_write_tokens"] == 10_000
    # startTime is timestamp(3) without zone: UTC
    assert logs["timestamp"][0] == datetime(2026, 11, 3, 2, 0, 0, 120_000, tzinfo=UTC)
    # total spend: 0.62 + 3.09 + 0.1635 + 0.065 + 0 + 1.75 + 0 + 0.065 = 5.7535
    assert logs["cost_usd"].sum() == pytest.approx(5.7535)


@pytest.mark.parametrize("name", SPENDLOGS)
def test_spendlogs_preset_flags_tier_and_cache_hit(name: str) -> None:
    # The canonical frame keeps LOG_SCHEMA only: look at the preset's own output.
    files = resolve(SAMPLES / name)
    lf = scan_log_files(files)
    mapped = bf.PRESETS["litellm-spendlogs"](lf, lf.collect_schema()).collect()
    assert mapped["service_tier"].to_list() == [
        "standard",  # "default" in cost_breakdown and response
        "standard",
        "standard",
        "flex",
        None,  # the cache hit has no cost breakdown
        "batch",
        None,
        "standard",
    ]
    assert mapped["cache_hit"].to_list() == [False] * 4 + [True] + [False] * 3


@pytest.mark.parametrize("name", SPENDLOGS)
def test_spendlogs_background_and_status_totals(name: str) -> None:
    logs = bf.scan_request_logs(SAMPLES / name, preset="litellm-spendlogs")
    aggregates = bf.aggregate_request_logs(logs)
    findings = bf.project_batch_savings(aggregates).collect()
    background = findings.filter(pl.col("tag") == "background").row(0, named=True)
    assert background["eligible_spend_usd"] == pytest.approx(0.1635)
    assert background["projected_batch_cost_usd"] == pytest.approx(0.08175)
    spend = bf.spend_by_status(bf.classify_segments(aggregates))
    by_status = {
        r["status"]: (r["request_count"], r["spend_usd"]) for r in spend.iter_rows(named=True)
    }
    # rows 4, 6, 7: 0.065 + 1.75 + 0 = 1.815
    assert by_status["already_batched"][0] == 3
    assert by_status["already_batched"][1] == pytest.approx(1.815)
    # row 8 only (its User-Agent tags are not tags)
    assert by_status["untagged"][0] == 1
    assert by_status["untagged"][1] == pytest.approx(0.065)
    assert by_status["not_eligible"][0] == 0
    # row 5: LiteLLM's own cache answered; $0, never projected, shown
    assert by_status["cache_hit"] == (1, 0.0)
    # projected: rows 1, 2, 3: 0.62 + 3.09 + 0.1635 = 3.8735 at 0.31 + 1.545 + 0.08175 = 1.93675
    projected = spend.filter(pl.col("status") == "projected").row(0, named=True)
    assert projected["spend_usd"] == pytest.approx(3.8735)
    assert projected["projected_batch_cost_usd"] == pytest.approx(1.93675)


@pytest.mark.parametrize("name", SPENDLOGS)
def test_spendlogs_nightly_excludes_the_gateway_cache_hit(name: str) -> None:
    logs = bf.scan_request_logs(SAMPLES / name, preset="litellm-spendlogs")
    findings = bf.project_batch_savings(bf.aggregate_request_logs(logs)).collect()
    nightly = findings.filter(pl.col("tag") == "nightly").row(0, named=True)
    # rows 1 and 2: 0.62 + 3.09 = 3.71 at 0.31 + 1.545 = 1.855 (the cache hit is not billed)
    assert nightly["eligible_spend_usd"] == pytest.approx(3.71)
    assert nightly["projected_batch_cost_usd"] == pytest.approx(1.855)
    assert nightly["request_count"] == 2


@pytest.mark.parametrize("name", SPENDLOGS)
def test_spendlogs_cli_runs_and_names_the_same_background_saving(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _cli(
        capsys, "project", "--logs", str(SAMPLES / name), "--preset", "litellm-spendlogs",
        "--format", "json", "-q",
    )  # fmt: skip
    assert status == 0, err
    rows = {r["tag"]: r for r in json.loads(out)["findings"]}
    # 0.1635 - 0.08175 = 0.08175 saved on background
    assert rows["background"]["projected_savings_usd"] == pytest.approx(0.08175)
    assert "User-Agent: OpenAI" not in rows


def test_user_agent_tags_can_be_kept() -> None:
    keep = bf.litellm_spendlogs_preset(drop_tags=())
    logs = bf.scan_request_logs(SAMPLES / "spendlogs.csv", preset=keep).collect()
    assert logs["tags"][0].to_list() == [
        "nightly",
        "User-Agent: OpenAI",
        "User-Agent: OpenAI/Python 2.3.0",
    ]
    custom = bf.litellm_spendlogs_preset(drop_tags=[r"user-agent:", r"night"])
    assert (
        bf.scan_request_logs(SAMPLES / "spendlogs.csv", preset=custom)
        .collect()["tags"][0]
        .to_list()
        == []
    )
    with pytest.raises(TypeError, match="sequence of regular expressions"):
        bf.litellm_spendlogs_preset(drop_tags="User-Agent:")


# -- DailyTagSpend ---------------------------------------------------------------------------
#
# 2026-11-04, gpt-5.5: 10 requests tagged [nightly, team-a] (1,000,000 prompt of which 200,000
# cached, 100,000 output: 800,000 x 5 + 200,000 x 0.5 + 100,000 x 30 = 4.0 + 0.1 + 3.0 = $7.10),
# 2 tagged [team-a] (100,000 prompt, 10,000 output: 0.5 + 0.3 = $0.80), 3 untagged (30,000
# prompt, 3,000 output: 0.15 + 0.09 = $0.24); every request also has the two User-Agent tags;
# one batch job's cost ($1.75, model '') booked under nightly. True total spend:
# 7.10 + 0.80 + 0.24 + 1.75 = $9.89; the table sums to 7.10 + 7.90 + 8.14 + 8.14 + 1.75 = $33.03.


def test_daily_tag_spend_drops_user_agent_rows_and_books_batch_jobs() -> None:
    logs = bf.scan_request_logs(SAMPLES / "daily_tag_spend.csv", preset="litellm-daily-tag-spend")
    rows = logs.collect()
    assert rows["tags"].to_list() == [["nightly"], ["team-a"], ["nightly"]]
    assert rows["model"].to_list() == ["gpt-5.5", "gpt-5.5", "(batch job)"]
    assert rows["already_batched"].to_list() == [False, False, True]
    findings = bf.project_batch_savings(bf.aggregate_request_logs(logs)).collect()
    nightly = findings.filter(pl.col("tag") == "nightly").row(0, named=True)
    # batch: 800,000 x 2.5 + 200,000 x 0.25 + 100,000 x 15 = 2.0 + 0.05 + 1.5 = $3.55
    assert nightly["eligible_spend_usd"] == pytest.approx(7.10)
    assert nightly["projected_batch_cost_usd"] == pytest.approx(3.55)


def test_daily_tag_spend_cli_prints_no_share_and_says_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = _cli(
        capsys, "project", "--logs", str(SAMPLES / "daily_tag_spend.csv"),
        "--preset", "litellm-daily-tag-spend", "--format", "json", "-q",
    )  # fmt: skip
    assert status == 0, err
    finding = json.loads(out)["findings"][0]
    assert finding["tag"] == "nightly"
    # 3.55 saved; a share of the table's sum (7.10 / 16.75 after the User-Agent rows) would be
    # wrong: the true total is 9.89
    assert finding["projected_savings_usd"] == pytest.approx(3.55)
    assert finding["share_of_spend_pct"] is None
    assert "shares of spend are not shown" in err
    status, out, err = _cli(
        capsys, "explain", "--logs", str(SAMPLES / "daily_tag_spend.csv"),
        "--preset", "litellm-daily-tag-spend", "-q",
    )  # fmt: skip
    assert status == 0, err
    assert "not your total spend" in out


# -- provider table ----------------------------------------------------------------------


def test_catalog_import_and_presets_share_the_provider_table() -> None:
    prices = {
        "fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct": {
            "litellm_provider": "fireworks_ai", "mode": "chat",
            "input_cost_per_token": 2e-07, "output_cost_per_token": 2e-07,
        },
        "gpt-3.5-turbo-instruct": {
            "litellm_provider": "text-completion-openai", "mode": "completion",
            "input_cost_per_token": 1.5e-06, "output_cost_per_token": 2e-06,
        },
        "codestral/codestral-latest": {
            "litellm_provider": "codestral", "mode": "chat",
            "input_cost_per_token": 0.0, "output_cost_per_token": 0.0,
        },
        "mistral/codestral-latest": {
            "litellm_provider": "mistral", "mode": "chat",
            "input_cost_per_token": 3e-07, "output_cost_per_token": 9e-07,
        },
        "bedrock/converse/us.amazon.nova-pro-v1:0": {
            "litellm_provider": "bedrock_converse", "mode": "chat",
            "input_cost_per_token": 8e-07, "output_cost_per_token": 3.2e-06,
        },
    }  # fmt: skip
    frame = bf.PricingCatalog.from_litellm(prices, effective_at="2026-11-01T00:00:00Z").frame
    got = {
        (p, m): i for p, m, i in frame.select("provider", "model", "input_per_million").iter_rows()
    }
    assert got[("fireworks", "accounts/fireworks/models/llama-v3p1-8b-instruct")] == pytest.approx(
        0.2
    )
    assert got[("openai", "gpt-3.5-turbo-instruct")] == pytest.approx(1.5)
    # mistral's own entry wins over the codestral endpoint's: 3e-07 -> 0.3 per million
    assert got[("mistral", "codestral-latest")] == pytest.approx(0.3)
    assert ("bedrock", "converse/us.amazon.nova-pro-v1:0") in got
    logs = pl.DataFrame(
        {"p": ["fireworks_ai", "text-completion-openai", "codestral", "bedrock_converse"]}
    )
    mapped = logs.select(provider_alias(pl.col("p")).alias("p"))["p"].to_list()
    assert mapped == ["fireworks", "openai", "mistral", "bedrock"]
