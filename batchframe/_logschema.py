"""The canonical request-log frame every reader produces (one row per request, or pre-counted)."""

from __future__ import annotations

import polars as pl

__all__ = ["LOG_SCHEMA"]

#: What `scan_request_logs` returns, column by column.
LOG_SCHEMA = pl.Schema(
    {
        "provider": pl.String(),  # catalog provider id ("openai", …); null if the export names none
        "model": pl.String(),  # provider-side model id, no routing prefix ("gpt-5.5", not "openai/gpt-5.5")
        "tags": pl.List(pl.String()),  # every tag of the request, in order; [] when untagged
        "input_tokens": pl.Int64(),
        "output_tokens": pl.Int64(),
        "cost_usd": pl.Float64(),
        "request_count": pl.Int64(),  # 1 for a per-request row; N for a pre-counted row
        "timestamp": pl.Datetime(
            "us", "UTC"
        ),  # when the request started (null if the export has none)
        "already_batched": pl.Boolean(),  # ran on a batch or flex tier already: never projected again
    }
)
