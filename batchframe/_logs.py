"""Raw request logs: lazy scans of export files, and the fold into request aggregates.

`scan_request_logs` turns files (a path, a glob or a list) of Parquet, CSV, NDJSON or
Arrow IPC into the canonical log frame of `LOG_SCHEMA`, through a column mapping or a
named preset for a known export. `aggregate_request_logs` folds that frame into the
request aggregates of docs/semantics.md §1, one tag per request, optionally per time period.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import overload

import polars as pl

from batchframe._catalog import PricingCatalog, resolve_catalog, resolve_expr
from batchframe._errors import AggregateError
from batchframe._exprs import checked_narrow, exact_sum, provider_key
from batchframe._input import FOLDED_LOG_COLUMNS, SUMMED_COLUMNS
from batchframe._io import (
    FileFormat,
    Files,
    each_file,
    log_file_schemas,
    resolve,
    scan_log_files,
)
from batchframe._logschema import (
    LOG_SCHEMA,
    NO_TAGS,
    Check,
    Locator,
    clean_text,
    current_locator,
    deferring_checks,
    first_refusal,
    locating,
    parse_count,
    parse_flag,
    parse_money,
    parse_tags,
    parse_timestamp,
    refuse_deferred,
    refuse_rows,
    single_tag,
)
from batchframe._notes import FrameNotes
from batchframe._presets import PRESETS, SPLITS, Preset, Split, infer_provider, provider_alias
from batchframe._recorded import price_unrecorded, priced_tier_key
from batchframe._rules import (
    ALREADY_DISCOUNTED_TIERS,
    CACHE_COLUMNS,
    CACHE_HIT,
    COST_SOURCE,
    LONG_CONTEXT,
    RESERVED_PREFIX,
    Every,
    TagsLike,
    eligible_tag_set,
    parse_every,
    spellings,
)

__all__ = ["LOG_SCHEMA", "aggregate_request_logs", "scan_request_logs"]

#: A path, a glob, or several of them.
Source = str | Path | Sequence[str | Path]
LogsLike = pl.DataFrame | pl.LazyFrame

_REQUIRED = ("model", "input_tokens", "output_tokens", "cost_usd")


def check_log_columns(names: Sequence[str], where: str = "request logs") -> None:
    """`AggregateError` for a missing required log column, listing the columns there are."""
    for name in _REQUIRED:
        if name not in names:
            raise AggregateError(
                f"{where}: missing column {name!r} after mapping; the logs have {list(names)}; "
                "map yours with columns={'their_name': '" + name + "'} or pick a preset"
            )


_COUNTERS = ("input_tokens", "output_tokens", "request_count", *CACHE_COLUMNS)


def _log_sums(counters: Sequence[str] = _COUNTERS) -> list[pl.Expr]:
    """Exact counter sums; a segment with a request of unknown cost has an unknown (null) cost."""
    cost = pl.col("cost_usd")
    unknown = cost.null_count() > 0
    return [
        *(exact_sum(name) for name in counters),
        pl.when(unknown)
        .then(pl.lit(None, dtype=pl.Float64))
        .otherwise(cost.sum())
        .alias("cost_usd"),
    ]


BUCKET = f"{RESERVED_PREFIX}prompt_bucket"


def long_context_thresholds(catalog: PricingCatalog) -> list[int]:
    """The catalog's distinct long-context thresholds (prompt tokens), ascending."""
    frame = catalog.frame
    if "long_context_threshold_tokens" not in frame.columns:
        return []
    column = frame["long_context_threshold_tokens"].drop_nulls().unique().sort()
    return [int(value) for value in column]


def prompt_bucket(input_tokens: pl.Expr, thresholds: Sequence[int]) -> pl.Expr:
    """How many of the catalog's `thresholds` a request's prompt exceeds (per request).

    Folding requests by this bucket keeps, for every model, the one fact its rates need:
    whether the prompt is above its own threshold (`long_context_of`), decided per request
    before the fold, as a model with threshold ``thresholds[j]`` has ``input > t`` exactly
    when the bucket is above ``j``.
    """
    if not thresholds:
        return pl.lit(0, dtype=pl.UInt8)
    return pl.sum_horizontal(
        (input_tokens > threshold).cast(pl.UInt8) for threshold in thresholds
    ).cast(pl.UInt8)


def per_request_prompt(
    names: Sequence[str],
    input_tokens: pl.Expr | None = None,
    request_count: pl.Expr | None = None,
) -> pl.Expr:
    """A row's prompt size per request: ``input_tokens``, divided by ``request_count`` on a
    pre-counted row (a day's sum is not one prompt; its mean is the best per-request figure
    such a row holds, exact when its requests are alike). The columns by default, or the
    given (parsed) expressions of them."""
    tokens = pl.col("input_tokens") if input_tokens is None else input_tokens
    if "request_count" not in names:
        return tokens
    count = pl.col("request_count") if request_count is None else request_count
    count = count.cast(pl.Float64).fill_null(1.0).clip(lower_bound=1.0)
    return tokens.cast(pl.Float64) / count


def stated_bucket(bucket: pl.Expr, stated: pl.Expr, thresholds: Sequence[int]) -> pl.Expr:
    """The prompt bucket, overridden by an export's own long-context flag where it has one:
    above every threshold when true, none when false."""
    above = pl.lit(len(thresholds), dtype=pl.UInt8)
    return (
        pl.when(stated.is_null())
        .then(bucket)
        .when(stated)
        .then(above)
        .otherwise(pl.lit(0, dtype=pl.UInt8))
    )


def long_context_of(
    folded: pl.LazyFrame, catalog: PricingCatalog, thresholds: Sequence[int]
) -> pl.Expr:
    """Whether each folded row's requests exceed their model's long-context threshold."""
    if not thresholds:
        return pl.lit(False)
    latest = catalog.latest_frame
    if "long_context_threshold_tokens" not in latest.columns:
        return pl.lit(False)
    positions = {threshold: index for index, threshold in enumerate(thresholds)}
    by_model = {
        (provider, model): positions[int(value)]
        for provider, model, value in latest.select(
            "provider", "model", "long_context_threshold_tokens"
        ).iter_rows()
        if value is not None
    }
    if not by_model:
        return pl.lit(False)
    keys = [f"{provider}\x1f{model}" for provider, model in by_model]
    resolved = resolve_expr(catalog, pl.col("provider"), pl.col("model"))
    key = provider_key(pl.col("provider")) + "\x1f" + resolved
    position = key.replace_strict(
        keys, list(by_model.values()), default=None, return_dtype=pl.Int64
    )
    return (pl.col(BUCKET).cast(pl.Int64) > position).fill_null(False)


def check_every_column(every: str | None, timestamp: str, names: Sequence[str]) -> None:
    """`AggregateError` when ``every=`` is given and the logs lack the `timestamp` column."""
    if every is not None and timestamp not in names:
        raise AggregateError(
            f"request logs: every={every!r} needs a timestamp column {timestamp!r}; "
            f"the logs have {list(names)}"
        )


def _tags(schema: pl.Schema, origin: Mapping[str, str]) -> pl.Expr:
    if "tags" in schema:
        return parse_tags("tags", schema["tags"], origin.get("tags")).alias("tags")
    if "tag" in schema:  # one tag per request
        return single_tag(pl.col("tag")).alias("tags")
    return NO_TAGS.alias("tags")


def _already_batched(schema: pl.Schema, origin: Mapping[str, str]) -> pl.Expr:
    """The flag itself, or a discounted ``service_tier``: either one marks the request."""
    flag = pl.lit(False)
    if "already_batched" in schema:
        column = origin.get("already_batched")
        flag = parse_flag("already_batched", schema["already_batched"], column).fill_null(False)
    if "service_tier" in schema:
        tier = clean_text(pl.col("service_tier")).str.to_lowercase()
        flag = flag | tier.is_in(list(ALREADY_DISCOUNTED_TIERS)).fill_null(False)
    return flag


def _stated_long(schema: pl.Schema, origin: Mapping[str, str]) -> pl.Expr:
    """An export's own long-context flag; null (the usual case) leaves it to the prompt size."""
    if LONG_CONTEXT in schema:
        return parse_flag(LONG_CONTEXT, schema[LONG_CONTEXT], origin.get(LONG_CONTEXT))
    return pl.lit(None, dtype=pl.Boolean)


def _service_tier(schema: pl.Schema) -> pl.Expr:
    if "service_tier" in schema:
        return clean_text(pl.col("service_tier")).str.to_lowercase()
    return pl.lit(None, dtype=pl.String)


def _cache_hit(schema: pl.Schema, origin: Mapping[str, str]) -> pl.Expr:
    if CACHE_HIT in schema:
        return parse_flag(CACHE_HIT, schema[CACHE_HIT], origin.get(CACHE_HIT)).fill_null(False)
    return pl.lit(False)


def _key_values(schema: pl.Schema, origin: Mapping[str, str]) -> dict[str, pl.Expr]:
    """The log columns that are keys of the fold, each a function of raw key columns only.

    Being functions of the raw values alone, they can be evaluated per request
    (`normalize_logs`) or once per distinct raw value after a first fold
    (`aggregate_request_logs`): one definition, two evaluation orders. A new key column
    (a flag the aggregates are split by) is added here and slots into both.
    """
    if "provider" in schema:
        provider = provider_alias(pl.col("provider"))
    else:
        provider = pl.lit(None, dtype=pl.String)
    return {
        "provider": provider,
        "model": clean_text(pl.col("model")),
        "tags": _tags(schema, origin),
        "already_batched": _already_batched(schema, origin),
        "service_tier": _service_tier(schema),
        CACHE_HIT: _cache_hit(schema, origin),
        LONG_CONTEXT: _stated_long(schema, origin),
    }


def _row_values(schema: pl.Schema, origin: Mapping[str, str]) -> tuple[dict[str, pl.Expr], pl.Expr]:
    """The per-request values (counters and cost, parsed) and the torn-row predicate."""

    def counted(name: str) -> pl.Expr:
        return parse_count(name, schema[name], origin.get(name))

    if "request_count" in schema:
        count = counted("request_count").fill_null(1)
    else:
        count = pl.lit(1, dtype=pl.Int64)
    tokens_in, tokens_out = counted("input_tokens"), counted("output_tokens")
    cost = parse_money("cost_usd", schema["cost_usd"], origin.get("cost_usd"))
    values = {
        "input_tokens": tokens_in.fill_null(0),
        "output_tokens": tokens_out.fill_null(0),
        **{
            name: (counted(name) if name in schema else pl.lit(None, dtype=pl.Int64)).fill_null(0)
            for name in CACHE_COLUMNS
        },
        "cost_usd": cost,
        "request_count": count,
    }
    # A row with neither tokens nor a cost is a torn or empty line, not a $0 request.
    torn = tokens_in.is_null() & tokens_out.is_null() & cost.is_null()
    return values, torn


def _torn_message(where: str) -> str:
    return (
        f"{where}: a row of model {{value!r}} has no token counts and no cost "
        "(a torn or empty line?)"
    )


def _timestamp(schema: pl.Schema, origin: Mapping[str, str]) -> pl.Expr:
    if "timestamp" in schema:
        return parse_timestamp("timestamp", schema["timestamp"], origin.get("timestamp"))
    return pl.lit(None, dtype=pl.Datetime("us", "UTC"))


def normalize_logs(
    logs: pl.LazyFrame,
    where: str = "request logs",
    origin: Mapping[str, str] | None = None,
    carry: Sequence[str] = (),
) -> pl.LazyFrame:
    """Any frame with (mapped) log columns -> exactly `LOG_SCHEMA`: the one cleaning route.

    Needs ``model``, ``input_tokens``, ``output_tokens`` and ``cost_usd``. ``provider`` is
    trimmed (Unicode whitespace), lower-cased and mapped onto catalog ids, blank -> null
    (inferred from the model when aggregating); tags come from ``tags`` (a list, or JSON
    text of one) or a single ``tag``, each trimmed, blank ones dropped; ``request_count``
    defaults to 1; ``already_batched`` comes from itself or from ``service_tier``. Text
    that cannot be parsed (a timestamp, a tag list) raises `AggregateError` naming the
    column as the file calls it (`origin` maps our names to the file's). Idempotent.
    """
    origin = dict(origin or {})
    schema = logs.collect_schema()
    check_log_columns(schema.names(), where)
    keys = _key_values(schema, origin)
    values, torn = _row_values(schema, origin)
    keys["model"] = refuse_rows(keys["model"], torn, _torn_message(where), pl.String())
    columns = {**keys, **values, "timestamp": _timestamp(schema, origin)}
    return logs.select(*(columns[name].alias(name) for name in LOG_SCHEMA), *carry)


def scan_request_logs(
    source: Source,
    *,
    format: FileFormat | None = None,
    columns: Mapping[str, str] | None = None,
    preset: str | Preset | None = None,
) -> pl.LazyFrame:
    """Lazily read request-log files into the canonical log frame (`LOG_SCHEMA`).

    Args:
        source: a path, a glob (``"exports/*.parquet"``) or a list of them; one format.
        format: ``"parquet"``, ``"csv"``, ``"ndjson"`` or ``"ipc"``; by default from the
            first file's suffix.
        columns: your column names onto ours, e.g. ``{"prompt_tokens": "input_tokens"}``.
        preset: a known export: ``"litellm-spendlogs"``, ``"litellm-daily-tag-spend"``,
            ``"langfuse-observations"``, ``"helicone"``, ``"openai-usage"``,
            ``"anthropic-usage"`` (or a preset function).

    Nothing is read until the result is collected, except each file's schema.

    Examples:
        >>> import polars as pl, batchframe as bf, tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "logs.csv"
        >>> _ = path.write_text(
        ...     "model,prompt_tokens,completion_tokens,spend,tag\\n"
        ...     "gpt-5.5,1000000,0,5.0,nightly\\n"
        ...     "claude-opus-4-8,0,1000000,25.0,\\n"
        ... )
        >>> logs = bf.scan_request_logs(path, columns={
        ...     "prompt_tokens": "input_tokens", "completion_tokens": "output_tokens", "spend": "cost_usd"})
        >>> logs.select("model", "tags", "cost_usd").collect().rows()
        [('gpt-5.5', ['nightly'], 5.0), ('claude-opus-4-8', [], 25.0)]
        >>> bf.aggregate_request_logs(logs).collect().sort("model").select(
        ...     "provider", "model", "tag").rows()  # providers inferred from the model ids
        [('anthropic', 'claude-opus-4-8', None), ('openai', 'gpt-5.5', 'nightly')]
    """
    files = resolve(source, format)
    schemas = log_file_schemas(files)
    if len(files.paths) > 1 and any(s != schemas[0] for s in schemas):
        # Files whose columns differ (an optional column missing from some): each file is
        # mapped on its own columns, so a preset picks each file's own sources and a file
        # that lacks a required column is named; the mapped parts are then read as one.
        parts = [_mapped(one, columns, preset) for one in each_file(files)]
        logs = pl.concat([part for part, _ in parts], how="diagonal_relaxed")
        origin = parts[0][1]
    else:
        logs, origin = _mapped(files, columns, preset)
    locator = _locator(logs, files)
    with locating(locator):
        normalized = normalize_logs(logs, files.where, origin)
    split = SPLITS.get(logs)
    checks: tuple[Check, ...] = ()
    if split is not None:  # built once more, its row checks deferred to the fold's end
        with deferring_checks() as deferred:
            split = SPLITS.get(_mapped(files, columns, preset)[0])
        checks = tuple(deferred)
    locate = partial(_locator, files=files)
    scanned = _Scanned(logs, files.where, origin, locator, split, checks, locate)
    return _remember(normalized, scanned)


def _mapped(
    files: Files, columns: Mapping[str, str] | None, preset: str | Preset | None
) -> tuple[pl.LazyFrame, dict[str, str]]:
    """The files' logs with `columns` renamed and `preset` applied, and the origin of names."""
    where = files.where
    logs = scan_log_files(files)
    schema = logs.collect_schema()
    origin: dict[str, str] = {}
    if columns:
        if not isinstance(columns, Mapping):
            raise TypeError(
                "columns= takes a mapping of your column names onto ours, e.g. "
                f"{{'prompt_tokens': 'input_tokens'}}; got {type(columns).__name__}"
            )
        unknown = [name for name in columns if name not in schema]
        if unknown:
            raise AggregateError(
                f"{where}: columns= maps {unknown[0]!r}, which is not in the file; it has {schema.names()}"
            )
        targets = list(columns.values())
        twice = next((name for name in targets if targets.count(name) > 1), None)
        if twice is not None:
            raise AggregateError(f"{where}: columns= maps two columns onto {twice!r}")
        origin = {ours: theirs for theirs, ours in columns.items()}
        kept = [name for name in schema.names() if name not in targets or name in columns]
        logs = logs.select(kept).rename(dict(columns))
    if preset is not None:
        try:
            with locating(_locator(logs, files)):  # the preset's checks name the file's rows
                mapped = _preset(preset)(logs, logs.collect_schema())
        except AggregateError as exc:
            raise AggregateError(f"{where}: {exc}") from None
        if not isinstance(mapped, pl.LazyFrame):
            name = getattr(preset, "__name__", repr(preset))
            raise TypeError(
                f"preset {name} must return a polars LazyFrame (the mapped logs), "
                f"got {type(mapped).__name__}"
            )
        logs = mapped
    if len(files.paths) == 1:  # a file of a glob whose columns differ: name it
        check_log_columns(logs.collect_schema().names(), where)
    return logs, origin


@dataclass(frozen=True)
class _Scanned:
    """What `scan_request_logs` normalised: the mapped file columns, before any cleaning."""

    raw: pl.LazyFrame
    where: str
    origin: Mapping[str, str]
    locator: Locator
    #: how the preset built `raw`, when it says (its key columns can wait for the fold),
    #: built with its row checks deferred: those are `checks`, over ``split.frame``
    split: Split | None = None
    checks: tuple[Check, ...] = ()
    #: a locator over any frame of the files' rows (one row per file row, in order)
    locate: Callable[[pl.LazyFrame], Locator] | None = None


_SCANNED: FrameNotes[_Scanned] = FrameNotes()


def _remember(logs: pl.LazyFrame, scanned: _Scanned) -> pl.LazyFrame:
    return _SCANNED.remember(logs, scanned)


def _scanned(logs: object) -> _Scanned | None:
    return _SCANNED.get(logs)


def _locator(frame: pl.LazyFrame, files: Files) -> Locator:
    """Where the first row that `bad` marks lies: the file (of several), row and line.

    Runs only on the failure path, reading `frame` again. Rows count from 0 over the data
    rows of each file; CSV lines from 1 with the header as line 1.
    """

    def locate(bad: pl.Expr) -> str:
        index = _tmp_index()
        found = (
            frame.with_row_index(index)
            .filter(bad.fill_null(False))
            .select(pl.col(index).min())
            .collect()
            .item()
        )
        if found is None:
            return ""
        row, path = int(found), files.paths[0]
        if len(files.paths) > 1:
            start = 0
            for candidate in files.paths:
                size = scan_log_files(Files((candidate,), files.format)).select(pl.len()).collect()
                if row < start + size.item():
                    row, path = row - start, candidate
                    break
                start += size.item()
            prefix = f" in {path}"
        else:
            prefix = ""
        line = f" (line {row + 2})" if files.format == "csv" else ""
        return f"{prefix} at row {row}{line}"

    return locate


def _tmp_index() -> str:
    return f"{RESERVED_PREFIX}row_index"


def _preset(preset: str | Preset) -> Preset:
    if callable(preset):
        return preset
    if preset not in PRESETS:
        raise AggregateError(f"unknown preset {preset!r}; known presets: {sorted(PRESETS)}")
    return PRESETS[preset]


def with_chosen_tag(logs: pl.LazyFrame, eligible_tags: TagsLike) -> pl.LazyFrame:
    """Add ``tag``: each request's first eligible tag, else its first tag, else null.

    A request with several tags is thereby counted once, under its first eligible tag.
    It runs on folded rows (one per distinct tag list), so one expression serves all:
    no split of the frame, which would read its input twice.
    """
    tags = pl.col("tags")
    several = tags.list.len().fill_null(0) > 1  # a null list is an untagged request
    tag = pl.when(several).then(_first_eligible(eligible_tags)).otherwise(tags.list.first())
    return logs.with_columns(tag.alias("tag"))


def _first_eligible(eligible_tags: TagsLike) -> pl.Expr:
    eligible = eligible_tag_set(eligible_tags)
    candidates = spellings(tuple(eligible))
    element = pl.element()
    if candidates is not None:
        is_eligible = element.is_in(pl.Series(candidates, dtype=pl.String).implode())
    else:
        is_eligible = element.str.to_lowercase().is_in(eligible)
    first_eligible = pl.col("tags").list.eval(element.filter(is_eligible)).list.first()
    return pl.coalesce(first_eligible, pl.col("tags").list.first())


@overload
def aggregate_request_logs(
    logs: pl.LazyFrame,
    *,
    every: str | None = None,
    timestamp: str = "timestamp",
    eligible_tags: TagsLike = None,
    catalog: PricingCatalog | None = None,
) -> pl.LazyFrame: ...
@overload
def aggregate_request_logs(
    logs: pl.DataFrame,
    *,
    every: str | None = None,
    timestamp: str = "timestamp",
    eligible_tags: TagsLike = None,
    catalog: PricingCatalog | None = None,
) -> pl.DataFrame: ...
def aggregate_request_logs(
    logs: LogsLike,
    *,
    every: str | None = None,
    timestamp: str = "timestamp",
    eligible_tags: TagsLike = None,
    catalog: PricingCatalog | None = None,
) -> LogsLike:
    """Fold request logs into the request aggregates of docs/semantics.md §1.

    One row per ``(provider, model, tag, already_batched)`` — and per ``period_start``
    with ``every`` (a Polars duration such as ``"1d"`` or ``"1mo"``, truncating the
    `timestamp` column in UTC). A request with several tags is counted once, under its
    first eligible tag (`eligible_tags` as in `project_batch_savings`), else under its
    first tag; untagged requests keep a null tag. A LazyFrame stays lazy.

    Examples:
        >>> import polars as pl, batchframe as bf
        >>> logs = pl.DataFrame({
        ...     "provider": ["openai"] * 3, "model": ["gpt-5.5"] * 3,
        ...     "tags": [["team-a", "Nightly"], ["nightly"], []],
        ...     "input_tokens": [10, 20, 30], "output_tokens": [1, 2, 3],
        ...     "cost_usd": [1.0, 2.0, 3.0],
        ... })
        >>> bf.aggregate_request_logs(logs).sort("tag", nulls_last=True).select(
        ...     "tag", "input_tokens", "cost_usd", "request_count").rows()
        [('Nightly', 10, 1.0, 1), ('nightly', 20, 2.0, 1), (None, 30, 3.0, 1)]
    """
    if not isinstance(logs, (pl.DataFrame, pl.LazyFrame)):
        raise TypeError(
            "aggregate_request_logs takes a polars DataFrame or LazyFrame of request logs "
            f"(e.g. from scan_request_logs), got {type(logs).__name__}"
        )
    lazy = isinstance(logs, pl.LazyFrame)
    frame = logs if isinstance(logs, pl.LazyFrame) else logs.lazy()
    period = parse_every(every) if every is not None else None
    schema = frame.collect_schema()
    check_every_column(every, timestamp, schema.names())
    origin: dict[str, str] = {}
    if timestamp != "timestamp" and timestamp in schema:
        frame = frame.drop("timestamp", strict=False).rename({timestamp: "timestamp"})
        origin["timestamp"] = timestamp
    cat = resolve_catalog(catalog)
    thresholds = long_context_thresholds(cat)
    scanned = _scanned(logs) if timestamp == "timestamp" else None
    raw, where, locator, split = frame, "request logs", None, None
    checks: tuple[Check, ...] = ()
    locate: Callable[[pl.LazyFrame], Locator] | None = None
    if scanned is not None:  # fold the file's own values, before any cleaning
        raw, where, locator = scanned.raw, scanned.where, scanned.locator
        origin, split = dict(scanned.origin), scanned.split
        checks, locate = scanned.checks, scanned.locate
    with locating(locator):
        folded = _fold_raw(raw, where, origin, thresholds, period, split, checks, locate)
    return _fold_normalized(folded, cat, thresholds, period, eligible_tags, lazy)


_TORN = f"{RESERVED_PREFIX}torn"


def _fold_raw(
    raw: pl.LazyFrame,
    where: str,
    origin: Mapping[str, str],
    thresholds: Sequence[int],
    period: Every | None,
    split: Split | None = None,
    split_checks: Sequence[Check] = (),
    locate: Callable[[pl.LazyFrame], Locator] | None = None,
) -> pl.LazyFrame:
    """Fold requests on their raw key values, then clean those: a frame of `LOG_SCHEMA`'s
    columns (plus the prompt bucket), one row per distinct raw key.

    Per request only what must be: the counters parsed and summed, the prompt bucket,
    the torn-row test and the period's truncation. Cleaning provider, model, tags and
    tier (`_key_values`) then runs once per folded row. A bad key value is reported by
    the same checks, and the locator re-reads the raw rows to say where it is.

    With a preset's `split`, the preset's own key columns (tag lists decoded from JSON
    text, providers inferred, routing prefixes stripped) wait for the fold too: the
    requests are folded on the file's columns those keys are computed from.

    The row checks of the values parsed per request (and `split_checks`, the split's
    own, built deferred) are not run batch by batch: the fold carries whether any of its
    requests failed one, and only then are the rows read again (`locate` makes a locator
    over such a frame) to name the first failure, with the message the check has.
    """
    schema = raw.collect_schema()
    check_log_columns(schema.names(), where)
    keys = _key_values(schema, origin)
    preset_keys: dict[str, pl.Expr] = {}
    # (frame, its deferred checks): where the first failure is looked for, in order
    deferred: list[tuple[pl.LazyFrame, Sequence[Check]]] = []
    later: list[Check] = []  # checks of the split's keys, run on the folded rows
    bad_rows: list[pl.Expr] = []
    if split is not None and LONG_CONTEXT not in split.columns:
        preset_keys = {name: split.columns[name] for name in split.keys}
        roots = sorted({root for expr in preset_keys.values() for root in expr.meta.root_names()})
        per_request = {n: e for n, e in split.columns.items() if n not in split.keys}
        if period is None:  # (its parse, and the check of it, are not needed)
            per_request.pop("timestamp", None)
        if not set(roots) & set(per_request):
            read = {*roots, *(r for e in per_request.values() for r in e.meta.root_names())}
            split_checks = [check for check in split_checks if _needed(check, read)]
            later = [check for check in split_checks if _over(check, roots)]
            now = [check.bad for check in split_checks if not _over(check, roots)]
            flag = [pl.any_horizontal(now).fill_null(False).alias(_BAD)] if now else []
            deferred.append((split.frame, split_checks))
            raw = split.frame.select(*roots, *(e.alias(n) for n, e in per_request.items()), *flag)
            bad_rows += [pl.col(_BAD)] if now else []
            schema = pl.Schema({**raw.collect_schema(), **{n: schema[n] for n in preset_keys}})
        else:
            preset_keys = {}
    with deferring_checks() as row_checks:
        values, torn = _row_values(schema, origin)
        period_start = None
        if period is not None:
            period_start = _timestamp(schema, origin).dt.truncate(period.text)
    deferred.append((raw, row_checks))
    bad_rows += [check.bad for check in row_checks]
    if preset_keys:
        group = list(roots)
    else:
        raw_keys = {root for expr in keys.values() for root in expr.meta.root_names()}
        group = [name for name in schema.names() if name in raw_keys]
    # A counter the file lacks is the same constant on every request: it is not carried
    # row by row but filled in after the fold (the fold's length for request_count, else 0).
    counters = [name for name in _COUNTERS if name in schema or name in _REQUIRED]
    # Keys that must be decided per request (each splits a raw fold, and is carried to
    # the second fold as it is): the prompt bucket, and with `every` the period.
    names = schema.names()
    prompt = per_request_prompt(names, values["input_tokens"], values["request_count"])
    bucket = prompt_bucket(prompt, thresholds)
    if LONG_CONTEXT in schema:  # stated by the export: above every threshold, or none
        bucket = stated_bucket(bucket, keys[LONG_CONTEXT], thresholds)
    # Requests without a recorded cost fold apart from those with one (`_recorded` prices
    # them from the catalog, per tier they ran on).
    row_keys = {BUCKET: bucket, _UNPRICED: values["cost_usd"].is_null()}
    if period_start is not None:
        row_keys["timestamp"] = period_start
    bad = [pl.any_horizontal(bad_rows).fill_null(False).alias(_BAD)] if bad_rows else []
    per_row = [
        *(pl.col(name) for name in group),
        *(values[name].alias(name) for name in (*counters, "cost_usd")),
        *(expr.alias(name) for name, expr in row_keys.items()),
        torn.alias(_TORN),
        *bad,
    ]
    group += list(row_keys)
    # A fold holds either only requests with a recorded cost or only requests without one
    # (`_UNPRICED` is a key), so the cost is a plain sum, made null after the fold where
    # none was recorded: no per-fold null count.
    sums = [
        *(exact_sum(name) for name in counters),
        pl.col("cost_usd").sum(),
        pl.col(_TORN).any(),
        *(pl.col(_BAD).any() for _ in bad),
    ]
    if "request_count" not in counters:
        sums.append(pl.len().cast(pl.Int128).alias("request_count"))
    absent = [
        pl.lit(0, dtype=pl.Int64).alias(name) for name in CACHE_COLUMNS if name not in counters
    ]
    folded = raw.select(per_row).group_by(group).agg(sums).with_columns(absent)
    if later:  # on the raw key values, before the preset's keys replace any of them
        failed = pl.any_horizontal(*(pl.col(_BAD) for _ in bad), *(c.bad for c in later))
        folded = folded.with_columns(failed.fill_null(False).alias(_BAD))
    if preset_keys:  # the preset's keys, once per folded row
        folded = folded.with_columns(expr.alias(name) for name, expr in preset_keys.items())
    model = checked = keys["model"]
    if bad or later:
        locator = current_locator()

        def first_failure() -> AggregateError | None:
            for frame, checks in deferred:
                found = first_refusal(frame, checks, locate(frame) if locate else locator)
                if found is not None:
                    return found
            return None

        checked = refuse_deferred(model, pl.col(_BAD), first_failure, pl.String())
    keys["model"] = refuse_rows(
        checked, pl.col(_TORN), _torn_message(where), pl.String(), located=(torn, model)
    )
    timestamp = pl.col("timestamp") if period is not None else _timestamp(pl.Schema(), origin)
    columns = {**keys, **{name: pl.col(name) for name in values}, "timestamp": timestamp}
    columns["cost_usd"] = pl.when(pl.col(_UNPRICED).not_()).then(pl.col("cost_usd"))
    return folded.select(*(columns[name].alias(name) for name in LOG_SCHEMA), BUCKET)


_UNPRICED = f"{RESERVED_PREFIX}unpriced"
_BAD = f"{RESERVED_PREFIX}bad"


def _roots(check: Check) -> set[str]:
    return {*check.bad.meta.root_names(), *check.value.meta.root_names()}


def _over(check: Check, columns: Sequence[str]) -> bool:
    """Whether `check` reads only `columns` (then it can run on rows folded on them)."""
    return _roots(check) <= set(columns)


def _needed(check: Check, read: set[str]) -> bool:
    """Whether a split's `check` guards a value the fold reads: every file column it reads
    is `read`. (The values a split stages per request, ``_bf_…``, exist to be read.)"""
    return {name for name in _roots(check) if not name.startswith(RESERVED_PREFIX)} <= read


def fold_requests(
    frame: pl.LazyFrame,
    catalog: PricingCatalog,
    thresholds: Sequence[int],
    period: Every | None,
    eligible_tags: TagsLike,
    origin: Mapping[str, str],
    lazy: bool,
) -> LogsLike:
    """Folds of requests on raw key values, with their prompt bucket -> aggregates.

    Spark's route: its own fold of the raw key values (whose bucket it computed per
    request with `prompt_bucket`'s rule) takes the same cleaning and the same second fold
    as the Polars path.
    """
    normalized = normalize_logs(frame, origin=origin, carry=[BUCKET])
    return _fold_normalized(normalized, catalog, thresholds, period, eligible_tags, lazy)


def _fold_normalized(
    normalized: pl.LazyFrame,
    catalog: PricingCatalog,
    thresholds: Sequence[int],
    period: Every | None,
    eligible_tags: TagsLike,
    lazy: bool,
) -> LogsLike:
    """Cleaned (folded) requests with their prompt bucket -> aggregates: tag chosen, folded."""
    frame = with_chosen_tag(normalized, eligible_tags)
    keys = [pl.col("provider"), pl.col("model"), pl.col("tag"), pl.col("already_batched")]
    # requests without a recorded cost fold apart, per tier they ran on (`_recorded`)
    keys += [pl.col(BUCKET), pl.col(CACHE_HIT), priced_tier_key(frame.collect_schema())]
    if period is not None:
        keys.append(pl.col("timestamp").dt.truncate(period.text).alias("period_start"))
    folded = frame.group_by(keys).agg(_log_sums())
    return _finish_logs(folded, catalog, thresholds, period is not None, lazy)


def _finish_logs(
    folded: pl.LazyFrame,
    catalog: PricingCatalog,
    thresholds: Sequence[int],
    periods: bool,
    lazy: bool,
) -> LogsLike:
    """The folded requests as aggregates: providers inferred, long context decided, refolded.

    Shared by every engine: Spark hands over its own fold of the same keys.
    """
    order = [*FOLDED_LOG_COLUMNS, COST_SOURCE]
    if periods:
        order.append("period_start")
    # Providers the export did not name come from the model id: once per segment. Filling
    # them can make two segments one, so those are folded together again.
    provider = pl.coalesce(pl.col("provider"), infer_provider(pl.col("model")), pl.lit("unknown"))
    named = folded.with_columns(provider.alias("provider"))
    long = long_context_of(named, catalog, thresholds).alias(LONG_CONTEXT)
    # Costs the export did not record: priced from the catalog at the tier each ran on.
    priced = price_unrecorded(
        named.with_columns(long), catalog, "period_start" if periods else None
    )
    regroup = [name for name in order if name not in (*SUMMED_COLUMNS, *CACHE_COLUMNS)]
    folded = (
        priced.group_by(regroup)
        .agg(_log_sums())
        .with_columns(checked_narrow(name, pl.Int64()) for name in _COUNTERS)
        .select(order)
        # one order whatever the plan (the priced and recorded parts arrive in any order),
        # so that float sums over the aggregates are the same on every run
        .sort(regroup, nulls_last=True)
    )
    # The result is small and costly to recompute, and the projection reads its input
    # more than once: lazy, cache it, so that every reader of the aggregates shares one
    # fold (one scan of each file) in whatever query they end up.
    if lazy:
        # (a cache as the plan's root makes Polars 2.1's optimizer panic: hence the select)
        return folded.cache().select(order)
    collected = folded.collect()
    if not (collected[COST_SOURCE] == "catalog").any():
        collected = collected.drop(COST_SOURCE)  # only shown when some cost was priced
    return collected
