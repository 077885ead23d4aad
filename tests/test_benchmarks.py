"""A small run of the benchmark, so it cannot rot: its own result checks must pass.

No timing is asserted here; speed is measured by `python benchmarks/run.py`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`benchmarks/<script>` with `args` in a fresh interpreter; its output captured."""
    command = [sys.executable, str(ROOT / "benchmarks" / script), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


@pytest.mark.bench  # the peers it compares against: duckdb, pandas
def test_benchmark_smoke_run(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = _run(
        "run.py",
        *("--rows", "3000", "--repeats", "1", "--parquet-rows", "3000"),
        *("--eligible-shares", "0.25,0.05", "--data-dir", str(tmp_path), "--json", str(out)),
    )
    assert done.returncode == 0, done.stderr
    assert "findings agree across engines" in done.stdout
    report = json.loads(out.read_text())
    assert [(s["rows"], s["eligible_share"]) for s in report["sizes"]] == [
        (3000, 0.25),
        (3000, 0.05),
    ]
    size = report["sizes"][0]
    assert all(s["findings"] > 0 for s in report["sizes"])
    engines = {r["engine"] for r in size["results"]}
    assert {
        "batchframe",
        "batchframe (Categorical tag)",
        "batchframe (Enum tag)",
        "polars floor",
        "duckdb",
        "pandas",
        "python loop",
    } <= engines
    assert all(
        r["seconds"] > 0 and r["peak_extra_bytes"] is not None
        for r in size["results"]
        if r["engine"] not in ("batchframe (Enum tag)", "python loop")
    )
    assert {r["engine"] for r in report["parquet"]["results"]} == {"batchframe", "duckdb"}


@pytest.mark.bench  # the peers it compares against: duckdb, pandas
def test_logs_benchmark_smoke_run(tmp_path: Path) -> None:
    """`benchmarks/logs.py` on small inputs of each kind: every engine must agree."""
    out = tmp_path / "logs.json"
    done = _run(
        "logs.py",
        *("--rows", "20000", "--files", "2", "--csv-rows", "3000"),
        *("--real-csv-rows", "3000", "--repeats", "1"),
        *("--data-dir", str(tmp_path), "--json", str(out)),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("every engine finds the same 18 findings") == 3
    report = json.loads(out.read_text())
    assert [(i["name"], i["findings"]) for i in report["inputs"]] == [
        ("parquet-20000", 18),
        ("litellm-csv-3000", 18),
        ("litellm-real-csv-3000", 18),
    ]
    engines = [[r["engine"] for r in i["results"]] for i in report["inputs"]]
    assert engines[0] == ["batchframe", "duckdb", "polars"]
    assert engines[1] == engines[2] == ["batchframe", "duckdb", "polars", "pandas"]


def test_the_real_shaped_csv_has_a_real_dumps_columns_and_metadata(tmp_path: Path) -> None:
    """The benchmark's "real" LiteLLM CSV against the dump built from LiteLLM's source
    (tests/data/logs/litellm_spendlogs_cache.csv): the same columns in the same order, and
    `metadata` with the same top-level keys and the `Usage` keys that dump holds."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import logs  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    import polars as pl

    path = logs.write_litellm_real_csv(200, tmp_path)
    ours = pl.read_csv(path, infer_schema=False)
    real = pl.read_csv(
        ROOT / "tests" / "data" / "logs" / "litellm_spendlogs_cache.csv", infer_schema=False
    )
    assert ours.columns == real.columns
    ours_meta = json.loads(ours["metadata"][0])
    real_meta = json.loads(real["metadata"][1])  # msg_c02: usage_object and additional values
    assert list(ours_meta) == list(real_meta)
    real_usage = {
        key for row in real["metadata"] for key in (json.loads(row).get("usage_object") or {})
    }
    assert set(ours_meta["usage_object"]) <= real_usage
    assert set(ours_meta["additional_usage_values"]) <= set(real_meta["additional_usage_values"])
