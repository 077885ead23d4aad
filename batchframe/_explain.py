"""Summaries of a `classify_segments` frame: where the spend went, and what lacks a price."""

from __future__ import annotations

import polars as pl

from batchframe._project import SEGMENT_STATUS

__all__ = ["spend_by_status", "unpriced_models"]


def spend_by_status(classified: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Spend, requests and segments per status, every status listed, in rule order.

    ``share_of_spend_pct`` is relative to the total spend (0 when it is not positive);
    the shares add up to 100.

    Examples:
        >>> import batchframe as bf
        >>> rows = [
        ...     bf.RequestAggregate("openai", "gpt-5.5", "nightly", 1_000_000, 0, 5.0, 2),
        ...     bf.RequestAggregate("openai", "gpt-5.5", None, 1_000_000, 0, 15.0, 6),
        ... ]
        >>> bf.spend_by_status(bf.classify_segments(rows)).filter(
        ...     pl.col("segments") > 0).select("status", "spend_usd", "share_of_spend_pct").rows()
        [('projected', 5.0, 25.0), ('untagged', 15.0, 75.0)]
    """
    frame = classified.lazy() if isinstance(classified, pl.DataFrame) else classified
    statuses = pl.LazyFrame({"status": pl.Series(SEGMENT_STATUS.categories, dtype=SEGMENT_STATUS)})
    per_status = frame.group_by("status").agg(
        pl.len().cast(pl.UInt64).alias("segments"),
        pl.col("request_count").sum().cast(pl.UInt64),
        pl.col("cost_usd").sum().alias("spend_usd"),
        pl.col("projected_batch_cost_usd").sum(),
    )
    total = pl.col("spend_usd").sum()
    return (
        statuses.join(per_status, on="status", how="left", maintain_order="left")
        .with_columns(
            pl.col("segments", "request_count").fill_null(0),
            pl.col("spend_usd", "projected_batch_cost_usd").fill_null(0.0),
        )
        .with_columns(
            pl.when(total > 0)
            .then(pl.col("spend_usd") / (total + 0.0 * pl.col("spend_usd")) * 100.0)
            .otherwise(0.0)
            .alias("share_of_spend_pct")
        )
        .collect()
    )


def unpriced_models(classified: pl.DataFrame | pl.LazyFrame, top: int = 10) -> pl.DataFrame:
    """The eligible spend that could not be priced, by model: unknown models and no batch tier.

    Biggest spend first; these are the catalog entries worth adding.
    """
    frame = classified.lazy() if isinstance(classified, pl.DataFrame) else classified
    return (
        frame.filter(pl.col("status").is_in(["unknown_model", "no_batch_tier"]))
        .group_by("provider", "model", "status")
        .agg(
            pl.col("cost_usd").sum().alias("spend_usd"),
            pl.col("request_count").sum().cast(pl.UInt64),
        )
        .sort(["spend_usd", "provider", "model"], descending=[True, False, False])
        .head(top)
        .collect()
    )
