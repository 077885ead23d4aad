"""Raw request logs: scanning, mapping, the one-tag-per-request rule, periods, tiers, accounting."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
import pytest

import batchframe as bf

from support import given, settings, st

UTC = timezone.utc
MAPPING = {
    "prompt_tokens": "input_tokens",
    "completion_tokens": "output_tokens",
    "spend": "cost_usd",
}

RAW = pl.DataFrame(
    {
        "model": [
            "gpt-5.5",
            "gpt-5.5",
            "claude-opus-4-8",
            "gemini-2.5-flash",
            "mystery-7b",
            "gpt-5.5",
        ],
        "prompt_tokens": [1_000_000, 2_000_000, 1_000_000, 4_000_000, 10, 1_000_000],
        "completion_tokens": [0, 0, 200_000, 0, 10, 0],
        "spend": [5.0, 10.0, 10.0, 1.2, 0.01, 5.0],
        "tags": [["team-a", "Nightly", "bulk"], ["nightly"], ["bulk"], [], ["nightly"], ["chat"]],
        "startTime": [
            "2026-09-14 02:00:00",
            "2026-09-30T23:59:59Z",
            "2026-10-01T00:00:00+02:00",
            "2026-10-02 10:00:00",
            "2026-10-03 10:00:00",
            "2026-10-04T12:00:00.123456Z",
        ],
        "service_tier": ["default", "default", "batch", "default", "default", "flex"],
    }
)


def write(frame: pl.DataFrame, path: Path) -> Path:
    suffix = path.suffix
    if suffix == ".csv":
        frame.with_columns(
            pl.col("tags").map_batches(  # JSON text, as a database dump writes it
                lambda s: pl.Series([json.dumps(v.to_list()) for v in s]), return_dtype=pl.String
            )
        ).write_csv(path)
    elif suffix == ".ndjson":
        frame.write_ndjson(path)
    elif suffix == ".arrow":
        frame.write_ipc(path)
    else:
        frame.write_parquet(path)
    return path


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".ndjson", ".arrow"])
def test_scan_maps_columns_in_every_format(tmp_path: Path, suffix: str) -> None:
    path = write(RAW, tmp_path / f"logs{suffix}")
    logs = bf.scan_request_logs(path, columns={**MAPPING, "startTime": "timestamp"})
    assert isinstance(logs, pl.LazyFrame)
    frame = logs.collect()
    assert frame.schema == bf.LOG_SCHEMA
    # No provider column: left null per request, inferred once per segment when aggregating.
    assert frame["provider"].to_list() == [None] * 6
    aggregated = bf.aggregate_request_logs(frame)
    assert isinstance(aggregated, pl.DataFrame)
    assert dict(aggregated.select("model", "provider").unique().rows()) == {
        "gpt-5.5": "openai",
        "claude-opus-4-8": "anthropic",
        "gemini-2.5-flash": "google",
        "mystery-7b": "unknown",
    }
    assert frame["tags"].to_list() == [
        ["team-a", "Nightly", "bulk"],
        ["nightly"],
        ["bulk"],
        [],
        ["nightly"],
        ["chat"],
    ]
    assert frame["request_count"].to_list() == [1] * 6
    assert frame["timestamp"].to_list() == [
        datetime(2026, 9, 14, 2, tzinfo=UTC),
        datetime(2026, 9, 30, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 9, 30, 22, tzinfo=UTC),
        datetime(2026, 10, 2, 10, tzinfo=UTC),
        datetime(2026, 10, 3, 10, tzinfo=UTC),
        datetime(2026, 10, 4, 12, 0, 0, 123456, tzinfo=UTC),
    ]
    assert frame["already_batched"].to_list() == [False, False, True, False, False, True]


def test_globs_and_lists_read_every_file(tmp_path: Path) -> None:
    write(RAW.head(2), tmp_path / "a.parquet")
    write(RAW.tail(4), tmp_path / "b.parquet")
    by_glob = bf.scan_request_logs(str(tmp_path / "*.parquet"), columns=MAPPING).collect()
    by_list = bf.scan_request_logs(
        [tmp_path / "a.parquet", tmp_path / "b.parquet"], columns=MAPPING
    ).collect()
    assert by_glob.height == by_list.height == 6
    assert by_glob["cost_usd"].sum() == pytest.approx(31.21)


def test_bad_sources_name_the_file_and_column(tmp_path: Path) -> None:
    with pytest.raises(bf.AggregateError, match=r"nothing\.parquet: no such file"):
        bf.scan_request_logs(tmp_path / "nothing.parquet")
    with pytest.raises(bf.AggregateError, match=r"\*\.csv: no file matches this pattern"):
        bf.scan_request_logs(str(tmp_path / "*.csv"))
    path = write(RAW, tmp_path / "logs.parquet")
    with pytest.raises(
        bf.AggregateError,
        match=r"logs\.parquet: missing column 'input_tokens' after mapping; the logs have \[",
    ):
        bf.scan_request_logs(path)
    with pytest.raises(
        bf.AggregateError, match=r"columns= maps 'prompt', which is not in the file"
    ):
        bf.scan_request_logs(path, columns={"prompt": "input_tokens"})
    with pytest.raises(bf.AggregateError, match=r"unknown preset 'datadog'; known presets: \["):
        bf.scan_request_logs(path, preset="datadog")
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"not parquet at all")
    with pytest.raises(bf.AggregateError, match=r"garbage\.parquet: cannot read as parquet"):
        bf.scan_request_logs(garbage)


def test_malformed_json_tags_fail_at_collect(tmp_path: Path) -> None:
    path = tmp_path / "logs.csv"
    path.write_text(
        'model,prompt_tokens,completion_tokens,spend,tags\ngpt-5.5,1,1,1.0,"[""ok"", oops]"\n'
    )
    logs = bf.scan_request_logs(path, columns=MAPPING)
    # one policy for text that cannot be parsed: a named error, never a silent empty list
    with pytest.raises(
        bf.AggregateError,
        match=r"""^column 'tags': expected a JSON list of tags, got '\["ok", oops\]' at row 0 \(line 2\)$""",
    ):
        logs.collect()


def test_a_request_is_counted_once_under_its_first_eligible_tag() -> None:
    frame = pl.DataFrame(
        {
            "provider": ["openai"] * 4,
            "model": ["gpt-5.5"] * 4,
            "tags": [["team-a", "Nightly", "bulk"], ["team-a"], [], ["x", "y"]],
            "input_tokens": [1, 2, 3, 4],
            "output_tokens": [0, 0, 0, 0],
            "cost_usd": [10.0, 20.0, 30.0, 40.0],
        }
    )
    agg = bf.aggregate_request_logs(frame)
    assert isinstance(agg, pl.DataFrame)
    assert dict(agg.select("tag", "cost_usd").rows()) == {
        "Nightly": 10.0,
        "team-a": 20.0,
        None: 30.0,
        "x": 40.0,
    }
    # With another eligible set, the first *eligible* tag changes; the spend is still counted once.
    agg = bf.aggregate_request_logs(frame, eligible_tags=["BULK"])
    assert dict(agg.select("tag", "cost_usd").rows()) == {
        "bulk": 10.0,
        "team-a": 20.0,
        None: 30.0,
        "x": 40.0,
    }
    assert agg["cost_usd"].sum() == frame["cost_usd"].sum()


def test_every_splits_by_period_and_lazy_stays_lazy(tmp_path: Path) -> None:
    logs = bf.scan_request_logs(
        write(RAW, tmp_path / "logs.parquet"), columns={**MAPPING, "startTime": "timestamp"}
    )
    monthly = bf.aggregate_request_logs(logs, every="1mo")
    assert isinstance(monthly, pl.LazyFrame)
    frame = monthly.collect().sort("period_start", "model", "tag", nulls_last=True)
    assert frame.columns[-1] == "period_start"
    # The +02:00 request at local midnight on Oct 1 is Sep 30 in UTC.
    september = frame.filter(pl.col("period_start") == datetime(2026, 9, 1, tzinfo=UTC))
    assert sorted(september.select("model", "tag", "cost_usd").rows()) == [
        ("claude-opus-4-8", "bulk", 10.0),
        ("gpt-5.5", "Nightly", 5.0),
        ("gpt-5.5", "nightly", 10.0),
    ]
    assert frame["cost_usd"].sum() == pytest.approx(31.21)


def test_already_batched_traffic_is_reported_not_projected(tmp_path: Path) -> None:
    logs = bf.scan_request_logs(write(RAW, tmp_path / "logs.parquet"), columns=MAPPING)
    agg = bf.aggregate_request_logs(logs)
    findings = bf.project_batch_savings(agg).collect()  # type: ignore[union-attr]
    # The claude "bulk" request ran on the batch tier already: no "bulk" finding.
    assert dict(findings.select("tag", "eligible_spend_usd").rows()) == {
        "Nightly": 5.0,
        "nightly": 10.0,
    }
    classified = bf.classify_segments(agg).collect()  # type: ignore[union-attr]
    status = {(m, t): s for m, t, s in classified.select("model", "tag", "status").rows()}
    assert status[("claude-opus-4-8", "bulk")] == "already_batched"
    assert status[("gpt-5.5", "chat")] == "already_batched"  # flex tier
    assert status[("mystery-7b", "nightly")] == "unknown_model"
    assert status[("gemini-2.5-flash", None)] == "untagged"
    by_status = bf.spend_by_status(classified)
    assert dict(by_status.select("status", "spend_usd").rows()) == pytest.approx(
        {
            "projected": 15.0,
            "untagged": 1.2,
            "not_eligible": 0.0,
            "unknown_model": 0.01,
            "no_batch_tier": 0.0,
            "already_batched": 15.0,
            "cache_hit": 0.0,
            "unknown_cost": 0.0,
        }
    )
    assert by_status["share_of_spend_pct"].sum() == pytest.approx(100.0)


SEGMENTS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                ("openai", "gpt-5.5"),
                ("groq", "llama-3.1-8b-instant"),
                ("acme", "m"),
                ("anthropic", "claude-opus-4-8"),
            ]
        ),
        st.sampled_from(["nightly", "Nightly", "chat", "bulk", None]),
        st.integers(0, 10**7),
        st.integers(0, 10**6),
        st.integers(0, 10**6).map(lambda c: c / 64),
        st.integers(0, 100),
        st.booleans(),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(SEGMENTS)
def test_accounting_identity(rows: list[tuple]) -> None:  # type: ignore[type-arg]
    agg = pl.DataFrame(
        [(p, m, t, i, o, c, n, b) for (p, m), t, i, o, c, n, b in rows],
        schema={
            "provider": pl.String,
            "model": pl.String,
            "tag": pl.String,
            "input_tokens": pl.Int64,
            "output_tokens": pl.Int64,
            "cost_usd": pl.Float64,
            "request_count": pl.Int64,
            "already_batched": pl.Boolean,
        },
        orient="row",
    )
    classified = bf.classify_segments(agg)
    assert isinstance(classified, pl.DataFrame) and classified.height == agg.height
    by_status = bf.spend_by_status(classified)
    assert by_status["spend_usd"].sum() == pytest.approx(agg["cost_usd"].sum(), rel=1e-12, abs=1e-9)
    findings = bf.project_batch_savings(agg)
    assert isinstance(findings, pl.DataFrame)
    projected = classified.filter(pl.col("status") == "projected")
    assert findings["eligible_spend_usd"].sum() == pytest.approx(
        projected["cost_usd"].sum(), rel=1e-12, abs=1e-9
    )
    assert (
        findings["request_count"].sum()
        == projected.filter(pl.col("tag").is_in(findings["tag"].implode()))["request_count"].sum()
    )
    assert findings["share_of_spend_pct"].sum() <= 100.0 + 1e-9


def test_null_tag_lists_are_untagged_requests_not_lost() -> None:
    frame = pl.DataFrame(
        {
            "provider": ["openai"] * 3,
            "model": ["gpt-5.5"] * 3,
            "tags": [None, ["nightly"], []],
            "input_tokens": [1, 2, 3],
            "output_tokens": [0, 0, 0],
            "cost_usd": [1.0, 2.0, 4.0],
        },
        schema_overrides={"tags": pl.List(pl.String)},
    )
    agg = bf.aggregate_request_logs(frame)
    assert isinstance(agg, pl.DataFrame)
    assert dict(agg.select("tag", "cost_usd").rows()) == {None: 5.0, "nightly": 2.0}
    assert agg["request_count"].sum() == 3


# -- one route: the generic path and the presets clean the same way --------------------------


def _write(tmp_path: Path, text: str, name: str = "logs.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_list_tags_are_normalised_like_every_other_input() -> None:
    # in-memory logs with a list `tags` column go through the same cleaning (issue 11)
    logs = pl.DataFrame(
        {
            "provider": [" OpenAI ", "openai\u00a0"],
            "model": ["gpt-5.5", "gpt-5.5"],
            "tags": [["  ", " nightly "], ["nightly"]],
            "input_tokens": [200_000, 200_000],  # short prompts (gpt-5.5: 272k threshold)
            "output_tokens": [0, 0],
            "cost_usd": [1.0, 1.0],
        }
    )
    folded = bf.aggregate_request_logs(logs)
    assert folded.select("provider", "tag", "request_count").rows() == [("openai", "nightly", 2)]
    findings = bf.project_batch_savings(folded)
    # 400k x 2.50 per 1M = 1.00 at batch rates, against 2.00 paid
    assert findings.select("tag", "projected_savings_usd").rows() == [("nightly", 1.0)]


def test_blank_tags_are_dropped_through_a_column_map_and_a_preset(tmp_path: Path) -> None:
    generic = _write(
        tmp_path,
        'model,prompt,completion,usd,labels\ngpt-5.5,10,1,1.0,"[""  "", ""team-a""]"\n',
    )
    mapped = bf.scan_request_logs(
        generic,
        columns={
            "prompt": "input_tokens",
            "completion": "output_tokens",
            "usd": "cost_usd",
            "labels": "tags",
        },
    )
    spend = _write(
        tmp_path,
        "model,request_tags,prompt_tokens,completion_tokens,spend\n"
        'gpt-5.5,"[""  "", ""team-a""]",10,1,1.0\n',
        "spend.csv",
    )
    preset = bf.scan_request_logs(spend, preset="litellm-spendlogs")
    assert mapped.collect()["tags"].to_list() == [["team-a"]]
    assert preset.collect()["tags"].to_list() == [["team-a"]]


def test_an_unparseable_timestamp_names_the_files_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "model,prompt,completion,usd,ts\ngpt-5.5,1,1,1.0,yesterday\n")
    columns = {"prompt": "input_tokens", "completion": "output_tokens", "usd": "cost_usd"}
    logs = bf.scan_request_logs(path, columns={**columns, "ts": "timestamp"})
    with pytest.raises(
        bf.AggregateError,
        match=r"^column 'ts': expected a timestamp, got 'yesterday' at row 0 \(line 2\)$",
    ):
        logs.collect()
    spend = _write(
        tmp_path,
        "model,request_tags,prompt_tokens,completion_tokens,spend,startTime\n"
        'gpt-5.5,"[]",1,1,1.0,31/12/2025\n',
        "spend.csv",
    )
    with pytest.raises(
        bf.AggregateError,
        match=r"^column 'startTime': expected a timestamp, got '31/12/2025' at row 0 \(line 2\)$",
    ):
        bf.scan_request_logs(spend, preset="litellm-spendlogs").collect()


def test_timestamp_names_any_column_of_a_plain_frame() -> None:
    logs = pl.DataFrame(
        {
            "model": ["gpt-5.5", "gpt-5.5"],
            "tag": ["nightly", "nightly"],
            "input_tokens": [1, 2],
            "output_tokens": [0, 0],
            "cost_usd": [1.0, 2.0],
            "ts": ["2026-01-31T23:00:00Z", "2026-02-01 00:30:00"],
        }
    )
    monthly = bf.aggregate_request_logs(logs, every="1mo", timestamp="ts").sort("period_start")
    assert monthly["period_start"].dt.month().to_list() == [1, 2]
    assert monthly["cost_usd"].to_list() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("0.9", "'0.9'"), ("1.5", "'1.5'"), ("nan", "'nan'"), ("-1", "'-1'"), ("1,000", "'1,000'")],
)
def test_token_counts_must_be_whole_numbers_on_every_route(
    tmp_path: Path, value: str, shown: str
) -> None:
    # floats are not truncated or rounded: the aggregate rule holds for raw logs (issue 12)
    generic = _write(tmp_path, f'model,prompt,completion,usd\ngpt-5.5,"{value}",1,1.0\n')
    columns = {"prompt": "input_tokens", "completion": "output_tokens", "usd": "cost_usd"}
    with pytest.raises(
        bf.AggregateError,
        match=rf"^column 'prompt': expected a whole number >= 0, got {shown} at row 0 \(line 2\)$",
    ):
        bf.scan_request_logs(generic, columns=columns).collect()
    spend = _write(
        tmp_path,
        f'model,request_tags,prompt_tokens,completion_tokens,spend\ngpt-5.5,[],"{value}",1,1.0\n',
        "spend.csv",
    )
    with pytest.raises(
        bf.AggregateError,
        match=rf"^column 'prompt_tokens': expected a whole number >= 0, got {shown} at row 0 \(line 2\)$",
    ):
        bf.scan_request_logs(spend, preset="litellm-spendlogs").collect()


def test_whole_float_counts_are_counts() -> None:
    logs = pl.DataFrame(
        {
            "model": ["gpt-5.5"],
            "input_tokens": [2.0],
            "output_tokens": [3.0],
            "cost_usd": [1.0],
            "request_count": [4.0],
        }
    )
    folded = bf.aggregate_request_logs(logs)
    assert folded.select("input_tokens", "output_tokens", "request_count").rows() == [(2, 3, 4)]


def test_columns_must_be_a_mapping_onto_distinct_names(tmp_path: Path) -> None:
    path = _write(tmp_path, "model,a,b,usd\ngpt-5.5,1,1,1.0\n")
    with pytest.raises(TypeError, match="columns= takes a mapping"):
        bf.scan_request_logs(path, columns=["a", "b"])  # type: ignore[arg-type]
    with pytest.raises(bf.AggregateError, match="columns= maps two columns onto 'input_tokens'"):
        bf.scan_request_logs(path, columns={"a": "input_tokens", "b": "input_tokens"})
