"""One table of awkward request logs through every engine and entry point.

The same logs go in as a Polars DataFrame, a LazyFrame, a CSV read with a column map, a
LiteLLM SpendLogs-shaped CSV read with its preset, and a Spark DataFrame; every route
must give identical findings and identical statuses. The expected numbers of the main
case are computed by hand below (embedded catalog: gpt-5.5 batch 2.50 / 15.00 per 1M,
claude-opus-4-8 batch 2.50 / 12.50 per 1M).
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import batchframe as bf

UTC = timezone.utc
T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
T1 = datetime(2026, 6, 15, 8, tzinfo=UTC)

# (provider, model, tags, input, output, cost, service_tier, timestamp)
ROWS: list[tuple[Any, ...]] = [
    (" OpenAI ", "gpt-5.5", ["nightly"], 100_000, 0, 5.0, None, T0),  # trimmed, lower-cased
    ("openai\u00a0", "gpt-5.5", ["Nightly"], 100_000, 0, 5.0, None, T1),  # NBSP, mixed case
    ("openai", "gpt-5.5", ["team-a", "Bulk"], 0, 1_000_000, 30.0, None, T0),  # first eligible
    ("openai", "gpt-5.5", ["  ", "bul\u212a"], 0, 1_000_000, 30.0, "default", T1),  # KELVIN SIGN
    ("openai", "gpt-5.5", None, 100_000, 1_000_000, 35.0, None, T0),  # null tag list
    ("openai", "gpt-5.5", [], 100_000, 1_000_000, 35.0, None, T1),  # untagged
    ("openai", "gpt-5.5", ["nightly"], 100_000, 0, 2.5, "Batch ", T0),  # already batched
    ("openai", "gpt-5.5", [], 300_000, 0, 1.5, None, T1),  # a long prompt (> 272k), untagged
    ("anthropic", "claude-opus-4-8", ["background"], 1_000_000, 1_000_000, 30.0, "flex", T1),
    (None, "claude-opus-4-8", ["background"], 1_000_000, 0, 5.0, None, T0),  # provider inferred
    ("", "claude-opus-4-8", ["chat"], 1_000_000, 0, 5.0, None, T1),  # not eligible
    ("acme", "mystery-7b", ["nightly"], 1_000, 1_000, 1.0, None, T0),  # unknown model
    ("groq", "llama-3.1-8b-instant", ["bulk"], 1_000_000, 1_000_000, 0.13, None, T1),  # no tier
]
TOTAL = sum(row[5] for row in ROWS)  # 183.63

# Hand-computed findings of the default projection (tag, spend, batch cost, requests):
#   nightly    row 0 (gpt-5.5, 100k in at 2.50)         -> spend 5, cost 0.25, 1 request
#   Nightly    row 1 (a finding of its own: case kept)   -> spend 5, cost 0.25, 1 request
#   Bulk       row 2 (1M out at 15.00)                  -> spend 30, cost 15.0, 1 request
#   bulK       row 3 (tag "bul\u212a": blank tag dropped) -> spend 30, cost 15.0, 1 request
#   background row 8 (1M in at 2.50; row 7 ran on flex) -> spend 5, cost 2.5, 1 request
# Order: savings descending (15, 15, 4.75, 4.75, 2.5), ties by tag in byte order
# ("B" < "b", "N" < "n").
EXPECTED = [
    ("Bulk", 30.0, 15.0, 1),
    ("bul\u212a", 30.0, 15.0, 1),
    ("Nightly", 5.0, 0.25, 1),
    ("nightly", 5.0, 0.25, 1),
    ("background", 5.0, 2.5, 1),
]
STATUSES = {
    "projected": 30.0 + 30.0 + 10.0 + 5.0,
    "untagged": 70.0 + 1.5,
    "already_batched": 2.5 + 30.0,
    "not_eligible": 5.0,
    "unknown_model": 1.0,
    "no_batch_tier": 0.13,
}


def logs_frame() -> pl.DataFrame:
    names = ["provider", "model", "tags", "input_tokens", "output_tokens", "cost_usd"]
    names += ["service_tier", "timestamp"]
    return pl.DataFrame(
        [dict(zip(names, row, strict=False)) for row in ROWS],
        schema={
            "provider": pl.String,
            "model": pl.String,
            "tags": pl.List(pl.String),
            "input_tokens": pl.Int64,
            "output_tokens": pl.Int64,
            "cost_usd": pl.Float64,
            "service_tier": pl.String,
            "timestamp": pl.Datetime("us", "UTC"),
        },
    )


def _json(tags: list[str] | None) -> str | None:
    return None if tags is None else json.dumps(tags)


def mapped_csv(tmp: Path) -> pl.LazyFrame:
    """The logs as a generic CSV export with other column names and JSON tag text."""
    frame = logs_frame().with_columns(
        pl.Series("tags", [_json(row[2]) for row in ROWS], dtype=pl.String),
        pl.col("timestamp").dt.strftime("%Y-%m-%d %H:%M:%S"),
    )
    path = tmp / "export.csv"
    frame.rename(
        {
            "input_tokens": "prompt",
            "output_tokens": "completion",
            "cost_usd": "usd",
            "timestamp": "ts",
        }
    ).write_csv(path)
    columns = {
        "prompt": "input_tokens",
        "completion": "output_tokens",
        "usd": "cost_usd",
        "ts": "timestamp",
    }
    return bf.scan_request_logs(path, columns=columns)


def litellm_csv(tmp: Path) -> pl.LazyFrame:
    """The logs in the columns of LiteLLM's ``LiteLLM_SpendLogs`` table (schema.prisma)."""
    frame = logs_frame()
    path = tmp / "spendlogs.csv"
    pl.DataFrame(
        {
            "request_id": [f"r{i}" for i in range(frame.height)],
            "call_type": ["acompletion"] * frame.height,
            "custom_llm_provider": frame["provider"],
            "model": frame["model"],
            "request_tags": [_json(row[2]) for row in ROWS],
            "prompt_tokens": frame["input_tokens"],
            "completion_tokens": frame["output_tokens"],
            "spend": frame["cost_usd"],
            "startTime": frame["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S%.3f"),
            "service_tier": frame["service_tier"],
        }
    ).write_csv(path)
    return bf.scan_request_logs(path, preset="litellm-spendlogs")


ROUTES: dict[str, Callable[[Path], pl.DataFrame | pl.LazyFrame]] = {
    "polars-eager": lambda tmp: logs_frame(),
    "polars-lazy": lambda tmp: logs_frame().lazy(),
    "column-map": mapped_csv,
    "preset": litellm_csv,
}


def polars_route(name: str, tmp: Path, **options: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
    logs = ROUTES[name](tmp)
    every = options.pop("every", None)
    aggregates = bf.aggregate_request_logs(logs, every=every)
    findings = bf.project_batch_savings(aggregates, **options)
    status = bf.classify_segments(aggregates, price_at=options.get("price_at"))
    if isinstance(findings, pl.LazyFrame):
        findings, status = findings.collect(), status.collect()  # type: ignore[union-attr]
    assert isinstance(findings, pl.DataFrame) and isinstance(status, pl.DataFrame)
    return findings, status


def spend_by_status(status: pl.DataFrame) -> dict[str, float]:
    out = status.group_by("status").agg(pl.col("cost_usd").sum())
    return {str(s): round(c, 9) for s, c in out.rows()}


def statuses_by_segment(status: pl.DataFrame) -> list[tuple[Any, ...]]:
    return sorted(
        status.select(
            "provider", "model", "tag", pl.col("status").cast(pl.String), "projected_batch_cost_usd"
        ).rows(),
        key=repr,
    )


def assert_same(got: pl.DataFrame, want: pl.DataFrame) -> None:
    assert got.columns == want.columns
    assert got["tag"].to_list() == want["tag"].to_list()
    for name, dtype in want.schema.items():
        left, right = got[name].to_list(), want[name].to_list()
        if dtype == pl.Float64:
            assert all(
                math.isclose(a, b, rel_tol=1e-9) for a, b in zip(left, right, strict=False)
            ), name
        else:
            assert left == right, name


@pytest.mark.parametrize("route", list(ROUTES))
def test_every_polars_route_gives_the_hand_computed_findings(route: str, tmp_path: Path) -> None:
    findings, status = polars_route(route, tmp_path)
    got = findings.select(
        "tag", "eligible_spend_usd", "projected_batch_cost_usd", "request_count"
    ).rows()
    assert [g[0] for g in got] == [e[0] for e in EXPECTED]
    for (tag, spend, cost, n), (_, want_spend, want_cost, want_n) in zip(
        got, EXPECTED, strict=False
    ):
        assert math.isclose(spend, want_spend) and math.isclose(cost, want_cost), tag
        assert n == want_n, tag
    assert findings["share_of_spend_pct"][0] == pytest.approx(30.0 / TOTAL * 100)
    assert spend_by_status(status) == {k: round(v, 9) for k, v in STATUSES.items()}


OPTIONS: list[dict[str, Any]] = [
    {},
    {"eligible_tags": ["chat", "team-a"]},
    {"by": "provider"},
    {"by": ["model"]},
    {"tier": "flex"},
    {"every": "1mo", "by": "period_start", "price_at": "period_start"},
]


@pytest.mark.parametrize("options", OPTIONS, ids=repr)
def test_routes_agree_with_each_other(options: dict[str, Any], tmp_path: Path) -> None:
    base_findings, base_status = polars_route("polars-eager", tmp_path, **dict(options))
    for route in list(ROUTES)[1:]:
        findings, status = polars_route(route, tmp_path, **dict(options))
        assert_same(findings, base_findings)
        assert statuses_by_segment(status) == statuses_by_segment(base_status), route


def test_categorical_tags_and_price_history_agree() -> None:
    history = bf.PricingCatalog.parse(
        """
        [[entry]]
        provider = "openai"
        model = "gpt-5.5"
        input_per_million = 5.0
        output_per_million = 30.0
        batch_input_per_million = 4.0
        batch_output_per_million = 20.0
        effective_at = "2026-01-01T00:00:00Z"

        [[entry]]
        provider = "openai"
        model = "gpt-5.5"
        input_per_million = 5.0
        output_per_million = 30.0
        batch_input_per_million = 2.5
        batch_output_per_million = 15.0
        effective_at = "2026-05-01T00:00:00Z"
        """
    )
    aggregates = bf.aggregate_request_logs(logs_frame(), every="1mo")
    assert isinstance(aggregates, pl.DataFrame)
    categorical = aggregates.with_columns(pl.col("tag").cast(pl.Categorical))
    options: dict[str, Any] = {"by": "period_start", "price_at": "period_start"}
    plain = bf.project_batch_savings(aggregates, history, **options)
    assert_same(bf.project_batch_savings(categorical, history, **options), plain)
    assert_same(bf.project_batch_savings(categorical.lazy(), history, **options).collect(), plain)
    # nightly in March at the January rates (4.00 per 1M in), Nightly in June at the May
    # rates (2.50)
    nightly = plain.filter(pl.col("tag").str.to_lowercase() == "nightly").sort("period_start")
    assert nightly["projected_batch_cost_usd"].to_list() == [0.4, 0.25]  # 100k tokens each


# -- Spark -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="the Spark engine needs the spark extra")
    import batchframe.spark as bfs

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = bfs.local_session("batchframe-engines", cores=2)
    yield session


@pytest.mark.spark
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")
@pytest.mark.parametrize("options", OPTIONS, ids=repr)
def test_spark_agrees_with_polars(spark: Any, options: dict[str, Any], tmp_path: Path) -> None:
    import batchframe.spark as bfs

    want_findings, want_status = polars_route("polars-eager", tmp_path, **dict(options))
    options = dict(options)
    every = options.pop("every", None)
    logs = bfs.to_spark(logs_frame(), spark)
    aggregates = bfs.aggregate_request_logs(logs, every=every)
    assert_same(bfs.project_batch_savings(aggregates, **options), want_findings)
    status = bfs.classify_segments(aggregates, price_at=options.get("price_at"))
    assert statuses_by_segment(status) == statuses_by_segment(want_status)
    # the aggregates themselves are the Polars path's
    spark_rows = sorted(bfs._collect(aggregates).rows(), key=repr)
    polars_rows = sorted(bf.aggregate_request_logs(logs_frame(), every=every).rows(), key=repr)
    assert spark_rows == polars_rows


@pytest.mark.spark
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")
@pytest.mark.parametrize("tier", ["batch", "flex"])
def test_spark_prices_cache_and_long_context_like_polars(spark: Any, tier: str) -> None:
    import batchframe.spark as bfs

    def row(model: str, tag: str | None, **values: Any) -> dict[str, Any]:
        base = {
            "provider": "anthropic" if model.startswith("claude") else "openai",
            "model": model,
            "tag": tag,
            "input_tokens": 100_000,
            "output_tokens": 1_000,
            "cost_usd": 1.0,
            "request_count": 1,
            "cached_input_tokens": 0,
            "cache_write_tokens": 0,
            "long_context": False,
        }
        return {**base, **values}

    aggregates = pl.DataFrame(
        [
            row("claude-sonnet-4-6", "nightly", cached_input_tokens=90_000),
            # every key unique: Spark's drill-down is one row per distinct segment key
            row("claude-sonnet-4-6", "Nightly", cache_write_tokens=20_000),
            row("claude-sonnet-4-5-20250929", "bulk", cached_input_tokens=10_000),  # by alias
            row("gpt-5.5", "nightly", input_tokens=300_000, long_context=True),
            row("gpt-5.5", "bulk", input_tokens=300_000, cached_input_tokens=200_000),
            row("gpt-4.1", "bulk", cached_input_tokens=50_000),  # no cached rate at batch
            row("gpt-5.5", None, input_tokens=500_000, long_context=True),
        ]
    )
    sdf = bfs.to_spark(aggregates, spark)
    assert_same(
        bfs.project_batch_savings(sdf, tier=tier), bf.project_batch_savings(aggregates, tier=tier)
    )
    want = bf.classify_segments(aggregates, tier=tier)
    got = bfs.classify_segments(sdf, tier=tier)
    columns = [
        "model",
        "tag",
        "status",
        "projected_batch_cost_usd",
        "catalog_model",
        "pricing_note",
    ]

    def rows_of(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
        return sorted(
            frame.select(columns).with_columns(pl.col("status").cast(pl.String)).rows(), key=repr
        )

    assert rows_of(got) == rows_of(want)
