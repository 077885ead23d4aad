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


@pytest.mark.bench  # the peers it compares against: duckdb, pandas
def test_benchmark_smoke_run(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--rows",
            "3000",
            "--repeats",
            "1",
            "--parquet-rows",
            "3000",
            "--eligible-shares",
            "0.25,0.05",
            "--data-dir",
            str(tmp_path),
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
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
