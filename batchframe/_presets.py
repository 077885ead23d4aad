"""Presets: map a known LLM request-log export onto batchframe's log columns.

A preset is a function ``(raw LazyFrame, its schema) -> LazyFrame`` that renames and
reshapes one export's columns into ``model, tags, input_tokens, output_tokens, cost_usd,
cached_input_tokens, cache_write_tokens`` and, where the export has them, ``provider,
request_count, timestamp, already_batched``.
``batchframe._logs.scan_request_logs`` then casts the result to ``LOG_SCHEMA``. Every step is
a Polars expression: no per-row Python, so presets stay lazy and streamable.

Where the column names come from (public sources; details in each preset's docstring):

* ``litellm-spendlogs``: table ``LiteLLM_SpendLogs`` in ``BerriAI/litellm`` ``schema.prisma``
  (+ ``litellm/proxy/_types.py`` ``SpendLogsPayload``); docs
  https://docs.litellm.ai/docs/proxy/cost_tracking and https://docs.litellm.ai/docs/proxy/request_tags.
* ``litellm-daily-tag-spend``: table ``LiteLLM_DailyTagSpend`` in ``BerriAI/litellm`` ``schema.prisma``.
* ``langfuse-observations``: ``langfuse/langfuse-docs``
  ``content/docs/api-and-data-platform/features/blob-storage-export-fields.mdx``
  (https://langfuse.com/docs/api-and-data-platform/features/blob-storage-export-fields), and the
  camelCase UI export of ``langfuse/langfuse``
  ``packages/shared/src/server/repositories/observations_converters.ts``.
* ``helicone``: ``Helicone/helicone`` ``examples/export/typescript/README.md`` (``@helicone/export``
  CSV header) and the ``HeliconeRequest`` schema of
  https://docs.helicone.ai/rest/request/post-v1requestquery-clickhouse.

Decisions (documented here because no export contract settles them):

* **Provider.** An export's own provider column (LiteLLM ``custom_llm_provider``, Helicone JSON
  ``provider``) wins, mapped onto catalog ids by `provider_alias`; when it is empty or absent the
  provider is inferred from the model id by `infer_provider`, which returns null for ambiguous ids
  (open-weight models served by several sellers, ``vendor/model`` routing ids, Bedrock and Vertex
  ids). Only catalog providers are inferred (``grok-*``, ``command-*`` … give null as well).
* **Model.** LiteLLM ``model`` (never ``model_group``, an alias, nor ``model_id``, a UUID), with a
  routing prefix removed only when it names the row's own provider (`strip_provider_prefix`); a
  prefixed model on a row without a provider keeps its prefix. ``models/gemini-…`` (an AI Studio
  resource name) loses ``models/`` in every preset.
* **Rows kept.** LiteLLM ``status == "failure"`` rows and Helicone non-2xx rows are kept, so that
  spend totals equal the export's (failed requests normally cost 0). Langfuse keeps observations
  of type ``GENERATION`` and ``EMBEDDING`` (both are billed model calls; embeddings have Batch
  APIs too) and drops spans, events, tools, agents etc.; with no ``type`` column every row is kept.
* **Prompt cache.** ``input_tokens`` counts every input token, cache reads and writes included
  (docs/semantics.md §1); ``cached_input_tokens`` / ``cache_write_tokens`` are the tokens read from / written
  to the provider's prompt cache (0 when the export has no such field). LiteLLM's
  ``prompt_tokens`` already include both; Langfuse's usage buckets and Helicone's
  ``prompt_tokens`` exclude them, so those presets add them back. Each preset's docstring and
  docs/presets.md give the fields and their sources.
* **Tokens and cost.** Missing token counts count as 0 (LiteLLM's columns default to 0; a failed
  Helicone request has none). Missing cost stays null (Langfuse leaves ``total_cost`` null when it
  cannot price a call); the caller decides what to do with it.
* **Timestamps.** Text in ``YYYY-MM-DD``, ``YYYY-MM-DD HH:MM:SS[.f]`` or ISO-8601 (``T``, ``Z`` or a
  ``±HH[:MM]`` offset) is parsed; values without an offset are UTC (LiteLLM writes UTC into
  ``timestamp without time zone``). Naive Datetime columns are taken as UTC, Date columns as
  midnight UTC. Text in any other format fails at collect time instead of turning into null.
* **already_batched** is best effort: no export documents a service-tier column. It is true when
  a top-level ``service_tier`` column says ``batch``/``flex``; for LiteLLM also when
  ``metadata.usage_object.service_tier`` or ``metadata.additional_usage_values.service_tier`` says
  so, or when ``call_type`` is a Batch-API call (``acreate_batch``, ``aretrieve_batch`` …, where
  LiteLLM books the cost of a batch job). Without any such column the preset leaves it out.
* **Tags.** Tag columns are required (a preset exists to split spend by tag); blank and null tags
  inside a list are dropped, case is kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple, TypeAlias, cast

import polars as pl

from batchframe._errors import AggregateError
from batchframe._exprs import when_chain
from batchframe._logschema import (
    NO_TAGS,
    TextHints,
    checked_parse,
    checked_values,
    clean_text,
    clean_text_once,
    json_path_value,
    lookup,
    maybe_nonzero,
    parse_count,
    parse_money,
    parse_tags,
    parse_timestamp,
    single_tag,
    undouble_quotes,
    whole_count,
)
from batchframe._notes import FrameNotes
from batchframe._rules import (
    ALREADY_DISCOUNTED_TIERS,
    BATCH_CALL_TYPE,
    CANONICAL_PROVIDERS,
    GATEWAY_TAG_PATTERNS,
    PROVIDER_PATTERNS,
    RESERVED_PREFIX,
    SERVICE_TIERS,
    gateway_tag_regex,
)
from batchframe._usage_presets import anthropic_usage_preset, openai_usage_preset

__all__ = [
    "PRESETS",
    "PRESET_SOURCES",
    "Preset",
    "helicone_preset",
    "infer_provider",
    "langfuse_observations",
    "litellm_daily_tag_spend",
    "litellm_daily_tag_spend_preset",
    "litellm_spendlogs",
    "litellm_spendlogs_preset",
    "provider_alias",
    "strip_provider_prefix",
]

#: ``(raw scanned LazyFrame, its schema) -> LazyFrame`` in batchframe's log column names.
Preset: TypeAlias = Callable[[pl.LazyFrame, pl.Schema], pl.LazyFrame]

_NO_TAGS = NO_TAGS


class Split(NamedTuple):
    """How a preset built its columns, in two parts, so that requests can be folded on the
    file's raw values before the rules that clean them run (`_logs._fold_raw`).

    ``frame`` is the file's columns plus any values the preset had to read out per request
    (``_bf_…`` columns: numbers and tiers inside a JSON ``metadata`` cell); ``columns`` are
    the preset's output columns as expressions over ``frame``, in output order; the ones
    named in ``keys`` depend only on columns of few distinct values (model, provider, tag
    text, call type), so they may be evaluated once per distinct combination of those,
    after a first fold, instead of once per request. The others are per-request values.
    """

    frame: pl.LazyFrame
    columns: dict[str, pl.Expr]
    keys: frozenset[str]


#: Frames returned by a split preset -> the split (only the very frame returned).
SPLITS: FrameNotes[Split] = FrameNotes()


#: The log columns a split evaluates once per folded row: the keys of the fold
#: (`_logs._key_values`) but ``long_context``, which the prompt bucket needs per request.
SPLIT_KEYS = frozenset(
    {"provider", "model", "tags", "service_tier", "already_batched", "cache_hit"}
)


def split_preset(frame: pl.LazyFrame, columns: dict[str, pl.Expr]) -> pl.LazyFrame:
    """The preset's result, ``frame.select(columns)``, remembered with its `Split` (the
    columns named in `SPLIT_KEYS` are its keys)."""
    mapped = frame.select(expr.alias(name) for name, expr in columns.items())
    keys = frozenset(name for name in columns if name in SPLIT_KEYS)
    return SPLITS.remember(mapped, Split(frame, dict(columns), keys))


# ----------------------------------------------------------------------------------------------
# Public expression helpers


def infer_provider(model: pl.Expr) -> pl.Expr:
    """The catalog provider id for a model id, or null when the id is ambiguous.

    Case-insensitive; patterns from docs/presets.md §5 (provider model-id conventions):
    ``gpt-*``, ``chatgpt-*``, ``o1*``/``o3*``/``o4*`` … -> openai (not ``gpt-oss-*``, which many
    sellers host); ``claude-*`` -> anthropic (not Vertex's ``claude-…@date``); ``gemini-*`` and
    ``models/gemini-*`` -> google; ``mistral-*``, ``ministral-*``, ``codestral-*``, ``magistral-*``,
    ``devstral-*``, ``pixtral-*``, ``open-mistral-*`` -> mistral; ``llama…-instant`` and
    ``llama…-versatile`` -> groq (Groq's own naming). Everything else -> null, including
    ``vendor/model`` routing ids, plain ``llama-*``, ``gemma-*``, ``mixtral-*`` and Bedrock ids.
    The result has no useful output name: alias it.

    Examples:
        >>> import polars as pl
        >>> ids = pl.DataFrame({"m": ["GPT-5.5", "gpt-oss-120b", "llama-3.1-8b-instant"]})
        >>> ids.select(infer_provider(pl.col("m")).alias("provider"))["provider"].to_list()
        ['openai', None, 'groq']
    """
    m = clean_text(model).str.to_lowercase()
    cases = []
    for provider, pattern, exclusion in PROVIDER_PATTERNS:
        matches = m.str.contains(pattern)
        if exclusion is not None:
            matches = matches & ~m.str.contains(exclusion)
        cases.append((matches, pl.lit(provider)))
    return when_chain(cases, pl.lit(None, dtype=pl.String))


def provider_alias(provider: pl.Expr) -> pl.Expr:
    """An export's provider name as a catalog provider id (lower-case); blank -> null.

    LiteLLM ``custom_llm_provider`` keys (``gemini``, ``vertex_ai`` -> google, ``together_ai`` ->
    together, …) and Helicone names (``OPENAI`` -> openai, ``GOOGLE``/``google-ai-studio`` ->
    google, ``TOGETHER`` -> together, …) are mapped; any other name is kept, lower-cased.
    Alias the result.

    Examples:
        >>> import polars as pl
        >>> names = pl.DataFrame({"p": ["gemini", "OPENAI", "together_ai", "azure", ""]})
        >>> names.select(provider_alias(pl.col("p")).alias("p"))["p"].to_list()
        ['google', 'openai', 'together', 'azure', None]
    """
    return clean_text(provider).str.to_lowercase().replace(CANONICAL_PROVIDERS)


def strip_provider_prefix(model: pl.Expr, provider: pl.Expr) -> pl.Expr:
    """Drop a LiteLLM routing prefix (``gemini/`` in ``gemini/gemini-2.5-flash``) from a model id.

    The first ``/``-segment is removed only when it is the row's own provider, compared both
    verbatim (case-insensitively) and through `provider_alias` (so ``gemini/…`` is stripped for
    provider ``gemini`` or ``google``). Otherwise the id is kept whole: Groq's
    ``openai/gpt-oss-120b`` and OpenRouter's ``anthropic/claude-opus-4.8`` are real provider-side
    ids (docs/presets.md §1 and §5).

    Examples:
        >>> import polars as pl
        >>> rows = pl.DataFrame(
        ...     {"m": ["gemini/gemini-2.5-flash", "openai/gpt-oss-120b"], "p": ["google", "groq"]}
        ... )
        >>> rows.select(strip_provider_prefix(pl.col("m"), pl.col("p")))["m"].to_list()
        ['gemini-2.5-flash', 'openai/gpt-oss-120b']
    """
    m = model.cast(pl.String)
    p = clean_text(provider).str.to_lowercase()
    prefix = m.str.extract(r"^([^/]+)/", 1)
    same = (prefix.str.to_lowercase() == p) | (provider_alias(prefix) == provider_alias(p))
    return pl.when(same.fill_null(False)).then(m.str.replace(r"^[^/]+/", "")).otherwise(m)


# ----------------------------------------------------------------------------------------------
# Internal helpers (all pure expression builders)


def _fail(preset: str, schema: pl.Schema, message: str) -> AggregateError:
    return AggregateError(f"preset {preset!r}: {message}; the file has {list(schema.names())}")


def _pick(preset: str, schema: pl.Schema, *names: str, hint: str = "") -> str:
    """The first of ``names`` present in ``schema``; AggregateError naming them otherwise."""
    for name in names:
        if name in schema:
            return name
    alternatives = "".join(f" (or {n!r})" for n in names[1:])
    raise _fail(preset, schema, f"missing column {names[0]!r}{alternatives}{hint}")


def _first(schema: pl.Schema, *names: str) -> str | None:
    return next((name for name in names if name in schema), None)


def _text(name: str) -> pl.Expr:
    """A column as stripped String, blank -> null."""
    return clean_text(pl.col(name).cast(pl.String))


def _model(schema: pl.Schema, *names: str) -> pl.Expr:
    """The first non-blank of ``names`` (present ones), ``models/`` resource prefix removed."""
    exprs = [_text(n) for n in names if n in schema]
    model = exprs[0] if len(exprs) == 1 else pl.coalesce(exprs)
    return model.str.replace(r"^(?i:models/)(gemini-)", "${1}")


def _count(preset: str, schema: pl.Schema, name: str) -> pl.Expr:
    """A token / request count column as Int64 by the shared rule (`parse_count`); null -> 0
    (a missing cost stays null, so a torn line still cannot pass as a $0 request)."""
    try:
        return parse_count(name, schema[name], name).fill_null(0)
    except AggregateError as exc:
        raise _fail(preset, schema, str(exc)) from None


def _money(preset: str, schema: pl.Schema, name: str) -> pl.Expr:
    """A USD column as Float64 by the shared rule (`parse_money`); null stays null."""
    try:
        return parse_money(name, schema[name], name)
    except AggregateError as exc:
        raise _fail(preset, schema, str(exc)) from None


def _timestamp(preset: str, schema: pl.Schema, name: str) -> pl.Expr:
    """A start-time column as Datetime("us", "UTC") by the shared rule (offset-less = UTC)."""
    try:
        return parse_timestamp(name, schema[name], name)
    except AggregateError as exc:
        raise _fail(preset, schema, str(exc)) from None


def _tag_list(preset: str, schema: pl.Schema, name: str) -> pl.Expr:
    """A tags column that is a native list or JSON text (``["a", "b"]``, ``[]``, blank, null)."""
    try:
        return parse_tags(name, schema[name], name)
    except AggregateError as exc:
        raise _fail(preset, schema, str(exc)) from None


def _is_batch_tier(tier: pl.Expr) -> pl.Expr:
    return clean_text(tier).str.to_lowercase().is_in(ALREADY_DISCOUNTED_TIERS).fill_null(False)


def _service_tier_flags(schema: pl.Schema) -> list[pl.Expr]:
    """A top-level ``service_tier`` column, if any export carries one (undocumented)."""
    if "service_tier" in schema and schema["service_tier"] in (pl.String, pl.Categorical):
        return [_is_batch_tier(pl.col("service_tier").cast(pl.String))]
    return []


def _any_flag(flags: Sequence[pl.Expr]) -> pl.Expr:
    return pl.any_horizontal(flags).fill_null(False) if len(flags) > 1 else flags[0]


class _Keys(NamedTuple):
    """A set of usage-details keys: those starting with one of ``prefixes`` or equal to a name."""

    prefixes: tuple[str, ...]
    names: tuple[str, ...]

    def matches(self, key: str) -> bool:
        return key.startswith(self.prefixes) or key in self.names

    def expr(self, key: pl.Expr) -> pl.Expr:
        hits = [key.str.starts_with(p) for p in self.prefixes] + [key.is_in(self.names)]
        return pl.any_horizontal(hits).fill_null(False)


# Langfuse usage-details keys (docs/presets.md §3 gives the source of each):
# cache reads: ``input_cached_tokens`` (server-side OpenAI ``prompt_tokens_details.cached_tokens``
# / ``input_tokens_details.cached_tokens``, and the OTel/AI-SDK path), ``input_cache_read``
# (LangChain ``input_token_details.cache_read``, Bedrock, pydantic-ai), ``cache_read_input_tokens``
# (raw Anthropic usage, e.g. Bedrock-Anthropic through LangChain), ``cached_modality_*`` (Vertex
# through LangChain); cache writes: ``input_cache_creation``, ``input_cache_write`` (Bedrock),
# ``cache_creation_input_tokens`` (raw Anthropic usage).
_LANGFUSE_READ_NAMES = ("input_cached_tokens", "input_cache_read", "cache_read_input_tokens")
_LANGFUSE_READ_PREFIXES = ("cached_modality_",)
_LANGFUSE_WRITE_NAMES = ("input_cache_creation", "input_cache_write", "cache_creation_input_tokens")
#: Every input-side bucket: Langfuse's own ``input*`` rule plus the cache keys it does not cover.
_LANGFUSE_INPUT = _Keys(
    ("input", *_LANGFUSE_READ_PREFIXES), _LANGFUSE_READ_NAMES + _LANGFUSE_WRITE_NAMES
)
_LANGFUSE_OUTPUT = _Keys(("output",), ())
_LANGFUSE_READ = _Keys(_LANGFUSE_READ_PREFIXES, _LANGFUSE_READ_NAMES)
_LANGFUSE_WRITE = _Keys((), _LANGFUSE_WRITE_NAMES)

_JSON_NUMBER_ENTRY = r'"(?:[^"\\]|\\.)*"\s*:\s*[^,}\]\s]+'


def _usage_sum(preset: str, schema: pl.Schema, name: str, keys: _Keys) -> pl.Expr:
    """Sum of the usage-details entries whose key is in ``keys``, as Int64 (absent -> 0).

    The details may be a Struct, JSON text or a Parquet map (``List(Struct(key, value))``).
    Every selected entry must be a whole number >= 0 (the `parse_count` rule): anything else
    raises `AggregateError` at collect time, naming the column and the value.
    """
    dtype: pl.DataType = schema[name]
    col = pl.col(name)
    map_type = getattr(pl, "Map", None)  # Polars >= 2 reads a Parquet map as its own Map dtype
    if map_type is not None and isinstance(dtype, map_type):
        col = col.to_physical()  # List(Struct(key, value)), as older Polars reads it
        dtype = pl.List(pl.Struct({"key": dtype.key, "value": dtype.value}))
    if dtype == pl.Null:
        return pl.lit(0, dtype=pl.Int64)
    if isinstance(dtype, pl.Struct):
        fields = [f for f in dtype.fields if keys.matches(f.name)]
        for f in fields:
            if not (f.dtype.is_numeric() or f.dtype in (pl.String, pl.Null)):
                raise _fail(
                    preset, schema, f"column {name!r}: key {f.name!r} holds {f.dtype}, not a count"
                )
        if not fields:
            return pl.lit(0, dtype=pl.Int64)
        raw = pl.concat_list([col.struct.field(f.name).cast(pl.String) for f in fields])
    elif dtype == pl.String:  # JSON text: '{"input": 500, "output": 120}'
        entry = pl.element()
        key = entry.str.extract(r'^"((?:[^"\\]|\\.)*)"', 1)
        value = entry.str.extract(r":\s*([^,}\]\s]+)$", 1)
        value = pl.when(value == "null").then(pl.lit(None, dtype=pl.String)).otherwise(value)
        raw = col.str.extract_all(_JSON_NUMBER_ENTRY).list.eval(
            pl.when(keys.expr(key)).then(value).otherwise(pl.lit(None, dtype=pl.String))
        )
    elif isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):  # Parquet map
        entry = pl.element()
        key, value = entry.struct.field("key"), entry.struct.field("value")
        raw = col.list.eval(
            pl.when(keys.expr(key.cast(pl.String)))
            .then(value.cast(pl.String))
            .otherwise(pl.lit(None, dtype=pl.String))
        )
    else:
        raise _fail(preset, schema, f"column {name!r} holds {dtype}, not a usage-details object")
    raw = raw.list.drop_nulls()
    number = pl.element().str.strip_chars().cast(pl.Float64, strict=False)
    bad = number.is_null() | ~number.is_finite() | (number != number.floor()) | (number < 0)
    first_bad = raw.list.eval(pl.element().filter(bad)).list.first()
    total = raw.list.eval(number).list.sum()
    parsed = pl.when(first_bad.is_null()).then(total).otherwise(None).cast(pl.Int64)
    checked = checked_parse(
        first_bad, parsed, name, "whole numbers >= 0 as usage details", pl.Int64()
    )
    return checked.fill_null(0)


def _first_positive_count(
    lf: pl.LazyFrame,
    schema: pl.Schema,
    name: str,
    paths: Sequence[Sequence[str]],
    tag: str,
    hints: TextHints | None = None,
) -> tuple[pl.LazyFrame, pl.Expr]:
    """The first count at ``paths`` inside the JSON-text or Struct column ``name`` that is
    > 0 on the row, else 0 (LiteLLM's own rule: a 0 in one field does not hide the count
    another field of the same usage object reports). Each value is parsed by `parse_count`'s
    rule (`whole_count`); a bad one raises naming ``name.path``. Unreachable paths are left
    out.

    Evaluated as LiteLLM does, in order: a path is looked up only on rows where no earlier
    path gave a positive count, and JSON text whose values at the paths' last keys are all
    0 or null is not parsed at all (`maybe_nonzero`); both only skip lookups whose value
    could not change the result. The values are staged in temporary columns ``_bf_<tag>_…``
    (the reserved prefix) of ``lf``, dropped by the preset's select, and checked in one
    batch call (`checked_values`).

    `hints`: searches of the JSON text ``name`` made once already (`TextHints`).
    """
    column = read = pl.col(name)
    if schema[name] == pl.String:
        keys = sorted({p[-1] for p in paths})
        column = pl.when(maybe_nonzero(column, keys)).then(column)
        escaped = None if hints is None else hints.escaped
        read = pl.when(maybe_nonzero(read, keys, escaped)).then(read)
    source = f"{RESERVED_PREFIX}{tag}"
    lf = lf.with_columns(read.alias(source))
    checks: list[tuple[pl.Expr, pl.Expr, str]] = []
    counts: list[pl.Expr] = []
    # The same values written over the file's column (nothing staged): only read to say
    # where a bad value is, which the locator finds by reading the file again.
    located: list[tuple[pl.Expr, pl.Expr]] = []
    for index, path in enumerate(paths):
        text, unstaged = pl.col(source), column
        if counts:  # rows an earlier path settled are not looked up again
            settled = pl.any_horizontal(count > 0 for count in counts).fill_null(False)
            text = pl.when(settled.not_()).then(text)
            settled = pl.any_horizontal(count > 0 for _, count in located).fill_null(False)
            unstaged = pl.when(settled.not_()).then(unstaged)
        value = lookup(text, schema[name], path, hints)
        if value is None:
            continue
        raw, count = f"{source}_{index}", f"{source}_{index}_count"
        lf = lf.with_columns(clean_text_once(value).alias(raw))  # (each document parsed once)
        lf = lf.with_columns(whole_count(pl.col(raw), text=True).alias(count))
        checks.append((pl.col(raw), pl.col(count), ".".join([name, *path])))
        counts.append(pl.col(count))
        unstaged_raw = clean_text_once(cast(pl.Expr, lookup(unstaged, schema[name], path)))
        located.append((unstaged_raw, whole_count(unstaged_raw, text=True)))
    if not counts:
        return lf, pl.lit(0, dtype=pl.Int64)
    positive = [pl.when(c > 0).then(c).otherwise(pl.lit(None, dtype=pl.Int64)) for c in counts]
    first = pl.coalesce(positive).fill_null(0)
    return lf, checked_values(first, checks, "a whole number >= 0", pl.Int64(), located)


def _litellm_input(prompt: pl.Expr, read: pl.Expr, write: pl.Expr) -> pl.Expr:
    """LiteLLM ``prompt_tokens`` as the total input, given the row's cache reads and writes.

    Current LiteLLM counts both inside ``prompt_tokens`` (``AnthropicConfig.calculate_usage``:
    ``prompt_tokens += cache_creation_input_tokens`` and ``+= cache_read_input_tokens``, litellm
    1.110.2). Older releases added only the reads for Anthropic, so their rows can report
    ``prompt_tokens < reads + writes``, which the current rule makes impossible; on such a row
    the writes are added back (exact whenever it fires; an older row whose uncached input is
    at least its writes cannot be told apart and stays as recorded).
    """
    return pl.when(prompt < read + write).then(prompt + write).otherwise(prompt)


def _provider(schema: pl.Schema, raw_provider: str | None, model: pl.Expr) -> pl.Expr:
    if raw_provider is None:
        return infer_provider(model)
    return pl.coalesce(provider_alias(pl.col(raw_provider)), infer_provider(model))


def _litellm_model(schema: pl.Schema, raw_provider: str | None) -> pl.Expr:
    model = _model(schema, "model")
    if raw_provider is None:
        return model
    return strip_provider_prefix(model, pl.col(raw_provider).cast(pl.String))


# ----------------------------------------------------------------------------------------------
# Presets


# Where LiteLLM's spend logs keep the cache counts: ``metadata.usage_object`` is the request's
# ``litellm.types.utils.Usage`` dumped as a dict (``spend_tracking_utils.py``:
# ``clean_metadata["usage_object"] = usage_object``); ``Usage.__init__`` sets every extra
# keyword (``cache_read_input_tokens``, ``cache_creation_input_tokens``) as an attribute and
# mirrors them into ``prompt_tokens_details.cached_tokens`` / ``.cache_write_tokens``.
# ``metadata.additional_usage_values`` holds the same usage minus the three top-level counts
# (older rows may have only this one). The order and the "first non-zero" rule follow
# ``litellm/litellm_core_utils/llm_cost_calc/cache_tokens.py`` (``extract_cache_read_tokens``,
# ``extract_cache_creation_tokens``), which LiteLLM itself uses for ``LiteLLM_DailyTagSpend``.
_LITELLM_USAGE_PARENTS = (("usage_object",), ("additional_usage_values",))
_LITELLM_READ_PATHS = (("cache_read_input_tokens",), ("prompt_tokens_details", "cached_tokens"))
_LITELLM_WRITE_PATHS = (
    ("cache_creation_input_tokens",),
    ("prompt_tokens_details", "cache_write_tokens"),
    ("prompt_tokens_details", "cache_creation_tokens"),
)


def _litellm_cache_counts(
    lf: pl.LazyFrame, schema: pl.Schema, hints: TextHints | None = None
) -> tuple[pl.LazyFrame, pl.Expr, pl.Expr]:
    """``(lf, cache reads, cache writes)`` of a spend-log row, from its ``metadata``
    (`hints`: searches of ``metadata`` text already staged)."""
    if "metadata" not in schema or not (
        schema["metadata"] == pl.String or isinstance(schema["metadata"], pl.Struct)
    ):
        zero = pl.lit(0, dtype=pl.Int64)
        return lf, zero, zero
    read_paths = [(*parent, *p) for parent in _LITELLM_USAGE_PARENTS for p in _LITELLM_READ_PATHS]
    write_paths = [(*parent, *p) for parent in _LITELLM_USAGE_PARENTS for p in _LITELLM_WRITE_PATHS]
    lf, reads = _first_positive_count(lf, schema, "metadata", read_paths, "cache_read", hints=hints)
    lf, writes = _first_positive_count(
        lf, schema, "metadata", write_paths, "cache_write", hints=hints
    )
    return lf, reads, writes


def _text_hints(lf: pl.LazyFrame, name: str, keys: Sequence[str]) -> tuple[pl.LazyFrame, TextHints]:
    """`lf` with the JSON-text column `name` searched once per row, staged: for a
    backslash and for the JSON string of each of `keys`; the `TextHints` that read them.

    Each lookup of the text otherwise searches the whole column for these again (Polars
    does not share the repeats): on 1M rows of a real spend-log dump (~950 bytes of
    ``metadata`` a row) the cache counts and tier took 2.5-2.7 s without, 2.1-2.3 s with.
    """
    column = pl.col(name)
    escaped = f"{RESERVED_PREFIX}{name}_escaped"
    found = {key: f"{RESERVED_PREFIX}{name}_key_{index}" for index, key in enumerate(keys)}
    lf = lf.with_columns(
        column.str.contains("\\", literal=True).alias(escaped),
        *(column.str.contains(json.dumps(key), literal=True).alias(n) for key, n in found.items()),
    )
    return lf, TextHints(pl.col(escaped), {key: pl.col(n) for key, n in found.items()})


# Where LiteLLM records the service tier a request ran on: ``metadata.cost_breakdown`` is the
# ``CostBreakdown`` of the request (``litellm/types/utils.py``: ``service_tier`` is "the
# pricing tier the biller used"), the stored ``response`` is the provider's response (OpenAI's
# ``ChatCompletion.service_tier``: ``default``, ``flex``, ``priority`` …, present only when
# prompts are stored), and older rows have it in the usage dicts. The first that is present wins.
_LITELLM_TIER_PATHS = (
    ("metadata", ("cost_breakdown", "service_tier")),
    ("response", ("service_tier",)),
    ("metadata", ("usage_object", "service_tier")),
    ("metadata", ("additional_usage_values", "service_tier")),
)
#: The label of a LiteLLM batch-job cost row, whose ``model`` LiteLLM leaves empty.
BATCH_JOB_MODEL = "(batch job)"


def _service_tier_text(
    schema: pl.Schema,
    sources: Sequence[tuple[str, Sequence[str]]],
    hints: Mapping[str, TextHints] | None = None,
) -> pl.Expr | None:
    """The service tier text of a request, trimmed: from the first of `sources` (column,
    path) that holds one on the row, else the top-level ``service_tier``; None if no
    source can hold one. `tier_name` names it. (Each lookup is evaluated once; `hints`,
    by column, hold searches of JSON-text columns already staged.)"""
    known = hints or {}
    found = [
        lookup(pl.col(column), schema[column], path, known.get(column))
        for column, path in sources
        if column in schema
    ]
    values = [clean_text_once(value) for value in found if value is not None]
    if "service_tier" in schema and schema["service_tier"] in (pl.String, pl.Categorical):
        values.append(clean_text(pl.col("service_tier").cast(pl.String)))
    if not values:
        return None
    return values[0] if len(values) == 1 else pl.coalesce(values)


def tier_name(text: pl.Expr) -> pl.Expr:
    """A service tier's text named by `_rules.SERVICE_TIERS` (``default`` is ``standard``);
    other spellings kept, lower-cased. A key: the log fold applies it once per distinct
    text (Polars' ``replace`` holds its input in a streaming query)."""
    return text.str.to_lowercase().replace(SERVICE_TIERS)


def _drop_gateway_tags(tags: pl.Expr, patterns: Sequence[str]) -> pl.Expr:
    """`tags` without the tags a gateway added itself (`_rules.GATEWAY_TAG_PATTERNS`)."""
    if not patterns:
        return tags
    element = pl.element()
    return tags.list.eval(element.filter(~element.str.contains(gateway_tag_regex(patterns))))


def _check_patterns(patterns: Sequence[str]) -> tuple[str, ...]:
    if isinstance(patterns, str) or not all(isinstance(p, str) for p in patterns):
        raise TypeError(f"drop_tags takes a sequence of regular expressions, got {patterns!r}")
    return tuple(patterns)


def _cache_hit(schema: pl.Schema) -> pl.Expr | None:
    """LiteLLM ``cache_hit``: text ``True``/``False`` (``str(cache_hit)`` in
    ``spend_tracking_utils.py``), ``''`` or null (not a hit), or a Boolean column."""
    if "cache_hit" not in schema:
        return None
    dtype = schema["cache_hit"]
    if dtype == pl.Boolean:
        return pl.col("cache_hit").fill_null(False)
    if dtype == pl.Null:
        return pl.lit(False)
    return (clean_text(pl.col("cache_hit")).str.to_lowercase() == "true").fill_null(False)


def _batch_job_model(schema: pl.Schema, batch_job: pl.Expr) -> pl.Expr:
    """The model of a batch-job cost row: its one ``metadata.batch_models`` entry, else the
    label. Only batch-job rows (`batch_job`) read their JSON metadata for it (LiteLLM writes
    ``"batch_models": null`` into every row's); other rows get the label, which the preset
    uses on batch-job rows only."""
    label = pl.lit(BATCH_JOB_MODEL)
    if "metadata" not in schema:
        return label
    dtype = schema["metadata"]
    if dtype == pl.String:
        keys = ("batch_models",)
        text = pl.when(batch_job).then(pl.col("metadata"))
        first = json_path_value(text, keys, "$.batch_models[0]")
        second = json_path_value(text, keys, "$.batch_models[1]")
    elif isinstance(dtype, pl.Struct) and any(
        f.name == "batch_models" and isinstance(f.dtype, pl.List) for f in dtype.fields
    ):
        models = pl.col("metadata").struct.field("batch_models")
        first, second = models.list.get(0, null_on_oob=True), models.list.get(1, null_on_oob=True)
    else:
        return label
    one = clean_text_once(first.cast(pl.String))
    return pl.when(one.is_not_null() & second.is_null()).then(one).otherwise(label)


_STAGED_BATCH_MODEL = f"{RESERVED_PREFIX}batch_model"
_STAGED_CACHED = f"{RESERVED_PREFIX}cached"
_STAGED_WRITTEN = f"{RESERVED_PREFIX}written"
_STAGED_TIER = f"{RESERVED_PREFIX}service_tier"
_STAGED_BATCH_JOB = f"{RESERVED_PREFIX}batch_job"


def litellm_spendlogs_preset(*, drop_tags: Sequence[str] = GATEWAY_TAG_PATTERNS) -> Preset:
    """The LiteLLM spend-logs preset; tags matching `drop_tags` (regular expressions, matched
    case-insensitively at the tag's start) are dropped, by default the ``User-Agent: …`` tags
    the proxy adds to every request (`_rules.GATEWAY_TAG_PATTERNS`). ``drop_tags=()`` keeps
    every tag.

    Examples:
        >>> import polars as pl
        >>> lf = pl.LazyFrame({
        ...     "model": ["gpt-5.5"], "request_tags": ['["nightly", "User-Agent: OpenAI"]'],
        ...     "prompt_tokens": [10], "completion_tokens": [2], "spend": [0.1]})
        >>> litellm_spendlogs_preset()(lf, lf.collect_schema()).collect()["tags"].to_list()
        [['nightly']]
        >>> keep = litellm_spendlogs_preset(drop_tags=())
        >>> keep(lf, lf.collect_schema()).collect()["tags"].to_list()
        [['nightly', 'User-Agent: OpenAI']]
    """
    patterns = _check_patterns(drop_tags)

    def litellm_spendlogs(lf: pl.LazyFrame, schema: pl.Schema) -> pl.LazyFrame:
        """LiteLLM proxy spend logs (table ``LiteLLM_SpendLogs``), one row per request.

        Source of the column names: ``BerriAI/litellm`` ``schema.prisma`` (``model
        LiteLLM_SpendLogs``) and ``litellm/proxy/_types.py`` (``SpendLogsPayload``); docs
        https://docs.litellm.ai/docs/proxy/cost_tracking and .../proxy/request_tags.

        ``model`` (prefix stripped when it is the row's ``custom_llm_provider``),
        ``request_tags`` (jsonb text in a DB/CSV dump, a native list from ``/spend/logs``) ->
        tags, gateway-added tags dropped; ``prompt_tokens``/``completion_tokens`` -> tokens,
        ``spend`` -> cost_usd, ``startTime`` -> timestamp, ``custom_llm_provider`` -> provider
        (canonical ids). Failed requests are kept (their spend is 0).

        Batch-API jobs: LiteLLM books a job's cost on a row of ``call_type``
        ``aretrieve_batch`` whose ``model`` is ``""``; such rows (every ``call_type`` of
        `_rules.BATCH_CALL_TYPE`) are already_batched, their model is the job's one
        ``metadata.batch_models`` entry, else ``"(batch job)"``.

        service_tier: ``metadata.cost_breakdown.service_tier``, else the stored
        ``response.service_tier``, else ``metadata.usage_object`` /
        ``additional_usage_values`` ``.service_tier``, else a top-level ``service_tier``
        column; ``default`` is ``standard``. already_batched: the tier is ``batch``/``flex``
        or the row is a batch-job row. cache_hit: LiteLLM's own response cache answered
        (``cache_hit`` ``True``), never billed by the provider.

        Prompt cache (``metadata``: JSON text in a DB/CSV dump, a struct in Parquet/NDJSON):
        cached_input_tokens = the first non-zero of ``usage_object.cache_read_input_tokens``,
        ``usage_object.prompt_tokens_details.cached_tokens``, then the same two under
        ``additional_usage_values``; cache_write_tokens likewise from
        ``cache_creation_input_tokens``, ``prompt_tokens_details.cache_write_tokens`` /
        ``.cache_creation_tokens``. Sources (litellm 1.110.2 wheel):
        ``litellm/proxy/spend_tracking/spend_tracking_utils.py`` (``usage_object`` and
        ``additional_usage_values`` in the metadata), ``litellm/types/utils.py`` (``Usage``),
        ``litellm/litellm_core_utils/llm_cost_calc/cache_tokens.py`` (the read/write lookup
        order). input_tokens = ``prompt_tokens``, which LiteLLM computes to include reads and
        writes (``litellm/llms/anthropic/chat/transformation.py`` ``calculate_usage``;
        OpenAI's ``prompt_tokens`` include ``cached_tokens``), except on rows of older
        releases that left the writes out (see `_litellm_input`).
        """
        name = "litellm-spendlogs"
        for column in ("model", "request_tags", "prompt_tokens", "completion_tokens", "spend"):
            _pick(name, schema, column)
        raw_provider = _first(schema, "custom_llm_provider")
        model = _litellm_model(schema, raw_provider)
        # Values read out of the JSON text are staged per request, each parsed once (the
        # expressions below use them several times and Polars does not share repeats);
        # everything else is a function of few-valued columns, evaluated per folded row.
        hints: dict[str, TextHints] = {}
        if "metadata" in schema and schema["metadata"] == pl.String:
            # the searches several lookups of the metadata text share, made once per row
            tier_keys = sorted(
                {path[-1] for column, path in _LITELLM_TIER_PATHS if column == "metadata"}
            )
            lf, hints["metadata"] = _text_hints(lf, "metadata", tier_keys)
        lf, cached, written = _litellm_cache_counts(lf, schema, hints.get("metadata"))
        staged = {_STAGED_CACHED: cached, _STAGED_WRITTEN: written}
        batch_job = pl.lit(False)
        if "call_type" in schema and schema["call_type"] == pl.String:
            call_type = clean_text(pl.col("call_type")).str.to_lowercase()
            batch_job = call_type.str.contains(BATCH_CALL_TYPE).fill_null(False)
            # staged: the batch-model lookup reads it several times (not shared by Polars)
            lf = lf.with_columns(batch_job.alias(_STAGED_BATCH_JOB))
            staged[_STAGED_BATCH_MODEL] = _batch_job_model(schema, pl.col(_STAGED_BATCH_JOB))
            job_model = pl.col(_STAGED_BATCH_MODEL)
            model = pl.when(batch_job & model.is_null()).then(job_model).otherwise(model)
        tier = _service_tier_text(schema, _LITELLM_TIER_PATHS, hints)
        if tier is not None:
            staged[_STAGED_TIER] = tier
        lf = lf.with_columns(value.alias(key) for key, value in staged.items())
        cached, written = pl.col(_STAGED_CACHED), pl.col(_STAGED_WRITTEN)
        prompt = _count(name, schema, "prompt_tokens")
        tags = _drop_gateway_tags(_tag_list(name, schema, "request_tags"), patterns)
        columns = {
            "provider": _provider(schema, raw_provider, model),
            "model": model,
            "tags": tags,
            "input_tokens": _litellm_input(prompt, cached, written),
            "output_tokens": _count(name, schema, "completion_tokens"),
            "cost_usd": _money(name, schema, "spend"),
            "cached_input_tokens": cached,
            "cache_write_tokens": written,
        }
        start = _first(schema, "startTime", "start_time")
        if start is not None:
            columns["timestamp"] = _timestamp(name, schema, start)
        flags = [batch_job] if "call_type" in schema else []
        if tier is not None:
            tier = tier_name(pl.col(_STAGED_TIER))
            columns["service_tier"] = tier
            flags.append(_is_batch_tier(tier))
        if flags:
            columns["already_batched"] = _any_flag(flags)
        hit = _cache_hit(schema)
        if hit is not None:
            columns["cache_hit"] = hit
        return split_preset(lf, columns)

    return litellm_spendlogs


litellm_spendlogs = litellm_spendlogs_preset()


def litellm_daily_tag_spend_preset(*, drop_tags: Sequence[str] = GATEWAY_TAG_PATTERNS) -> Preset:
    """The LiteLLM daily tag-spend preset; rows whose tag matches `drop_tags` (default: the
    proxy's own ``User-Agent: …`` tags, `_rules.GATEWAY_TAG_PATTERNS`) are dropped.

    Examples:
        >>> import polars as pl
        >>> lf = pl.LazyFrame({
        ...     "tag": ["nightly", "User-Agent: OpenAI"], "model": ["gpt-5.5"] * 2,
        ...     "prompt_tokens": [10] * 2, "completion_tokens": [2] * 2, "spend": [0.1] * 2,
        ...     "api_requests": [1] * 2})
        >>> litellm_daily_tag_spend_preset()(lf, lf.collect_schema()).collect()["tags"].to_list()
        [['nightly']]
    """
    patterns = _check_patterns(drop_tags)

    def litellm_daily_tag_spend(lf: pl.LazyFrame, schema: pl.Schema) -> pl.LazyFrame:
        """LiteLLM daily per-tag spend (table ``LiteLLM_DailyTagSpend``), pre-counted rows.

        Source of the column names: ``BerriAI/litellm`` ``schema.prisma``
        (``model LiteLLM_DailyTagSpend``).

        ``tag`` -> tags ``[tag]`` (null/blank -> ``[]``; rows of gateway-added tags dropped),
        ``model`` (prefix stripped as for spend logs), ``custom_llm_provider`` -> provider,
        ``prompt_tokens``/``completion_tokens`` -> tokens, ``spend`` -> cost_usd,
        ``api_requests`` -> request_count, ``date`` (``YYYY-MM-DD``) -> timestamp at midnight
        UTC. ``''`` (LiteLLM's null key) is null in every text column.

        Caution: LiteLLM writes a request with N tags to N rows, each with the full spend, and
        untagged requests to none, so the table's sum is not the total spend: shares of spend
        computed from it are wrong, and the CLI does not print them (docs/presets.md).

        Batch-job cost rows (``call_type`` ``aretrieve_batch``, ``model`` ``""`` in the
        spend logs) keep their empty model here and the table has no ``call_type``: a row with
        a blank model is taken for one (model ``"(batch job)"``, already_batched).

        Prompt cache: ``cache_read_input_tokens`` -> cached_input_tokens,
        ``cache_creation_input_tokens`` -> cache_write_tokens (absent in older tables: 0).
        ``prompt_tokens`` is the sum of the spend logs' ``prompt_tokens`` (LiteLLM
        ``litellm/proxy/db/db_spend_update_writer.py``: ``prompt_tokens=payload["prompt_tokens"]``,
        the cache columns from ``extract_cache_read_tokens`` / ``extract_cache_creation_tokens``
        of the ``usage_object``), so it already includes both; the older-release correction of
        the spend logs (`_litellm_input`) applies to the day's sums.
        """
        name = "litellm-daily-tag-spend"
        for column in (
            "model",
            "tag",
            "prompt_tokens",
            "completion_tokens",
            "spend",
            "api_requests",
        ):
            _pick(name, schema, column)
        raw_provider = _first(schema, "custom_llm_provider")
        model = _litellm_model(schema, raw_provider)
        batch_job = model.is_null()
        model = pl.when(batch_job).then(pl.lit(BATCH_JOB_MODEL)).otherwise(model)
        zero = pl.lit(0, dtype=pl.Int64)
        cached = (
            _count(name, schema, "cache_read_input_tokens")
            if "cache_read_input_tokens" in schema
            else zero
        )
        written = (
            _count(name, schema, "cache_creation_input_tokens")
            if "cache_creation_input_tokens" in schema
            else zero
        )
        prompt = _count(name, schema, "prompt_tokens")
        columns = [
            _provider(schema, raw_provider, model).alias("provider"),
            model.alias("model"),
            single_tag(pl.col("tag")).alias("tags"),
            _litellm_input(prompt, cached, written).alias("input_tokens"),
            _count(name, schema, "completion_tokens").alias("output_tokens"),
            _money(name, schema, "spend").alias("cost_usd"),
            _count(name, schema, "api_requests").alias("request_count"),
            cached.alias("cached_input_tokens"),
            written.alias("cache_write_tokens"),
        ]
        if "date" in schema:
            columns.append(_timestamp(name, schema, "date").alias("timestamp"))
        flags = [batch_job, *_service_tier_flags(schema)]
        columns.append(_any_flag(flags).alias("already_batched"))
        if patterns:
            gateway = clean_text(pl.col("tag")).str.contains(gateway_tag_regex(patterns))
            lf = lf.filter(~gateway.fill_null(False))
        return lf.select(columns)

    return litellm_daily_tag_spend


litellm_daily_tag_spend = litellm_daily_tag_spend_preset()


def langfuse_observations(lf: pl.LazyFrame, schema: pl.Schema) -> pl.LazyFrame:
    """Langfuse observations: the blob-storage export (snake_case) or the UI export (camelCase).

    Source of the column names: ``langfuse/langfuse-docs``
    ``content/docs/api-and-data-platform/features/blob-storage-export-fields.mdx`` (enriched
    ``observations_v2``: ``type``, ``start_time``, ``provided_model_name``, ``usage_details``,
    ``total_cost``, ``tags``) and ``langfuse/langfuse``
    ``packages/shared/src/server/repositories/observations_converters.ts`` (UI export: ``startTime``,
    ``model``, ``usageDetails``/``inputUsage``/``outputUsage``, ``totalCost``, ``traceTags``).

    Keeps ``type`` GENERATION and EMBEDDING rows. Langfuse's usage buckets are separate (its
    ingestion subtracts each ``*_tokens_details`` entry from ``input`` / ``output``:
    ``packages/shared/src/server/ingestion/types.ts``), so input_tokens = the sum of every
    input-side entry: keys starting with ``input``, plus the cache keys outside that rule
    (``cache_read_input_tokens``, ``cache_creation_input_tokens``, ``cached_modality_*``);
    output_tokens = the entries starting with ``output``. cached_input_tokens =
    ``input_cached_tokens`` + ``input_cache_read`` + ``cache_read_input_tokens`` +
    ``cached_modality_*``; cache_write_tokens = ``input_cache_creation`` + ``input_cache_write`` +
    ``cache_creation_input_tokens`` (sources in docs/presets.md §3). ``usage_details`` wins over
    ``inputUsage``/``outputUsage`` (Langfuse's sums of the ``input*``/``output*`` keys, which
    lose the other cache keys); those are used, with no cache split, only without usage
    details. No provider column exists: it is inferred from the model id. The legacy ``observations/`` export has no tags: use ``observations_v2`` or join
    ``traces.tags`` on ``trace_id`` first.
    """
    name = "langfuse-observations"
    lf, schema = _langfuse_v2_pages(lf, schema)
    _langfuse_check_fields(name, schema)
    model_name = _pick(name, schema, "provided_model_name", "providedModelName", "model")
    tags_name = _pick(
        name,
        schema,
        "tags",
        "traceTags",
        hint=" (the v2 observations API and the legacy observations/ export carry no trace "
        "tags: use the observations_v2 blob export or the UI export (traceTags), or join "
        "traces.tags on trace_id first)",
    )
    cost_name = _first(schema, "total_cost", "totalCost", "calculatedTotalCost")
    details = _first(schema, "cost_details", "costDetails")
    if cost_name is None and details is not None:
        # v2 API without the flat totalCost: costDetails.total (as text, parsed below)
        total = lookup(pl.col(details), schema[details], ["total"])
        if total is not None:
            cost_name = f"{RESERVED_PREFIX}total_cost"
            lf = lf.with_columns(total.alias(cost_name))
            schema = lf.collect_schema()
    if cost_name is None:
        cost_name = _pick(name, schema, "total_cost", "totalCost", "calculatedTotalCost")
    usage = _first(schema, "usage_details", "usageDetails")
    if usage is None and "inputUsage" in schema and "outputUsage" in schema:
        # Only the UI export's pre-summed counts: Langfuse sums the keys starting with
        # ``input`` / ``output``, so cache keys outside that rule are lost and no cache
        # split is known.
        input_tokens = _count(name, schema, "inputUsage")
        output_tokens = _count(name, schema, "outputUsage")
        cached = written = pl.lit(0, dtype=pl.Int64)
    else:
        usage = _pick(name, schema, "usage_details", "usageDetails", "inputUsage")
        input_tokens = _usage_sum(name, schema, usage, _LANGFUSE_INPUT)
        output_tokens = _usage_sum(name, schema, usage, _LANGFUSE_OUTPUT)
        cached = _usage_sum(name, schema, usage, _LANGFUSE_READ)
        written = _usage_sum(name, schema, usage, _LANGFUSE_WRITE)
    model = _model(schema, model_name)
    # "anthropic/claude-sonnet-4.6" (a routing id Langfuse records as given): the vendor
    # prefix names the provider, through the canonical table; otherwise from the model id.
    vendor = model.str.extract(r"^([^/]+)/", 1)
    provider = pl.coalesce(provider_alias(vendor), infer_provider(model))
    model = pl.when(vendor.is_not_null()).then(model.str.replace(r"^[^/]+/", "")).otherwise(model)
    # Langfuse writes no cost (null) or 0 for a model it has no price for: with tokens,
    # that is not a free call but a cost not recorded (priced from the catalog, or unknown).
    cost = _money(name, schema, cost_name)
    unpriced = (cost == 0) & ((input_tokens + output_tokens) > 0)
    cost = pl.when(unpriced.fill_null(False)).then(pl.lit(None, dtype=pl.Float64)).otherwise(cost)
    # Model, provider, tags and the tier flag are keys (`SPLIT_KEYS`: once per folded row
    # of the log fold); the usage counts and the cost are per request.
    columns = {
        "provider": provider,
        "model": model,
        "tags": _tag_list(name, schema, tags_name),
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cost_usd": cost,
        "cached_input_tokens": cached,
        "cache_write_tokens": written,
    }
    start = _first(schema, "start_time", "startTime")
    if start is not None:
        columns["timestamp"] = _timestamp(name, schema, start)
    flags = _service_tier_flags(schema)
    if flags:
        columns["already_batched"] = _any_flag(flags)
    if "type" in schema:
        kind = pl.col("type").cast(pl.String).str.strip_chars().str.to_uppercase()
        lf = lf.filter(kind.is_in(("GENERATION", "EMBEDDING")).fill_null(False))
    return split_preset(lf, columns)


def _langfuse_v2_pages(lf: pl.LazyFrame, schema: pl.Schema) -> tuple[pl.LazyFrame, pl.Schema]:
    """Pages of the v2 observations API (``{"data": [...], "meta": {"cursor": …}}``) as rows.

    ``GET /api/public/v2/observations`` returns the observations in ``data`` (camelCase, as
    the UI export); anything else is returned as it is.
    """
    data = schema.get("data")
    if "meta" in schema and isinstance(data, pl.List) and isinstance(data.inner, pl.Struct):
        rows = lf.select(pl.col("data")).explode("data").unnest("data")
        return rows, rows.collect_schema()
    return lf, schema


def _langfuse_check_fields(preset: str, schema: pl.Schema) -> None:
    """A clear error for exports without usage or cost: what to export instead."""
    usage = ("usage_details", "usageDetails", "inputUsage", "outputUsage", "usage")
    cost = ("total_cost", "totalCost", "calculatedTotalCost", "cost_details", "costDetails")
    if any(name in schema for name in usage) or any(name in schema for name in cost):
        return
    raise _fail(
        preset,
        schema,
        "the observations carry no usage and no cost: the v2 observations API returns them "
        "only when asked (GET /api/public/v2/observations?fields=core,basic,usage,model; its "
        "default core,basic omits them); from blob storage, export observations_v2 (the "
        "enriched table) rather than the legacy observations/ files",
    )


def helicone_preset(tag_property: str = "feature") -> Preset:
    """The Helicone preset, taking the tag from custom property ``tag_property``.

    ``Helicone-Property-Feature: nightly`` arrives as ``{"feature": "nightly"}`` in
    ``request_properties``; the request's tags are ``[value]`` when the property is present and
    non-blank, else ``[]``. The key is matched as given, then lower-cased (header names reach
    Helicone lower-cased).

    Examples:
        >>> import polars as pl
        >>> lf = pl.LazyFrame(
        ...     {"model": ["gpt-5.5"], "prompt_tokens": [10], "completion_tokens": [2],
        ...      "cost": [0.1], "request_properties": ['{"team": "etl"}']}
        ... )
        >>> helicone_preset("team")(lf, lf.collect_schema()).collect()["tags"].to_list()
        [['etl']]
    """
    if not isinstance(tag_property, str) or not tag_property.strip():
        raise ValueError(f"tag_property must be a non-empty string, not {tag_property!r}")
    keys = list(dict.fromkeys([tag_property, tag_property.lower()]))

    def helicone(lf: pl.LazyFrame, schema: pl.Schema) -> pl.LazyFrame:
        """Helicone request exports (``@helicone/export`` CSV/JSON, REST ``HeliconeRequest``).

        Source of the column names: ``Helicone/helicone`` ``examples/export/typescript/README.md``
        (CSV header ``response_id, response_created_at, response_status, request_created_at,
        request_body, request_properties, request_user_id, model, prompt_tokens,
        completion_tokens, latency, cost``) and the REST ``HeliconeRequest`` schema
        (``provider``, ``request_model``, ``response_model``),
        https://docs.helicone.ai/rest/request/post-v1requestquery-clickhouse.

        ``model`` (else ``response_model``, else ``request_model``), ``prompt_tokens`` /
        ``completion_tokens`` -> tokens, ``cost`` (older exports: ``cost_usd``) -> cost_usd,
        ``request_created_at`` -> timestamp, ``provider`` (JSON export only; the CSV has none,
        so the provider is inferred from the model) -> provider, one property of
        ``request_properties`` -> tags. Non-2xx rows are kept.

        Prompt cache (``HeliconeRequest``): ``prompt_cache_read_tokens`` -> cached_input_tokens,
        ``prompt_cache_write_tokens`` -> cache_write_tokens (absent, e.g. in the CSV: 0).
        Helicone's ``prompt_tokens`` are the uncached tokens only (``packages/cost/index.ts``
        ``costOfPrompt`` prices ``promptTokens`` as "fresh, uncached" and the two cache counts
        on top), so input_tokens = ``prompt_tokens`` + reads + writes. Reasoning tokens are
        part of ``completion_tokens`` (``costOfPrompt`` takes no separate reasoning count, and
        ``HeliconeRequest`` has none), so nothing is added to the output.

        ``request_properties`` may be an object (JSON/JSONL exports, a Struct or Map) or JSON
        text (CSV), including the CSV export's doubly escaped text ``{""feature"":""nightly""}``
        (`undouble_quotes`). cache_hit: ``cache_reference_id`` names another request than
        the nil UUID (Helicone served a cached response; ``valhalla/jawn/src/lib/stores/
        request/request.ts`` selects it, ``DEFAULT_UUID`` when not cached). A ``cost`` of 0
        on a request with tokens that is not a cache hit is null: Helicone writes 0 for a
        model it cannot price (``packages/cost/index.ts``, ``caseForCost``). The CSV export
        has neither the cache counts nor ``cache_reference_id``: prefer JSONL or JSON.
        """
        name = "helicone"
        _pick(name, schema, "model", "response_model", "request_model")
        for column in ("prompt_tokens", "completion_tokens"):
            _pick(name, schema, column)
        cost_name = _pick(name, schema, "cost", "cost_usd", "costUSD")
        props_name = _pick(name, schema, "request_properties", "properties")
        props_dtype = schema[props_name]
        props = pl.col(props_name)
        if props_dtype == pl.String:
            # The CSV export doubles the quotes of object columns twice (index.ts
            # convertToCSVRow): {""feature"":""nightly""} after CSV decoding.
            props = undouble_quotes(props)
        elif props_dtype != pl.Null and not isinstance(props_dtype, (pl.Struct, pl.Map, pl.List)):
            raise _fail(name, schema, f"column {props_name!r} holds {props_dtype}, not an object")
        values = [lookup(props, props_dtype, [key]) for key in keys]
        present = [v for v in values if v is not None]
        staged: dict[str, pl.Expr] = {}
        if not present:
            tags = _NO_TAGS
        else:
            # The properties object is per request (ids, users …): only the tag read out of
            # it is kept, once per row, and the tag list is a key of the fold.
            staged[_STAGED_TAG] = present[0] if len(present) == 1 else pl.coalesce(present)
            tags = single_tag(pl.col(_STAGED_TAG))
        model = _model(schema, "model", "response_model", "request_model")
        raw_provider = _first(schema, "provider")
        zero = pl.lit(0, dtype=pl.Int64)
        cached, written = (
            _count(name, schema, column) if column in schema else zero
            for column in ("prompt_cache_read_tokens", "prompt_cache_write_tokens")
        )
        # Helicone's prompt_tokens are the uncached ones only (packages/cost/index.ts,
        # costOfPrompt): the total input adds the cache reads and writes back.
        input_tokens = _count(name, schema, "prompt_tokens") + cached + written
        output_tokens = _count(name, schema, "completion_tokens")
        hit = pl.lit(False)
        if "cache_reference_id" in schema:
            # A response served from Helicone's cache points at the request it was cached
            # from; other rows hold the nil UUID (DEFAULT_UUID in request.ts) or nothing.
            reference = clean_text(pl.col("cache_reference_id").cast(pl.String))
            staged[_STAGED_HIT] = (reference.is_not_null() & (reference != _NIL_UUID)).fill_null(
                False
            )
            hit = pl.col(_STAGED_HIT)
        # Helicone's cost of a model it cannot price is 0 (ClickHouse `caseForCost`,
        # ``ELSE toInt64(0)``): 0 for a request with tokens that was not a cache hit is
        # "no cost known", not a free request.
        cost = _money(name, schema, cost_name)
        unpriced = (cost == 0) & (input_tokens + output_tokens > 0) & ~hit
        cost = pl.when(unpriced.fill_null(False)).then(None).otherwise(cost)
        columns = {
            "provider": _provider(schema, raw_provider, model),
            "model": model,
            "tags": tags,
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cost_usd": cost,
            "cached_input_tokens": cached,
            "cache_write_tokens": written,
        }
        if "request_created_at" in schema:
            columns["timestamp"] = _timestamp(name, schema, "request_created_at")
        flags = _service_tier_flags(schema)
        if flags:
            columns["already_batched"] = _any_flag(flags)
        if "cache_reference_id" in schema:
            columns["cache_hit"] = hit
        lf = lf.with_columns(value.alias(key) for key, value in staged.items())
        return split_preset(lf, columns)

    return helicone


_NIL_UUID = "00000000-0000-0000-0000-000000000000"
_STAGED_TAG = f"{RESERVED_PREFIX}tag"
_STAGED_HIT = f"{RESERVED_PREFIX}cache_hit"


#: Preset name -> preset function (``scan_request_logs(..., preset=name)``).
PRESETS: dict[str, Preset] = {
    "litellm-spendlogs": litellm_spendlogs,
    "litellm-daily-tag-spend": litellm_daily_tag_spend,
    "langfuse-observations": langfuse_observations,
    "helicone": helicone_preset(),
    "openai-usage": openai_usage_preset(),
    "anthropic-usage": anthropic_usage_preset(),
}

#: Preset name -> the public source of its column names.
PRESET_SOURCES: dict[str, str] = {
    "litellm-spendlogs": (
        "BerriAI/litellm schema.prisma (model LiteLLM_SpendLogs); "
        "https://docs.litellm.ai/docs/proxy/cost_tracking"
    ),
    "litellm-daily-tag-spend": "BerriAI/litellm schema.prisma (model LiteLLM_DailyTagSpend)",
    "langfuse-observations": (
        "https://langfuse.com/docs/api-and-data-platform/features/blob-storage-export-fields "
        "(langfuse/langfuse-docs blob-storage-export-fields.mdx)"
    ),
    "helicone": (
        "Helicone/helicone examples/export/typescript/README.md (@helicone/export CSV columns); "
        "https://docs.helicone.ai/rest/request/post-v1requestquery-clickhouse"
    ),
    "openai-usage": (
        "openai/openai-python src/openai/types/admin/organization/usage_completions_response.py "
        "(GET /v1/organization/usage/completions)"
    ),
    "anthropic-usage": (
        "https://platform.claude.com/docs/en/api/admin/usage_report/retrieve_messages "
        "(GET /v1/organizations/usage_report/messages)"
    ),
}
