"""The exception types of batchframe."""

from __future__ import annotations

__all__ = ["AggregateError", "BatchframeError", "CatalogError"]


class BatchframeError(ValueError):
    """Base class of every error batchframe raises for bad data."""

    def __str__(self) -> str:
        # Raised inside a Polars query (a check that runs at collect time), the error comes
        # back with the query plan appended; the message is what batchframe said.
        return super().__str__().split("\n\nThis error occurred", 1)[0]


class AggregateError(BatchframeError):
    """Request aggregates (or request logs) that do not match docs/semantics.md §1.

    The message names the column, what was expected and, for a bad value, the
    first offending row index and the value.
    """


class CatalogError(BatchframeError):
    """A pricing catalog that does not match the catalog schema.

    The message names the entry (its index, provider and model) and the key.
    """
