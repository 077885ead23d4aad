"""How the command line prints a frame: every row, aligned numbers, no dtype noise."""

from __future__ import annotations

import polars as pl

__all__ = ["pretty", "usd"]


def pretty(frame: pl.DataFrame, *, float_precision: int | None = 2) -> str:
    """`frame` as a readable table: all rows and columns, right-aligned numbers."""
    with pl.Config(
        tbl_rows=-1,
        tbl_cols=-1,
        tbl_width_chars=250,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
        tbl_formatting="UTF8_FULL_CONDENSED",
        tbl_cell_numeric_alignment="RIGHT",
        fmt_str_lengths=80,
        float_precision=float_precision,
        thousands_separator=",",
    ):
        return str(frame)


def usd(value: float, places: int = 2) -> str:
    """An amount as text: ``$1,234.50``, negative ones with a minus sign (U+2212).

    Examples:
        >>> usd(1234.5), usd(-0.25, 3)
        ('$1,234.50', '\u2212$0.250')
    """
    sign = "\u2212" if value < 0 else ""
    return f"{sign}${abs(value):,.{places}f}"
