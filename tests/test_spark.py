"""The Spark backend (batchframe.spark) gives the Polars path's answers, on a local session."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pytest

pytest.importorskip("pyspark", reason='needs pyspark: pip install -e ".[spark]" (and Java 17)')
pytest.importorskip("numpy", reason="needs numpy (comes with the test group)")

import numpy as np
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

import batchframe as bf
import batchframe.spark as bfs

from support import assert_same_findings

UTC = timezone.utc

# PySpark warns on import that it prefers pandas < 3; batchframe.spark never uses pandas.
pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
]


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    old = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = bfs.local_session("batchframe-tests", cores=2)
    yield session
    session.stop()
    if old is None:
        os.environ.pop("PYSPARK_PYTHON", None)
    else:
        os.environ["PYSPARK_PYTHON"] = old


# -- the worked example and randomized frames ----------------------------------------------


def test_spec_worked_example(spark: SparkSession) -> None:
    agg = pl.DataFrame(
        {
            "provider": ["openai", "openai"],
            "model": ["gpt-5.5", "gpt-5.5"],
            "tag": ["nightly", None],
            "input_tokens": [1_000_000, 1_000_000],
            "output_tokens": [1_000_000, 1_000_000],
            "cost_usd": [35.0, 35.0],
            "request_count": [10, 10],
        }
    )
    findings = bfs.project_batch_savings(bfs.to_spark(agg, spark))
    assert isinstance(findings, pl.DataFrame)
    assert_same_findings(findings, bf.project_batch_savings(agg))
    (row,) = findings.to_dicts()
    assert row["tag"] == "nightly"
    assert row["eligible_spend_usd"] == 35.0
    assert row["projected_batch_cost_usd"] == 17.5
    assert row["projected_savings_usd"] == 17.5
    assert row["share_of_spend_pct"] == 50.0
    assert row["discount_pct"] == 50.0
    assert row["request_count"] == 10


PAIRS = [
    ("openai", "gpt-5.5"),
    ("openai", "gpt-5.4"),
    ("openai", "gpt-5.4-mini"),
    ("openai", "o3"),
    ("anthropic", "claude-opus-4-8"),
    ("anthropic", "claude-haiku-4-5"),
    ("google", "gemini-2.5-flash"),
    ("mistral", "ministral-8b-latest"),
    ("groq", "llama-3.1-8b-instant"),  # no batch tier
    ("acme", "in-house-70b"),
    ("openai", "gpt-3.5-turbo-legacy"),  # unknown to the catalog
]
TAGS = [
    "nightly",
    "Nightly",
    "NIGHTLY",
    "bulk",
    "Bulk",
    "bul\u212a",
    "background",
    "BackGround",
    "offline",
    "async",
    "batch",
    "Batch",
    "chat",
    "search",
    "nightly-report",
    "pre-bulk",
    "reports",
    "Reports",
    "b\u00e4tch",
    None,
    None,
]


def random_aggregates(seed: int, rows: int = 300) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    pair = rng.integers(0, len(PAIRS), rows)
    tag = rng.integers(0, len(TAGS), rows)
    requests = rng.integers(0, 500, rows)
    cost = np.round(rng.uniform(-2.0, 60.0, rows), 4)  # a few credits (negative) too
    batched = rng.random(rows)
    return pl.DataFrame(
        {
            "provider": [PAIRS[i][0] for i in pair],
            "model": [PAIRS[i][1] for i in pair],
            "tag": [TAGS[i] for i in tag],
            "input_tokens": rng.integers(0, 5_000_000, rows),
            "output_tokens": rng.integers(0, 800_000, rows),
            "cost_usd": cost,
            "request_count": requests,
            "already_batched": [None if b < 0.1 else bool(b > 0.85) for b in batched],
            "note": ["extra column, ignored"] * rows,
        }
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_frames_match_the_polars_path(spark: SparkSession, seed: int) -> None:
    agg = random_aggregates(seed)
    if seed == 2:  # other accepted dtypes: whole floats, narrow ints, Float32 costs, Categorical
        agg = agg.with_columns(
            pl.col("input_tokens").cast(pl.Float64),
            pl.col("request_count").cast(pl.Int32),
            pl.col("output_tokens").cast(pl.UInt32),
            pl.col("cost_usd").cast(pl.Float32),
            pl.col("tag").cast(pl.Categorical),
        )
    sdf = bfs.to_spark(agg, spark)
    for options in ({}, {"tier": "flex"}, {"by": ("provider", "model")}):
        expected = bf.project_batch_savings(agg, **options)
        assert isinstance(expected, pl.DataFrame) and expected.height > 3
        assert_same_findings(bfs.project_batch_savings(sdf, **options), expected)


def test_eligible_tags_catalog_and_empty_input(spark: SparkSession) -> None:
    agg = random_aggregates(4, rows=200)
    sdf = bfs.to_spark(agg, spark)
    for tags in ("reports", ["B\u00c4TCH", "nightly"], []):  # a bare string, non-ASCII, none
        assert_same_findings(
            bfs.project_batch_savings(sdf, eligible_tags=tags),
            bf.project_batch_savings(agg, eligible_tags=tags),
        )
    # A catalog whose latest entry drops the batch tier, and one model with both in its history.
    catalog = bf.PricingCatalog.parse(
        """
        [[entry]]
        provider = "openai"
        model = "gpt-5.5"
        input_per_million = 4.0
        output_per_million = 20.0
        batch_input_per_million = 1.0
        batch_output_per_million = 5.0
        effective_at = "2025-01-01T00:00:00Z"

        [[entry]]
        provider = "openai"
        model = "gpt-5.5"
        input_per_million = 5.0
        output_per_million = 30.0
        batch_input_per_million = 2.0
        batch_output_per_million = 12.0
        effective_at = "2026-01-01T00:00:00Z"

        [[entry]]
        provider = "anthropic"
        model = "claude-opus-4-8"
        input_per_million = 5.0
        output_per_million = 25.0
        batch_input_per_million = 2.5
        batch_output_per_million = 12.5
        effective_at = "2025-01-01T00:00:00Z"

        [[entry]]
        provider = "anthropic"
        model = "claude-opus-4-8"
        input_per_million = 5.0
        output_per_million = 25.0
        effective_at = "2026-01-01T00:00:00Z"
        """
    )
    for options in ({}, {"by": "model"}, {"tier": "flex"}):
        assert_same_findings(
            bfs.project_batch_savings(sdf, catalog, **options),
            bf.project_batch_savings(agg, catalog, **options),
        )
    empty = bfs.project_batch_savings(sdf.limit(0))
    assert empty.height == 0
    assert empty.schema == bf.project_batch_savings(agg.head(0)).schema


# -- request logs ---------------------------------------------------------------------------


def logs_frame() -> pl.DataFrame:
    start = datetime(2026, 9, 28, 22, 30, tzinfo=UTC)
    rows = 40
    rng = np.random.default_rng(7)
    tag_lists = [
        ["team-a", "Nightly", "bulk"],
        ["nightly"],
        ["bulk", "nightly"],
        [],
        ["chat"],
        ["chat", "search"],
        ["search", "BULK"],
        ["Background"],
        ["x", "y", "offline"],
    ]
    return pl.DataFrame(
        {
            "provider": [["openai", "anthropic", "acme"][i % 3] for i in range(rows)],
            "model": [["gpt-5.5", "claude-opus-4-8", "in-house-70b"][i % 3] for i in range(rows)],
            "tags": [tag_lists[i % len(tag_lists)] for i in range(rows)],
            "input_tokens": rng.integers(0, 100_000, rows),
            "output_tokens": rng.integers(0, 10_000, rows),
            "cost_usd": np.round(rng.uniform(0, 3, rows), 3),
            "request_count": rng.integers(1, 4, rows),
            "already_batched": [i % 7 == 0 for i in range(rows)],
            "timestamp": [start + timedelta(hours=13 * i) for i in range(rows)],
        }
    )


def collect_sorted(frame: pl.DataFrame | pl.LazyFrame | DataFrame) -> pl.DataFrame:
    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    if not isinstance(frame, pl.DataFrame):
        frame = bfs._collect(frame)
    keys = [
        c
        for c in frame.columns
        if c not in ("input_tokens", "output_tokens", "cost_usd", "request_count")
    ]
    return frame.sort(keys, nulls_last=True)


def assert_same_aggregates(got: DataFrame, expected: pl.DataFrame | pl.LazyFrame) -> None:
    left, right = collect_sorted(got), collect_sorted(expected)
    assert left.columns == right.columns
    assert left.drop("cost_usd").equals(right.drop("cost_usd")), (left, right)
    for a, b in zip(left["cost_usd"], right["cost_usd"], strict=True):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_aggregate_request_logs_matches_polars(spark: SparkSession) -> None:
    logs = logs_frame()
    sdf = bfs.to_spark(logs, spark)
    assert sdf.schema["tags"].dataType.simpleString() == "array<string>"
    for options in (
        {},
        {"every": "1mo"},
        {"every": "1d"},
        {"every": "1w"},
        {"every": "6h"},
        {"eligible_tags": ["search"]},
    ):
        expected = bf.aggregate_request_logs(logs, **options)
        assert isinstance(expected, pl.DataFrame)
        assert_same_aggregates(bfs.aggregate_request_logs(sdf, **options), expected)
    # End to end: monthly aggregates projected per period, against the Polars pipeline.
    monthly = bfs.aggregate_request_logs(sdf, every="1mo")
    assert_same_findings(
        bfs.project_batch_savings(monthly, by="period_start"),
        bf.project_batch_savings(bf.aggregate_request_logs(logs, every="1mo"), by="period_start"),
    )


def test_aggregate_request_logs_plain_tables(spark: SparkSession) -> None:
    # A `tag` column, messy providers (trimmed, lower-cased, blank or missing -> inferred),
    # a service tier instead of already_batched, no request_count; and tags as JSON text.
    logs = pl.DataFrame(
        {
            "provider": [" OpenAI", "openai", "", None, "Anthropic"],
            "model": ["gpt-5.5", "gpt-5.5", "claude-opus-4-8", "gemini-2.5-flash", "mystery-7b"],
            "tag": ["Nightly", "nightly", None, "bulk", "chat"],
            "input_tokens": [10, 20, 30, 40, 50],
            "output_tokens": [1, 2, 3, 4, 5],
            "cost_usd": [1.0, 2.0, 3.0, 4.0, 5.0],
            "service_tier": ["default", "Batch ", "flex", None, "default"],
        }
    )
    sdf = bfs.to_spark(logs, spark)
    assert_same_aggregates(bfs.aggregate_request_logs(sdf), bf.aggregate_request_logs(logs))
    as_json = logs.drop("tag").with_columns(
        tags=pl.Series([json.dumps(t) for t in (["a", "Nightly"], [], ["bulk"], ["x"], ["chat"])])
    )
    sdf = bfs.to_spark(as_json, spark)
    assert_same_aggregates(bfs.aggregate_request_logs(sdf), bf.aggregate_request_logs(as_json))
    no_provider = logs.drop("provider")
    assert_same_aggregates(
        bfs.aggregate_request_logs(bfs.to_spark(no_provider, spark)),
        bf.aggregate_request_logs(no_provider),
    )


def test_periods_do_not_depend_on_the_session_time_zone(spark: SparkSession) -> None:
    logs = logs_frame()
    expected = bf.aggregate_request_logs(logs, every="1d")
    sdf = bfs.to_spark(logs, spark)
    naive = sdf.withColumn("timestamp", F.col("timestamp").cast("timestamp_ntz"))  # UTC wall time
    previous = spark.conf.get("spark.sql.session.timeZone") or "UTC"
    spark.conf.set("spark.sql.session.timeZone", "America/New_York")
    try:
        for frame in (sdf, naive):
            got = bfs._collect(bfs.aggregate_request_logs(frame, every="1d"))
            got = got.with_columns(pl.col("period_start").dt.convert_time_zone("UTC"))
            left, right = collect_sorted(got), collect_sorted(expected)
            assert left.drop("cost_usd").equals(right.drop("cost_usd"))
    finally:
        spark.conf.set("spark.sql.session.timeZone", previous)


# -- conversion ---------------------------------------------------------------------------------


def test_to_spark_makes_spark_safe_types(spark: SparkSession) -> None:
    frame = pl.DataFrame(
        {
            "u8": pl.Series([1, 255], dtype=pl.UInt8),
            "u16": pl.Series([1, 65_535], dtype=pl.UInt16),
            "u32": pl.Series([1, 2**32 - 1], dtype=pl.UInt32),
            "u64": pl.Series([1, 2**63 - 1], dtype=pl.UInt64),
            "u64_big": pl.Series([1, 2**64 - 1], dtype=pl.UInt64),
            "cat": pl.Series(["a", None], dtype=pl.Categorical),
            "enum": pl.Series(["x", "y"], dtype=pl.Enum(["x", "y"])),
            "tags": [["a", "b"], []],
            "naive": [datetime(2026, 1, 1, 12, 0, 0, 123456), None],
            "paris": pl.Series([datetime(2026, 6, 1, 12), None]).dt.replace_time_zone(
                "Europe/Paris"
            ),
            "nothing": pl.Series([None, None], dtype=pl.Null),
        }
    ).with_columns(pl.col("naive").cast(pl.Datetime("ns")))
    sdf = bfs.to_spark(frame, spark)
    types = {f.name: f.dataType.simpleString() for f in sdf.schema.fields}
    assert types == {
        "u8": "smallint",
        "u16": "int",
        "u32": "bigint",
        "u64": "bigint",
        "u64_big": "decimal(20,0)",
        "cat": "string",
        "enum": "string",
        "tags": "array<string>",
        "naive": "timestamp",
        "paris": "timestamp",
        "nothing": "string",
    }
    row = sdf.orderBy("u8").first()
    assert row is not None
    assert (row["u64_big"], row["cat"], row["tags"]) == (1, "a", ["a", "b"])
    back = bfs._collect(sdf.orderBy("u8"))
    assert back["naive"].to_list()[0] == datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert back["paris"].to_list()[0] == datetime(2026, 6, 1, 10, tzinfo=UTC)
    assert back["u64_big"].cast(pl.UInt64).to_list() == [1, 2**64 - 1]
    # Arrow tables take the same path.
    assert bfs.to_spark(frame.to_arrow(), spark).schema == sdf.schema
    with pytest.raises(TypeError, match="to_spark takes"):
        bfs.to_spark({"a": [1]}, spark)


def test_no_python_runs_on_the_workers(spark: SparkSession) -> None:
    # The plans that run on executors hold no Python UDF of any kind.
    sdf = bfs.to_spark(random_aggregates(5, rows=50), spark)
    logs = bfs.to_spark(logs_frame(), spark)
    schema = bfs._schema(sdf)
    keys = ("provider", "model", "tag")
    plans = [
        bfs._fold_plan(sdf, schema, keys, bfs._candidate(schema, ["nightly", "bulk"])),
        bfs._fold_plan(sdf, schema, keys),
        bfs._raw_log_fold(logs, "1mo", "timestamp"),
    ]
    executed = [plan._jdf.queryExecution().executedPlan().toString() for plan in plans]
    for text in executed:  # BatchEvalPython, ArrowEvalPython, MapInPandas, PythonMapInArrow …
        assert not any(word in text for word in ("Python", "Pandas", "InArrow")), text
    # Spark only folds: the rules, rates and finish run in Polars on the collected result
    assert all("Join" not in text for text in executed)


# -- bad input ----------------------------------------------------------------------------------

GOOD = pl.DataFrame(
    {
        "provider": ["openai", "openai", "openai"],
        "model": ["gpt-5.5"] * 3,
        "tag": ["nightly", "bulk", None],
        "input_tokens": [1, 2, 3],
        "output_tokens": [1, 2, 3],
        "cost_usd": [1.0, 2.0, 3.0],
        "request_count": [1, 1, 1],
    }
)


def with_value(column: str, value: Any, dtype: Any = None) -> pl.DataFrame:
    series = GOOD[column].cast(dtype) if dtype is not None else GOOD[column]
    return GOOD.with_columns(series.scatter(1, value))


BAD_VALUES = [
    (with_value("provider", None), r"column 'provider': expected a string, not null, got null"),
    (with_value("model", None), r"column 'model': expected a string, not null, got null"),
    (with_value("input_tokens", -3), r"column 'input_tokens': expected an integer >= 0, got -3"),
    (
        with_value("output_tokens", None),
        r"column 'output_tokens': expected an integer >= 0, not null, got null",
    ),
    (
        with_value("request_count", 1.5, pl.Float64),
        r"column 'request_count': expected a whole number, got 1.5",
    ),
    (
        with_value("input_tokens", float("inf"), pl.Float64),
        r"column 'input_tokens': expected a whole, finite number, got inf",
    ),
    (with_value("cost_usd", float("nan")), r"column 'cost_usd': expected a finite number, got nan"),
    (
        with_value("cost_usd", float("-inf")),
        r"column 'cost_usd': expected a finite number, got -inf",
    ),
    (
        with_value("cost_usd", None),
        r"column 'cost_usd': expected a finite number, not null, got null",
    ),
]


@pytest.mark.parametrize(("frame", "message"), BAD_VALUES)
def test_bad_values_raise_aggregate_error(
    spark: SparkSession, frame: pl.DataFrame, message: str
) -> None:
    with pytest.raises(bf.AggregateError, match=message + " at row 1$"):
        bf.project_batch_savings(frame)  # the Polars path says the same, with the row index
    with pytest.raises(
        bf.AggregateError, match=message + r" at a row of the Spark DataFrame \(1 such row;"
    ):
        bfs.project_batch_savings(bfs.to_spark(frame, spark))


def test_bad_schemas_raise_aggregate_error(spark: SparkSession) -> None:
    sdf = bfs.to_spark(GOOD, spark)
    with pytest.raises(
        bf.AggregateError, match=r"missing column 'cost_usd'.*the input has \[.*'costusd'"
    ):
        bfs.project_batch_savings(sdf.withColumnRenamed("cost_usd", "costusd"))
    with pytest.raises(bf.AggregateError, match=r"column 'tag': expected strings, got dtype Int32"):
        bfs.project_batch_savings(sdf.withColumn("tag", F.lit(1)))
    with pytest.raises(
        bf.AggregateError, match=r"column 'input_tokens': expected integers >= 0, got non-numeric"
    ):
        bfs.project_batch_savings(sdf.withColumn("input_tokens", F.lit("12")))
    with pytest.raises(bf.AggregateError, match=r"column 'already_batched': expected booleans"):
        bfs.project_batch_savings(sdf.withColumn("already_batched", F.lit("yes")))
    with pytest.raises(bf.AggregateError, match=r"column 'team'.*is not in the input"):
        bfs.project_batch_savings(sdf, by="team")
    with pytest.raises(TypeError, match="takes a Spark DataFrame, got DataFrame; for Polars"):
        bfs.project_batch_savings(GOOD)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="aggregate_request_logs takes a Spark DataFrame"):
        bfs.aggregate_request_logs(logs_frame())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="tier must be one of"):
        bfs.project_batch_savings(sdf, tier="priority")
    with pytest.raises(bf.AggregateError, match=r"request logs: missing column 'model'"):
        bfs.aggregate_request_logs(sdf.drop("model"))
    with pytest.raises(ValueError, match=r"every='0d'"):
        bfs.aggregate_request_logs(bfs.to_spark(logs_frame(), spark), every="0d")


# -- packaging -------------------------------------------------------------------------------------


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


def test_importing_batchframe_does_not_import_pyspark() -> None:
    done = run_python(
        "import sys, batchframe, batchframe.spark\n"
        "assert 'pyspark' not in sys.modules, sorted(m for m in sys.modules if 'spark' in m)\n"
        "print('ok')"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_without_pyspark_the_api_names_the_extra() -> None:
    done = run_python(
        "import sys\n"
        "sys.modules['pyspark'] = None\n"
        "import batchframe.spark as bfs\n"
        "calls = [lambda: bfs.local_session(), lambda: bfs.project_batch_savings(None),\n"
        "         lambda: bfs.aggregate_request_logs(None), lambda: bfs.to_spark(None, None)]\n"
        "for call in calls:\n"
        "    try:\n"
        "        call()\n"
        "    except ImportError as exc:\n"
        "        assert 'pip install \"batchframe[spark]\"' in str(exc), exc\n"
        "    else:\n"
        "        raise SystemExit('no ImportError')\n"
        "print('ok')"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_arrow_inputs_convert_like_polars(spark: SparkSession) -> None:
    table = pa.table({name: GOOD[name].to_arrow() for name in GOOD.columns})
    assert_same_findings(
        bfs.project_batch_savings(bfs.to_spark(table, spark)), bf.project_batch_savings(GOOD)
    )


def test_benchmark_smoke_run(tmp_path: Path) -> None:
    # A tiny run of benchmarks/spark.py, so it cannot rot: its own result check must pass.
    out = tmp_path / "spark.json"
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "spark.py"
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            "--rows",
            "3000",
            "--repeats",
            "1",
            "--data-dir",
            str(tmp_path),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYSPARK_PYTHON": sys.executable},
    )
    assert done.returncode == 0, done.stderr
    assert "findings agree" in done.stdout
    report = json.loads(out.read_text())
    assert report["rows"] == 3000 and report["findings"] > 0
    assert report["spark_session_startup_seconds"] > 0
    assert len(report["results"]) == 2 and all(r["seconds"] > 0 for r in report["results"])


def test_unrecorded_costs_and_cache_hits_fold_as_in_polars(spark: SparkSession) -> None:
    logs = pl.DataFrame(
        {
            "model": ["gpt-5.5", "gpt-5.5", "gpt-5.5", "mystery-7b"],
            "tag": ["nightly"] * 4,
            "input_tokens": [100_000, 200_000, 50_000, 1_000],
            "output_tokens": [0, 0, 0, 0],
            # recorded, not recorded (priced: 200k × $5.00 = $1.00), a gateway cache hit,
            # and a model the catalog cannot price
            "cost_usd": [0.7, None, None, None],
            "cache_hit": [False, False, True, False],
        }
    )
    got = bfs.aggregate_request_logs(bfs.to_spark(logs, spark))
    want = bf.aggregate_request_logs(logs)
    assert_same_aggregates(got, want)
    assert sorted(want.select("cost_source", "cost_usd").rows(), key=str) == [
        ("catalog", 1.0),
        ("recorded", 0.0),  # the cache hit: never billed
        ("recorded", 0.7),
        (None, 0.0),  # mystery-7b: cost unknown
    ]
    statuses = bfs.classify_segments(got)["status"].cast(pl.String).sort().to_list()
    assert statuses == ["cache_hit", "projected", "projected", "unknown_cost"]
