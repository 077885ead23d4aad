"""Small Polars expression helpers shared by the modules that compile the rule tables."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

__all__ = ["when_chain"]


def when_chain(cases: Sequence[tuple[pl.Expr, pl.Expr]], otherwise: pl.Expr) -> pl.Expr:
    """``when(c1).then(v1).when(c2).then(v2)….otherwise(otherwise)`` from a table of cases.

    Examples:
        >>> import polars as pl
        >>> x = pl.col("x")
        >>> expr = when_chain([(x < 0, pl.lit("neg")), (x == 0, pl.lit("zero"))], pl.lit("pos"))
        >>> pl.DataFrame({"x": [-1, 0, 2]}).select(expr.alias("s"))["s"].to_list()
        ['neg', 'zero', 'pos']
    """
    if not cases:
        return otherwise
    (first, value), *rest = cases
    chain = pl.when(first).then(value)
    for condition, result in rest:
        chain = chain.when(condition).then(result)  # type: ignore[assignment]
    return chain.otherwise(otherwise)
