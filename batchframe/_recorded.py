"""Request logs whose export recorded no cost: priced from the catalog at the tier they ran on.

Some exports carry no cost at all (the providers' usage APIs) or none for some calls
(Langfuse leaves ``total_cost`` null for a model it cannot price). Those requests are
folded apart from the ones with a recorded cost (`priced_tier_key` is a fold key, null on
recorded rows), then `price_unrecorded` prices each folded segment at the rates of the
tier it ran on, with the projection's own formula (`batchframe._project.catalog_cost`).
What the catalog cannot price keeps ``cost_usd = 0`` with ``cost_unknown = true``; every
segment says where its cost came from in ``cost_source`` (docs/semantics.md §1).
"""

from __future__ import annotations

import polars as pl

from batchframe._catalog import PricingCatalog
from batchframe._logschema import clean_text
from batchframe._project import catalog_cost
from batchframe._rules import (
    CACHE_HIT,
    COST_SOURCE,
    COST_UNKNOWN,
    RATE_TIERS,
    RESERVED_PREFIX,
    SERVICE_TIERS,
)

__all__ = ["PRICED_TIER", "price_unrecorded", "priced_tier_key", "ran_tier"]

#: Fold key of request logs: null where the export recorded the cost, else the tier the
#: request ran on (one of `RATE_TIERS`), at whose rates the catalog prices it.
PRICED_TIER = f"{RESERVED_PREFIX}priced_tier"


def ran_tier(service_tier: pl.Expr, already_batched: pl.Expr) -> pl.Expr:
    """The catalog tier a request was billed at, from its service tier (`SERVICE_TIERS`).

    Unknown or missing spellings are the standard tier, or batch when the row is
    ``already_batched`` without a tier (a LiteLLM batch-job booking).

    Examples:
        >>> df = pl.DataFrame({"t": ["Flex", "default", None, None], "b": [True, False, True, False]})
        >>> df.select(ran_tier(pl.col("t"), pl.col("b")).alias("tier"))["tier"].to_list()
        ['flex', 'standard', 'batch', 'standard']
    """
    spelled = clean_text(service_tier).str.to_lowercase()
    known = spelled.replace_strict(
        list(SERVICE_TIERS), list(SERVICE_TIERS.values()), default=None, return_dtype=pl.String
    )
    fallback = (
        pl.when(already_batched.fill_null(False))
        .then(pl.lit("batch"))
        .otherwise(pl.lit("standard"))
    )
    return pl.coalesce(known, fallback)


def priced_tier_key(schema: pl.Schema) -> pl.Expr:
    """The `PRICED_TIER` fold key of a normalised log frame (`LOG_SCHEMA`)."""
    tier = pl.col("service_tier") if "service_tier" in schema else pl.lit(None, pl.String)
    batched = pl.col("already_batched") if "already_batched" in schema else pl.lit(False)
    return (
        pl.when(pl.col("cost_usd").is_null())
        .then(ran_tier(tier, batched))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias(PRICED_TIER)
    )


def price_unrecorded(
    folded: pl.LazyFrame, catalog: PricingCatalog, price_at: str | None = None
) -> pl.LazyFrame:
    """Folded log segments with every cost known or flagged: the hook of the log fold.

    Segments with a recorded cost keep it (``cost_source = "recorded"``). Gateway cache
    hits without a cost were never billed: 0, recorded. The others (`PRICED_TIER` not
    null) are priced at their tier by `catalog_cost` (``cost_source = "catalog"``), or
    get ``cost_usd = 0``, ``cost_unknown = true`` and a null ``cost_source`` when the
    catalog cannot price them. With `price_at` (``period_start``) each segment is priced
    at the catalog entry in effect then. `PRICED_TIER` is dropped.
    """
    schema = folded.collect_schema()
    hit = pl.col(CACHE_HIT).fill_null(False) if CACHE_HIT in schema else pl.lit(False)
    unrecorded = pl.col(PRICED_TIER).is_not_null() & ~hit
    recorded = folded.filter(~unrecorded).with_columns(
        pl.col("cost_usd").fill_null(0.0),
        pl.lit(False).alias(COST_UNKNOWN),
        pl.lit("recorded").alias(COST_SOURCE),
    )
    order = [*schema.names(), COST_UNKNOWN, COST_SOURCE]
    parts = [recorded.select(order)]
    for tier in RATE_TIERS:
        rows = folded.filter(unrecorded & (pl.col(PRICED_TIER) == tier))
        priced = catalog_cost(rows, catalog, tier, price_at).with_columns(
            pl.when(pl.col(COST_UNKNOWN))
            .then(pl.lit(None, dtype=pl.String))
            .otherwise(pl.lit("catalog"))
            .alias(COST_SOURCE)
        )
        parts.append(priced.select(order))
    return pl.concat(parts, how="vertical_relaxed").drop(PRICED_TIER)
