"""The public surface: names, types and what importing batchframe pulls in."""

from __future__ import annotations

import subprocess
import sys

import polars as pl

import batchframe as bf

PUBLIC = {
    "DEFAULT_BATCH_ELIGIBLE_TAGS",
    "AggregateError",
    "BatchFinding",
    "BatchframeError",
    "CatalogError",
    "ModelPricing",
    "PricingCatalog",
    "RequestAggregate",
    "__version__",
    "as_findings",
    "catalog",
    "project_batch_savings",
    "project_batch_savings_with_tags",
}


#: The whole public surface, pinned: adding or removing a name is a decision, made here.
SURFACE = {
    "DEFAULT_BATCH_ELIGIBLE_TAGS", "LOG_SCHEMA", "PRESETS", "SEGMENT_STATUS",
    "AggregateError", "AggregatesLike", "BatchFinding", "BatchframeError", "CatalogError",
    "ModelPricing", "Preset", "PricingCatalog", "RequestAggregate", "__version__",
    "aggregate_request_logs", "as_findings", "catalog", "chart_to_svg", "classify_segments",
    "cost_notes", "helicone_preset", "litellm_daily_tag_spend_preset", "litellm_spendlogs_preset", "merge_partials", "partial_projection", "plot_savings",
    "plot_spend_status", "pricing_assumptions", "project_batch_savings", "project_batch_savings_with_tags",
    "save_chart", "scan_request_logs", "spend_by_status", "unpriced_models",
    "CANDIDATE_HINTS", "suggest_candidates", "render_report",
}  # fmt: skip
SPARK_SURFACE = {
    "aggregate_request_logs", "classify_segments", "local_session", "project_batch_savings",
    "to_spark",
}  # fmt: skip


def test_the_public_surface_is_exactly_the_pinned_one() -> None:
    assert set(bf.__all__) == SURFACE
    assert len(bf.__all__) == len(SURFACE)
    public = {n for n in dir(bf) if not n.startswith("_")} | {"__version__"}
    submodules = {n for n in public if isinstance(getattr(bf, n), type(sys))}
    assert public - submodules == SURFACE
    import batchframe.spark as bfs

    assert set(bfs.__all__) == SPARK_SURFACE


def test_version_comes_from_the_package_metadata() -> None:
    from importlib.metadata import version

    assert bf.__version__ == version("batchframe")


def test_all_is_the_whole_public_api() -> None:
    assert set(bf.__all__) >= PUBLIC
    for name in bf.__all__:
        assert hasattr(bf, name), name
    assert bf.DEFAULT_BATCH_ELIGIBLE_TAGS == (
        "background",
        "offline",
        "nightly",
        "batch",
        "bulk",
        "async",
    )


def test_import_pulls_in_no_optional_engine() -> None:
    code = (
        "import sys, batchframe as bf; "
        "print(sorted(m for m in ('pandas', 'pyarrow', 'pyspark', 'duckdb', 'altair') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_return_types_follow_the_input() -> None:
    rows = [bf.RequestAggregate("openai", "gpt-5.5", "nightly", 1_000_000, 1_000_000, 35.0, 10)]
    eager = bf.project_batch_savings(rows)
    assert isinstance(eager, pl.DataFrame)
    lazy = bf.project_batch_savings(pl.DataFrame(rows).lazy())
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect().equals(eager)
    assert bf.project_batch_savings(rows, bf.catalog()).equals(eager)


def test_eligible_tags_must_be_strings() -> None:
    rows = [bf.RequestAggregate("openai", "gpt-5.5", "nightly", 1, 1, 1.0, 1)]
    try:
        bf.project_batch_savings(rows, eligible_tags=["nightly", 7])  # type: ignore[list-item]
    except TypeError as exc:
        assert "eligible_tags must be strings, got 7" in str(exc)
    else:
        raise AssertionError("a non-string tag was accepted")
