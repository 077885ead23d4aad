"""Small Polars expression helpers shared by the modules that compile the rule tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import polars as pl

from batchframe._errors import AggregateError
from batchframe._rules import WHITESPACE

__all__ = ["checked_narrow", "exact_sum", "provider_key", "when_chain"]


def provider_key(provider: pl.Expr) -> pl.Expr:
    """A provider id as the catalog matches it: trimmed (Unicode whitespace) and lower-cased."""
    return provider.cast(pl.String).str.strip_chars(WHITESPACE).str.to_lowercase()


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


def exact_sum(name: str, dtype: pl.DataType | None = None) -> pl.Expr:
    """Σ of a counter that cannot wrap: Int128 for integers (no sum of Int64 or UInt64 values
    overflows it), Float64 for a float column (whole values, checked by the input rules)."""
    if dtype is not None and dtype.is_float():
        return pl.col(name).cast(pl.Float64).sum()
    return pl.col(name).cast(pl.Int128).sum()


def _narrowed(name: str, dtype: pl.DataType) -> Callable[[pl.Series], pl.Series]:
    bits = 64
    top = 2**bits - 1 if dtype == pl.UInt64 else 2 ** (bits - 1) - 1

    def narrow(values: pl.Series) -> pl.Series:
        too_big = values > top
        if too_big.any():
            raise AggregateError(
                f"column {name!r}: the counts add up to {values.filter(too_big)[0]}, beyond the "
                f"largest {dtype} ({top}): they cannot be real counts"
            )
        # Negative sums come only from negative counts, which the input checks report.
        narrowed: pl.Series = values.cast(dtype, strict=False)
        return narrowed

    return narrow


def checked_narrow(name: str, dtype: pl.DataType) -> pl.Expr:
    """Column `name` (an exact Int128 sum) as `dtype` (Int64 or UInt64), raising
    `AggregateError` at collect time for a sum too large for it: never a wrapped number."""
    return pl.col(name).map_batches(_narrowed(name, dtype), return_dtype=dtype).alias(name)
