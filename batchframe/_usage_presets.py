"""Presets for the providers' own usage APIs: OpenAI and Anthropic organisation usage reports.

Teams that call a provider directly often hold no request log at all, only the provider's
usage report: token counts per time bucket, grouped by model, project / workspace, API
key, service tier …. Those reports carry no tags and no cost, so:

* **the tag** is one grouping dimension the user picks (``tag_from``: ``project_id``,
  ``api_key_id``, ``user_id`` for OpenAI; ``workspace_id``, ``api_key_id`` for Anthropic),
  optionally renamed through a table of readable names (``tag_names``);
* **the cost** is left null, so that `batchframe.aggregate_request_logs` prices it from the
  catalog at the rates of the tier the traffic ran on (`batchframe._recorded`): cache-aware,
  long-context-aware, and ``cost_unknown`` where the catalog cannot price it;
* batch traffic (OpenAI ``batch: true``, either provider's ``service_tier: batch``) is
  ``already_batched``.

A file holds pages as the API returns them: one JSON page, a JSON array of pages, or NDJSON
with one page per line (`batchframe._io.read_json` reads all three). Pages are exploded to
buckets and buckets to results with Polars ``explode``/``unnest``: no per-row Python.

Field sources (docs/presets.md, samples/README.md):

* OpenAI ``GET /v1/organization/usage/completions``: ``openai/openai-python``
  ``src/openai/types/admin/organization/usage_completions_response.py``
  (``UsageCompletionsResponse`` -> ``data[]`` buckets with ``start_time``/``end_time`` in Unix
  seconds -> ``results[]`` ``DataResultOrganizationUsageCompletionsResult``: ``input_tokens``
  including cached and cache-write tokens, ``input_cached_tokens``,
  ``input_cache_write_tokens``, ``output_tokens``, ``num_model_requests``, ``project_id``,
  ``user_id``, ``api_key_id``, ``model``, ``batch``, ``service_tier``).
* Anthropic ``GET /v1/organizations/usage_report/messages``:
  https://platform.claude.com/docs/en/api/admin/usage_report/retrieve_messages (``data[]``
  buckets with RFC 3339 ``starting_at``/``ending_at`` -> ``results[]`` with
  ``uncached_input_tokens``, ``cache_creation.ephemeral_5m_input_tokens``,
  ``cache_creation.ephemeral_1h_input_tokens``, ``cache_read_input_tokens``,
  ``output_tokens``, ``model``, ``service_tier``, ``context_window`` (``0-200k`` /
  ``200k-1M``), ``workspace_id``, ``api_key_id``). The report counts no requests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import polars as pl

from batchframe._errors import AggregateError
from batchframe._logschema import clean_text, parse_count, parse_timestamp, refuse_rows
from batchframe._rules import RESERVED_PREFIX

__all__ = [
    "ANTHROPIC_TAG_DIMENSIONS",
    "OPENAI_TAG_DIMENSIONS",
    "USAGE_PRESETS",
    "anthropic_usage_preset",
    "openai_usage_preset",
    "read_tag_names",
]

#: The grouping dimensions of each report that can stand for the tag.
OPENAI_TAG_DIMENSIONS = ("project_id", "api_key_id", "user_id")
ANTHROPIC_TAG_DIMENSIONS = ("workspace_id", "api_key_id")

TagNames = Mapping[str, str] | str | Path | None
#: ``(raw scanned LazyFrame, its schema) -> LazyFrame`` (as `batchframe._presets.Preset`).
UsagePreset = Callable[[pl.LazyFrame, pl.Schema], pl.LazyFrame]


def read_tag_names(source: TagNames) -> dict[str, str]:
    """A table of readable tag names: a mapping, or a CSV file of ``id,name`` rows.

    The CSV's first two columns are taken whatever their header says; ids without a name
    keep their id. `AggregateError` names the file when it cannot be read.

    Examples:
        >>> read_tag_names({"proj_abc": "nightly"})
        {'proj_abc': 'nightly'}
    """
    if source is None:
        return {}
    if isinstance(source, Mapping):
        return {str(key): str(value) for key, value in source.items()}
    try:
        table = pl.read_csv(source, infer_schema_length=0)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise AggregateError(
            f"{source}: cannot read the tag names (CSV of id,name): {exc}"
        ) from None
    if table.width < 2:
        raise AggregateError(
            f"{source}: the tag names need two columns, an id and its name; got {table.columns}"
        )
    ids, names = table.columns[:2]
    kept = table.select(
        clean_text(pl.col(ids)).alias("id"), clean_text(pl.col(names)).alias("name")
    ).drop_nulls()
    return dict(kept.iter_rows())


def _check_tag_from(report: str, tag_from: str, choices: Sequence[str]) -> str:
    if tag_from not in choices:
        raise AggregateError(
            f"{report}: tag_from must be one of {list(choices)} (the report's grouping "
            f"dimension that stands for the tag), got {tag_from!r}"
        )
    return tag_from


def _results(preset: str, lf: pl.LazyFrame, schema: pl.Schema, start: str) -> pl.LazyFrame:
    """Pages -> one row per result, with its bucket's `start` (explode + unnest, no loop)."""
    if "data" not in schema:
        raise AggregateError(
            f"{preset}: expected pages of the usage API (objects with a 'data' list of buckets); "
            f"the file has {schema.names()}"
        )
    data = schema["data"]
    if not isinstance(data, pl.List) or not isinstance(data.inner, pl.Struct):
        raise AggregateError(
            f"{preset}: 'data' should be a list of buckets, got {data}; is it an empty page?"
        )
    fields = {field.name for field in data.inner.fields}
    missing = [name for name in (start, "results") if name not in fields]
    if missing:
        raise AggregateError(f"{preset}: the buckets lack {missing}; they have {sorted(fields)}")
    buckets = lf.select(pl.col("data")).explode("data").unnest("data")
    results = (
        buckets.select(pl.col(start).alias("_bf_bucket_start"), pl.col("results"))
        .explode("results")
        .filter(pl.col("results").is_not_null())
    )
    inner = results.collect_schema()["results"]
    if not isinstance(inner, pl.Struct):
        raise AggregateError(f"{preset}: a bucket's 'results' should be a list of objects")
    return results.unnest("results")


def _field(schema: pl.Schema, name: str, dtype: pl.DataType) -> pl.Expr:
    """A result field, or nulls when no result in the file has it."""
    return pl.col(name) if name in schema else pl.lit(None, dtype=dtype)


def _tokens(preset: str, schema: pl.Schema, name: str) -> pl.Expr:
    if name not in schema:
        return pl.lit(0, dtype=pl.Int64)
    return parse_count(name, schema[name], name).fill_null(0)


def _tag(preset: str, schema: pl.Schema, tag_from: str, names: dict[str, str]) -> pl.Expr:
    if tag_from not in schema:
        raise AggregateError(
            f"{preset}: no result has {tag_from!r}: request the report with "
            f"group_by={tag_from} (or pick another tag_from); the results have "
            f"{[n for n in schema.names() if not n.startswith(RESERVED_PREFIX)]}"
        )
    ident = clean_text(pl.col(tag_from))
    if names:
        ident = ident.replace(list(names), list(names.values()))
    return (
        pl.when(ident.is_not_null())
        .then(pl.concat_list([ident]))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
    )


def _model(preset: str, schema: pl.Schema) -> pl.Expr:
    if "model" not in schema:
        raise AggregateError(
            f"{preset}: no result names a model: request the report with group_by=model "
            "(the catalog prices each model at its own rates)"
        )
    model = clean_text(pl.col("model"))
    return refuse_rows(
        model,
        model.is_null(),
        f"{preset}: a result has no model (tokens of every model summed?); request the "
        "report with group_by=model",
        pl.String(),
    )


def openai_usage_preset(tag_from: str = "project_id", tag_names: TagNames = None) -> UsagePreset:
    """The ``openai-usage`` preset: pages of OpenAI's completions usage API.

    `tag_from` picks the grouping dimension that stands for the tag (``project_id``,
    ``api_key_id`` or ``user_id``; request the report with that ``group_by``), `tag_names`
    maps its ids to readable names (a mapping or an ``id,name`` CSV). ``input_tokens``
    already includes cached and cache-write tokens; ``input_cached_tokens`` and
    ``input_cache_write_tokens`` are the cache counts; ``num_model_requests`` the request
    count; ``batch: true`` or ``service_tier`` gives the tier; the bucket's ``start_time``
    (Unix seconds) the timestamp. No cost: priced from the catalog at the tier ran.

    Examples:
        >>> import polars as pl
        >>> page = pl.LazyFrame([{"object": "page", "data": [{"start_time": 1767225600,
        ...     "end_time": 1767312000, "results": [{"input_tokens": 1000,
        ...     "input_cached_tokens": 200, "output_tokens": 10, "num_model_requests": 2,
        ...     "project_id": "proj_a", "model": "gpt-5.5", "batch": False}]}]}])
        >>> out = openai_usage_preset(tag_names={"proj_a": "nightly"})(page, page.collect_schema())
        >>> out.select("model", "tags", "cached_input_tokens", "request_count").collect().rows()
        [('gpt-5.5', ['nightly'], 200, 2)]
    """
    report = "openai-usage"
    dimension = _check_tag_from(report, tag_from, OPENAI_TAG_DIMENSIONS)
    names = read_tag_names(tag_names)

    def preset(lf: pl.LazyFrame, schema: pl.Schema) -> pl.LazyFrame:
        """OpenAI completions usage pages (`openai_usage_preset`).

        Source of the column names: ``openai/openai-python``
        ``src/openai/types/admin/organization/usage_completions_response.py``.
        """
        rows = _results(report, lf, schema, "start_time")
        fields = rows.collect_schema()
        batch = _field(fields, "batch", pl.Boolean()).cast(pl.Boolean).fill_null(False)
        tier = clean_text(_field(fields, "service_tier", pl.String()).cast(pl.String))
        return rows.select(
            pl.lit("openai").alias("provider"),
            _model(report, fields).alias("model"),
            _tag(report, fields, dimension, names).alias("tags"),
            _tokens(report, fields, "input_tokens").alias("input_tokens"),
            _tokens(report, fields, "output_tokens").alias("output_tokens"),
            _tokens(report, fields, "input_cached_tokens").alias("cached_input_tokens"),
            _tokens(report, fields, "input_cache_write_tokens").alias("cache_write_tokens"),
            pl.lit(None, dtype=pl.Float64).alias("cost_usd"),
            _tokens(report, fields, "num_model_requests").alias("request_count"),
            pl.from_epoch(pl.col("_bf_bucket_start").cast(pl.Int64), time_unit="s")
            .dt.replace_time_zone("UTC")
            .alias("timestamp"),
            batch.alias("already_batched"),
            pl.when(batch).then(pl.lit("batch")).otherwise(tier).alias("service_tier"),
        )

    preset.__name__ = "openai_usage"
    return preset


#: Anthropic's context-window buckets above the standard window (long-context rates).
LONG_WINDOWS = ("200k-1M",)


def anthropic_usage_preset(
    tag_from: str = "workspace_id", tag_names: TagNames = None
) -> UsagePreset:
    """The ``anthropic-usage`` preset: pages of Anthropic's messages usage report.

    `tag_from` is ``workspace_id`` or ``api_key_id`` (request the report with that
    ``group_by``); `tag_names` as in `openai_usage_preset`. The input is
    ``uncached_input_tokens + cache_read_input_tokens + cache_creation.ephemeral_5m_input_tokens
    + cache_creation.ephemeral_1h_input_tokens`` (separate buckets in the report); cache
    reads and both cache writes are the cache counts; ``context_window`` ``200k-1M`` sets
    ``long_context``; ``service_tier`` the tier; ``starting_at`` the timestamp. The report
    counts no requests: ``request_count`` is 0. No cost: priced from the catalog.
    Without ``group_by=context_window`` every result is priced at standard-context rates.

    Examples:
        >>> import polars as pl
        >>> page = pl.LazyFrame([{"data": [{"starting_at": "2026-01-01T00:00:00Z",
        ...     "results": [{"uncached_input_tokens": 100, "cache_read_input_tokens": 50,
        ...     "cache_creation": {"ephemeral_5m_input_tokens": 10, "ephemeral_1h_input_tokens": 0},
        ...     "output_tokens": 5, "model": "claude-sonnet-4-6", "workspace_id": "wrkspc_1",
        ...     "context_window": "0-200k", "service_tier": "batch"}]}]}])
        >>> out = anthropic_usage_preset()(page, page.collect_schema())
        >>> out.select("input_tokens", "cached_input_tokens", "cache_write_tokens",
        ...     "service_tier", "long_context").collect().rows()
        [(160, 50, 10, 'batch', False)]
    """
    report = "anthropic-usage"
    dimension = _check_tag_from(report, tag_from, ANTHROPIC_TAG_DIMENSIONS)
    names = read_tag_names(tag_names)

    def preset(lf: pl.LazyFrame, schema: pl.Schema) -> pl.LazyFrame:
        """Anthropic messages usage report pages (`anthropic_usage_preset`).

        Source of the column names:
        https://platform.claude.com/docs/en/api/admin/usage_report/retrieve_messages.
        """
        rows = _results(report, lf, schema, "starting_at")
        fields = rows.collect_schema()
        creation = fields.get("cache_creation")
        writes = []
        if isinstance(creation, pl.Struct):
            for field in creation.fields:
                if field.name in ("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"):
                    name = f"_bf_{field.name}"
                    rows = rows.with_columns(
                        pl.col("cache_creation").struct.field(field.name).alias(name)
                    )
                    writes.append(name)
            fields = rows.collect_schema()
        uncached = _tokens(report, fields, "uncached_input_tokens")
        read = _tokens(report, fields, "cache_read_input_tokens")
        written = pl.sum_horizontal(
            pl.lit(0, dtype=pl.Int64), *(_tokens(report, fields, name) for name in writes)
        )
        window = clean_text(_field(fields, "context_window", pl.String()).cast(pl.String))
        tier = clean_text(_field(fields, "service_tier", pl.String()).cast(pl.String))
        return rows.select(
            pl.lit("anthropic").alias("provider"),
            _model(report, fields).alias("model"),
            _tag(report, fields, dimension, names).alias("tags"),
            (uncached + read + written).alias("input_tokens"),
            _tokens(report, fields, "output_tokens").alias("output_tokens"),
            read.alias("cached_input_tokens"),
            written.alias("cache_write_tokens"),
            pl.lit(None, dtype=pl.Float64).alias("cost_usd"),
            pl.lit(0, dtype=pl.Int64).alias("request_count"),
            parse_timestamp("_bf_bucket_start", fields["_bf_bucket_start"], "starting_at").alias(
                "timestamp"
            ),
            tier.alias("service_tier"),
            # not grouped by context_window: standard-context rates (a bucket's token sum
            # says nothing about one prompt's size; docs/presets.md says so)
            window.is_in(list(LONG_WINDOWS)).fill_null(False).alias("long_context"),
        )

    preset.__name__ = "anthropic_usage"
    return preset


#: The usage presets by name, as factories of ``(tag_from, tag_names=)``.
USAGE_PRESETS: dict[str, Callable[..., UsagePreset]] = {
    "openai-usage": openai_usage_preset,
    "anthropic-usage": anthropic_usage_preset,
}
