"""The ``batchframe`` command: a thin shell over the public API.

Every data error becomes one line on stderr and exit status 2; nothing here computes a
number a notebook user could not get from `batchframe.project_batch_savings`.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from batchframe._catalog import PricingCatalog
from batchframe._errors import BatchframeError
from batchframe._io import FORMATS, scan_file
from batchframe._project import project_batch_savings

__all__ = ["main"]

NOTE = (
    "Advisory projection at the catalog's Batch-API list rates; nothing was submitted to any API."
)
OUTPUT_FORMATS = ("table", "csv", "json", "parquet")
_MONEY = ("eligible_spend_usd", "projected_batch_cost_usd", "projected_savings_usd")
_PERCENT = ("share_of_spend_pct", "discount_pct")


class CliError(Exception):
    """A problem to report on one line with exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="batchframe",
        description="Project what moving latency-insensitive LLM traffic to Batch APIs would save.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add_output_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--format",
            choices=OUTPUT_FORMATS,
            default="table",
            help="output format (default: table)",
        )
        sub.add_argument(
            "--output",
            "-o",
            metavar="PATH",
            help="write here instead of stdout (required for parquet)",
        )
        sub.add_argument(
            "--catalog", metavar="TOML", help="pricing catalog file (default: the embedded catalog)"
        )
        sub.add_argument(
            "--tags",
            action="append",
            metavar="TAG[,TAG…]",
            help="batch-eligible tags, comma-separated, repeatable; replaces the default set "
            "(--tags '' makes nothing eligible)",
        )

    demo = commands.add_parser(
        "demo", help="project the bundled sample aggregates with the embedded catalog"
    )
    add_output_options(demo)
    project = commands.add_parser(
        "project", help="project an aggregates file (Parquet, CSV, NDJSON or Arrow IPC)"
    )
    project.add_argument("file", metavar="FILE", help="aggregates file or glob")
    project.add_argument(
        "--input-format", choices=FORMATS, help="override the format implied by the suffix"
    )
    add_output_options(project)
    return parser


def _eligible_tags(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [tag.strip() for value in values for tag in value.split(",") if tag.strip()]


def _sample_path() -> Path:
    return Path(
        str(resources.files("batchframe").joinpath("data").joinpath("sample_aggregates.csv"))
    )


_TABLE_HEADERS = {
    "tag": "tag",
    "eligible_spend_usd": "eligible $",
    "projected_batch_cost_usd": "at batch rate $",
    "projected_savings_usd": "saving $",
    "share_of_spend_pct": "share of spend %",
    "discount_pct": "discount %",
    "request_count": "requests",
}


def _table(findings: pl.DataFrame, total: float) -> str:
    if findings.height:
        shown = findings.select(list(_TABLE_HEADERS)).rename(_TABLE_HEADERS)
        with pl.Config(
            tbl_rows=-1,
            tbl_cols=-1,
            tbl_width_chars=200,
            tbl_hide_dataframe_shape=True,
            tbl_hide_column_data_types=True,
            tbl_formatting="UTF8_FULL_CONDENSED",
            tbl_cell_numeric_alignment="RIGHT",
            fmt_str_lengths=60,
            float_precision=2,
            thousands_separator=",",
        ):
            table = str(shown)
    else:
        table = "No batch-eligible spend with a batch rate in the catalog was found."
    lines = [table, ""]
    if findings.height:
        lines += [f"  \u2022 {text}" for text in findings["summary"]] + [""]
    lines += [f"Total projected saving: ${total:,.2f}", NOTE]
    return "\n".join(lines) + "\n"


def _render(findings: pl.DataFrame, fmt: str) -> str | bytes:
    total = float(findings["projected_savings_usd"].sum())
    if fmt == "table":
        return _table(findings, total)
    if fmt == "csv":
        return findings.write_csv()
    if fmt == "json":
        payload: dict[str, Any] = {
            "findings": findings.rows(named=True),
            "total_projected_savings_usd": total,
            "note": NOTE,
        }
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    buffer = io.BytesIO()
    findings.write_parquet(buffer)
    return buffer.getvalue()


def _emit(content: str | bytes, output: str | None) -> None:
    if output is None:
        if isinstance(content, bytes):
            raise CliError("--format parquet needs --output PATH")
        sys.stdout.write(content)
        return
    try:
        if isinstance(content, bytes):
            Path(output).write_bytes(content)
        else:
            Path(output).write_text(content, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror or exc}") from None


def _run(args: argparse.Namespace) -> None:
    catalog = PricingCatalog.load(args.catalog) if args.catalog else None
    if args.command == "demo":
        source = scan_file(_sample_path(), "csv")
        where = "the bundled sample"
    else:
        source = scan_file(args.file, args.input_format)
        where = args.file
    try:
        findings = project_batch_savings(source, catalog, eligible_tags=_eligible_tags(args.tags))
        assert isinstance(findings, pl.LazyFrame)
        collected = findings.collect()
    except BatchframeError as exc:
        raise CliError(f"{where}: {exc}") from None
    except (pl.exceptions.PolarsError, OSError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CliError(f"{where}: cannot read: {message}") from None
    _emit(_render(collected, args.format), args.output)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``batchframe`` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        _run(args)
    except (BatchframeError, CliError) as exc:
        print(f"batchframe: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `batchframe demo | head`
        sys.stderr.close()
        return 0
    return 0
