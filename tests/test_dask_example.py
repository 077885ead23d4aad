"""The documented Dask example runs and agrees with the single-machine projection."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

pytest.importorskip("dask.dataframe", reason="needs dask[dataframe] (pip install --group test)")

import dask.dataframe as dd
import numpy as np

import batchframe as bf

pytestmark = pytest.mark.dask

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "dask_partials.py"


def load_example():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("dask_partials", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["dask_partials"] = module
    spec.loader.exec_module(module)
    return module


def test_dask_map_partitions_matches_project_batch_savings() -> None:
    rng = np.random.default_rng(3)
    n = 2_000
    pairs = [
        ("openai", "gpt-5.5"),
        ("anthropic", "claude-opus-4-8"),
        ("groq", "llama-3.1-8b-instant"),
        ("acme", "x"),
    ]
    pick = rng.integers(0, len(pairs), n)
    aggregates = pl.DataFrame(
        {
            "provider": [pairs[i][0] for i in pick],
            "model": [pairs[i][1] for i in pick],
            "tag": rng.choice(
                np.array(["nightly", "Nightly", "bulk", "chat", None], dtype=object), n
            ),
            "input_tokens": rng.integers(0, 10**6, n),
            "output_tokens": rng.integers(0, 10**5, n),
            "cost_usd": rng.integers(0, 10**5, n) / 64,
            "request_count": rng.integers(1, 100, n),
        },
        schema_overrides={"tag": pl.String},
    )
    ddf = dd.from_pandas(aggregates.to_pandas(), npartitions=7)
    findings = load_example().project_with_dask(ddf)
    expected = bf.project_batch_savings(aggregates)
    assert isinstance(expected, pl.DataFrame) and findings.height == expected.height > 0
    assert_frame_equal(
        findings.drop("summary"), expected.drop("summary"), check_exact=False, rel_tol=1e-9
    )
