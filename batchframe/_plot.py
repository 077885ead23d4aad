"""Charts of a projection (optional extra: ``pip install "batchframe[plot]"``).

`plot_savings` draws a findings frame, `plot_spend_status` the spend per status of a
`classify_segments` frame; `save_chart` / `chart_to_svg` render them offline through
vl-convert. Altair is imported only when a chart is drawn, so ``import batchframe``
never needs it. The frames are tiny (one row per finding or status), so their values are
handed to Altair as inline rows.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import polars as pl

from batchframe._display import usd as _usd
from batchframe._explain import spend_by_status
from batchframe._findings import FINDINGS_SCHEMA, RATE_NAMES, check_tier, tiers_of

if TYPE_CHECKING:
    from altair import LayerChart, TopLevelMixin

__all__ = [
    "SavingsRows",
    "chart_to_svg",
    "plot_savings",
    "plot_spend_status",
    "save_chart",
    "savings_rows",
]

INSTALL_HINT = 'pip install "batchframe[plot]"'
NOTE = "Advisory projection at catalog list rates; nothing was submitted."

_WIDTH = 640
_ROW_HEIGHT = 30
_LABEL_ROOM_PX = 210  # room right of the longest bar for its "$… saved · …% of spend" label
_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
_INK = "#1f2933"
_MUTED = "#52606d"
_LIGHT = "#c9d6e3"  # eligible spend
_DARK = "#2f5d8a"  # projected cost
_AMBER = "#d69e2e"
_GREY = "#9aa5b1"

_STATUS_LABELS = {
    "projected": "Projected (eligible, priced)",
    "untagged": "Untagged (interactive)",
    "not_eligible": "Tag not eligible",
    "unknown_model": "Unknown model",
    "no_batch_tier": "No batch tier",
    "already_batched": "Already batched",
    "cache_hit": "Gateway cache hit",
    "unknown_cost": "Cost unknown",
}
_STATUS_COLOURS = {
    "projected": _DARK,
    "untagged": _GREY,
    "not_eligible": _GREY,
    "unknown_model": _AMBER,
    "no_batch_tier": _AMBER,
    "already_batched": "#7b9e89",
    "cache_hit": "#a3b8c2",
    "unknown_cost": _AMBER,
}
_FINDING_COLUMNS = (*FINDINGS_SCHEMA.names(), "rates_effective_at")
# Columns of a findings frame that are not breakdown keys (a tier column names the tier).
_NOT_KEYS = (*_FINDING_COLUMNS, "tier")


def _altair() -> ModuleType:
    """Altair, or an ImportError with the install hint."""
    try:
        import altair
    except ImportError as exc:
        raise ImportError(f"batchframe charts need Altair and vl-convert: {INSTALL_HINT}") from exc
    return altair


def _vl_convert() -> Any:
    try:
        return importlib.import_module("vl_convert")
    except ImportError as exc:
        raise ImportError(
            f"rendering charts to PNG/SVG needs vl-convert-python: {INSTALL_HINT}"
        ) from exc


def _pct(value: float) -> str:
    """A share as "12.3%", with "<0.1%" for a positive share that would print as 0.0%."""
    return "<0.1%" if 0 < value < 0.05 else f"{value:.1f}%"


def _collected(frame: pl.DataFrame | pl.LazyFrame, what: str) -> pl.DataFrame:
    if isinstance(frame, pl.LazyFrame):
        return frame.collect()
    if isinstance(frame, pl.DataFrame):
        return frame
    raise TypeError(f"{what} must be a Polars DataFrame or LazyFrame, got {type(frame).__name__}")


def _key_text(value: object) -> str:
    return "(null)" if value is None else str(value)


def _config(chart: Any, title: Any) -> Any:
    """Shared typography and a quiet look for a top-level chart."""
    return (
        chart.properties(title=title, width=_WIDTH)
        .configure(font=_FONT, background="white", padding=16)
        .configure_view(stroke=None)
        .configure_title(
            fontSize=17,
            fontWeight="bold",
            color=_INK,
            anchor="start",
            subtitleFontSize=12,
            subtitleColor=_MUTED,
            subtitlePadding=6,
            offset=14,
        )
        .configure_axis(
            labelFontSize=12,
            titleFontSize=12,
            labelColor=_INK,
            titleColor=_MUTED,
            titleFontWeight="normal",
            domainColor="#cbd2d9",
            tickColor="#cbd2d9",
            gridColor="#edf0f3",
        )
        .configure_legend(
            labelFontSize=12, labelColor=_INK, orient="top", direction="horizontal", title=None
        )
    )


def _empty_chart(alt: ModuleType, title: str, message: str) -> LayerChart:
    text = (
        alt.Chart(alt.Data(values=[{"message": message}]))
        .mark_text(fontSize=13, color=_MUTED, align="left", x=0, y=20)
        .encode(text="message:N")
        .properties(height=40)
    )
    chart: LayerChart = _config(alt.layer(text), alt.TitleParams(title, subtitle=[NOTE]))
    return chart


@dataclass(frozen=True)
class SavingsRows:
    """What `plot_savings` draws, shaped from a findings frame; no chart spec in it.

    Attributes:
        rate: the rate the findings were projected at, as named in the text
            (``"Batch API"`` or ``"Flex"``).
        title: the chart title (the total saving of every finding, drawn or not).
        subtitle: the note, and a line counting the findings not drawn.
        rows: one dict per finding drawn, top to bottom: ``rank``, ``label``, the
            numbers, ``summary`` and ``bar_label`` (the text at the bar end).
        measures: ``(legend name, row field, colour)`` of the light bar (eligible
            spend) and the dark bar over it (projected cost).
        bars: `rows` once per measure, with its ``measure`` name and ``value``.
        domain: the x scale, from the lowest value (or 0) to room for the labels.
    """

    rate: str
    title: str
    subtitle: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]
    measures: tuple[tuple[str, str, str], ...]
    bars: tuple[dict[str, Any], ...]
    domain: tuple[float, float]


def _check_top(top: object) -> None:
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top must be a positive integer or None, got {top!r}")


def _rate(frame: pl.DataFrame, tier: str | None) -> str:
    """The rate name of the frame's tier (`tier`, its ``tier`` column, else batch)."""
    tiers = sorted(set(tiers_of(frame, tier)))
    if len(tiers) > 1:
        raise ValueError(f"cannot plot findings of several tiers together: {tiers}")
    return RATE_NAMES[tiers[0] if tiers else (tier or "batch")]


def _finding_row(rank: int, row: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    saving = float(row["projected_savings_usd"])
    share = float(row["share_of_spend_pct"])
    return {
        "rank": rank,
        "label": " \u00b7 ".join(_key_text(row[c]) for c in ("tag", *keys)),
        "eligible": float(row["eligible_spend_usd"]),
        "projected": float(row["projected_batch_cost_usd"]),
        "saving": saving,
        "share": share,
        "discount": float(row["discount_pct"]),
        "requests": int(row["request_count"]),
        "summary": row["summary"],
        "bar_label": f"{_usd(saving)} saved \u00b7 {share:.1f}% of spend",
    }


def _finding_rows(shown: pl.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    """One row per finding drawn; a repeated label (defensive) gets its rank appended."""
    rows = [_finding_row(rank, row, keys) for rank, row in enumerate(shown.iter_rows(named=True))]
    seen: set[str] = set()
    for row in rows:
        if row["label"] in seen:
            row["label"] = f"{row['label']} #{row['rank'] + 1}"
        seen.add(row["label"])
    return rows


def _not_drawn(frame: pl.DataFrame, drawn: int, noun: str) -> list[str]:
    """The subtitle line counting the findings beyond `drawn`, if any."""
    hidden = frame.height - drawn
    if not hidden:
        return []
    rest = float(frame["projected_savings_usd"].tail(hidden).sum())
    one = noun[:-1] if hidden == 1 else noun
    return [f"Top {drawn} shown; +{hidden} more {one} ({_usd(rest)} saved) not drawn."]


def _bar_domain(rows: list[dict[str, Any]]) -> tuple[float, float]:
    """Lowest value (or 0) to the biggest, widened so the labels fit right of the bars."""
    biggest = max(max(r["eligible"], r["projected"], 0.0) for r in rows)
    lowest = min(min(r["eligible"], r["projected"], 0.0) for r in rows)
    upper = biggest * _WIDTH / (_WIDTH - _LABEL_ROOM_PX) if biggest > 0 else 1.0
    return lowest, upper


def savings_rows(
    findings: pl.DataFrame | pl.LazyFrame, *, top: int | None = 15, tier: str | None = None
) -> SavingsRows:
    """The rows, texts, colours and scale of `plot_savings`, from a findings frame.

    Findings are ordered by saving (biggest first, stable); only the first `top` are
    drawn. `tier` is as in `plot_savings`. An empty frame gives no rows and the title
    that says there is nothing to project.

    Raises:
        ValueError: `top` is not a positive integer or None, a finding column is missing,
            or the tier is not ``"batch"`` or ``"flex"`` (or the ``tier`` column mixes them).
        TypeError: `findings` is not a Polars frame.

    Examples:
        >>> import batchframe as bf
        >>> seg = bf.RequestAggregate("openai", "gpt-5.4", "bulk", 2_000_000, 0, 5.0, 4)
        >>> data = savings_rows(bf.project_batch_savings([seg]))
        >>> data.title
        'Batch API could save ~$2.50 on eligible traffic'
        >>> [(r["label"], r["eligible"], r["projected"], r["bar_label"]) for r in data.rows]
        [('bulk', 5.0, 2.5, '$2.50 saved · 100.0% of spend')]
        >>> [(name, colour) for name, _, colour in data.measures]
        [('Eligible spend', '#c9d6e3'), ('Projected Batch API cost', '#2f5d8a')]
    """
    _check_top(top)
    if tier is not None:
        check_tier(tier)
    frame = _collected(findings, "findings")
    missing = [c for c in _FINDING_COLUMNS[:-1] if c not in frame.columns]
    if missing:
        raise ValueError(f"not a findings frame: missing columns {missing}")
    rate = _rate(frame, tier)
    measures = (
        ("Eligible spend", "eligible", _LIGHT),
        (f"Projected {rate} cost", "projected", _DARK),
    )
    if frame.is_empty():
        title = "Nothing to project: no batch-eligible, priced traffic"
        return SavingsRows(rate, title, (NOTE,), (), measures, (), (0.0, 1.0))
    frame = frame.sort(
        pl.col("projected_savings_usd"), descending=True, nulls_last=True, maintain_order=True
    )
    keys = [c for c in frame.columns if c not in _NOT_KEYS]
    rows = _finding_rows(frame if top is None else frame.head(top), keys)
    subtitle = (NOTE, *_not_drawn(frame, len(rows), "findings" if keys else "tags"))
    total = float(frame["projected_savings_usd"].sum())
    bars = [
        {**row, "measure": name, "value": row[field]} for name, field, _ in measures for row in rows
    ]
    title = f"{rate} could save ~{_usd(total)} on eligible traffic"
    return SavingsRows(rate, title, subtitle, tuple(rows), measures, tuple(bars), _bar_domain(rows))


def _savings_spec(alt: ModuleType, data: SavingsRows) -> LayerChart:
    """The Altair chart of `data`: two bar layers and a text layer sharing the y axis."""
    measures = data.measures
    scale = alt.Scale(domain=list(data.domain), nice=False, zero=True)
    y = alt.Y(
        "label:N",
        sort=[row["label"] for row in data.rows],
        title=None,
        axis=alt.Axis(labelLimit=280, labelPadding=8, ticks=False, domain=False),
    )
    tooltip = [
        alt.Tooltip("label:N", title="finding"),
        alt.Tooltip("eligible:Q", title="eligible spend", format="$,.2f"),
        alt.Tooltip("projected:Q", title=f"projected {data.rate} cost", format="$,.2f"),
        alt.Tooltip("saving:Q", title="saving", format="$,.2f"),
        alt.Tooltip("share:Q", title="share of spend %", format=".1f"),
        alt.Tooltip("requests:Q", title="requests", format=","),
        alt.Tooltip("summary:N", title="summary"),
    ]
    colour = alt.Color(
        "measure:N",
        scale=alt.Scale(domain=[m[0] for m in measures], range=[m[2] for m in measures]),
        legend=alt.Legend(symbolType="square", symbolSize=140, offset=4),
    )
    x = alt.X(
        "value:Q",
        title="USD",
        scale=scale,
        axis=alt.Axis(format="$,.0f", tickCount=6, grid=True),
    )
    base = alt.Chart(alt.Data(values=list(data.bars)))
    bars = [
        base.transform_filter(alt.datum.measure == name)
        .mark_bar(cornerRadiusEnd=2, height={"band": 0.72})
        .encode(x=x, y=y, color=colour, tooltip=tooltip)
        for name, _, _ in measures
    ]
    text = (
        alt.Chart(alt.Data(values=list(data.rows)))
        .mark_text(align="left", baseline="middle", dx=6, fontSize=12, color=_INK)
        .encode(x=alt.X("end:Q", scale=scale), y=y, text="bar_label:N", tooltip=tooltip)
        .transform_calculate(end="max(datum.eligible, datum.projected, 0)")
    )
    layered = alt.layer(*bars, text).properties(height=max(_ROW_HEIGHT * len(data.rows), 60))
    chart: LayerChart = _config(layered, alt.TitleParams(data.title, subtitle=list(data.subtitle)))
    return chart


def plot_savings(
    findings: pl.DataFrame | pl.LazyFrame, *, top: int | None = 15, tier: str | None = None
) -> LayerChart:
    """Horizontal bars of a findings frame: eligible spend against projected batch cost.

    One row per finding (``tag``, or ``tag · key …`` with `by=` keys), biggest saving on
    top; a light bar is the eligible spend, the darker bar over it the projected cost, the
    gap the saving, labelled at the bar end. The title carries the total projected saving
    of every finding; only the first `top` rows are drawn, the rest are counted in the
    subtitle. An empty frame gives a chart that says there is nothing to project.

    `tier` is the tier the findings were projected at, ``"batch"`` or ``"flex"`` (Flex
    wording for ``"flex"``). When None, the frame's ``tier`` column gives it if there is
    one, else ``"batch"``: pass ``tier="flex"`` to draw a ``tier="flex"`` projection.
    The rows come from `savings_rows`.

    Raises:
        ValueError: `top` is not a positive integer or None, a finding column is missing,
            or the tier is not ``"batch"`` or ``"flex"``.
        ImportError: Altair is not installed (the message names the extra).

    Examples:
        >>> import batchframe as bf
        >>> seg = bf.RequestAggregate("openai", "gpt-5.4", "bulk", 2_000_000, 0, 5.0, 4)
        >>> chart = plot_savings(bf.project_batch_savings([seg]))
        >>> chart.to_dict()["title"]["text"]
        'Batch API could save ~$2.50 on eligible traffic'
        >>> flex = bf.project_batch_savings([seg], tier="flex")
        >>> plot_savings(flex, tier="flex").to_dict()["title"]["text"]
        'Flex could save ~$2.50 on eligible traffic'
    """
    alt = _altair()
    data = savings_rows(findings, top=top, tier=tier)
    if not data.rows:
        return _empty_chart(
            alt,
            data.title,
            "No finding: no eligible tag had positive spend at a model with a batch price.",
        )
    return _savings_spec(alt, data)


def plot_spend_status(classified: pl.DataFrame | pl.LazyFrame) -> LayerChart:
    """Where the spend went, by status, in rule order: a bar per status with its share.

    `classified` is the output of `classify_segments` (a DataFrame or LazyFrame);
    statuses without a segment are left out. The projected segments are drawn in the
    accent colour, the eligible spend the catalog cannot price (unknown model, no batch
    tier) in amber, the rest in grey.

    Examples:
        >>> import batchframe as bf
        >>> rows = [bf.RequestAggregate("openai", "gpt-5.5", "nightly", 1_000_000, 0, 5.0, 2)]
        >>> plot_spend_status(bf.classify_segments(rows)).to_dict()["title"]["text"]
        'Where $5.00 of LLM spend went'
    """
    alt = _altair()
    frame = _collected(classified, "classified")
    per_status = spend_by_status(frame)
    present = per_status.filter(pl.col("segments") > 0)
    total = float(per_status["spend_usd"].sum())
    if present.is_empty():
        return _empty_chart(alt, "No spend to break down", "The classified frame has no segments.")
    rows = [
        {
            "status": row["status"],
            "label": _STATUS_LABELS.get(row["status"], row["status"]),
            "spend": float(row["spend_usd"]),
            "share": float(row["share_of_spend_pct"]),
            "segments": int(row["segments"]),
            "requests": int(row["request_count"]),
            "bar_label": f"{_usd(float(row['spend_usd']))} \u00b7 "
            f"{_pct(float(row['share_of_spend_pct']))}",
        }
        for row in present.iter_rows(named=True)
    ]
    order = [row["label"] for row in rows]
    statuses = [row["status"] for row in rows]
    biggest = max(max(r["spend"] for r in rows), 0.0)
    lowest = min(min(r["spend"] for r in rows), 0.0)
    upper = biggest * _WIDTH / (_WIDTH - 150) if biggest > 0 else 1.0
    scale = alt.Scale(domain=[lowest, upper], nice=False, zero=True)
    y = alt.Y(
        "label:N",
        sort=order,
        title=None,
        axis=alt.Axis(labelLimit=260, labelPadding=8, ticks=False, domain=False),
    )
    tooltip = [
        alt.Tooltip("label:N", title="status"),
        alt.Tooltip("spend:Q", title="spend", format="$,.2f"),
        alt.Tooltip("share:Q", title="share of spend %", format=".1f"),
        alt.Tooltip("segments:Q", title="segments", format=","),
        alt.Tooltip("requests:Q", title="requests", format=","),
    ]
    base = alt.Chart(alt.Data(values=rows))
    bars = base.mark_bar(cornerRadiusEnd=2, height={"band": 0.7}).encode(
        x=alt.X("spend:Q", title="USD", scale=scale, axis=alt.Axis(format="$,.0f", tickCount=6)),
        y=y,
        color=alt.Color(
            "status:N",
            scale=alt.Scale(domain=statuses, range=[_STATUS_COLOURS[s] for s in statuses]),
            legend=None,
        ),
        tooltip=tooltip,
    )
    text = (
        base.transform_calculate(end="max(datum.spend, 0)")
        .mark_text(align="left", baseline="middle", dx=6, fontSize=12, color=_INK)
        .encode(x=alt.X("end:Q", scale=scale), y=y, text="bar_label:N", tooltip=tooltip)
    )
    segments = sum(row["segments"] for row in rows)
    projected = next((row["segments"] for row in rows if row["status"] == "projected"), 0)
    subtitle = [
        (
            f"{projected} of {segments} segments are projected; "
            "amber is eligible spend the catalog cannot price."
        ),
        NOTE,
    ]
    layered = alt.layer(bars, text).properties(height=max(_ROW_HEIGHT * len(rows), 60))
    title = alt.TitleParams(f"Where {_usd(total)} of LLM spend went", subtitle=subtitle)
    chart: LayerChart = _config(layered, title)
    return chart


def chart_to_svg(chart: TopLevelMixin) -> str:
    """The chart as an SVG document, rendered offline by vl-convert."""
    svg: str = _vl_convert().vegalite_to_svg(chart.to_json())
    return svg


def save_chart(chart: TopLevelMixin, path: str | os.PathLike[str]) -> Path:
    """Write `chart` to `path` by suffix: ``.png``, ``.svg``, ``.html`` or ``.json``.

    Everything is rendered offline (PNG/SVG by vl-convert; the HTML bundles its
    JavaScript). Returns the path written.

    Raises:
        ValueError: the suffix is none of those.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".json":
        target.write_text(chart.to_json(), encoding="utf-8")
    elif suffix == ".svg":
        target.write_text(chart_to_svg(chart), encoding="utf-8")
    elif suffix == ".png":
        png: bytes = _vl_convert().vegalite_to_png(chart.to_json(), scale=2)
        target.write_bytes(png)
    elif suffix in (".html", ".htm"):
        html: str = _vl_convert().vegalite_to_html(chart.to_json(), bundle=True)
        target.write_text(html, encoding="utf-8")
    else:
        raise ValueError(
            f"cannot save a chart as {target.name!r}: use a .png, .svg, .html or .json path"
        )
    return target
