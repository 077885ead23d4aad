"""Findings: the output schema, the summary sentence and `BatchFinding`."""

from __future__ import annotations

from dataclasses import dataclass, fields

import polars as pl

from batchframe._rules import TIERS, check_tier

__all__ = [
    "FINDINGS_SCHEMA",
    "RATE_NAMES",
    "TIERS",
    "BatchFinding",
    "as_findings",
    "check_tier",
    "tiers_of",
    "with_summary",
]

#: The findings frame, column by column (docs/semantics.md §3).
FINDINGS_SCHEMA = pl.Schema(
    {
        "tag": pl.String,
        "eligible_spend_usd": pl.Float64,
        "projected_batch_cost_usd": pl.Float64,
        "projected_savings_usd": pl.Float64,
        "share_of_spend_pct": pl.Float64,
        "request_count": pl.UInt64,
        "discount_pct": pl.Float64,
        "summary": pl.String,
    }
)

# The sentence of docs/semantics.md §3; U+2192 (→) and U+2212 (−) are part of it.
_SUMMARY = (
    "tag={tag} is {share:.1f}% of spend and batch-eligible \u2192 ~${savings:.2f} saved at the "
    "{rate} rate (\u2212{discount:.0f}%) on {count} request(s)"
)
#: The rate each tier is named by in the sentence and on the charts.
RATE_NAMES = {"batch": "Batch API", "flex": "Flex"}


def _sentence(
    tag: str, share: float, savings: float, rate: str, discount: float, count: int
) -> str:
    """The summary sentence of one finding (Python's own float formatting)."""
    return _SUMMARY.format(
        tag=tag, share=share, savings=savings, rate=rate, discount=discount, count=count
    )


@dataclass(frozen=True)
class BatchFinding:
    """One row of a findings frame: the batch lever of one eligible tag.

    Examples:
        >>> f = BatchFinding("nightly", 35.0, 17.5, 17.5, 50.0, 10)
        >>> f
        BatchFinding(tag='nightly': $17.50 saved of $35.00 at the Batch API rate (−50%), 50.0% of spend, 10 request(s))
        >>> f.discount_pct()
        50.0
        >>> print(f.summary())
        tag=nightly is 50.0% of spend and batch-eligible → ~$17.50 saved at the Batch API rate (−50%) on 10 request(s)
    """

    tag: str
    eligible_spend_usd: float
    projected_batch_cost_usd: float
    projected_savings_usd: float
    share_of_spend_pct: float
    request_count: int
    tier: str = "batch"

    def __repr__(self) -> str:
        rate = RATE_NAMES.get(self.tier, self.tier)
        return (
            f"BatchFinding(tag={self.tag!r}: ${self.projected_savings_usd:,.2f} saved of "
            f"${self.eligible_spend_usd:,.2f} at the {rate} rate (\u2212{self.discount_pct():.0f}%), "
            f"{self.share_of_spend_pct:.1f}% of spend, {self.request_count:,} request(s))"
        )

    def discount_pct(self) -> float:
        """Savings as a percentage of the eligible spend (0 when that spend is not positive)."""
        if self.eligible_spend_usd <= 0:
            return 0.0
        return self.projected_savings_usd / self.eligible_spend_usd * 100.0

    def summary(self) -> str:
        """The one-sentence summary, identical to the frame's ``summary`` column."""
        return _sentence(
            self.tag,
            self.share_of_spend_pct,
            self.projected_savings_usd,
            RATE_NAMES[self.tier],
            self.discount_pct(),
            self.request_count,
        )


_FINDING_FIELDS = tuple(f.name for f in fields(BatchFinding) if f.name != "tier")

FindingsLike = pl.DataFrame | pl.LazyFrame


def tiers_of(findings: pl.DataFrame, tier: str | None = None) -> list[str]:
    """The tier of each row: `tier` if given, else the frame's ``tier`` column, else batch.

    A findings frame of `project_batch_savings` has no ``tier`` column (the caller knows
    the tier it projected at); a frame that has one (a partial, say) names each row's.

    Raises:
        ValueError: `tier`, or a value of the ``tier`` column, is not ``"batch"`` or
            ``"flex"``.

    Examples:
        >>> import polars as pl
        >>> tiers_of(pl.DataFrame({"tag": ["a", "b"]}))
        ['batch', 'batch']
        >>> tiers_of(pl.DataFrame({"tag": ["a", "b"]}), "flex")
        ['flex', 'flex']
        >>> tiers_of(pl.DataFrame({"tag": ["a", "b"], "tier": ["flex", "batch"]}))
        ['flex', 'batch']
    """
    if tier is not None:
        return [check_tier(tier)] * findings.height
    if "tier" not in findings.columns:
        return ["batch"] * findings.height
    tiers = findings["tier"].to_list()
    for row, value in enumerate(tiers):
        if value not in TIERS:
            raise ValueError(
                f"column 'tier', row {row}: tier must be one of {list(TIERS)}, got {value!r}"
            )
    return tiers


def as_findings(findings: FindingsLike, *, tier: str | None = None) -> list[BatchFinding]:
    """The rows of a findings frame as `BatchFinding` objects, in frame order.

    `tier` is the tier the frame was projected at (``"batch"`` or ``"flex"``); it names
    the rate in each finding's `BatchFinding.summary`. When None, the frame's ``tier``
    column gives it if there is one, else ``"batch"``: pass ``tier="flex"`` for the
    findings of a ``tier="flex"`` projection.

    Raises:
        ValueError: a finding column is missing, or the tier is not ``"batch"`` or
            ``"flex"``.

    Examples:
        >>> import polars as pl, batchframe as bf
        >>> agg = pl.DataFrame({
        ...     "provider": ["openai"], "model": ["gpt-5.5"], "tag": ["nightly"],
        ...     "input_tokens": [1_000_000], "output_tokens": [1_000_000],
        ...     "cost_usd": [35.0], "request_count": [10],
        ... })
        >>> [f.tag for f in bf.as_findings(bf.project_batch_savings(agg))]
        ['nightly']
        >>> flex = bf.project_batch_savings(agg, tier="flex")
        >>> [f.tier for f in bf.as_findings(flex, tier="flex")]
        ['flex']
    """
    if tier is not None:
        check_tier(tier)
    if isinstance(findings, pl.LazyFrame):
        findings = findings.collect()
    missing = [name for name in _FINDING_FIELDS if name not in findings.columns]
    if missing:
        raise ValueError(
            f"not a findings frame: missing column {missing[0]!r} (columns: {findings.columns})"
        )
    tiers = tiers_of(findings, tier)
    rows = findings.select(_FINDING_FIELDS).rows()
    return [
        BatchFinding(**dict(zip(_FINDING_FIELDS, row, strict=True)), tier=t)
        for row, t in zip(rows, tiers, strict=True)
    ]


def _summaries(parts: pl.Series) -> pl.Series:
    """The sentences of a struct series of (tag, share, savings, tier, discount, count).

    A null in any part gives a null sentence; a tier other than ``"flex"`` (null too)
    names the Batch API rate.
    """
    texts: list[str | None] = []
    for tag, share, savings, tier, discount, count in parts.struct.unnest().iter_rows():
        if any(part is None for part in (tag, share, savings, discount, count)):
            texts.append(None)
        else:
            rate = RATE_NAMES["flex" if tier == "flex" else "batch"]
            texts.append(_sentence(tag, share, savings, rate, discount, count))
    return pl.Series(parts.name, texts, dtype=pl.String)


def with_summary(findings: pl.LazyFrame, tier: str | None = None) -> pl.LazyFrame:
    """Add the ``summary`` column, built from the frame's own finding columns.

    The rate named in the sentence comes from `tier`, or else from the frame's ``tier``
    column (``"flex"`` names the Flex rate, anything else the Batch API rate). The
    numbers are formatted by Python itself, exactly as `BatchFinding.summary` does: the
    frame is a finished findings frame (one row per finding), so the few sentences are
    built in Python when the frame is collected; the frame stays lazy.

    Examples:
        >>> import polars as pl
        >>> lf = pl.LazyFrame({
        ...     "tag": ["nightly"], "share_of_spend_pct": [50.0],
        ...     "projected_savings_usd": [2.675], "discount_pct": [50.0],
        ...     "request_count": pl.Series([10], dtype=pl.UInt64),
        ... })
        >>> print(with_summary(lf, "batch").collect()["summary"][0])
        tag=nightly is 50.0% of spend and batch-eligible → ~$2.67 saved at the Batch API rate (−50%) on 10 request(s)
    """
    tier_of = pl.lit(tier, dtype=pl.String) if tier is not None else pl.col("tier")
    # The sentence's parts in `_sentence`'s order, the tier in the rate's place.
    parts = pl.struct(
        "tag",
        "share_of_spend_pct",
        "projected_savings_usd",
        tier_of.alias("tier"),
        "discount_pct",
        "request_count",
    )
    sentence = parts.map_batches(_summaries, return_dtype=pl.String, is_elementwise=True)
    return findings.with_columns(sentence.alias("summary"))
