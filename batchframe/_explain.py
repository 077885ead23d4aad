"""Summaries of a `classify_segments` frame: where the spend went, and what lacks a price."""

from __future__ import annotations

import polars as pl

from batchframe._project import PRICING_NOTES, SEGMENT_STATUS
from batchframe._rules import COST_SOURCE, COST_UNKNOWN

__all__ = ["cost_notes", "pricing_assumptions", "spend_by_status", "unpriced_models"]


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


def pricing_assumptions(classified: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """What the pricing had to assume or could not do, one row per ``pricing_note``.

    ``cached_at_input_rate``: projected segments whose cached tokens were priced at the
    tier's input rate (the tier has no cached rate: no cache discount assumed);
    ``no_cache_write_rate`` / ``no_long_context_rate``: segments excluded
    (``no_batch_tier``) because the tier has no rate for their cache writes or long
    prompts. Every note is listed, with zeros where nothing needed it.

    Examples:
        >>> import batchframe as bf
        >>> rows = [{"provider": "openai", "model": "gpt-4.1", "tag": "nightly",
        ...          "input_tokens": 1_000, "cached_input_tokens": 400, "output_tokens": 0,
        ...          "cost_usd": 1.0, "request_count": 1}]  # gpt-4.1: no batch cached rate
        >>> bf.pricing_assumptions(bf.classify_segments(rows)).filter(
        ...     pl.col("segments") > 0).select("pricing_note", "segments", "spend_usd").rows()
        [('cached_at_input_rate', 1, 1.0)]
    """
    frame = classified.lazy() if isinstance(classified, pl.DataFrame) else classified
    notes = pl.LazyFrame(
        {"pricing_note": list(PRICING_NOTES), "meaning": list(PRICING_NOTES.values())}
    )
    if "pricing_note" not in frame.collect_schema():
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("pricing_note"))
    counted = frame.group_by("pricing_note").agg(
        pl.len().cast(pl.UInt64).alias("segments"),
        pl.col("cost_usd").sum().alias("spend_usd"),
    )
    return (
        notes.join(counted, on="pricing_note", how="left", maintain_order="left")
        .with_columns(pl.col("segments").fill_null(0), pl.col("spend_usd").fill_null(0.0))
        .collect()
    )


def cost_notes(aggregates: pl.DataFrame) -> list[str]:
    """One line each for cost the export did not record: priced from the catalog, or unknown.

    Empty when every cost was recorded. The amounts are the aggregates' own sums.

    Examples:
        >>> agg = pl.DataFrame({"cost_usd": [2.5, 0.0, 1.0], "request_count": [3, 2, 1],
        ...     "input_tokens": [10, 20, 5], "output_tokens": [1, 2, 0],
        ...     "cost_source": ["catalog", None, "recorded"], "cost_unknown": [False, True, False]})
        >>> for line in cost_notes(agg): print(line)
        $2.50 priced from the catalog at the rates of the tier each request ran on (the export records no cost): 3 request(s)
        2 request(s) (20 input, 2 output tokens) have no known cost: not in the catalog at the tier they ran on; counted, never projected (status unknown_cost)
    """
    lines = []
    if COST_SOURCE in aggregates.columns:
        priced = aggregates.filter(pl.col(COST_SOURCE) == "catalog")
        if priced.height:
            usd = float(priced["cost_usd"].sum())
            requests = int(priced["request_count"].sum())
            lines.append(
                f"${usd:,.2f} priced from the catalog at the rates of the tier each request ran "
                f"on (the export records no cost): {requests:,} request(s)"
            )
    if COST_UNKNOWN in aggregates.columns:
        unknown = aggregates.filter(pl.col(COST_UNKNOWN).fill_null(False))
        if unknown.height:
            requests = int(unknown["request_count"].sum())
            tokens_in = int(unknown["input_tokens"].sum())
            tokens_out = int(unknown["output_tokens"].sum())
            lines.append(
                f"{requests:,} request(s) ({tokens_in:,} input, {tokens_out:,} output tokens) "
                "have no known cost: not in the catalog at the tier they ran on; counted, "
                "never projected (status unknown_cost)"
            )
    return lines
