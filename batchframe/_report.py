"""Shareable renderings of finished frames: one self-contained HTML report, and Markdown.

`render_report` runs the public functions (projection, classification, explanations,
candidates) and lays their few result rows out as one HTML page with inline SVG charts:
no script, no external resource, no web font, so it opens offline and prints on A4.
Every piece of user text (tags, model ids, titles) is HTML-escaped. Nothing here
computes a number of its own except the sums that state the accounting identity.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime, timezone

import polars as pl

from batchframe._candidates import (
    MIN_BURST_SHARE,
    candidates_of,
    fold_logs,
    hint_words,
    suggest_candidates,
    tags_option,
)
from batchframe._catalog import PricingCatalog, resolve_catalog
from batchframe._display import usd
from batchframe._explain import pricing_assumptions, spend_by_status, unpriced_models
from batchframe._findings import RATE_NAMES
from batchframe._input import AggregatesLike
from batchframe._project import classify_segments, project_batch_savings
from batchframe._rules import TagsLike, check_tier, eligible_tag_set

__all__ = ["candidates_markdown", "findings_markdown", "render_report"]

NOTE = (
    "Advisory projection at the catalog's published Batch-API (or Flex) list rates; "
    "nothing was submitted to any API."
)
#: A catalog whose newest price is older than this many days is called stale (as the CLI).
STALE_AFTER_DAYS = 120

#: Why a status is not projected; a status without an entry is shown by its name alone.
STATUS_MEANING = {
    "projected": "batch-eligible tag with a batch rate in the catalog: the lever",
    "untagged": "no tag: treated as interactive",
    "not_eligible": "tagged, but not with an eligible tag",
    "unknown_model": "model not in the catalog: never guessed at 50 %",
    "no_batch_tier": "eligible, but the catalog has no rate for the tier (or for its cache "
    "writes / long prompts)",
    "already_batched": "already ran on a batch or flex tier: never projected twice",
    "cache_hit": "answered from a gateway cache: no provider call to move",
    "unknown_cost": "the export recorded no cost and the catalog cannot price it at the tier "
    "it ran on: counted, never projected",
}
DASH = "\u2013"  # an en dash: a missing value in a table
_PALETTE = ("#1f6f50", "#9aa5b1", "#c9a227", "#b5473a", "#7a5195", "#3a7ca5", "#d45087", "#444")


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _usd(value: float | None) -> str:
    return DASH if value is None else usd(value)


def _pct(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{value:.{digits}f} %"


# -- Markdown -------------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\|`*_[]<>~#"})


def _md(value: object) -> str:
    """Text safe in a Markdown table cell: specials backslash-escaped, one line."""
    text = "" if value is None else str(value)
    return " ".join(text.split()).translate(_MD_SPECIAL)


def findings_markdown(findings: pl.DataFrame, tier: str = "batch") -> str:
    """A findings frame as a Markdown table, its total and the advisory note.

    Examples:
        >>> import batchframe as bf
        >>> rows = [bf.RequestAggregate("openai", "gpt-5.5", "nightly", 1_000_000, 0, 5.0, 2)]
        >>> print(findings_markdown(bf.project_batch_savings(rows)))
        | tag | eligible $ | projected $ | saving $ | share of spend % | discount % | requests |
        |---|---:|---:|---:|---:|---:|---:|
        | nightly | $5.00 | $2.50 | $2.50 | 100.0 | 50 | 2 |
        <BLANKLINE>
        **Total projected saving at the Batch API rate: $2.50**
        <BLANKLINE>
        _Advisory projection at the catalog's published Batch-API (or Flex) list rates; nothing was submitted to any API._
    """
    known = {"tag", "eligible_spend_usd", "projected_batch_cost_usd", "projected_savings_usd"}
    known |= {"share_of_spend_pct", "discount_pct", "request_count", "summary"}
    keys = [c for c in findings.columns if c not in known and c != "rates_effective_at"]
    head = ["tag", *keys, "eligible $", "projected $", "saving $", "share of spend %"]
    head += ["discount %", "requests"]
    lines = ["| " + " | ".join(head) + " |", "|---" * (1 + len(keys)) + "|---:" * 6 + "|"]
    for row in findings.iter_rows(named=True):
        cells = [_md(row["tag"]), *(_md(row[k]) for k in keys)]
        cells += _money_cells(row)
        cells += [f"{row['share_of_spend_pct']:.1f}", f"{row['discount_pct']:.0f}"]
        cells.append(f"{row['request_count']:,}")
        lines.append("| " + " | ".join(cells) + " |")
    if not findings.height:
        lines = ["No batch-eligible spend with a rate in the catalog was found."]
    total = float(findings["projected_savings_usd"].sum())
    rate = RATE_NAMES[check_tier(tier)]
    lines += ["", f"**Total projected saving at the {rate} rate: {_usd(total)}**", "", f"_{NOTE}_"]
    return "\n".join(lines) + "\n"


_MONEY_ORDER = ("eligible_spend_usd", "projected_batch_cost_usd", "projected_savings_usd")


def _money_cells(row: dict[str, object]) -> list[str]:
    return [_usd(row[c]) for c in _MONEY_ORDER]  # type: ignore[arg-type]


def candidates_markdown(
    candidates: pl.DataFrame, eligible_tags: TagsLike = None, top: int = 5
) -> str:
    """The first `top` candidates as a Markdown table, the rest in one line, the --tags line."""
    shown, rest = candidates.head(top), candidates.slice(top)
    lines = [
        "| tag | saving $ (batch) | saving $ (flex) | share of spend % | name hint | burst share "
        "| evidence |",
        "|---|---:|---:|---:|---|---:|---|",
    ]
    for row in shown.iter_rows(named=True):
        burst = DASH if row["burst_share"] is None else f"{row['burst_share']:.2f}"
        lines.append(
            f"| {_md(row['tag'])} | {_usd(row['projected_savings_usd'])} | "
            f"{_usd(row['flex_savings_usd'])} | {row['share_of_spend_pct']:.1f} | "
            f"{_md(row['name_hint']) or DASH} | {burst} | {_md(row['evidence'])} |"
        )
    if not candidates.height:
        lines = ["No candidate tags: no tag outside the eligible set shows a name hint or bursts."]
    lines += _rest_and_tags(shown, rest, eligible_tags, code="`")
    return "\n".join(lines) + "\n"


def _rest_and_tags(
    shown: pl.DataFrame, rest: pl.DataFrame, eligible_tags: TagsLike, code: str = ""
) -> list[str]:
    lines = [""]
    if rest.height:
        saving = float(rest["projected_savings_usd"].sum())
        lines.append(f"… and {rest.height} more candidate tag(s), {_usd(saving)} saving together.")
    suggested = shown.filter(pl.col("projected_savings_usd") > 0)["tag"].to_list()
    if suggested:
        line = tags_option(eligible_tags, suggested)
        lines.append(f"To include the top suggestions: {code}{line}{code}")
    lines.append("Nothing was marked eligible: check that the traffic can wait up to 24 hours.")
    return lines


# -- HTML -----------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: #1d2a33; background: #fff; margin: 0; line-height: 1.4; font-size: 14px; }
main { max-width: 900px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid #1f6f50; padding-bottom: 3px; }
.sub, .note, figcaption { color: #5a6770; font-size: 12px; }
.headline { background: #eef6f1; border-left: 6px solid #1f6f50; padding: 12px 16px;
  margin: 18px 0; }
.headline .big { font-size: 34px; font-weight: 700; color: #1f6f50; margin: 0; }
.headline p { margin: 4px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 12.5px; }
th, td { border-bottom: 1px solid #dde3e7; padding: 4px 6px; text-align: left;
  vertical-align: top; }
th { background: #f4f6f8; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 700; border-top: 2px solid #1d2a33; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px;
  background: #f4f6f8; padding: 1px 3px; word-break: break-all; }
td code { white-space: nowrap; word-break: normal; }
svg { max-width: 100%; height: auto; display: block; }
ul { padding-left: 20px; } li { margin: 3px 0; }
section, figure, table { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 8px 0; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .headline { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _table(
    head: Sequence[tuple[str, bool]],
    rows: Sequence[Sequence[str]],
    table_id: str,
    total: Sequence[str] | None = None,
) -> str:
    """A table; `head` is (label, numeric) per column; cells are escaped already."""
    numeric = [n for _, n in head]

    def cls(i: int) -> str:
        return ' class="n"' if numeric[i] else ""

    ths = "".join(f"<th{cls(i)}>{_e(label)}</th>" for i, (label, _) in enumerate(head))
    body = [
        "<tr>" + "".join(f"<td{cls(i)}>{cell}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    ]
    if total is not None:
        cells = "".join(f"<td{cls(i)}>{cell}</td>" for i, cell in enumerate(total))
        body.append(f'<tr class="total">{cells}</tr>')
    return (
        f'<table id="{table_id}"><thead><tr>{ths}</tr></thead><tbody>'
        + "".join(body)
        + "</tbody></table>"
    )


def _bars_svg(findings: pl.DataFrame, rate: str, top: int) -> str:
    """Per tag: what was paid against what the same tokens cost at the tier's rate."""
    rows = findings.head(top).select(
        "tag", "eligible_spend_usd", "projected_batch_cost_usd", "projected_savings_usd"
    )
    width, label_w, right_w, bar_h, gap = 720, 170, 110, 12, 10
    plot_w = width - label_w - right_w
    peak = max([float(v) for v in rows["eligible_spend_usd"]] + [1e-12])
    height = 34 + rows.height * (2 * bar_h + gap)
    parts = [
        f'<svg viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="savings by tag">',
        f'<rect x="{label_w}" y="6" width="12" height="10" fill="#9aa5b1"/>'
        f'<text x="{label_w + 16}" y="15" font-size="11">paid (eligible spend)</text>'
        f'<rect x="{label_w + 150}" y="6" width="12" height="10" fill="#1f6f50"/>'
        f'<text x="{label_w + 166}" y="15" font-size="11">at the {_e(rate)} rate</text>',
    ]
    for i, (tag, paid, projected, saving) in enumerate(rows.iter_rows()):
        y = 28 + i * (2 * bar_h + gap)
        w_paid = max(float(paid), 0.0) / peak * plot_w
        w_proj = max(float(projected), 0.0) / peak * plot_w
        label = str(tag) if len(str(tag)) <= 26 else str(tag)[:25] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h + 4}" font-size="11" text-anchor="end">'
            f"{_e(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w_paid:.1f}" height="{bar_h}" fill="#9aa5b1"/>'
            f'<rect x="{label_w}" y="{y + bar_h}" width="{w_proj:.1f}" height="{bar_h}" '
            f'fill="#1f6f50"/>'
            f'<text x="{label_w + plot_w + 6}" y="{y + bar_h + 4}" font-size="11">'
            f"saves {_e(_usd(float(saving)))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _status_svg(statuses: pl.DataFrame) -> str:
    """One stacked bar of the (positive) spend per status, with its legend."""
    rows = [(str(s), float(v)) for s, v in statuses.select("status", "spend_usd").iter_rows()]
    positive = sum(v for _, v in rows if v > 0) or 1.0
    width, x = 720, 0.0
    parts: list[str] = []
    legend_x, legend_y = 0, 48
    for i, (status, spend) in enumerate(rows):
        colour = _PALETTE[i % len(_PALETTE)]
        if spend > 0:
            w = spend / positive * width
            parts.append(f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="28" fill="{colour}"/>')
            x += w
        item = 14 + 7 * len(status) + 18
        if legend_x + item > width:  # next legend row
            legend_x, legend_y = 0, legend_y + 18
        parts.append(
            f'<rect x="{legend_x}" y="{legend_y}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{legend_x + 14}" y="{legend_y + 9}" font-size="11">{_e(status)}</text>'
        )
        legend_x += item
    height = legend_y + 20
    head = (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        'aria-label="spend by status">'
    )
    return head + "".join(parts) + "</svg>"


def _is_logs(frame: object) -> bool:
    if not isinstance(frame, (pl.DataFrame, pl.LazyFrame)):
        return False
    schema = frame.collect_schema()
    return "tags" in schema and "tag" not in schema


def render_report(
    aggregates_or_logs: AggregatesLike,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    tier: str = "batch",
    title: str = "What moving background LLM traffic to the Batch API would save",
    source: str | None = None,
    catalog_source: str | None = None,
    top: int = 10,
    now: datetime | None = None,
) -> str:
    """One self-contained HTML page to share: the saving, where the spend went, and why.

    The headline saving, the findings (table and inline SVG chart), spend by status with
    the accounting identity (Σ by status = total spend), the top unpriced models, the
    candidate tags (`suggest_candidates`) and every assumption: the catalog, its newest
    price and staleness, the tier, which catalog entry priced what, how cached tokens and
    long prompts were priced, and what was excluded and why. No scripts, no network
    requests; print CSS for A4. All user text is HTML-escaped.

    Args:
        aggregates_or_logs: aggregates, or request logs (then the candidates get the
            burst signals), as in `suggest_candidates`; lazy logs are aggregated before
            anything is collected.
        catalog: the pricing catalog; None means `batchframe.catalog()`.
        eligible_tags, tier: as in `project_batch_savings`.
        title: the page title.
        source: where the data came from (a file name), shown under the title.
        catalog_source: where the catalog came from; default: the embedded catalog.
        top: rows of the findings chart, unpriced models and candidates to show.
        now: the instant staleness is judged at (default: the current UTC time).

    Examples:
        >>> import batchframe as bf
        >>> rows = [bf.RequestAggregate("openai", "gpt-5.5", "<b>nightly</b>", 10**6, 0, 5.0, 2)]
        >>> page = bf.render_report(rows, eligible_tags=["<b>nightly</b>"])
        >>> "&lt;b&gt;nightly&lt;/b&gt;" in page and "<b>nightly" not in page
        True
    """
    tier = check_tier(tier)
    cat = resolve_catalog(catalog)
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    data = aggregates_or_logs
    aggregates: AggregatesLike
    candidates: pl.DataFrame
    if _is_logs(data):
        assert isinstance(data, (pl.DataFrame, pl.LazyFrame))
        aggregates, bursts = fold_logs(data, eligible_tags, cat)
        words = hint_words(eligible_tag_set(eligible_tags), None)
        found = candidates_of(aggregates, bursts, cat, eligible_tags, words, MIN_BURST_SHARE)
        candidates = found.collect()
    else:
        aggregates = data.collect() if isinstance(data, pl.LazyFrame) else data
        candidates = suggest_candidates(aggregates, cat, eligible_tags=eligible_tags)
    findings = project_batch_savings(aggregates, cat, eligible_tags=eligible_tags, tier=tier)
    classified = classify_segments(aggregates, cat, eligible_tags=eligible_tags, tier=tier)
    statuses = spend_by_status(classified)
    unpriced = unpriced_models(classified, top)
    assumed = pricing_assumptions(classified)
    rate = RATE_NAMES[tier]

    total = float(classified["cost_usd"].sum())
    saving = float(findings["projected_savings_usd"].sum())
    eligible_spend = float(findings["eligible_spend_usd"].sum())
    share = saving / total * 100 if total > 0 else 0.0
    out = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<header><h1>{_e(title)}</h1>",
        f'<p class="sub">Data: {_e(source or "request aggregates")} · '
        f"{int(classified['request_count'].sum()):,} requests in {classified.height:,} "
        f"segments · report of {now.date().isoformat()} · batchframe</p></header>",
        '<section class="headline">',
        f'<p class="big" id="headline-saving">{_usd(saving)}</p>',
        f"<p>projected saving at the <b>{_e(rate)}</b> rate on <b>{_usd(eligible_spend)}</b> "
        f'of batch-eligible spend, out of <b id="total-spend">{_usd(total)}</b> total spend '
        f"({share:.1f} % of all spend).</p>",
        f'<p class="note">{_e(NOTE)}</p></section>',
    ]
    out += _findings_section(findings, rate, top)
    out += _status_section(statuses, total)
    out += _unpriced_section(unpriced)
    out += _candidates_section(candidates, eligible_tags, top)
    out += _assumptions_section(cat, classified, assumed, statuses, tier, now, catalog_source)
    out.append(f'<footer><p class="note">{_e(NOTE)}</p></footer></main></body></html>')
    return "\n".join(out) + "\n"


def _findings_section(findings: pl.DataFrame, rate: str, top: int) -> list[str]:
    out = ["<section><h2>Findings: savings per eligible tag</h2>"]
    if not findings.height:
        return [
            *out,
            "<p>No batch-eligible spend with a rate in the catalog was found.</p>",
            "</section>",
        ]
    out.append(
        f"<figure>{_bars_svg(findings, rate, top)}<figcaption>First {min(top, findings.height)} "
        f"tag(s) by saving: what was paid (grey) against the same tokens at the {_e(rate)} "
        "rate (green).</figcaption></figure>"
    )
    head = [("tag", False), ("eligible spend", True), ("at the tier's rate", True)]
    head += [("saving", True), ("share of spend", True), ("discount", True), ("requests", True)]
    rows = [
        [
            _e(r["tag"]),
            *_money_cells(r),
            _pct(r["share_of_spend_pct"]),
            _pct(r["discount_pct"], 0),
            f"{r['request_count']:,}",
        ]
        for r in findings.iter_rows(named=True)
    ]
    sums = {c: float(findings[c].sum()) for c in _MONEY_ORDER}
    total_row = [
        "total",
        *(_usd(sums[c]) for c in _MONEY_ORDER),
        "",
        "",
        f"{int(findings['request_count'].sum()):,}",
    ]
    out.append(_table(head, rows, "findings", total_row))
    return [*out, "</section>"]


def _status_section(statuses: pl.DataFrame, total: float) -> list[str]:
    out = ["<section><h2>Where the spend went: every segment has one status</h2>"]
    out.append(f"<figure>{_status_svg(statuses)}</figure>")
    head = [("status", False), ("meaning", False), ("spend", True), ("share", True)]
    head += [("requests", True), ("segments", True)]
    rows = [
        [
            f"<code>{_e(r['status'])}</code>",
            _e(STATUS_MEANING.get(str(r["status"]), "")),
            _usd(r["spend_usd"]),
            _pct(r["share_of_spend_pct"]),
            f"{r['request_count']:,}",
            f"{r['segments']:,}",
        ]
        for r in statuses.iter_rows(named=True)
    ]
    by_status = float(statuses["spend_usd"].sum())
    total_row = [
        "total",
        "",
        _usd(by_status),
        "",
        f"{int(statuses['request_count'].sum()):,}",
        f"{int(statuses['segments'].sum()):,}",
    ]
    out.append(_table(head, rows, "spend-by-status", total_row))
    terms = " + ".join(
        f"{_e(s)} {_usd(v)}" for s, v in statuses.select("status", "spend_usd").iter_rows() if v
    )
    holds = abs(by_status - total) <= 1e-9 * max(1.0, abs(total))
    verdict = "holds" if holds else f"DOES NOT HOLD (gap {_usd(by_status - total)})"
    out.append(
        f'<p id="identity">Accounting identity ({verdict}): Σ spend by status = {terms or "0"} '
        f"= {_usd(by_status)} = the total spend of every input segment, {_usd(total)}. Nothing "
        "is dropped: a segment that cannot be priced is counted under its status.</p>"
    )
    return [*out, "</section>"]


def _unpriced_section(unpriced: pl.DataFrame) -> list[str]:
    out = ["<section><h2>Top unpriced models (eligible, but no rate to price them)</h2>"]
    if not unpriced.height:
        return [*out, "<p>None: every eligible model has a rate for the tier.</p></section>"]
    head = [("provider", False), ("model", False), ("status", False), ("spend", True)]
    head.append(("requests", True))
    rows = [
        [
            _e(r["provider"]),
            f"<code>{_e(r['model'])}</code>",
            _e(r["status"]),
            _usd(r["spend_usd"]),
            f"{r['request_count']:,}",
        ]
        for r in unpriced.iter_rows(named=True)
    ]
    out.append(_table(head, rows, "unpriced"))
    out.append('<p class="note">Adding these to the catalog (an overlay) would price them.</p>')
    return [*out, "</section>"]


def _candidates_section(candidates: pl.DataFrame, eligible_tags: TagsLike, top: int) -> list[str]:
    out = [
        "<section><h2>Candidates: traffic outside the eligible tags that looks batch-shaped</h2>"
    ]
    if not candidates.height:
        return [
            *out,
            "<p>No tag outside the eligible set shows a name hint or bursts.</p>",
            "</section>",
        ]
    shown, rest = candidates.head(top), candidates.slice(top)
    head = [("tag", False), ("saving (batch)", True), ("saving (flex)", True)]
    head += [("share of spend", True), ("name hint", False), ("burst share", True)]
    head.append(("evidence", False))
    rows = [
        [
            _e(r["tag"]),
            _usd(r["projected_savings_usd"]),
            _usd(r["flex_savings_usd"]),
            _pct(r["share_of_spend_pct"]),
            _e(r["name_hint"] or DASH),
            DASH if r["burst_share"] is None else f"{r['burst_share']:.2f}",
            _e(r["evidence"]),
        ]
        for r in shown.iter_rows(named=True)
    ]
    out.append(_table(head, rows, "candidates"))
    for line in _rest_and_tags(shown, rest, eligible_tags)[1:]:
        if line.startswith("To include"):
            prefix, _, option = line.partition(": ")
            out.append(f"<p>{_e(prefix)}: <code>{_e(option)}</code></p>")
        else:
            out.append(f"<p>{_e(line)}</p>")
    out.append(
        '<p class="note">burst_share: the share of a tag\'s requests in its busiest 5 % of the '
        "UTC hours from its first to its last request (raw logs with timestamps only); a "
        "nightly job is near 1, people near 0.05 to 0.2. Savings are what "
        "<code>project_batch_savings(..., eligible_tags=[tag])</code> gives.</p>"
    )
    return [*out, "</section>"]


def _assumptions_section(
    cat: PricingCatalog,
    classified: pl.DataFrame,
    assumed: pl.DataFrame,
    statuses: pl.DataFrame,
    tier: str,
    now: datetime,
    catalog_source: str | None,
) -> list[str]:
    newest = cat.newest_effective_at
    items = []
    where = catalog_source or "the embedded catalog (pricing.toml shipped with batchframe)"
    if newest is None:
        items.append(f"Catalog: {_e(where)}, with no entries (stale).")
    else:
        age = (now - newest).days
        stale = cat.is_stale(max_days=STALE_AFTER_DAYS, now=now)
        state = (
            f"<b>stale</b>: more than {STALE_AFTER_DAYS} days old, refresh it"
            if stale
            else f"not stale (under {STALE_AFTER_DAYS} days)"
        )
        items.append(
            f"Catalog: {_e(where)}; {len(cat.pairs()):,} models; newest price effective "
            f"{_e(newest.date().isoformat())}, {age:,} day(s) before this report: {state}."
        )
    items.append(
        f"Tier: <b>{_e(RATE_NAMES[tier])}</b> list rates (<code>tier=&quot;{_e(tier)}&quot;"
        "</code>); a model without rates for it is excluded, never priced at a made-up 50 %."
    )
    priced = classified.filter(pl.col("status") == "projected")
    entries = (
        priced.group_by("provider", "catalog_model")
        .agg(pl.col("rates_effective_at").max())
        .sort("provider", "catalog_model")
    )
    listed = ", ".join(
        f"{_e(p)}/{_e(m)} ({_e(w.date().isoformat() if w is not None else '?')})"
        for p, m, w in entries.iter_rows()
    )
    items.append(
        "Price as of: each segment at its model's latest catalog entry (effective date in "
        f"brackets): {listed or 'no segment was priced'}."
    )

    def priced_sum(name: str) -> int:
        return int(priced[name].sum()) if name in priced.columns else 0

    cached, written = priced_sum("cached_input_tokens"), priced_sum("cache_write_tokens")
    notes = {n: (s, v) for n, _, s, v in assumed.iter_rows()}
    at_input = notes.get("cached_at_input_rate", (0, 0.0))
    items.append(
        f"Cached tokens: {cached:,} cached input token(s) in priced segments, at the tier's "
        "cached-input rate where the catalog has one, else at its input rate (no cache "
        f"discount assumed: {at_input[0]:,} segment(s), {_usd(at_input[1])} of spend). Cache "
        f"writes ({written:,} token(s)) are priced at the tier's cache-write rate; without one "
        "the segment is "
        f"excluded ({notes.get('no_cache_write_rate', (0, 0.0))[0]:,} segment(s))."
    )
    long = (
        int(priced.filter(pl.col("long_context"))["request_count"].sum())
        if "long_context" in priced.columns
        else 0
    )
    items.append(
        f"Long prompts: {long:,} priced request(s) above their model's "
        "<code>long_context_threshold_tokens</code>, priced at the tier's long-context rates; "
        "without them the segment is excluded "
        f"({notes.get('no_long_context_rate', (0, 0.0))[0]:,} segment(s))."
    )
    excluded = [
        f"<code>{_e(s)}</code> {_usd(v)} ({_e(STATUS_MEANING.get(str(s), 'see docs/semantics.md'))})"
        for s, v in statuses.select("status", "spend_usd").iter_rows()
        if s != "projected" and v
    ]
    items.append(
        "Excluded from the projection, and why: " + ("; ".join(excluded) or "nothing") + "."
    )
    items.append(
        "Recorded cost is what was paid (cache discounts included); the saving is paid minus "
        "the same tokens at the tier's rate, floored at 0 per tag. Tags match "
        "case-insensitively but are reported as written."
    )
    body = "".join(f"<li>{item}</li>" for item in items)
    return [f'<section><h2>Assumptions</h2><ul id="assumptions">{body}</ul></section>']
