"""The overloads say what the functions do: a LazyFrame in, a LazyFrame out (mypy --strict)."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

SNIPPET = """
from typing import assert_type

import polars as pl

import batchframe as bf

lazy = pl.LazyFrame()
eager = pl.DataFrame()
rows = [bf.RequestAggregate("openai", "gpt-5.5", "nightly", 1, 1, 1.0, 1)]
assert_type(bf.project_batch_savings(lazy), pl.LazyFrame)
assert_type(bf.project_batch_savings(eager, tier="flex"), pl.DataFrame)
assert_type(bf.project_batch_savings(rows), pl.DataFrame)
assert_type(bf.project_batch_savings_with_tags(lazy, None, "bulk"), pl.LazyFrame)
assert_type(bf.classify_segments(lazy), pl.LazyFrame)
assert_type(bf.classify_segments(eager), pl.DataFrame)
assert_type(bf.partial_projection(lazy), pl.LazyFrame)
assert_type(bf.partial_projection(rows), pl.DataFrame)
assert_type(bf.merge_partials([eager]), pl.DataFrame)
assert_type(bf.merge_partials([lazy]), pl.LazyFrame)
assert_type(bf.aggregate_request_logs(lazy), pl.LazyFrame)
assert_type(bf.aggregate_request_logs(eager, every="1d"), pl.DataFrame)
assert_type(bf.scan_request_logs("logs.parquet"), pl.LazyFrame)
preset: bf.Preset = bf.helicone_preset("team")
data: bf.AggregatesLike = rows
"""


def test_overloads_type_check(tmp_path: Path) -> None:
    api = pytest.importorskip("mypy.api", reason="the typing check needs mypy (lint group)")
    path = tmp_path / "usage.py"
    path.write_text(textwrap.dedent(SNIPPET), encoding="utf-8")
    here = f"{sys.version_info.major}.{sys.version_info.minor}"  # typing.assert_type: 3.11+
    out, err, status = api.run(
        ["--strict", "--no-incremental", "--python-version", here, str(path)]
    )
    assert status == 0, out + err
