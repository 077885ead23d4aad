"""The ``batchframe catalog`` command: list, gaps and check, a thin shell over `PricingCatalog`.

``catalog list`` and ``catalog gaps`` read the embedded catalog, or the ``--catalog`` files
merged in order (a later file wins on the same ``(provider, model, effective_at)``);
``catalog check FILE`` validates one file. Data errors print one line on stderr and return
exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

import polars as pl

from batchframe._catalog import PricingCatalog, catalog
from batchframe._display import pretty
from batchframe._errors import CatalogError

__all__ = ["add_catalog_parser", "run_catalog"]

CATALOG_FORMATS = ("table", "csv", "json")
_LIST_COLUMNS = (
    "provider",
    "model",
    "effective_at",
    "input_per_million",
    "output_per_million",
    "batch_input_per_million",
    "batch_output_per_million",
    "flex_input_per_million",
    "flex_output_per_million",
)
_GAP_COLUMNS = ("provider", "model", "effective_at", "missing")


def add_catalog_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``catalog list|gaps|check`` on the top-level subcommand action."""
    parser = commands.add_parser(
        "catalog",
        help="inspect and validate pricing catalogs",
        description="Inspect the pricing catalog (the embedded one, or --catalog files merged "
        "in order, later wins) and validate catalog files.",
    )
    actions = parser.add_subparsers(dest="catalog_action", required=True, metavar="ACTION")

    def add_view_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--catalog",
            action="append",
            dest="catalogs",
            metavar="TOML",
            help="catalog file (repeatable: merged in order, a later file wins on the same "
            "provider/model/effective_at; default: the embedded catalog)",
        )
        sub.add_argument(
            "--format",
            choices=CATALOG_FORMATS,
            default="table",
            help="output format (default: table)",
        )

    add_view_options(
        actions.add_parser(
            "list", help="the latest entry of every (provider, model) with its batch/flex rates"
        )
    )
    add_view_options(
        actions.add_parser(
            "gaps", help="models whose latest entry has no batch tier and/or no flex tier"
        )
    )
    check = actions.add_parser("check", help="validate one catalog file")
    check.add_argument("file", metavar="FILE", help="catalog TOML file")


def _selected_catalog(paths: list[str] | None) -> PricingCatalog:
    if not paths:
        return catalog()
    merged = PricingCatalog.load(paths[0])
    for path in paths[1:]:
        merged = merged.merge(PricingCatalog.load(path))
    return merged


def _list_frame(cat: PricingCatalog) -> pl.DataFrame:
    return cat.latest_frame.select(_LIST_COLUMNS)


def _gaps_frame(cat: PricingCatalog) -> pl.DataFrame:
    latest = cat.latest_frame
    no_batch = (
        pl.col("batch_input_per_million").is_null() | pl.col("batch_output_per_million").is_null()
    )
    no_flex = (
        pl.col("flex_input_per_million").is_null() | pl.col("flex_output_per_million").is_null()
    )
    missing = (
        pl.when(no_batch & no_flex)
        .then(pl.lit("batch, flex"))
        .when(no_batch)
        .then(pl.lit("batch"))
        .otherwise(pl.lit("flex"))
    )
    return latest.filter(no_batch | no_flex).select(
        "provider", "model", "effective_at", missing.alias("missing")
    )


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S%.fZ"  # effective_at is UTC; %.f prints only non-zero fractions
_TABLE_HEADERS = {
    "input_per_million": "input",
    "output_per_million": "output",
    "batch_input_per_million": "batch in",
    "batch_output_per_million": "batch out",
    "flex_input_per_million": "flex in",
    "flex_output_per_million": "flex out",
}


def _table(frame: pl.DataFrame) -> str:
    return pretty(frame, float_precision=None)


def _render(frame: pl.DataFrame, fmt: str, empty: str) -> str:
    frame = frame.with_columns(pl.col("effective_at").dt.to_string(_ISO_FORMAT))
    if fmt == "json":
        rows: list[dict[str, Any]] = frame.rows(named=True)
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return frame.write_csv()
    if frame.height == 0:
        return empty + "\n"
    shown = frame.rename({k: v for k, v in _TABLE_HEADERS.items() if k in frame.columns})
    note = "\nRates in USD per 1M tokens; null = no such tier in the catalog.\n"
    return _table(shown) + ("\n" + note if "input" in shown.columns else "\n")


def _check(path: str) -> str:
    cat = PricingCatalog.load(path)
    newest = cat.newest_effective_at
    return (
        f"{path}: ok, {len(cat)} entries, {len(cat.pairs())} models, newest effective_at "
        f"{_iso(newest) if newest is not None else 'none'}\n"
    )


def run_catalog(args: argparse.Namespace) -> int:
    """Run ``batchframe catalog …`` on parsed arguments; return the exit status (0 or 2)."""
    try:
        if args.catalog_action == "check":
            output = _check(args.file)
        elif args.catalog_action == "list":
            output = _render(
                _list_frame(_selected_catalog(args.catalogs)),
                args.format,
                "The catalog has no entries.",
            )
        elif args.catalog_action == "gaps":
            output = _render(
                _gaps_frame(_selected_catalog(args.catalogs)),
                args.format,
                "No gaps: every model's latest entry has a batch and a flex tier.",
            )
        else:  # pragma: no cover - argparse restricts the choices
            raise ValueError(f"unknown catalog action {args.catalog_action!r}")
    except CatalogError as exc:
        print(f"batchframe: error: {exc}", file=sys.stderr)
        return 2
    try:
        sys.stdout.write(output)
    except BrokenPipeError:  # `batchframe catalog list | head`
        sys.stderr.close()
    return 0
