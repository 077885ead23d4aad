"""Charts (batchframe._plot): the rows drawn, what the rendered SVG says, saving, the hint."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl
import pytest

import batchframe as bf
from batchframe._cli import main
from batchframe._plot import (
    INSTALL_HINT,
    NOTE,
    chart_to_svg,
    plot_savings,
    plot_spend_status,
    save_chart,
    savings_rows,
)

SAMPLE = Path(bf.__file__).parent / "data" / "sample_aggregates.csv"
SVG_TEXT = "{http://www.w3.org/2000/svg}text"
# Every test but the last draws with altair and vl-convert (marker `plot`, see conftest.py);
# the last checks the error a core install gets.


@pytest.fixture(scope="module")
def sample() -> pl.DataFrame:
    return pl.read_csv(SAMPLE, schema_overrides={"tag": pl.String})


@pytest.fixture(scope="module")
def small() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "provider": ["openai", "openai", "anthropic", "openai"],
            "model": ["gpt-5.5", "gpt-5.5", "claude-opus-4-8", "gpt-5.4"],
            "tag": ["nightly", None, "Bulk", "chat"],
            "input_tokens": [1_000_000, 1_000_000, 4_000_000, 1_000_000],
            "output_tokens": [1_000_000, 1_000_000, 200_000, 0],
            "cost_usd": [35.0, 35.0, 25.0, 2.5],
            "request_count": [10, 10, 40, 3],
        }
    )


def texts(svg: str) -> list[str]:
    """The strings of every SVG <text> element (tspans joined by a space)."""
    root = ET.fromstring(svg)
    found = []
    for node in root.iter(SVG_TEXT):
        spans = [t.strip() for t in node.itertext() if t.strip()]
        found.append(" ".join(spans))
    return found


def joined(svg: str) -> str:
    return "\n".join(texts(svg))


def usd(value: float) -> str:
    return f"${value:,.2f}"


@pytest.mark.plot
def test_savings_chart_of_the_sample_names_every_tag_and_the_total(sample: pl.DataFrame) -> None:
    findings = bf.project_batch_savings(sample)
    assert isinstance(findings, pl.DataFrame)
    total = float(findings["projected_savings_usd"].sum())
    title = f"Batch API could save ~{usd(total)} on eligible traffic"
    assert title == "Batch API could save ~$726.80 on eligible traffic"
    found = texts(chart_to_svg(plot_savings(findings)))
    assert title in found
    assert any(NOTE in t for t in found)
    for tag in findings["tag"]:
        assert tag in found, tag
    first = findings.row(0, named=True)
    label = (
        f"{usd(first['projected_savings_usd'])} saved · {first['share_of_spend_pct']:.1f}% of spend"
    )
    assert label == "$172.86 saved · 6.1% of spend"
    assert label in found
    assert "Eligible spend" in found and "Projected Batch API cost" in found
    assert not any("more tags" in t for t in found)  # 9 findings, top=15: all drawn


@pytest.mark.plot
def test_small_frame_and_lazy_input(small: pl.DataFrame) -> None:
    findings = bf.project_batch_savings(small)
    assert isinstance(findings, pl.DataFrame)
    lazy = bf.project_batch_savings(small.lazy())
    assert isinstance(lazy, pl.LazyFrame)
    svg = chart_to_svg(plot_savings(lazy))
    assert plot_savings(lazy).to_dict() == plot_savings(findings).to_dict()
    found = joined(svg)
    total = float(findings["projected_savings_usd"].sum())
    assert f"~{usd(total)}" in found
    for tag in ("nightly", "Bulk"):
        assert tag in texts(svg)
    assert "chat" not in texts(svg)


@pytest.mark.plot
def test_top_limits_the_rows_and_mentions_the_rest(sample: pl.DataFrame) -> None:
    findings = bf.project_batch_savings(sample)
    assert isinstance(findings, pl.DataFrame)
    found = texts(chart_to_svg(plot_savings(findings, top=3)))
    tags = findings["tag"].to_list()
    assert all(tag in found for tag in tags[:3])
    assert not any(tag in found for tag in tags[3:])
    rest = float(findings["projected_savings_usd"][3:].sum())
    assert any(f"+{len(tags) - 3} more tags ({usd(rest)} saved)" in t for t in found)
    # The title still carries the total over every finding.
    assert "Batch API could save ~$726.80 on eligible traffic" in found


@pytest.mark.plot
def test_flex_tier_says_flex(sample: pl.DataFrame) -> None:
    findings = bf.project_batch_savings(sample, tier="flex")
    assert isinstance(findings, pl.DataFrame) and findings.height > 0
    total = float(findings["projected_savings_usd"].sum())
    found = texts(chart_to_svg(plot_savings(findings, tier="flex")))
    assert f"Flex could save ~{usd(total)} on eligible traffic" in found
    assert "Projected Flex cost" in found
    assert not any("Batch API" in t for t in found)


@pytest.mark.plot
def test_breakdown_by_provider_and_model(sample: pl.DataFrame) -> None:
    findings = bf.project_batch_savings(sample, by=("provider", "model"))
    assert isinstance(findings, pl.DataFrame)
    found = texts(chart_to_svg(plot_savings(findings, top=20)))
    for row in findings.iter_rows(named=True):
        assert f"{row['tag']} · {row['provider']} · {row['model']}" in found
    assert "Batch API could save ~$726.80 on eligible traffic" in found
    top = texts(chart_to_svg(plot_savings(findings, top=2)))
    assert any(f"+{findings.height - 2} more findings" in t for t in top)


@pytest.mark.plot
def test_empty_findings_say_there_is_nothing_to_project(small: pl.DataFrame) -> None:
    empty = bf.project_batch_savings(small, eligible_tags=())
    assert isinstance(empty, pl.DataFrame) and empty.is_empty()
    found = joined(chart_to_svg(plot_savings(empty)))
    assert "Nothing to project" in found
    assert NOTE in found


@pytest.mark.plot
def test_spend_status_chart(sample: pl.DataFrame) -> None:
    classified = bf.classify_segments(sample)
    per_status = bf.spend_by_status(classified)
    total = float(per_status["spend_usd"].sum())
    found = texts(chart_to_svg(plot_spend_status(classified)))
    assert f"Where {usd(total)} of LLM spend went" in found
    assert "Where $6,361.58 of LLM spend went" in found
    labels = {
        "projected": "Projected (eligible, priced)",
        "untagged": "Untagged (interactive)",
        "not_eligible": "Tag not eligible",
        "unknown_model": "Unknown model",
        "no_batch_tier": "No batch tier",
        "already_batched": "Already batched",
        "cache_hit": "Gateway cache hit",
        "unknown_cost": "Cost unknown",
    }
    for row in per_status.iter_rows(named=True):
        if row["segments"] > 0:
            assert labels[row["status"]] in found, row["status"]
        else:
            assert labels[row["status"]] not in found, row["status"]
    assert "$1,564.50 · 24.6%" in found
    assert "$1.11 · <0.1%" in found
    # Statuses are drawn top to bottom in rule order.
    shown = [found.index(labels[s]) for s in labels if labels[s] in found]
    assert shown == sorted(shown)
    lazy = bf.classify_segments(sample.lazy())
    assert isinstance(lazy, pl.LazyFrame)
    assert f"Where {usd(total)} of LLM spend went" in joined(chart_to_svg(plot_spend_status(lazy)))


@pytest.mark.plot
def test_save_chart_by_suffix(tmp_path: Path, small: pl.DataFrame) -> None:
    chart = plot_savings(bf.project_batch_savings(small))
    png = save_chart(chart, tmp_path / "savings.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    svg = save_chart(chart, str(tmp_path / "savings.svg"))
    assert "nightly" in texts(svg.read_text(encoding="utf-8"))
    assert '"$schema"' in save_chart(chart, tmp_path / "savings.json").read_text(encoding="utf-8")
    html = save_chart(chart, tmp_path / "savings.html").read_text(encoding="utf-8")
    assert "<html" in html.lower() and "cdn.jsdelivr" not in html
    status = save_chart(plot_spend_status(bf.classify_segments(small)), tmp_path / "status.svg")
    assert "Untagged (interactive)" in texts(status.read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match=r"png, \.svg"):
        save_chart(chart, tmp_path / "savings.pdf")
    assert not (tmp_path / "savings.pdf").exists()


@pytest.mark.plot
def test_bad_arguments(small: pl.DataFrame) -> None:
    findings = bf.project_batch_savings(small)
    assert isinstance(findings, pl.DataFrame)
    for top in (0, -1, True, 1.5):
        with pytest.raises(ValueError, match="top"):
            plot_savings(findings, top=top)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a findings frame"):
        plot_savings(small)
    with pytest.raises(TypeError, match="DataFrame or LazyFrame"):
        plot_savings(findings.to_dicts())  # type: ignore[arg-type]


def test_without_altair_the_error_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['altair'] = None\n"
        "import batchframe as bf, batchframe._plot\n"
        "seg = bf.RequestAggregate('openai', 'gpt-5.4', 'bulk', 2_000_000, 0, 5.0, 4)\n"
        "for call in (lambda: bf._plot.plot_savings(bf.project_batch_savings([seg])),\n"
        "             lambda: bf._plot.plot_spend_status(bf.classify_segments([seg]))):\n"
        "    try:\n"
        "        call()\n"
        "    except ImportError as exc:\n"
        "        print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 2
    assert all(INSTALL_HINT in line for line in lines)
    assert INSTALL_HINT == 'pip install "batchframe[plot]"'


def hand_findings(**extra: list[object]) -> pl.DataFrame:
    """Four findings with round numbers, not in saving order."""
    frame = pl.DataFrame(
        {
            "tag": ["c", "a", "b", "d"],
            "eligible_spend_usd": [10.0, 100.0, 40.0, 2.0],
            "projected_batch_cost_usd": [9.0, 50.0, 30.0, 1.5],
            "projected_savings_usd": [1.0, 50.0, 10.0, 0.5],
            "share_of_spend_pct": [5.0, 50.0, 20.0, 1.0],
            "request_count": [3, 1000, 40, 1],
            "discount_pct": [10.0, 50.0, 25.0, 25.0],
            "summary": ["sc", "sa", "sb", "sd"],
            **extra,
        },
        schema_overrides={"request_count": pl.UInt64},
    )
    return frame


def test_savings_rows_exact_values() -> None:
    data = savings_rows(hand_findings(), top=2)
    assert data.rate == "Batch API"
    assert data.title == "Batch API could save ~$61.50 on eligible traffic"
    assert data.subtitle == (NOTE, "Top 2 shown; +2 more tags ($1.50 saved) not drawn.")
    assert data.rows == (
        {
            "rank": 0,
            "label": "a",
            "eligible": 100.0,
            "projected": 50.0,
            "saving": 50.0,
            "share": 50.0,
            "discount": 50.0,
            "requests": 1000,
            "summary": "sa",
            "bar_label": "$50.00 saved · 50.0% of spend",
        },
        {
            "rank": 1,
            "label": "b",
            "eligible": 40.0,
            "projected": 30.0,
            "saving": 10.0,
            "share": 20.0,
            "discount": 25.0,
            "requests": 40,
            "summary": "sb",
            "bar_label": "$10.00 saved · 20.0% of spend",
        },
    )
    assert data.measures == (
        ("Eligible spend", "eligible", "#c9d6e3"),
        ("Projected Batch API cost", "projected", "#2f5d8a"),
    )
    assert [(b["measure"], b["label"], b["value"]) for b in data.bars] == [
        ("Eligible spend", "a", 100.0),
        ("Eligible spend", "b", 40.0),
        ("Projected Batch API cost", "a", 50.0),
        ("Projected Batch API cost", "b", 30.0),
    ]
    # 210 px of the 640 are kept right of the longest bar for its label.
    assert data.domain == (0.0, 100.0 * 640 / 430)
    one = savings_rows(hand_findings(), top=3).subtitle
    assert one == (NOTE, "Top 3 shown; +1 more tag ($0.50 saved) not drawn.")
    every = savings_rows(hand_findings(), top=None)
    assert [r["label"] for r in every.rows] == ["a", "b", "c", "d"]
    assert every.subtitle == (NOTE,) == savings_rows(hand_findings().lazy()).subtitle


def test_savings_rows_keys_nulls_repeats_and_negative_values() -> None:
    frame = hand_findings(model=["m1", None, "m2", "m1"]).with_columns(
        pl.when(pl.col("tag") == "d").then(pl.lit("a")).otherwise(pl.col("tag")).alias("tag"),
        pl.when(pl.col("tag") == "d")
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("model"))
        .alias("model"),
        pl.when(pl.col("tag") == "c")
        .then(-5.0)
        .otherwise(pl.col("eligible_spend_usd"))
        .alias("eligible_spend_usd"),
    )
    data = savings_rows(frame, top=3)
    assert [r["label"] for r in data.rows] == ["a · (null)", "b · m2", "c · m1"]
    assert data.subtitle[1] == "Top 3 shown; +1 more finding ($0.50 saved) not drawn."
    assert data.domain == (-5.0, 100.0 * 640 / 430)
    repeated = savings_rows(frame, top=None)
    assert [r["label"] for r in repeated.rows] == [
        "a · (null)",
        "b · m2",
        "c · m1",
        "a · (null) #4",
    ]


def test_savings_rows_of_an_empty_frame() -> None:
    data = savings_rows(hand_findings().head(0), tier="flex")
    assert data.title == "Nothing to project: no batch-eligible, priced traffic"
    assert data.subtitle == (NOTE,)
    assert data.rows == () and data.bars == ()
    assert data.rate == "Flex"


@pytest.mark.plot
def test_the_tier_comes_from_the_argument_or_the_column(sample: pl.DataFrame) -> None:
    flex = bf.project_batch_savings(sample, tier="flex")
    assert isinstance(flex, pl.DataFrame)
    drawn = plot_savings(flex, tier="flex").to_dict()
    assert drawn["title"]["text"].startswith("Flex could save ~$")
    assert plot_savings(flex.lazy(), tier="flex").to_dict() == drawn
    # A tier column names it too; the argument wins over the column.
    assert plot_savings(flex.with_columns(pl.lit("flex").alias("tier"))).to_dict() == drawn
    tagged = flex.with_columns(pl.lit("flex").alias("tier"))
    assert savings_rows(tagged, tier="batch").rate == "Batch API"
    # Without either, batch: the summary sentence is not read for the tier.
    assert savings_rows(flex).rate == "Batch API"
    for bad in ("Flex", "priority", ""):
        with pytest.raises(ValueError, match=r"tier must be one of \['batch', 'flex'\]"):
            plot_savings(flex, tier=bad)
    with pytest.raises(ValueError, match="tier must be one of"):
        plot_savings(flex.head(0), tier="standard")
    mixed = flex.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit("batch"))
        .otherwise(pl.lit("flex"))
        .alias("tier")
    )
    with pytest.raises(ValueError, match=r"several tiers together: \['batch', 'flex'\]"):
        plot_savings(mixed)
    with pytest.raises(ValueError, match=r"column 'tier', row 0: .* got 'x'"):
        plot_savings(flex.with_columns(pl.lit("x").alias("tier")))


@pytest.mark.plot
def test_cli_chart_of_a_flex_projection_says_flex(tmp_path: Path) -> None:
    svg = tmp_path / "flex.svg"
    status = main(
        [
            "project",
            str(SAMPLE),
            "--tier",
            "flex",
            "--chart",
            str(svg),
            "-o",
            str(tmp_path / "out.csv"),
            "--format",
            "csv",
        ]
    )
    assert status == 0
    found = texts(svg.read_text(encoding="utf-8"))
    assert any(t.startswith("Flex could save ~$") for t in found)
    assert "Projected Flex cost" in found
    assert not any("Batch API" in t for t in found)
