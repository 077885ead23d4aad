"""The ``batchframe`` command: a thin shell over the public API.

Every data error becomes one line on stderr and exit status 2; nothing here computes a
number a notebook user could not get from `batchframe.project_batch_savings`.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import threading
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn, cast

import polars as pl

from batchframe._candidates import CANDIDATE_HINTS, suggest_candidates, tags_option
from batchframe._catalog import PricingCatalog
from batchframe._catalog import catalog as default_catalog
from batchframe._catalog_cli import add_catalog_parser, run_catalog
from batchframe._display import pretty
from batchframe._errors import BatchframeError
from batchframe._explain import cost_notes, pricing_assumptions, spend_by_status, unpriced_models
from batchframe._io import (
    FORMATS,
    Files,
    diagnose,
    first_line,
    resolve,
    scan_aggregates,
    scan_file,
    scan_log_files,
)
from batchframe._logs import aggregate_request_logs, scan_request_logs
from batchframe._presets import PRESETS, Preset, helicone_preset
from batchframe._project import classify_segments, project_batch_savings
from batchframe._report import candidates_markdown, findings_markdown, render_report
from batchframe._rules import TIERS, parse_every
from batchframe._usage_presets import USAGE_PRESETS

__all__ = ["main"]

NOTE = (
    "Advisory projection at the catalog's published Batch-API (or Flex) list rates; "
    "nothing was submitted to any API."
)
OUTPUT_FORMATS = ("table", "csv", "json", "parquet", "markdown")
_MONEY = ("eligible_spend_usd", "projected_batch_cost_usd", "projected_savings_usd")
_PERCENT = ("share_of_spend_pct", "discount_pct")


class CliError(Exception):
    """A problem to report on one line with exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (``batchframe: error: …``) and exit status 2."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("batchframe").strip()
        hint = f"batchframe {command} --help" if command else "batchframe --help"
        self.exit(2, f"batchframe: error: {_one_line(message)} (see {hint})\n")


def _top(text: str) -> int:
    """``--top N``: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="batchframe",
        description="Project what moving latency-insensitive LLM traffic to Batch APIs would save.",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )

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
            "--catalog",
            action="append",
            metavar="[+]TOML",
            help="pricing catalog TOML. FILE replaces the embedded catalog (models it lacks "
            "become unknown_model); +FILE overlays FILE onto the embedded catalog (e.g. "
            "negotiated rates), keeping every other model and the price history. Repeatable: "
            "merged in order, a later file wins on the same provider/model/effective_at; FILE "
            "and +FILE cannot be mixed (a file whose name starts with + is ./+FILE). Warns when "
            "an overlay's entry is older than the one it seems meant to replace. `batchframe "
            "catalog dump` prints the embedded catalog to start from. Default: the embedded "
            "catalog",
        )
        sub.add_argument(
            "--chart",
            metavar="PATH",
            help="also draw the chart to PATH (.png, .svg, .html or .json); needs batchframe[plot]",
        )
        sub.add_argument(
            "--tags",
            action="append",
            metavar="TAG[,TAG…]",
            help="batch-eligible tags, comma-separated, repeatable; replaces the default set "
            "(--tags '' makes nothing eligible)",
        )

    def add_common_options(sub: argparse.ArgumentParser, formats: Sequence[str] | None) -> None:
        """--format (when `formats`), --output, --catalog and --tags of the advice commands."""
        if formats is not None:
            sub.add_argument(
                "--format", choices=formats, default="table", help="output format (default: table)"
            )
        sub.add_argument("--output", "-o", metavar="PATH", help="write here instead of stdout")
        sub.add_argument(
            "--catalog",
            action="append",
            metavar="[+]TOML",
            help="pricing catalog TOML, as for `batchframe project` (FILE replaces, +FILE "
            "overlays the embedded catalog; repeatable)",
        )
        sub.add_argument(
            "--tags",
            action="append",
            metavar="TAG[,TAG…]",
            help="batch-eligible tags, comma-separated, repeatable; replaces the default set",
        )

    def add_input_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("file", metavar="FILE", nargs="?", help="aggregates file or glob")
        sub.add_argument(
            "--input-format", choices=FORMATS, help="override the format implied by the suffix"
        )
        sub.add_argument(
            "--logs",
            action="append",
            metavar="PATH_OR_GLOB",
            help="raw request-log files instead of aggregates (repeatable; quote globs)",
        )
        sub.add_argument(
            "--preset",
            choices=sorted(PRESETS),
            help="the export the --logs files come from (default: batchframe's own column names)",
        )
        sub.add_argument(
            "--tag-property",
            metavar="NAME",
            help="with --preset helicone: the custom property that holds the tag "
            "(Helicone-Property-NAME; default: feature)",
        )
        sub.add_argument(
            "--tag-from",
            metavar="DIMENSION",
            help="with --preset openai-usage / anthropic-usage: the report's grouping that "
            "stands for the tag (openai: project_id, api_key_id, user_id; anthropic: "
            "workspace_id, api_key_id); with `candidates` and any other input: a column "
            "(a team, key, route …) whose values are ranked instead of the tags",
        )
        sub.add_argument(
            "--tag-names",
            metavar="FILE.csv",
            help="with --preset openai-usage / anthropic-usage: a CSV of id,name rows giving "
            "the --tag-from ids readable names (name them in --tags)",
        )
        sub.add_argument(
            "--map",
            action="append",
            metavar="THEIRS=OURS",
            help="with --logs: map one of your columns onto batchframe's (repeatable), "
            "e.g. --map prompt_tokens=input_tokens",
        )
        sub.add_argument(
            "--quiet", "-q", action="store_true", help="no progress on stderr while reading"
        )

    demo = commands.add_parser(
        "demo", help="project the bundled sample aggregates with the embedded catalog"
    )
    add_output_options(demo)
    project = commands.add_parser(
        "project",
        help="project aggregates (FILE) or raw logs (--logs): Parquet, CSV, NDJSON, JSON, IPC",
    )
    add_input_options(project)
    add_output_options(project)
    project.add_argument(
        "--tier",
        choices=TIERS,
        default="batch",
        help="price at the Batch or Flex rates",
    )
    project.add_argument(
        "--price-at",
        metavar="COLUMN",
        help="price each segment at the catalog entry in effect at this column's instant "
        "(e.g. period_start with --every)",
    )
    project.add_argument(
        "--by",
        action="append",
        metavar="COLUMN[,COLUMN…]",
        help="keep these input columns in the findings (provider, model, period_start)",
    )
    project.add_argument(
        "--every", metavar="DURATION", help="with --logs: aggregate per period (1d, 1w, 1mo …)"
    )
    explain = commands.add_parser(
        "explain", help="where the spend went: spend by status and the top unpriced models"
    )
    add_input_options(explain)
    add_output_options(explain)
    explain.add_argument(
        "--top", type=_top, default=10, metavar="N", help="unpriced models to list (default 10)"
    )
    candidates = commands.add_parser(
        "candidates",
        help="tags outside the eligible set that look batch-shaped, ranked by their saving "
        "(advice: nothing is marked eligible)",
    )
    add_input_options(candidates)
    add_common_options(candidates, ("table", "csv", "json", "markdown"))
    candidates.add_argument(
        "--top", type=_top, default=5, metavar="N", help="candidates to list (default 5)"
    )
    candidates.add_argument(
        "--hints",
        action="append",
        metavar="WORD[,WORD…]",
        help="batch-shaped words a tag name may contain, replacing the default list "
        f"({','.join(CANDIDATE_HINTS)}); the eligible tags always count",
    )
    report = commands.add_parser(
        "report",
        help="one self-contained HTML report to share (inline SVG, no network, prints on A4)",
    )
    add_input_options(report)
    add_common_options(report, None)
    report.add_argument(
        "--tier", choices=TIERS, default="batch", help="price at the Batch or Flex rates"
    )
    report.add_argument("--title", help="the report's title")
    report.add_argument(
        "--top", type=_top, default=10, metavar="N", help="rows per list (default 10)"
    )
    add_catalog_parser(cast("argparse._SubParsersAction[argparse.ArgumentParser]", commands))
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
    "projected_batch_cost_usd": "projected $",
    "projected_savings_usd": "saving $",
    "share_of_spend_pct": "share of spend %",
    "discount_pct": "discount %",
    "request_count": "requests",
}


def _table(findings: pl.DataFrame, total: float, notes: Sequence[str] = ()) -> str:
    if findings.height:
        skip = {*_TABLE_HEADERS, "summary", "rates_effective_at"}
        keys = [c for c in findings.columns if c not in skip]
        shown = findings.select("tag", *keys, *list(_TABLE_HEADERS)[1:]).rename(_TABLE_HEADERS)
        table = pretty(shown)
    else:
        table = "No batch-eligible spend with a batch rate in the catalog was found."
    lines = [table, ""]
    if findings.height:
        lines += [f"  \u2022 {text}" for text in findings["summary"]] + [""]
    lines += [f"Total projected saving: ${total:,.2f}", *notes, NOTE]
    return "\n".join(lines) + "\n"


def _render(
    findings: pl.DataFrame,
    fmt: str,
    notes: Sequence[str] = (),
    quiet: bool = False,
    tier: str = "batch",
) -> str | bytes:
    """The findings in `fmt`; `notes` (`cost_notes`) in the table and JSON, else on stderr
    (unless `quiet`)."""
    total = float(findings["projected_savings_usd"].sum())
    if fmt == "table":
        return _table(findings, total, notes)
    if fmt in ("csv", "parquet", "markdown") and not quiet:
        for line in notes:
            print(f"batchframe: note: {line}", file=sys.stderr)
    if fmt == "csv":
        return findings.write_csv()
    if fmt == "json":
        payload: dict[str, Any] = {
            "findings": _jsonable(findings).rows(named=True),
            "total_projected_savings_usd": total,
            **({"cost_notes": list(notes)} if notes else {}),
            "note": NOTE,
        }
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return findings_markdown(findings, tier)
    buffer = io.BytesIO()
    findings.write_parquet(buffer)
    return buffer.getvalue()


def _jsonable(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates and datetimes as ISO 8601 text, for JSON output."""
    nested = [
        c for c, t in frame.schema.items() if isinstance(t, pl.List) and t.inner.is_temporal()
    ]
    return frame.with_columns(
        pl.selectors.temporal().dt.to_string(),
        *(pl.col(c).list.eval(pl.element().dt.to_string()) for c in nested),
    )


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


class Progress:
    """Elapsed time on stderr while a scan runs (a TTY gets a live line), then a summary."""

    def __init__(self, what: str, quiet: bool) -> None:
        self.what, self.quiet = what, quiet
        self.start = time.perf_counter()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Progress:  # not typing.Self: that needs Python 3.11
        if not self.quiet and sys.stderr.isatty():
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()
        return self

    def _tick(self) -> None:
        while not self._done.wait(0.5):
            elapsed = time.perf_counter() - self.start
            sys.stderr.write(f"\rreading {self.what} … {elapsed:.1f} s")
            sys.stderr.flush()

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()
            sys.stderr.write("\r\033[K")

    def report(self, rows: int) -> None:
        if not self.quiet:
            elapsed = time.perf_counter() - self.start
            print(f"read {self.what}: {rows:,} request(s) in {elapsed:.1f} s", file=sys.stderr)


def _aggregates(
    args: argparse.Namespace, catalog: PricingCatalog | None = None
) -> tuple[pl.DataFrame, str]:
    """The aggregates the command works on, collected (they are small), and where from.

    Logs without a recorded cost are priced from `catalog` (None: the embedded one).
    """
    if args.command == "demo":
        return scan_file(_sample_path(), "csv").collect(), "the bundled sample"
    if args.logs and args.file:
        raise CliError("give either FILE (aggregates) or --logs (raw request logs), not both")
    if not args.logs and not args.file:
        raise CliError("nothing to read: give an aggregates FILE or --logs PATH_OR_GLOB")
    every = getattr(args, "every", None)
    if args.logs:
        return _from_logs(args, every, catalog)
    if args.preset:
        raise CliError("--preset applies to --logs files")
    if args.tag_property is not None:
        raise CliError("--tag-property applies to --logs files with --preset helicone")
    if args.tag_from is not None or args.tag_names is not None:
        raise CliError("--tag-from / --tag-names apply to --logs files with a usage preset")
    if args.map:
        raise CliError("--map applies to --logs files; an aggregates FILE uses batchframe's names")
    if every is not None:
        raise CliError(
            f"{args.file}: --every applies to --logs (raw request logs); an aggregates FILE is "
            "aggregated already (its period_start column, if any, is used as it is)"
        )
    files = resolve(args.file, args.input_format)
    with Progress(args.file, args.quiet):
        frame = _collect(scan_aggregates(files), args.file, files)
    return frame, args.file


def _every(every: str) -> str:
    """``--every`` checked up front: a non-zero Polars duration."""
    try:
        parse_every(every)
    except (TypeError, ValueError):
        zero = re.fullmatch(r"(?:\s*\d+[a-z]+)+\s*", every) is not None
        what = "is a zero duration" if zero else "is not a duration"
        raise CliError(
            f"--every {every!r} {what}: expected a whole number >= 1 and a unit, such as "
            "1h, 1d, 1w, 1mo, 1q or 1y"
        ) from None
    return every


def _preset_of(args: argparse.Namespace, *, tag_column: bool = False) -> str | Preset | None:
    """``--preset``, with ``--tag-property`` for Helicone and ``--tag-from`` / ``--tag-names``
    for the usage presets. With `tag_column` (``candidates``), a ``--tag-from`` without a usage
    preset names a column to rank instead, and is left to the caller."""
    preset: str | Preset | None = args.preset
    if args.tag_property is not None:
        if args.preset != "helicone":
            raise CliError("--tag-property applies to --preset helicone")
        if not args.tag_property.strip():
            raise CliError("--tag-property needs a property name, e.g. --tag-property feature")
        preset = helicone_preset(args.tag_property.strip())
    usage = args.preset in USAGE_PRESETS
    if args.tag_names is not None and not usage:
        raise CliError(f"--tag-names applies to --preset {' or '.join(USAGE_PRESETS)}")
    if args.tag_from is not None and not usage and not tag_column:
        raise CliError(f"--tag-from / --tag-names apply to --preset {' or '.join(USAGE_PRESETS)}")
    if usage and (args.tag_from is not None or args.tag_names is not None):
        factory = USAGE_PRESETS[args.preset]
        try:
            preset = factory(
                *((args.tag_from.strip(),) if args.tag_from is not None else ()),
                tag_names=args.tag_names,
            )
        except BatchframeError as exc:
            raise CliError(str(exc)) from None
    return preset


def _from_logs(
    args: argparse.Namespace, every: str | None, catalog: PricingCatalog | None = None
) -> tuple[pl.DataFrame, str]:
    where = ", ".join(args.logs)
    if every is not None:
        _every(every)
    mapping = _mapping(args.map)
    files = resolve(args.logs, args.input_format)
    if every is not None and args.preset is None:
        _check_timestamp(files, mapping, every)
    preset = _preset_of(args)
    try:
        logs = scan_request_logs(
            list(files.paths), format=files.format, columns=mapping, preset=preset
        )
        aggregated = aggregate_request_logs(
            logs, every=every, eligible_tags=_eligible_tags(args.tags), catalog=catalog
        )
    except BatchframeError as exc:
        raise CliError(_named(str(exc), where, files)) from None
    assert isinstance(aggregated, pl.LazyFrame)
    with Progress(f"{len(args.logs)} log source(s)", args.quiet) as progress:
        frame = _collect(aggregated, where, files)
    if every is not None:
        _check_periods(frame, logs, every, mapping, where)
    progress.report(int(frame["request_count"].sum()))
    return frame, where


def _named(message: str, where: str, files: Files | None = None) -> str:
    """`message`, naming the input it is about (`where`) when it does not already."""
    paths = files.paths if files is not None else ()
    if message.startswith(where) or any(message.startswith(path) for path in paths):
        return message
    return f"{where}: {message.removeprefix('request logs: ')}"


_MAP_TIMESTAMP = "map yours with --map THEIRS=timestamp"


def _check_timestamp(files: Files, mapping: dict[str, str] | None, every: str) -> None:
    """`CliError` when ``--every`` is given and the (mapped) logs have no timestamp column."""
    names = scan_log_files(files).collect_schema().names()
    mapping = mapping or {}
    if "timestamp" in mapping.values() or ("timestamp" in names and "timestamp" not in mapping):
        return
    raise CliError(
        f"{files.where}: --every {every} needs a timestamp per request, and the logs have no "
        f"'timestamp' column (they have {names}); {_MAP_TIMESTAMP}"
    )


def _check_periods(
    frame: pl.DataFrame,
    logs: pl.LazyFrame,
    every: str,
    mapping: dict[str, str] | None,
    where: str,
) -> None:
    """`CliError` when ``--every`` left requests without a period (a null timestamp)."""
    missing = int(frame.filter(pl.col("period_start").is_null())["request_count"].sum())
    if not missing:
        return
    column = next((theirs for theirs, ours in (mapping or {}).items() if ours == "timestamp"), None)
    total = int(frame["request_count"].sum())
    if missing == total:
        raise CliError(
            f"{where}: --every {every} needs a timestamp per request, and no request has one "
            f"(the {repr(column) if column else 'timestamp'} column is missing or empty); "
            f"{_MAP_TIMESTAMP}"
        )
    row = (
        logs.select(pl.int_range(pl.len()).filter(pl.col("timestamp").is_null()).first())
        .collect()
        .item()
    )
    raise CliError(
        f"{where}: --every {every} needs a timestamp per request; {missing:,} of {total:,} "
        f"request(s) have none in column {column or 'timestamp'!r}, the first at row {row}"
    )


def _check_price_at(aggregates: pl.DataFrame, price_at: str | None, where: str) -> None:
    """`CliError` for ``--price-at`` naming a column that holds no dates or datetimes."""
    if price_at is None or price_at not in aggregates.columns:
        return  # an absent column is reported by the library, with the columns there are
    dtype = aggregates.schema[price_at]
    if not isinstance(dtype, (pl.Date, pl.Datetime)):
        raise CliError(
            f"{where}: --price-at {price_at}: expected a date or datetime column, got {dtype} "
            "(use period_start with --every, or a column of instants)"
        )


def _chart(kind: str, frame: pl.DataFrame | pl.LazyFrame, path: str, **options: Any) -> None:
    """Draw a chart with the plot extra (imported only when a chart is asked for).

    `options` go to the chart function (``tier=`` for ``plot_savings``).
    """
    try:
        from batchframe import _plot
    except ImportError as exc:  # pragma: no cover - the module itself has no hard imports
        raise CliError(str(exc)) from None
    try:
        _plot.save_chart(getattr(_plot, kind)(frame, **options), path)
    except ImportError as exc:
        raise CliError(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot write chart {path}: {exc}") from None


def _mapping(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        theirs, sep, ours = pair.partition("=")
        if not sep or not theirs.strip() or not ours.strip():
            raise CliError(f"--map takes THEIRS=OURS, got {pair!r}")
        mapping[theirs.strip()] = ours.strip()
    return mapping


def _collect(frame: pl.LazyFrame, where: str, files: Files | None = None) -> pl.DataFrame:
    try:
        return frame.collect(engine="streaming")
    except BatchframeError as exc:
        raise CliError(_named(str(exc), where, files)) from None
    except (pl.exceptions.PolarsError, OSError) as exc:
        message = first_line(exc)
        if "deserializing JSON" in message:
            message = f"a tag column holds malformed JSON ({message})"
        elif files is not None:  # the failure path: find the file, line or row
            found = diagnose(files, exc)
            if not str(found).endswith(message):
                raise found from None
        raise CliError(f"{where}: cannot read: {message}") from None


def _explain(args: argparse.Namespace, catalog: PricingCatalog | None) -> str:
    aggregates, where = _aggregates(args, catalog)
    notes = cost_notes(aggregates)
    try:
        classified = classify_segments(aggregates, catalog, eligible_tags=_eligible_tags(args.tags))
    except BatchframeError as exc:
        raise CliError(_named(str(exc), where)) from None
    statuses = _without_wrong_shares(args, spend_by_status(classified))
    unpriced = unpriced_models(classified, args.top)
    assumed = pricing_assumptions(classified)
    if args.chart:
        _chart("plot_spend_status", classified, args.chart)
    if args.format == "json":
        payload = {
            "spend_by_status": statuses.with_columns(pl.col("status").cast(pl.String)).rows(
                named=True
            ),
            "top_unpriced_models": unpriced.with_columns(pl.col("status").cast(pl.String)).rows(
                named=True
            ),
            "pricing_assumptions": assumed.rows(named=True),
            "total_spend_usd": float(statuses["spend_usd"].sum()),
            **({"cost_notes": notes} if notes else {}),
            "note": NOTE,
        }
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if args.format == "csv":
        return statuses.write_csv()
    if args.format in ("parquet", "markdown"):
        raise CliError("explain writes table, csv or json")
    total_label = "Total spend"
    if _per_tag_table(args):
        total_label = "Sum of the per-tag table's spend (not your total spend: see the note)"
    return (
        "Spend by status\n"
        + pretty(statuses)
        + "\n\nTop unpriced models (no batch rate in the catalog), by spend\n"
        + (pretty(unpriced) if unpriced.height else "none: every eligible model has a batch rate")
        + "\n\nWhat the pricing assumed (prompt caching, long prompts)\n"
        + _assumptions_text(assumed)
        + f"\n\n{total_label}: ${float(statuses['spend_usd'].sum()):,.2f}\n"
        + "".join(f"{line}\n" for line in notes)
    )


def _assumptions_text(assumed: pl.DataFrame) -> str:
    """One line per pricing note that applied, or a line saying none did."""
    lines = [
        f"  • {meaning}: {segments:,} segment(s), ${spend:,.2f} of spend"
        + (" (excluded: no_batch_tier)" if note != "cached_at_input_rate" else "")
        for note, meaning, segments, spend in assumed.iter_rows()
        if segments
    ]
    return "\n".join(lines) if lines else "  none: every priced segment had the rates it needed"


STALE_AFTER_DAYS = 120


def _catalog(paths: list[str] | None, quiet: bool = False) -> PricingCatalog | None:
    """The ``--catalog`` selection (`select_catalog`), or None for the embedded one alone.

    Plain FILEs replace the embedded catalog and +FILEs overlay it, merged in order (later
    wins); an overlay older than what it overlays warns on stderr.
    """
    from batchframe._catalog_cli import _stderr_note, select_catalog

    # A LiteLLM price file (.json) notes on stderr what its import skipped, unless quiet.
    merged = select_catalog(paths, note=None if quiet else _stderr_note)
    used = merged if merged is not None else default_catalog()
    if used.is_stale(max_days=STALE_AFTER_DAYS) and not quiet:
        newest = used.newest_effective_at
        when = newest.date().isoformat() if newest else "never"
        print(
            f"batchframe: warning: the pricing catalog's newest price is from {when}, more than "
            f"{STALE_AFTER_DAYS} days ago; refresh it (docs/semantics.md §2.5) or pass --catalog",
            file=sys.stderr,
        )
    return merged


def _source_frame(args: argparse.Namespace) -> tuple[pl.LazyFrame, str, Files]:
    """The raw logs (``--logs``, uncollected) or aggregates (FILE) an advice command reads."""
    if args.logs and args.file:
        raise CliError("give either FILE (aggregates) or --logs (raw request logs), not both")
    if not args.logs and not args.file:
        raise CliError("nothing to read: give an aggregates FILE or --logs PATH_OR_GLOB")
    if args.logs:
        where = ", ".join(args.logs)
        files = resolve(args.logs, args.input_format)
        try:
            logs = scan_request_logs(
                list(files.paths),
                format=files.format,
                columns=_mapping(args.map),
                preset=_preset_of(args, tag_column=True),
            )
        except BatchframeError as exc:
            raise CliError(_named(str(exc), where, files)) from None
        return logs, where, files
    if args.preset:
        raise CliError("--preset applies to --logs files")
    if args.tag_property is not None or args.tag_names is not None:
        raise CliError("--tag-property / --tag-names apply to --logs files with their preset")
    if args.map:
        raise CliError("--map applies to --logs files; an aggregates FILE uses batchframe's names")
    files = resolve(args.file, args.input_format)
    return scan_aggregates(files), args.file, files


def _candidates(args: argparse.Namespace, catalog: PricingCatalog | None) -> str:
    frame, where, files = _source_frame(args)
    tags = _eligible_tags(args.tags)
    try:
        found = suggest_candidates(
            frame,
            catalog,
            eligible_tags=tags,
            hints=_eligible_tags(args.hints),
            # with a usage preset, --tag-from chose the preset's tag already
            tag_from=None if args.preset in USAGE_PRESETS else args.tag_from,
        )
    except BatchframeError as exc:
        raise CliError(_named(str(exc), where, files)) from None
    with Progress(where, args.quiet):
        candidates = _collect(found, where, files)
    if args.format == "csv":
        return candidates.write_csv()
    if args.format == "json":
        shown = candidates.head(args.top)
        suggested = shown.filter(pl.col("projected_savings_usd") > 0)["tag"].to_list()
        payload = {
            "candidates": candidates.rows(named=True),
            "tags_option": tags_option(tags, suggested) if suggested else None,
            "note": "advice: nothing was marked eligible",
        }
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if args.format == "markdown":
        return candidates_markdown(candidates, tags, args.top)
    if not candidates.height:
        return (
            "No candidate tags: no tag outside the eligible set shows a name hint or bursts "
            "(burst signals need --logs with timestamps).\n"
        )
    shown, rest = candidates.head(args.top), candidates.slice(args.top)
    table = shown.select(
        "tag",
        pl.col("projected_savings_usd").alias("saving $"),
        pl.col("flex_savings_usd").alias("flex saving $"),
        pl.col("share_of_spend_pct").alias("share of spend %"),
        pl.col("name_hint").alias("name hint"),
        pl.col("burst_share").round(2).alias("burst share"),
        "evidence",
    )
    lines = ["Candidate tags outside the eligible set, by projected saving at batch rates", ""]
    lines.append(pretty(table))
    if rest.height:
        saving = float(rest["projected_savings_usd"].sum())
        lines.append(f"… and {rest.height} more candidate tag(s), ${saving:,.2f} saving together")
    suggested = shown.filter(pl.col("projected_savings_usd") > 0)["tag"].to_list()
    if suggested:
        lines += [
            "",
            "To include the top suggestions, re-run with:",
            "  " + tags_option(tags, suggested),
        ]
    lines += ["", "Advice only: nothing was marked eligible; check that the traffic can wait."]
    return "\n".join(lines) + "\n"


def _report(args: argparse.Namespace, catalog: PricingCatalog | None) -> str:
    frame, where, files = _source_frame(args)
    options: dict[str, Any] = {"title": args.title} if args.title else {}
    plain = [path.lstrip("+") for path in args.catalog or ()]
    try:
        with Progress(where, args.quiet):
            return render_report(
                frame,
                catalog,
                eligible_tags=_eligible_tags(args.tags),
                tier=args.tier,
                source=where,
                catalog_source=", ".join(plain) or None,
                top=args.top,
                **options,
            )
    except BatchframeError as exc:
        raise CliError(_named(str(exc), where, files)) from None


def _run(args: argparse.Namespace) -> None:
    catalog = _catalog(args.catalog, getattr(args, "quiet", False))
    if args.command == "explain":
        _emit(_explain(args, catalog), args.output)
        return
    if args.command == "candidates":
        _emit(_candidates(args, catalog), args.output)
        return
    if args.command == "report":
        _emit(_report(args, catalog), args.output)
        return
    aggregates, where = _aggregates(args, catalog)
    _check_price_at(aggregates, getattr(args, "price_at", None), where)
    try:
        findings = project_batch_savings(
            aggregates,
            catalog,
            eligible_tags=_eligible_tags(args.tags),
            tier=getattr(args, "tier", "batch"),
            price_at=getattr(args, "price_at", None),
            by=_eligible_tags(getattr(args, "by", None)),
        )
    except BatchframeError as exc:
        raise CliError(_named(str(exc), where)) from None
    assert isinstance(findings, pl.DataFrame)
    findings = _without_wrong_shares(args, findings)
    if args.chart:
        _chart("plot_savings", findings, args.chart, tier=getattr(args, "tier", "batch"))
    notes = cost_notes(aggregates)
    tier = getattr(args, "tier", "batch")
    _emit(_render(findings, args.format, notes, getattr(args, "quiet", False), tier), args.output)


#: Why shares of spend are not printed for a per-tag table (docs/presets.md).
PER_TAG_TOTAL_NOTE = (
    "shares of spend are not shown: LiteLLM_DailyTagSpend books a request once per tag and "
    "leaves untagged requests out, so its sum is not your total spend (a request with two "
    "tags counts twice, also in the total savings if both tags are eligible); use the "
    "litellm-spendlogs preset for shares of the true total"
)


def _without_wrong_shares(args: argparse.Namespace, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with ``share_of_spend_pct`` null (and a note on stderr) when the input is a
    per-tag table whose sum is not the total spend."""
    if getattr(args, "preset", None) != "litellm-daily-tag-spend" or not getattr(
        args, "logs", None
    ):
        return frame
    print(f"batchframe: note: {PER_TAG_TOTAL_NOTE}", file=sys.stderr)
    shares = [pl.lit(None, dtype=pl.Float64).alias("share_of_spend_pct")]
    if "summary" in frame.columns:  # "tag=x is 34.5% of spend and batch-eligible → …"
        summary = pl.col("summary").str.replace(r" is [0-9.,]+% of spend and ", " is ")
        shares.append(summary.alias("summary"))
    return frame.with_columns(shares)


def _per_tag_table(args: argparse.Namespace) -> bool:
    return getattr(args, "preset", None) == "litellm-daily-tag-spend" and bool(
        getattr(args, "logs", None)
    )


def _one_line(text: str) -> str:
    """A message on one line: what comes before any appended plan or hint, newlines folded."""
    text = text.strip().split("\n\n", 1)[0]
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def _source(args: object) -> str:
    return str(getattr(args, "file", None) or ", ".join(getattr(args, "logs", None) or ()))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``batchframe`` console script; returns the exit status.

    Bad input (a file, a column, a value, an option) is one line on stderr and status 2;
    Ctrl-C is ``batchframe: interrupted`` and status 130.
    """
    args: argparse.Namespace | None = None
    try:
        args = _parser().parse_args(argv)
        if args.command == "catalog":
            return run_catalog(args)
        _run(args)
    except (BatchframeError, CliError) as exc:
        print(f"batchframe: error: {_one_line(str(exc))}", file=sys.stderr)
        return 2
    except (pl.exceptions.PolarsError, ValueError, OverflowError) as exc:
        # Bad data that the checks above missed: still one line, naming the input.
        where = _source(args)
        prefix = f"{where}: " if where else ""
        print(f"batchframe: error: {prefix}{_one_line(first_line(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("batchframe: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `batchframe demo | head`
        sys.stderr.close()
        return 0
    return 0
