"""The ``batchframe catalog`` command: list, gaps, check and dump, a thin shell over `PricingCatalog`.

``catalog list``, ``catalog gaps`` and ``catalog dump`` read the embedded catalog, or the
``--catalog`` files merged in order (a later file wins on the same
``(provider, model, effective_at)``): a plain ``FILE`` replaces the embedded catalog, a
``+FILE`` overlays it (`select_catalog`, shared with the other commands); a ``FILE`` ending in
``.json`` is a LiteLLM price file (`load_catalog_file`). ``catalog check FILE`` validates one
file. Data errors print one line on stderr and return
exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import polars as pl

from batchframe._catalog import ModelPricing, PricingCatalog, catalog, to_toml
from batchframe._display import pretty
from batchframe._errors import CatalogError
from batchframe._rules import rate_key

__all__ = [
    "CATALOG_HELP",
    "add_catalog_parser",
    "load_catalog_file",
    "run_catalog",
    "select_catalog",
]

#: The help of every ``--catalog`` option (here and in the other commands).
CATALOG_HELP = (
    "pricing catalog: a catalog TOML file, or a LiteLLM price file "
    "(model_prices_and_context_window.json; any FILE ending in .json), imported with "
    "effective_at = the file's modification time in UTC and a one-line note on stderr of "
    "what it skipped (unless -q). FILE replaces the embedded catalog (models it lacks become "
    "unknown_model); +FILE overlays FILE onto the embedded catalog (e.g. negotiated rates), "
    "keeping every other model and the price history. Repeatable: merged in order, a later "
    "file wins on the same provider/model/effective_at; FILE and +FILE cannot be mixed "
    "(a file whose name starts with + is ./+FILE). Warns when an overlay's entry is older "
    "than the one it seems meant to replace. `batchframe catalog dump` prints the embedded "
    "catalog to start from. Default: the embedded catalog"
)
_OVERLAY = "+"

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
_GAP_SCHEMA = {
    "provider": pl.String(),
    "model": pl.String(),
    "effective_at": pl.Datetime("us", "UTC"),
    "missing": pl.String(),
    "consequence": pl.String(),
}


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
        add_catalog_option(sub)
        add_format_option(sub)

    def add_quiet_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "-q",
            "--quiet",
            action="store_true",
            help="no note on stderr of what a LiteLLM price file's import skipped",
        )

    def add_catalog_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--catalog", action="append", dest="catalogs", metavar="[+]FILE", help=CATALOG_HELP
        )
        add_quiet_option(sub)

    def add_format_option(sub: argparse.ArgumentParser) -> None:
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
            "gaps",
            help="models whose latest entry has no batch and/or flex tier, or a batch/flex "
            "tier without cached-input, cache-write or long-context rates",
        )
    )
    check = actions.add_parser("check", help="validate one catalog file")
    check.add_argument(
        "file",
        metavar="FILE",
        help="catalog TOML file, or a LiteLLM price file (.json; imported as --catalog does)",
    )
    add_quiet_option(check)
    add_catalog_option(
        actions.add_parser(
            "dump",
            help="print the catalog in use (default: the embedded one) as catalog TOML",
            description="Print the embedded catalog (or the --catalog files merged) as TOML "
            "that `batchframe catalog check` accepts: a starting point for an overlay file.",
        )
    )


def _stderr_warning(message: str) -> None:
    print(f"batchframe: warning: {message}", file=sys.stderr)


def _older_overlays(
    base: PricingCatalog, overlay: PricingCatalog
) -> list[tuple[str, str, datetime, datetime]]:
    """``(provider, model, overlay's newest, base's newest)`` where the overlay is older.

    Such an overlay (say negotiated rates dated before the list price it means to replace)
    does not win: the base's newer entry still prices traffic from its own date on.
    """
    older = []
    for provider, model in overlay.pairs():
        ours, theirs = base.history(provider, model), overlay.history(provider, model)
        if ours and theirs and theirs[-1].effective_at < ours[-1].effective_at:
            older.append((provider, model, theirs[-1].effective_at, ours[-1].effective_at))
    return older


def _stderr_note(message: str) -> None:
    print(f"batchframe: note: {message}", file=sys.stderr)


def load_catalog_file(
    name: str, note: Callable[[str], None] | None = _stderr_note, shown: str | None = None
) -> PricingCatalog:
    """One ``--catalog`` file: catalog TOML, or a LiteLLM price file when it ends in ``.json``.

    A LiteLLM file (suffix ``.json``, any case) is imported with
    `PricingCatalog.from_litellm`, ``effective_at`` being the file's modification time in
    UTC; `note` (unless None) then receives one line (without the ``batchframe: note:``
    prefix) saying how many entries were imported and skipped. `shown` is how the file is
    named in that line (default `name`).
    """
    if not name.lower().endswith(".json"):
        return PricingCatalog.load(name)
    path = Path(name)
    try:
        modified = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    except (OSError, OverflowError, ValueError) as exc:
        raise CatalogError(f"{path}: cannot read LiteLLM price map: {exc}") from None
    imported = PricingCatalog.from_litellm(path, effective_at=modified)
    report = imported.import_report
    if note is not None and report is not None:
        note(
            f"{shown or name}: LiteLLM price file, effective_at {_iso(modified)} (its "
            f"modification time); {report.summary()}"
        )
    return imported


def select_catalog(
    paths: Sequence[str] | None,
    warn: Callable[[str], None] = _stderr_warning,
    note: Callable[[str], None] | None = _stderr_note,
) -> PricingCatalog | None:
    """The catalog the ``--catalog`` values select, or None for the embedded one alone.

    Plain ``FILE`` values replace the embedded catalog; ``+FILE`` values overlay it. Either
    way the files merge in order and a later one wins on the same
    ``(provider, model, effective_at)``. Mixing both forms is a `CatalogError`. `warn`
    receives one line (without the ``batchframe: warning:`` prefix) per pair of a file whose
    newest entry is older than the newest entry of that pair in what the file overlays.
    A value ending in ``.json`` is a LiteLLM price file (`load_catalog_file`); `note`
    (unless None) receives its one-line import summary.
    """
    if not paths:
        return None
    overlay = [path.startswith(_OVERLAY) for path in paths]
    if any(overlay) and not all(overlay):
        raise CatalogError(
            "--catalog: give either FILEs (they replace the embedded catalog) or +FILEs "
            f"(they overlay it), not both; got {', '.join(paths)}"
        )
    merged: PricingCatalog | None = catalog() if all(overlay) else None
    base = "the embedded catalog" if all(overlay) else "the files before it"
    for index, path in enumerate(paths):
        name = path[len(_OVERLAY) :] if overlay[index] else path
        if not name:
            raise CatalogError("--catalog: '+' needs a file name, e.g. --catalog +my.toml")
        loaded = load_catalog_file(name, note, shown=f"--catalog {path}")
        if merged is None:
            merged = loaded
            continue
        if index == 1 and all(overlay):
            base = "the embedded catalog and the overlays before it"
        for provider, model, theirs, ours in _older_overlays(merged, loaded):
            warn(
                f"--catalog {path}: {provider}/{model} is effective_at {_iso(theirs)}, older "
                f"than {_iso(ours)} in {base}; that newer entry still prices traffic from "
                f"{_iso(ours)} on (date the overlay later to replace it)"
            )
        merged = merged.merge(loaded)
    return merged


def _selected_catalog(paths: list[str] | None, quiet: bool = False) -> PricingCatalog:
    selected = select_catalog(paths, note=None if quiet else _stderr_note)
    return catalog() if selected is None else selected


def _list_frame(cat: PricingCatalog) -> pl.DataFrame:
    return cat.latest_frame.select(_LIST_COLUMNS)


def _tier_gaps(entry: ModelPricing) -> list[tuple[str, str]]:
    """``(missing, consequence)`` for each gap of one entry (docs/semantics.md §2, §3.3).

    First a missing batch and/or flex tier; then, for each of those tiers the entry has,
    a missing cached-input or cache-write rate and, for an entry with
    ``long_context_threshold_tokens``, missing long-context rates.
    """
    gaps: list[tuple[str, str]] = []
    absent = [tier for tier in ("batch", "flex") if not entry.has_tier(tier)]
    if absent:
        gaps.append(
            (
                ", ".join(absent),
                f"no {' or '.join(absent)} tier: eligible segments cannot be projected to "
                f"{' or '.join(absent)}",
            )
        )
    contexts = ("short", "long") if entry.long_context_threshold_tokens is not None else ("short",)
    for tier in ("batch", "flex"):
        if tier in absent:
            continue
        for context in contexts:
            where = f"{tier} tier" if context == "short" else f"{tier} long-context tier"
            rates = (
                f"{tier} input rate" if context == "short" else f"{tier} long-context input rate"
            )
            segments = "segments" if context == "short" else "long-context segments"
            if not entry.has_tier(tier, context):
                keys = f"{rate_key(tier, context, 'input')}, {rate_key(tier, context, 'output')}"
                gaps.append(
                    (
                        keys,
                        f"{tier} tier without {keys}: long-context segments are no_batch_tier",
                    )
                )
                continue
            cached = rate_key(tier, context, "cached_input")
            if entry.rate(tier, context, "cached_input") is None:
                gaps.append(
                    (
                        cached,
                        f"{where} without {cached}: input cached tokens will be priced at the "
                        f"{rates}",
                    )
                )
            write = rate_key(tier, context, "cache_write")
            if entry.rate(tier, context, "cache_write") is None:
                gaps.append(
                    (
                        write,
                        f"{where} without {write}: {segments} with cache writes are no_batch_tier",
                    )
                )
    return gaps


def _gaps_frame(cat: PricingCatalog) -> pl.DataFrame:
    """One row per gap of each pair's latest entry, in pair order (`_tier_gaps`)."""
    rows = []
    for provider, model in cat.pairs():
        entry = cat.history(provider, model)[-1]
        for missing, consequence in _tier_gaps(entry):
            rows.append((provider, model, entry.effective_at, missing, consequence))
    return pl.DataFrame(rows, schema=_GAP_SCHEMA, orient="row")


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


def _check(path: str, quiet: bool = False) -> str:
    cat = load_catalog_file(path, None if quiet else _stderr_note)
    newest = cat.newest_effective_at
    return (
        f"{path}: ok, {len(cat)} entries, {len(cat.pairs())} models, newest effective_at "
        f"{_iso(newest) if newest is not None else 'none'}\n"
    )


def _dump(cat: PricingCatalog, paths: list[str] | None) -> str:
    source = "the embedded catalog" if not paths else "--catalog " + " ".join(paths)
    return to_toml(
        cat,
        f"batchframe pricing catalog: {source}, written by `batchframe catalog dump`.\n"
        "USD per 1M tokens; schema in docs/semantics.md section 2. Overlay your own rates\n"
        "with `--catalog +FILE`; validate with `batchframe catalog check FILE`.",
    )


def run_catalog(args: argparse.Namespace) -> int:
    """Run ``batchframe catalog …`` on parsed arguments; return the exit status (0 or 2)."""
    try:
        if args.catalog_action == "check":
            output = _check(args.file, args.quiet)
        elif args.catalog_action == "dump":
            output = _dump(_selected_catalog(args.catalogs, args.quiet), args.catalogs)
        elif args.catalog_action == "list":
            output = _render(
                _list_frame(_selected_catalog(args.catalogs, args.quiet)),
                args.format,
                "The catalog has no entries.",
            )
        elif args.catalog_action == "gaps":
            selected = _selected_catalog(args.catalogs, args.quiet)
            output = _render(
                _gaps_frame(selected),
                args.format,
                "No gaps: every model's latest entry has a batch and a flex tier, each with "
                "cached-input and cache-write rates (and long-context rates where the model "
                "has a long-context threshold)."
                if len(selected)
                else "The catalog has no entries.",
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
