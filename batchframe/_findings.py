"""Findings: the output schema, the summary sentence (as a Polars expression) and `BatchFinding`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

import polars as pl

__all__ = ["FINDINGS_SCHEMA", "BatchFinding", "as_findings", "with_fixed_text", "with_summary"]

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
# The same sentence for pl.format, whose placeholders take no names or format specs: the
# numbers arrive already formatted by `with_fixed_text`, in the sentence's own order.
_POLARS_SUMMARY = re.sub(r"\{[^}]*\}", "{}", _SUMMARY)


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
        rate = _RATE_NAMES.get(self.tier, self.tier)
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
        return _SUMMARY.format(
            tag=self.tag,
            share=self.share_of_spend_pct,
            savings=self.projected_savings_usd,
            rate=_RATE_NAMES[self.tier],
            discount=self.discount_pct(),
            count=self.request_count,
        )


_FINDING_FIELDS = tuple(f.name for f in fields(BatchFinding) if f.name != "tier")

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
    # The tier is not a column; the summary sentence names it.
    tier = pl.when(pl.col("summary").str.contains(" at the Flex rate ", literal=True))
    tiers = findings.select(tier.then(pl.lit("flex")).otherwise(pl.lit("batch")))
    rows = findings.select(_FINDING_FIELDS).rows()
    return [
        BatchFinding(**dict(zip(_FINDING_FIELDS, row)), tier=t)
        for row, t in zip(rows, tiers.to_series())
    ]


# -- exact fixed-point formatting as Polars expressions ---------------------------------

_SPLITTER = 134_217_729.0  # 2**27 + 1, Veltkamp's splitting constant for float64


def with_fixed_text(frame: pl.LazyFrame, columns: Mapping[str, tuple[str, int]]) -> pl.LazyFrame:
    """Add ``alias = format(col, f".{decimals}f")`` for each ``alias: (col, decimals)``.

    Python rounds the exact binary value of a float half-to-even. Scaling by
    ``10**decimals`` rounds too, so the exact product is recovered as ``p + err``
    (Dekker's error-free product; ``10**decimals`` has no low part to split off) and
    ``err`` decides only when ``p`` lands exactly on a half. Exact for
    ``abs(x) < 2**52 / 10**decimals`` (4.5e13 at two decimals). Built in small stages
    of helper columns, so the plan stays small and cheap to optimise.

    Examples:
        >>> import polars as pl
        >>> lf = pl.LazyFrame({"x": [2.675, 0.125, 12.25, 17.5, -0.001, 2.5]})
        >>> with_fixed_text(lf, {"text": ("x", 2)}).collect()["text"].to_list()
        ['2.67', '0.12', '12.25', '17.50', '-0.00', '2.50']
        >>> [format(v, ".2f") for v in lf.collect()["x"]]
        ['2.67', '0.12', '12.25', '17.50', '-0.00', '2.50']
    """

    def tmp(alias: str, part: str) -> pl.Expr:
        return pl.col(f"__fx_{alias}_{part}")

    abs_: list[pl.Expr] = []
    scaled: list[pl.Expr] = []
    high: list[pl.Expr] = []
    err: list[pl.Expr] = []
    whole: list[pl.Expr] = []
    digits: list[pl.Expr] = []
    for alias, (name, decimals) in columns.items():
        scale = 10.0**decimals
        a, p = tmp(alias, "a"), tmp(alias, "p")
        abs_.append(pl.col(name).abs().alias(f"__fx_{alias}_a"))
        scaled.append((a * scale).alias(f"__fx_{alias}_p"))
        high.append(((a * _SPLITTER) - ((a * _SPLITTER) - a)).alias(f"__fx_{alias}_hi"))
        hi = tmp(alias, "hi")
        err.append(((hi * scale - p) + (a - hi) * scale).alias(f"__fx_{alias}_err"))
        whole.append(p.floor().alias(f"__fx_{alias}_whole"))
        w, frac, e = tmp(alias, "whole"), p - tmp(alias, "whole"), tmp(alias, "err")
        up = (frac > 0.5) | ((frac == 0.5) & ((e > 0) | ((e == 0) & ((w % 2) == 1))))
        n = (w + up.cast(pl.Float64)).cast(pl.Int64, strict=False)  # null where not finite
        if decimals:
            unit = 10**decimals
            text = pl.concat_str(
                (n // unit).cast(pl.String),
                pl.lit("."),
                (n % unit).cast(pl.String).str.zfill(decimals),
            )
        else:
            text = n.cast(pl.String)
        x = pl.col(name)
        negative = (x < 0) | ((x == 0) & ((1.0 / x) < 0))  # -0.0 prints as "-0.00" too
        sign = pl.when(negative).then(pl.lit("-")).otherwise(pl.lit(""))
        digits.append(
            pl.when(x.is_finite())
            .then(pl.concat_str(sign, text))
            .when(x.is_nan())
            .then(pl.lit("nan"))
            .otherwise(pl.concat_str(sign, pl.lit("inf")))
            .alias(alias)
        )
    return (
        frame.with_columns(abs_)
        .with_columns(scaled + high)
        .with_columns(err + whole)
        .with_columns(digits)
        .drop(pl.selectors.starts_with("__fx_"))
    )


def with_summary(findings: pl.LazyFrame, tier: str | None = None) -> pl.LazyFrame:
    """Add the ``summary`` column, built from the frame's own finding columns.

    The rate named in the sentence comes from `tier`, or else from the frame's ``tier``
    column (``"batch"`` or ``"flex"``).
    """
    texts = {
        "_share_text": ("share_of_spend_pct", 1),
        "_savings_text": ("projected_savings_usd", 2),
        "_discount_text": ("discount_pct", 0),
    }
    tier_of = pl.lit(tier) if tier is not None else pl.col("tier")
    rate = (
        pl.when(tier_of == "flex")
        .then(pl.lit(_RATE_NAMES["flex"]))
        .otherwise(pl.lit(_RATE_NAMES["batch"]))
    )
    sentence = pl.format(
        _POLARS_SUMMARY,
        pl.col("tag"),
        pl.col("_share_text"),
        pl.col("_savings_text"),
        rate,
        pl.col("_discount_text"),
        pl.col("request_count").cast(pl.String),
    )
    return (
        with_fixed_text(findings, texts).with_columns(sentence.alias("summary")).drop(list(texts))
    )
