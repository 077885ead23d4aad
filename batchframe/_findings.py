"""Findings: the output schema, the summary sentence (as a Polars expression) and `BatchFinding`."""

from __future__ import annotations

from dataclasses import dataclass, fields

import polars as pl

__all__ = ["FINDINGS_SCHEMA", "BatchFinding", "as_findings", "format_fixed", "summary_expr"]

#: The findings frame, column by column (SPEC §3).
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

# The sentence of SPEC §3; U+2192 (→) and U+2212 (−) are part of it.
_SUMMARY = (
    "tag={tag} is {share:.1f}% of spend and batch-eligible \u2192 ~${savings:.2f} saved at the "
    "{rate} rate (\u2212{discount:.0f}%) on {count} request(s)"
)
_RATE_NAMES = {"batch": "Batch API", "flex": "Flex"}


@dataclass(frozen=True)
class BatchFinding:
    """One row of a findings frame: the batch lever of one eligible tag.

    Examples:
        >>> f = BatchFinding("nightly", 35.0, 17.5, 17.5, 50.0, 10)
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

    def discount_pct(self) -> float:
        """Savings as a percentage of the eligible spend (0 when that spend is not positive)."""
        if self.eligible_spend_usd <= 0:
            return 0.0
        return self.projected_savings_usd / self.eligible_spend_usd * 100.0

    def summary(self, tier: str = "batch") -> str:
        """The one-sentence summary, identical to the frame's ``summary`` column."""
        return _SUMMARY.format(
            tag=self.tag,
            share=self.share_of_spend_pct,
            savings=self.projected_savings_usd,
            rate=_RATE_NAMES[tier],
            discount=self.discount_pct(),
            count=self.request_count,
        )


_FINDING_FIELDS = tuple(f.name for f in fields(BatchFinding))

FindingsLike = pl.DataFrame | pl.LazyFrame


def as_findings(findings: FindingsLike) -> list[BatchFinding]:
    """The rows of a findings frame as `BatchFinding` objects, in frame order.

    Examples:
        >>> import polars as pl, batchframe as bf
        >>> agg = pl.DataFrame({
        ...     "provider": ["openai"], "model": ["gpt-5.5"], "tag": ["nightly"],
        ...     "input_tokens": [1_000_000], "output_tokens": [1_000_000],
        ...     "cost_usd": [35.0], "request_count": [10],
        ... })
        >>> [f.tag for f in bf.as_findings(bf.project_batch_savings(agg))]
        ['nightly']
    """
    if isinstance(findings, pl.LazyFrame):
        findings = findings.collect()
    missing = [name for name in _FINDING_FIELDS if name not in findings.columns]
    if missing:
        raise ValueError(
            f"not a findings frame: missing column {missing[0]!r} (columns: {findings.columns})"
        )
    return [BatchFinding(*row) for row in findings.select(_FINDING_FIELDS).rows()]


# -- exact fixed-point formatting as Polars expressions ---------------------------------

_SPLITTER = 134_217_729.0  # 2**27 + 1, Veltkamp's splitting constant for float64


def _split(x: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    t = x * _SPLITTER
    high = t - (t - x)
    return high, x - high


def format_fixed(x: pl.Expr, decimals: int) -> pl.Expr:
    """``format(x, f".{decimals}f")`` as a vectorized expression, digit for digit.

    Python rounds the exact binary value of a float half-to-even. Scaling by
    ``10**decimals`` rounds, so the exact product is recovered as ``p + err``
    (Dekker's error-free product); ``err`` only matters when ``p`` lands exactly on a
    half. Exact for ``abs(x) < 2**52 / 10**decimals`` (4.5e13 at two decimals).

    Examples:
        >>> import polars as pl
        >>> s = pl.Series("x", [2.675, 0.125, 12.25, 17.5, -0.001, 2.5])
        >>> pl.select(format_fixed(pl.lit(s), 2)).to_series().to_list()
        ['2.67', '0.12', '12.25', '17.50', '-0.00', '2.50']
        >>> [format(v, ".2f") for v in s]
        ['2.67', '0.12', '12.25', '17.50', '-0.00', '2.50']
    """
    scale = 10.0**decimals
    a = x.abs()
    p = a * scale
    a_high, a_low = _split(a)
    t = scale * _SPLITTER
    s_high = t - (t - scale)
    s_low = scale - s_high
    err = ((a_high * s_high - p) + a_high * s_low + a_low * s_high) + a_low * s_low
    whole = p.floor()
    frac = p - whole
    round_up = (frac > 0.5) | ((frac == 0.5) & ((err > 0) | ((err == 0) & ((whole % 2) == 1))))
    scaled = (whole + round_up.cast(pl.Float64)).cast(pl.Int64)
    negative = (x < 0) | ((x == 0) & ((1.0 / x) < 0))  # -0.0 prints as "-0.00" too
    sign = pl.when(negative).then(pl.lit("-")).otherwise(pl.lit(""))
    if decimals == 0:
        digits = scaled.cast(pl.String)
    else:
        unit = 10**decimals
        digits = pl.concat_str(
            (scaled // unit).cast(pl.String),
            pl.lit("."),
            (scaled % unit).cast(pl.String).str.zfill(decimals),
        )
    return (
        pl.when(x.is_finite())
        .then(pl.concat_str(sign, digits))
        .when(x.is_nan())
        .then(pl.lit("nan"))
        .otherwise(pl.concat_str(sign, pl.lit("inf")))
    )


def summary_expr(tier: str = "batch") -> pl.Expr:
    """The ``summary`` column, built from the frame's own finding columns."""
    return pl.format(
        "tag={} is {}% of spend and batch-eligible \u2192 ~${} saved at the "
        + _RATE_NAMES[tier]
        + " rate (\u2212{}%) on {} request(s)",
        pl.col("tag"),
        format_fixed(pl.col("share_of_spend_pct"), 1),
        format_fixed(pl.col("projected_savings_usd"), 2),
        format_fixed(pl.col("discount_pct"), 0),
        pl.col("request_count").cast(pl.String),
    ).alias("summary")
