"""Raw request logs: lazy scans of export files, and the fold into request aggregates.

`scan_request_logs` turns files (a path, a glob or a list) of Parquet, CSV, NDJSON or
Arrow IPC into the canonical log frame of `LOG_SCHEMA`, through a column mapping or a
named preset for a known export. `aggregate_request_logs` folds that frame into the
request aggregates of docs/semantics.md §1, one tag per request, optionally per time period.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    Locator,
    clean_text,
    locating,
    parse_count,
    parse_flag,
    parse_money,
    parse_tags,
    parse_timestamp,
    refuse_rows,
    single_tag,
)
from batchframe._presets import PRESETS, Preset, infer_provider, provider_alias
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


def _log_sums() -> list[pl.Expr]:
    """Exact counter sums; a segment with a request of unknown cost has an unknown (null) cost."""
    cost = pl.col("cost_usd")
    unknown = cost.null_count() > 0
    return [
        *(exact_sum(name) for name in _COUNTERS),
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


def per_request_prompt(names: Sequence[str]) -> pl.Expr:
    """A row's prompt size per request: ``input_tokens``, divided by ``request_count`` on a
    pre-counted row (a day's sum is not one prompt; its mean is the best per-request figure
    such a row holds, exact when its requests are alike)."""
    if "request_count" not in names:
        return pl.col("input_tokens")
    count = pl.col("request_count").cast(pl.Float64).fill_null(1.0).clip(lower_bound=1.0)
    return pl.col("input_tokens").cast(pl.Float64) / count


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
    if "provider" in schema:
        provider = provider_alias(pl.col("provider"))
    else:
        provider = pl.lit(None, dtype=pl.String)
    if "timestamp" in schema:
        timestamp = parse_timestamp("timestamp", schema["timestamp"], origin.get("timestamp"))
    else:
        timestamp = pl.lit(None, dtype=pl.Datetime("us", "UTC"))

    def counted(name: str) -> pl.Expr:
        return parse_count(name, schema[name], origin.get(name))

    if "request_count" in schema:
        count = counted("request_count").fill_null(1)
    else:
        count = pl.lit(1, dtype=pl.Int64)
    tokens_in, tokens_out = counted("input_tokens"), counted("output_tokens")
    cache = [
        (counted(name) if name in schema else pl.lit(None, dtype=pl.Int64)).fill_null(0).alias(name)
        for name in CACHE_COLUMNS
    ]
    cost = parse_money("cost_usd", schema["cost_usd"], origin.get("cost_usd"))
    # A row with neither tokens nor a cost is a torn or empty line, not a $0 request.
    torn = tokens_in.is_null() & tokens_out.is_null() & cost.is_null()
    model = refuse_rows(
        clean_text(pl.col("model")),
        torn,
        f"{where}: a row of model {{value!r}} has no token counts and no cost "
        "(a torn or empty line?)",
        pl.String(),
    )
    return logs.select(
        provider.alias("provider"),
        model.alias("model"),
        _tags(schema, origin),
        tokens_in.fill_null(0).alias("input_tokens"),
        tokens_out.fill_null(0).alias("output_tokens"),
        *cache,
        cost.alias("cost_usd"),
        count.alias("request_count"),
        timestamp.alias("timestamp"),
        _already_batched(schema, origin).alias("already_batched"),
        _service_tier(schema).alias("service_tier"),
        _cache_hit(schema, origin).alias(CACHE_HIT),
        *carry,
    )


def _service_tier(schema: pl.Schema) -> pl.Expr:
    if "service_tier" in schema:
        return clean_text(pl.col("service_tier")).str.to_lowercase()
    return pl.lit(None, dtype=pl.String)


def _cache_hit(schema: pl.Schema, origin: Mapping[str, str]) -> pl.Expr:
    if CACHE_HIT in schema:
        return parse_flag(CACHE_HIT, schema[CACHE_HIT], origin.get(CACHE_HIT)).fill_null(False)
    return pl.lit(False)


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
            ``"langfuse-observations"``, ``"helicone"`` (or a preset function).

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
        with locating(_locator(logs, files)):
            return normalize_logs(logs, files.where, parts[0][1])
    logs, origin = _mapped(files, columns, preset)
    with locating(_locator(logs, files)):
        return normalize_logs(logs, files.where, origin)


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
    Requests with at most one tag (nearly all, in practice) take the cheap path; only
    the others go through a per-list filter, which costs ten times as much per row.
    """
    count = pl.col("tags").list.len().fill_null(0)  # a null list is an untagged request
    single = logs.filter(count <= 1).with_columns(pl.col("tags").list.first().alias("tag"))
    multi = logs.filter(count > 1).with_columns(_first_eligible(eligible_tags))
    return pl.concat([single, multi])


def _first_eligible(eligible_tags: TagsLike) -> pl.Expr:
    eligible = eligible_tag_set(eligible_tags)
    candidates = spellings(tuple(eligible))
    element = pl.element()
    if candidates is not None:
        is_eligible = element.is_in(pl.Series(candidates, dtype=pl.String).implode())
    else:
        is_eligible = element.str.to_lowercase().is_in(eligible)
    first_eligible = pl.col("tags").list.eval(element.filter(is_eligible)).list.first()
    return pl.coalesce(first_eligible, pl.col("tags").list.first()).alias("tag")


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
    origin = {}
    if timestamp != "timestamp" and timestamp in schema:
        frame = frame.drop("timestamp", strict=False).rename({timestamp: "timestamp"})
        origin["timestamp"] = timestamp
    cat = resolve_catalog(catalog)
    thresholds = long_context_thresholds(cat)
    prompt = per_request_prompt(schema.names())
    bucketed = frame.with_columns(prompt_bucket(prompt, thresholds).alias(BUCKET))
    return fold_requests(bucketed, cat, thresholds, period, eligible_tags, origin, lazy)


def fold_requests(
    frame: pl.LazyFrame,
    catalog: PricingCatalog,
    thresholds: Sequence[int],
    period: Every | None,
    eligible_tags: TagsLike,
    origin: Mapping[str, str],
    lazy: bool,
) -> LogsLike:
    """Requests (or folds of them) with their prompt bucket -> aggregates.

    Every engine ends here: the Polars path with its own rows, Spark with its fold of the
    raw key values (whose bucket it computed per request with `prompt_bucket`'s rule).
    """
    # Every frame takes the same cleaning (idempotent on the output of scan_request_logs).
    normalized = normalize_logs(frame, origin=origin, carry=[BUCKET])
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
    # The result is small and costly to recompute: collect it (streaming) before handing
    # it to the projection, which reads its input more than once.
    if lazy:
        return folded
    collected = folded.collect()
    if not (collected[COST_SOURCE] == "catalog").any():
        collected = collected.drop(COST_SOURCE)  # only shown when some cost was priced
    return collected
