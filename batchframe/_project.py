"""The projection as one lazy Polars query: keep candidates -> fold segments -> classify ->
fold per tag -> finalize.

Data flows one way. Only two things touch every input row: the total spend (one float
sum) and an exact-match filter that keeps the rows whose tag can be eligible. That filter
is a single hash lookup per row against every spelling of the eligible words (``bulk``,
``Bulk``, ``BULK`` …), so no tag is lower-cased and no distinct-tag pass is needed. The
surviving rows are folded per ``(provider, model, tag)``; lower-casing, the catalog join
and the rules then run on that small frame.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import overload

import polars as pl

from batchframe._catalog import PricingCatalog, resolve_catalog, resolve_expr
from batchframe._errors import AggregateError
from batchframe._exprs import checked_narrow, exact_sum, provider_key, when_chain
from batchframe._findings import FINDINGS_SCHEMA, with_summary
from batchframe._input import (
    AggregatesLike,
    EagerAggregatesLike,
    check_kept,
    summed_columns,
    validated,
)
from batchframe._rules import (
    CACHE_COLUMNS,
    CACHE_HIT,
    CONTEXTS,
    COST_UNKNOWN,
    DEFAULT_BATCH_ELIGIBLE_TAGS,
    EXCLUDING_FLAGS,
    LONG_CONTEXT,
    RATE_KINDS,
    RESERVED_PREFIX,
    STATUS_CATEGORIES,
    STATUS_PRECEDENCE,
    TagsLike,
    check_by,
    check_tier,
    eligible_tag_set,
    rate_key,
    spellings,
)

__all__ = [
    "DEFAULT_BATCH_ELIGIBLE_TAGS",
    "SEGMENT_STATUS",
    "classify_segments",
    "merge_partials",
    "partial_from_segments",
    "partial_projection",
    "project_batch_savings",
    "project_batch_savings_with_tags",
]

#: Why a segment is or is not projected (`batchframe._rules.STATUS_PRECEDENCE` is the order
#: the rules are applied in).
SEGMENT_STATUS = pl.Enum(list(STATUS_CATEGORIES))


def _tmp(name: str) -> str:
    """A temporary column name (inputs may not use the reserved prefix)."""
    return f"{RESERVED_PREFIX}{name}"


_TOTAL = _tmp("total_spend_usd")
_ROW = _tmp("row")
_PROVIDER_KEY = _tmp("provider_key")
_EFFECTIVE = _tmp("rates_effective_at")
_INSTANT = _tmp("price_instant")
_ASOF = _tmp("asof_key")
_SEGMENT = _tmp("segment")
#: Fold key: the segment's rows write to the prompt cache.
WRITES = _tmp("writes_cache")


def keep_candidates(aggregates: pl.LazyFrame, eligible: list[str]) -> pl.LazyFrame:
    """Drop rows whose tag cannot be eligible, by exact match on every spelling.

    A pure optimisation: `classify` applies the rule itself to what is kept.
    """
    candidates = spellings(tuple(eligible))
    if candidates is None:
        return aggregates
    # Categorical and Enum tags are matched on their categories, without a cast.
    return aggregates.filter(pl.col("tag").is_in(pl.Series(candidates, dtype=pl.String).implode()))


def not_batched(aggregates: pl.LazyFrame) -> pl.LazyFrame:
    """Drop segments that are never projected: already batched, gateway cache hits, cost unknown.

    A pure optimisation as well: `status_expr` gives those segments their own statuses.
    """
    present = [name for name in EXCLUDING_FLAGS if name in aggregates.collect_schema()]
    if not present:
        return aggregates
    excluded = functools.reduce(operator.or_, (pl.col(name) for name in present))
    return aggregates.filter(~excluded).drop(present)


def total_spend(aggregates: pl.LazyFrame, reductions: Iterable[pl.Expr] = ()) -> pl.LazyFrame:
    """One row: Σ cost_usd over every input row, eligible or not (plus owed input checks)."""
    return aggregates.select(pl.col("cost_usd").sum().alias("total_spend_usd"), *reductions)


def fold_segments(aggregates: pl.LazyFrame, keys: Sequence[str] = ()) -> pl.LazyFrame:
    """Sum the counters per ``(provider, model, tag)``, ``long_context`` and further `keys`.

    Short and long prompts are billed at different rates, so they never share a segment.
    """
    schema = aggregates.collect_schema()
    context = [LONG_CONTEXT] if LONG_CONTEXT in schema else []
    extra = [k for k in dict.fromkeys((*context, *keys)) if k not in ("provider", "model", "tag")]
    # A row that writes to the cache can need a rate the others do not: keep them apart,
    # so that the status stays a property of each input row.
    writes = [pl.col("cache_write_tokens") > 0] if "cache_write_tokens" in schema else []
    groups: list[str | pl.Expr] = [*extra, *(w.alias(WRITES) for w in writes)]
    return aggregates.group_by("provider", "model", "tag", *groups).agg(folded_sums(schema))


def folded_sums(schema: pl.Schema) -> list[pl.Expr]:
    """The counters' sums of a fold: exact (`exact_sum`) for the counts, Float64 for cost."""
    return [
        pl.col(name).sum() if name == "cost_usd" else exact_sum(name, schema[name])
        for name in summed_columns(schema.names())
    ]


_EARLIEST = datetime(1, 1, 1, tzinfo=timezone.utc)
_LATEST = datetime(9999, 12, 31, tzinfo=timezone.utc)


def _rate_column(frame: pl.DataFrame, key: str) -> pl.Expr:
    """A rate column of the catalog frame, or nulls where the catalog has no such key."""
    return pl.col(key) if key in frame.columns else pl.lit(None, dtype=pl.Float64)


def _rate(context: str, kind: str) -> str:
    return _tmp(f"rate_{context}_{kind}")


_RATES = [_rate(context, kind) for context in CONTEXTS for kind in RATE_KINDS]
#: The token column each cache rate prices.
_CACHE_KIND = {"cached_input": "cached_input_tokens", "cache_write": "cache_write_tokens"}
_THRESHOLD = _tmp("long_context_threshold")
_CATALOG_MODEL = _tmp("catalog_model")


def _entries(
    catalog: PricingCatalog,
    tier: str,
    contexts: Sequence[str] = CONTEXTS,
    kinds: Sequence[str] = RATE_KINDS,
) -> pl.LazyFrame:
    """The catalog's entries with the tier's rates (both contexts), keyed for one as-of join.

    Each pair's earliest entry is present twice: at its instant and at the beginning of
    time, so that an instant before a pair's history is priced at its earliest entry.
    """
    frame = catalog.frame
    threshold = "long_context_threshold_tokens"
    entries = frame.lazy().select(
        pl.col("provider").alias(_PROVIDER_KEY),
        pl.col("model").alias(_CATALOG_MODEL),
        pl.col("effective_at").alias(_EFFECTIVE),
        *(
            _rate_column(frame, rate_key(tier, context, kind)).alias(_rate(context, kind))
            for context in contexts
            for kind in kinds
        ),
        (pl.col(threshold) if threshold in frame.columns else pl.lit(None, pl.Int64)).alias(
            _THRESHOLD
        ),
    )
    earliest = (
        entries.sort(_EFFECTIVE)
        .group_by(_PROVIDER_KEY, _CATALOG_MODEL, maintain_order=True)
        .first()
        .with_columns(pl.lit(_EARLIEST, dtype=pl.Datetime("us", "UTC")).alias(_ASOF))
    )
    keyed = entries.with_columns(pl.col(_EFFECTIVE).alias(_ASOF))
    return pl.concat([earliest, keyed], how="vertical").sort(_ASOF)


def resolve_models(pairs: pl.LazyFrame, catalog: PricingCatalog) -> pl.LazyFrame:
    """`pairs` (with the provider key and model) plus the catalog model id each resolves to.

    The rule is `PricingCatalog.resolve`'s (docs/semantics.md §2), as the one vectorised
    definition `batchframe._catalog.resolve_expr`.
    """
    resolved = resolve_expr(catalog, pl.col(_PROVIDER_KEY), pl.col("model"))
    return pairs.with_columns(resolved.alias(_CATALOG_MODEL))


def attach_rates(
    segments: pl.LazyFrame,
    catalog: PricingCatalog,
    tier: str = "batch",
    price_at: str | None = None,
) -> pl.LazyFrame:
    """Join each segment to the catalog entry that prices it, at the chosen tier.

    The model resolves to a catalog model (`resolve_models`, on the distinct pairs), then
    one backward as-of join per ``(provider, catalog model)`` picks the entry: without
    `price_at` each pair's latest entry; with it, the entry in effect at that instant
    (`PricingCatalog.at` semantics: the last entry with ``effective_at <= t``, the earliest
    when `t` predates them all, the latest when `t` is null). Providers match trimmed and
    lower-cased. Adds reserved columns: the entry's instant (null: not in the catalog), the
    catalog model id, its long-context threshold and the tier's rates of both contexts.
    """
    schema = segments.collect_schema()
    keyed = segments.with_columns(
        pl.col("provider", "model", "tag").cast(pl.String),
        provider_key(pl.col("provider")).alias(_PROVIDER_KEY),
    )
    # Resolved in the row itself: a join of the distinct pairs back onto `keyed` would make
    # the plan read its input twice (once for the pairs, once for the join).
    keyed = resolve_models(keyed, catalog)
    latest = pl.lit(_LATEST, dtype=pl.Datetime("us", "UTC"))
    if price_at is None:
        # A constant instant: the left side is sorted as it stands, and keeps its order.
        return keyed.with_columns(latest.alias(_INSTANT)).pipe(_join_entries, catalog, tier)
    instant = _as_utc(price_at, schema[price_at]).fill_null(latest).alias(_INSTANT)
    return (
        keyed.with_row_index(_SEGMENT)
        .with_columns(instant)
        .sort(_INSTANT)
        .pipe(_join_entries, catalog, tier)
        .sort(_SEGMENT)
        .drop(_SEGMENT)
    )


def _join_entries(keyed: pl.LazyFrame, catalog: PricingCatalog, tier: str) -> pl.LazyFrame:
    # Only the rates the segments can use: long-context ones with a long_context column,
    # cache ones with cache columns (a smaller plan is cheaper to optimise and run).
    schema = keyed.collect_schema()
    contexts = CONTEXTS if LONG_CONTEXT in schema else ("short",)
    kinds = [kind for kind in RATE_KINDS if kind in ("input", "output")]
    kinds += [kind for kind, column in _CACHE_KIND.items() if column in schema]
    return keyed.join_asof(
        _entries(catalog, tier, contexts, kinds),
        left_on=_INSTANT,
        right_on=_ASOF,
        by=[_PROVIDER_KEY, _CATALOG_MODEL],
        strategy="backward",
        check_sortedness=False,
    ).drop(_PROVIDER_KEY, _INSTANT, _ASOF)


def check_price_at(schema: pl.Schema, price_at: str | None) -> None:
    """`AggregateError` unless `price_at` is None or names a date or datetime column."""
    if price_at is None:
        return
    if not isinstance(price_at, str):
        raise TypeError(f"price_at= takes a column name, got {price_at!r}")
    check_kept(schema.names(), [price_at])
    _as_utc(price_at, schema[price_at])


def _as_utc(name: str, dtype: pl.DataType) -> pl.Expr:
    """A date or datetime column as UTC microseconds (naive values are taken as UTC)."""
    column = pl.col(name)
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        return column.dt.convert_time_zone("UTC").cast(pl.Datetime("us", "UTC"))
    if isinstance(dtype, (pl.Datetime, pl.Date)):
        return column.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    raise AggregateError(
        f"price_at={name!r}: expected a date or datetime column, got dtype {dtype}"
    )


def _is_long(schema: pl.Schema) -> pl.Expr:
    """Whether a segment is billed at long-context rates: flagged, and its entry has a threshold."""
    if LONG_CONTEXT not in schema:
        return pl.lit(False)
    return pl.col(LONG_CONTEXT).fill_null(False) & pl.col(_THRESHOLD).is_not_null()


def _chosen(schema: pl.Schema, kind: str) -> pl.Expr:
    """The tier's `kind` rate for the segment's context."""
    short = pl.col(_rate("short", kind))
    if LONG_CONTEXT not in schema:
        return short
    return pl.when(_is_long(schema)).then(pl.col(_rate("long", kind))).otherwise(short)


def _tokens(schema: pl.Schema, name: str) -> pl.Expr:
    return pl.col(name).cast(pl.Float64) if name in schema else pl.lit(0.0)


def unpriceable_expr(schema: pl.Schema) -> pl.Expr:
    """Whether the attached tier rates cannot price a segment faithfully (`projected_cost_expr`).

    No input or output rate for the segment's context, or cache writes without the
    tier's cache-write rate. (A segment whose model is not in the catalog has no rates.)
    """
    unpriceable = _chosen(schema, "input").is_null() | _chosen(schema, "output").is_null()
    if "cache_write_tokens" in schema:
        writes = _tokens(schema, "cache_write_tokens") > 0
        unpriceable = unpriceable | (writes & _chosen(schema, "cache_write").is_null())
    return unpriceable


def _flag(schema: pl.Schema, name: str) -> pl.Expr:
    """An optional Boolean column, false where absent or null."""
    return pl.col(name).fill_null(False) if name in schema else pl.lit(False)


def status_expr(schema: pl.Schema, eligible: list[str]) -> pl.Expr:
    """The segment status: the first of `STATUS_PRECEDENCE` whose condition holds.

    ``no_batch_tier`` also covers what cannot be priced faithfully: cache writes without
    the tier's cache-write rate, a long-context segment without long-context rates.
    """
    conditions = {
        "already_batched": _flag(schema, "already_batched"),
        "cache_hit": _flag(schema, CACHE_HIT),
        "unknown_cost": _flag(schema, COST_UNKNOWN),
        "untagged": pl.col("tag").is_null(),
        "not_eligible": ~pl.col("tag").cast(pl.String).str.to_lowercase().is_in(eligible),
        "unknown_model": pl.col(_EFFECTIVE).is_null(),
        "no_batch_tier": unpriceable_expr(schema),
    }
    *ruled, last = STATUS_PRECEDENCE
    cases = [(conditions[status], pl.lit(status)) for status in ruled]
    return when_chain(cases, pl.lit(last)).cast(SEGMENT_STATUS)


def projected_cost_expr(schema: pl.Schema) -> pl.Expr:
    """The projected cost of a segment at the attached tier rates (docs/semantics.md §3).

    ``uncached × input + cached × cached_input + written × cache_write + output × output``,
    per 1M tokens, at the rates of the segment's context; cached tokens without a cached
    rate are priced at the input rate (no discount assumed). Without cache columns this
    is ``input × input + output × output``, written so, term for term.
    """
    rate_in = _chosen(schema, "input")
    uncached = pl.col("input_tokens").cast(pl.Float64)
    for name in CACHE_COLUMNS:
        if name in schema:
            uncached = uncached - _tokens(schema, name)
    terms = [
        _per_million(uncached * rate_in),
        _per_million(pl.col("output_tokens").cast(pl.Float64) * _chosen(schema, "output")),
    ]
    if "cached_input_tokens" in schema:
        cached_rate = pl.coalesce(_chosen(schema, "cached_input"), rate_in)
        terms.append(_per_million(_tokens(schema, "cached_input_tokens") * cached_rate))
    if "cache_write_tokens" in schema:
        write_rate = _chosen(schema, "cache_write").fill_null(0.0)  # no writes, or excluded
        terms.append(_per_million(_tokens(schema, "cache_write_tokens") * write_rate))
    return functools.reduce(operator.add, terms)


def catalog_cost(
    segments: pl.LazyFrame,
    catalog: PricingCatalog,
    tier: str,
    price_at: str | None = None,
) -> pl.LazyFrame:
    """`segments` with ``cost_usd`` priced from the catalog at `tier`'s rates, and `COST_UNKNOWN`.

    The formula is the projection's (`projected_cost_expr`: cache- and long-context-aware),
    at any tier of the catalog (``standard``, ``batch``, ``flex``, ``priority``): used to
    price traffic the export recorded no cost for, at the tier it ran on. A segment the
    catalog cannot price (unknown model, no rate of the tier for its context or its cache
    writes) gets ``cost_usd = 0`` and ``cost_unknown = true``: never a guessed number.
    """
    keyed = attach_rates(segments, catalog, tier, price_at)
    schema = keyed.collect_schema()
    unknown = pl.col(_EFFECTIVE).is_null() | unpriceable_expr(schema)
    return keyed.with_columns(
        pl.when(unknown).then(0.0).otherwise(projected_cost_expr(schema)).alias("cost_usd"),
        unknown.alias(COST_UNKNOWN),
    ).drop(*_RATES, _THRESHOLD, _EFFECTIVE, _CATALOG_MODEL, strict=False)


def _per_million(value: pl.Expr) -> pl.Expr:
    """`value` / 1e6 as a true division under every engine and plan.

    Polars may rewrite a division by a constant as a multiplication by its reciprocal,
    an ulp away, in some plans and not others (eager and lazy inputs then differ in the
    last bit). Dividing by a per-row column (``0.0 * value + 1e6``, which the optimiser
    cannot fold) keeps it a division everywhere, as `finalize` does for the shares.
    """
    return value / (0.0 * value + 1e6)


#: Why a segment's pricing needed an assumption or was impossible (null: neither).
PRICING_NOTES = {
    "cached_at_input_rate": "cached tokens priced at the tier's input rate (no cached rate)",
    "no_cache_write_rate": "cache writes, and the tier has no cache-write rate",
    "no_long_context_rate": "long prompts, and the tier has no long-context rates",
}


def pricing_note_expr(schema: pl.Schema) -> pl.Expr:
    """The `PRICING_NOTES` key that applies to a classified segment, or null."""
    projected = pl.col("status") == "projected"
    excluded = pl.col("status") == "no_batch_tier"
    long = _is_long(schema)
    cases = [
        (
            excluded
            & long
            & (_chosen(schema, "input").is_null() | _chosen(schema, "output").is_null()),
            pl.lit("no_long_context_rate"),
        )
    ]
    if "cache_write_tokens" in schema:
        no_write_rate = _chosen(schema, "cache_write").is_null()
        writes = _tokens(schema, "cache_write_tokens") > 0
        cases.append((excluded & writes & no_write_rate, pl.lit("no_cache_write_rate")))
    if "cached_input_tokens" in schema:
        no_cached_rate = _chosen(schema, "cached_input").is_null()
        cached = _tokens(schema, "cached_input_tokens") > 0
        cases.append((projected & cached & no_cached_rate, pl.lit("cached_at_input_rate")))
    return when_chain(cases, pl.lit(None, dtype=pl.String))


def classify(keyed: pl.LazyFrame, eligible: list[str], *, notes: bool = False) -> pl.LazyFrame:
    """Add ``status`` and ``projected_batch_cost_usd`` (null unless projected) to each segment.

    `keyed` carries the rates of `attach_rates`; the rules are those of docs/semantics.md
    §3: `status_expr` and `projected_cost_expr`. With `notes`, also ``pricing_note``.
    """
    schema = keyed.collect_schema()
    classified = keyed.with_columns(status_expr(schema, eligible).alias("status")).with_columns(
        pl.when(pl.col("status") == "projected")
        .then(projected_cost_expr(schema))
        .otherwise(None)
        .alias("projected_batch_cost_usd")
    )
    if notes:
        classified = classified.with_columns(pricing_note_expr(schema).alias("pricing_note"))
    return classified.drop(*_RATES, _THRESHOLD, strict=False)


def ordered_sum(name: str) -> pl.Expr:
    """Σ of a group's non-null values, added one by one in ascending order (null if none).

    Float addition is not associative: summed in whatever order an engine produced them,
    the same values can differ in the last bit between engines and runs. Sorting first
    makes the sum a function of the values alone. (A plain ``sort().sum()`` would not do:
    Polars 2.1 drops a sort that feeds a sum, but it must keep one that feeds a
    cumulative sum.) For the few values per group of the folds, the cost is negligible.

    Examples:
        >>> import polars as pl
        >>> df = pl.DataFrame({"g": [1, 1, 1], "x": [1e16, -1e16, 1.0]})
        >>> df.group_by("g").agg(ordered_sum("x"))["x"].to_list()  # -1e16, 1.0, 1e16
        [0.0]
        >>> df.reverse().group_by("g").agg(ordered_sum("x"))["x"].to_list()
        [0.0]
    """
    return pl.col(name).drop_nulls().sort().cum_sum().last()


def fold_findings(classified: pl.LazyFrame, by: Sequence[str] = ()) -> pl.LazyFrame:
    """Per tag (and `by` keys): eligible spend, projected cost and requests of projected segments.

    With the model among the keys, ``rates_effective_at`` lists the catalog entries that
    priced it. Each group's few segment values are added in sorted order (`ordered_sum`),
    so the result does not depend on the order the first fold produced them in.
    """
    provenance = (
        [pl.col(_EFFECTIVE).unique().sort().alias("rates_effective_at")] if "model" in by else []
    )
    return (
        classified.filter(pl.col("status") == "projected")
        .group_by("tag", *by)
        .agg(
            ordered_sum("cost_usd").alias("eligible_spend_usd"),
            ordered_sum("projected_batch_cost_usd"),
            exact_sum("request_count", classified.collect_schema()["request_count"]),
            *provenance,
        )
        # A negative sum becomes null: a lazy input's owed checks settle after this, and
        # must be the ones to report a negative count.
        .with_columns(checked_narrow("request_count", pl.UInt64()))
    )


def finalize(folded: pl.LazyFrame, by: Sequence[str] = ()) -> pl.LazyFrame:
    """Savings floor, shares, discount, summary and order: the findings of docs/semantics.md §3."""
    eligible = pl.col("eligible_spend_usd")
    savings = pl.col("projected_savings_usd")
    total_usd = pl.col(_TOTAL)
    # Polars divides by a constant column through its reciprocal (x * (1/t)), an ulp away
    # from x / t. Adding 0.0 * eligible makes the divisor a real per-row column under
    # every engine, so shares are true divisions (the optimiser cannot fold x * 0.0).
    per_row_total = total_usd.fill_null(strategy="forward") + 0.0 * eligible
    return (
        folded.with_columns(per_row_total)
        .filter(pl.col(_ROW) & (eligible > 0))
        .with_columns(
            pl.max_horizontal(eligible - pl.col("projected_batch_cost_usd"), 0.0).alias(
                "projected_savings_usd"
            ),
            pl.when(total_usd > 0)
            .then(eligible / total_usd * 100.0)
            .otherwise(0.0)
            .alias("share_of_spend_pct"),
            pl.col("request_count").cast(pl.UInt64),
        )
        .with_columns(
            pl.when(eligible > 0)
            .then(savings / eligible * 100.0)
            .otherwise(0.0)
            .alias("discount_pct")
        )
        .sort(
            ["projected_savings_usd", "tag", *by],
            descending=[True, False, *(False for _ in by)],
            nulls_last=True,
        )
        .pipe(with_summary)
        .select(findings_columns(folded.collect_schema(), by))
    )


def findings_columns(schema: pl.Schema, by: Sequence[str] = ()) -> list[pl.Expr]:
    """The findings columns of docs/semantics.md §3, `by` keys after ``tag``, provenance last."""
    columns = [pl.col(name).cast(dtype) for name, dtype in FINDINGS_SCHEMA.items()]
    keys = [pl.col(key) for key in by]
    tail = [pl.col("rates_effective_at")] if "rates_effective_at" in schema else []
    return [columns[0], *keys, *columns[1:], *tail]


#: The known columns of a partial frame; any others are breakdown keys.
PARTIAL_COLUMNS = (
    "tag",
    "eligible_spend_usd",
    "projected_batch_cost_usd",
    "request_count",
    "total_spend_usd",
    "tier",
    "rates_effective_at",
)


def partial_from_segments(
    segments: pl.LazyFrame,
    total: pl.LazyFrame,
    catalog: PricingCatalog,
    *,
    eligible: list[str],
    tier: str,
    price_at: str | None,
    keys: Sequence[str],
    enforce: Callable[[pl.LazyFrame], pl.LazyFrame] | None = None,
) -> pl.LazyFrame:
    """The partial frame of folded candidate `segments` and a one-row `total` frame.

    Every engine ends here: Polars folds its own input, Spark folds inside Spark and
    hands over the collected segments, and the rules (eligibility, rates, status, cost)
    run on those few rows. `total` has ``total_spend_usd`` (plus any reductions that
    `enforce` settles at collect time).
    """
    classified = classify(attach_rates(segments, catalog, tier, price_at), eligible)
    # Zip the two branches (they then stream one scan together; a union would run them one
    # after the other and buffer the scan), check, then lay the small result out as the
    # partial format: the total row first, then the tag rows.
    folded = fold_findings(classified, keys).with_columns(pl.lit(True).alias(_ROW))
    joined = pl.concat([folded, total], how="horizontal_extend")
    if enforce is not None:
        joined = enforce(joined)
    total_row = joined.head(1).select("total_spend_usd")
    tag_rows = joined.filter(pl.col(_ROW)).drop(_ROW, "total_spend_usd")
    partial = pl.concat([total_row, tag_rows], how="diagonal").with_columns(
        pl.lit(tier).alias("tier")
    )
    order = ["tag", *keys, "eligible_spend_usd", "projected_batch_cost_usd", "request_count"]
    order += ["total_spend_usd", "tier", *(["rates_effective_at"] if "model" in keys else [])]
    return partial.select(order)


@overload
def partial_projection(
    chunk: pl.LazyFrame,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    tier: str = "batch",
    price_at: str | None = None,
    by: Sequence[str] | str | None = None,
) -> pl.LazyFrame: ...
@overload
def partial_projection(
    chunk: EagerAggregatesLike,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    tier: str = "batch",
    price_at: str | None = None,
    by: Sequence[str] | str | None = None,
) -> pl.DataFrame: ...
def partial_projection(
    chunk: AggregatesLike,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    tier: str = "batch",
    price_at: str | None = None,
    by: Sequence[str] | str | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """The per-chunk half of the projection: a small frame that `merge_partials` finishes.

    One row per tag (and `by` keys) with the chunk's eligible spend, projected cost and
    requests, after a first row whose tag is null and whose ``total_spend_usd`` is the
    chunk's total spend; a ``tier`` column on every row (and ``rates_effective_at`` with
    the model among the keys). Partials add up: merging the partials of any split of the
    aggregates gives the projection of the whole, up to float rounding. Options as in
    `project_batch_savings`, which is exactly ``merge_partials([partial_projection(…)])``.

    Examples:
        >>> import batchframe as bf
        >>> rows = [
        ...     bf.RequestAggregate("openai", "gpt-5.5", "nightly", 1_000_000, 1_000_000, 35.0, 10),
        ...     bf.RequestAggregate("openai", "gpt-5.5", None, 1_000_000, 1_000_000, 35.0, 10),
        ... ]
        >>> parts = [bf.partial_projection(rows[:1]), bf.partial_projection(rows[1:])]
        >>> parts[0].select("tag", "eligible_spend_usd", "total_spend_usd").rows()
        [(None, None, 35.0), ('nightly', 35.0, None)]
        >>> bf.merge_partials(parts).equals(bf.project_batch_savings(rows))
        True
    """
    keys = check_by(by)
    tier = check_tier(tier)
    instants = [price_at] if price_at else []
    checked = validated(chunk, keep=(*keys, *instants))
    check_price_at(checked.frame.collect_schema(), price_at)
    tags = eligible_tag_set(eligible_tags)
    cat = resolve_catalog(catalog)
    candidates = keep_candidates(not_batched(checked.frame), tags)
    segments = fold_segments(candidates, (*keys, *instants))
    # The total and any owed input checks are reductions over the same single pass.
    total = total_spend(checked.frame, checked.reductions)
    partial = partial_from_segments(
        segments,
        total,
        cat,
        eligible=tags,
        tier=tier,
        price_at=price_at,
        keys=keys,
        enforce=checked.enforce,
    )
    return partial if checked.lazy else partial.collect()


_TIERS_SEEN = _tmp("tiers")


def _tiers_checked(pair: pl.Series) -> pl.Series:
    """The ``tier`` column, or `AggregateError` if the partials' tiers (joined text) are several."""
    tiers = pair.struct.field("seen")
    several = tiers.str.contains(",", literal=True)
    if several.any():
        raise AggregateError(
            f"merge_partials: the partials were projected at different tiers "
            f"({tiers.filter(several)[0]}); merge the partials of one tier at a time"
        )
    return pair.struct.field("tier")


@overload
def merge_partials(partials: Iterable[pl.DataFrame]) -> pl.DataFrame: ...
@overload
def merge_partials(partials: Iterable[pl.LazyFrame]) -> pl.LazyFrame: ...
@overload
def merge_partials(
    partials: Iterable[pl.DataFrame | pl.LazyFrame],
) -> pl.DataFrame | pl.LazyFrame: ...


def merge_partials(
    partials: Iterable[pl.DataFrame | pl.LazyFrame],
) -> pl.DataFrame | pl.LazyFrame:
    """Finish partial frames (from `partial_projection`, on any engine) into findings.

    Sums the partials per tag and keys, adds the chunks' total spend, then applies the
    savings floor, shares, discount, summary and order of docs/semantics.md §3. Lazy if
    any partial is.

    Examples:
        >>> import batchframe as bf
        >>> seg = bf.RequestAggregate("openai", "gpt-5.4", "bulk", 2_000_000, 0, 5.0, 4)
        >>> bf.merge_partials([bf.partial_projection([seg])])["projected_savings_usd"].to_list()
        [2.5]
    """
    given = list(partials)
    if not given:
        raise ValueError("merge_partials needs at least one partial frame")
    frames = [p.lazy() if isinstance(p, pl.DataFrame) else p for p in given]
    lazy = any(isinstance(p, pl.LazyFrame) for p in given)
    schemas = [frame.collect_schema() for frame in frames]
    keys = [name for name in schemas[0].names() if name not in PARTIAL_COLUMNS]
    for schema in schemas:
        missing = [name for name in PARTIAL_COLUMNS[:-1] if name not in schema]
        other_keys = [name for name in schema.names() if name not in PARTIAL_COLUMNS]
        if missing or other_keys != keys:
            raise ValueError(
                f"not a partial frame of the same breakdown: columns {schema.names()} "
                f"(missing {missing}, keys {other_keys} vs {keys})"
            )
    combined = pl.concat(frames, how="diagonal_relaxed")
    provenance = (
        [pl.col("rates_effective_at").explode().drop_nulls().unique().sort()]
        if "rates_effective_at" in schemas[0]
        else []
    )
    # Partials of several chunks must share one tier: checked only when there are several.
    several = len(frames) > 1
    tier_check = (
        [
            # Every tier of every partial, as one text broadcast to each row, checked there
            # (on the tier column, which the summary reads, so the check is never pruned).
            pl.struct(
                pl.col("tier"),
                pl.col(_TIERS_SEEN)
                .explode()
                .drop_nulls()
                .unique()
                .sort()
                .str.join(", ")
                .alias("seen"),
            )
            .map_batches(_tiers_checked, return_dtype=pl.String)
            .alias("tier")
        ]
        if several
        else []
    )
    # One pass over the partials (their upstream plans run once): the total rows form
    # their own group, whose tag is null.
    folded = (
        combined.group_by("tag", *keys)
        .agg(
            ordered_sum("eligible_spend_usd"),
            ordered_sum("projected_batch_cost_usd"),
            exact_sum("request_count"),
            ordered_sum("total_spend_usd"),
            pl.col("tier").first(),
            *([pl.col("tier").drop_nulls().unique().alias(_TIERS_SEEN)] if several else []),
            *provenance,
        )
        .with_columns(
            pl.col("total_spend_usd").sum().alias(_TOTAL),
            pl.col("tag").is_not_null().alias(_ROW),
            checked_narrow("request_count", pl.UInt64()),
            *tier_check,
        )
        .drop("total_spend_usd", *([_TIERS_SEEN] if several else []))
    )
    findings = finalize(folded, keys)
    return findings if lazy else findings.collect()


@overload
def project_batch_savings(
    aggregates: pl.LazyFrame,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    tier: str = "batch",
    price_at: str | None = None,
    by: Sequence[str] | str | None = None,
) -> pl.LazyFrame: ...
@overload
def project_batch_savings(
    aggregates: EagerAggregatesLike,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    tier: str = "batch",
    price_at: str | None = None,
    by: Sequence[str] | str | None = None,
) -> pl.DataFrame: ...
def project_batch_savings(
    aggregates: AggregatesLike,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    tier: str = "batch",
    price_at: str | None = None,
    by: Sequence[str] | str | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """Project what moving batch-eligible traffic to the Batch API would save, per tag.

    Args:
        aggregates: request aggregates (docs/semantics.md §1) in any accepted container.
        catalog: the pricing catalog; None means `batchframe.catalog()`.
        eligible_tags: tags that mark latency-insensitive traffic, matched
            case-insensitively; None means `DEFAULT_BATCH_ELIGIBLE_TAGS`, a bare string
            one tag, an empty collection none.
        tier: ``"batch"`` (the Batch API rates) or ``"flex"`` (the Flex tier's rates);
            a segment whose entry has no rate for the tier is excluded.
        price_at: a date/datetime column (e.g. ``"period_start"`` from
            `aggregate_request_logs(every=…)`): price each segment at the catalog entry
            in effect at that instant instead of the latest one.
        by: input columns (``"provider"``, ``"model"``, ``"period_start"`` …) to keep in
            the findings: one row per tag and key. Shares stay relative to all spend; with
            ``"model"``, ``rates_effective_at`` lists the entries that priced each row.

    Returns:
        The findings frame, biggest saving first: a LazyFrame for a LazyFrame input,
        else a DataFrame.

    Raises:
        AggregateError: the aggregates do not match docs/semantics.md §1 (for a LazyFrame, value
            problems surface when the result is collected).

    Examples:
        >>> import polars as pl, batchframe as bf
        >>> agg = pl.DataFrame({
        ...     "provider": ["openai", "openai"], "model": ["gpt-5.5", "gpt-5.5"],
        ...     "tag": ["nightly", None],
        ...     "input_tokens": [1_000_000, 1_000_000], "output_tokens": [1_000_000, 1_000_000],
        ...     "cost_usd": [35.0, 35.0], "request_count": [10, 10],
        ... })
        >>> findings = bf.project_batch_savings(agg)
        >>> findings.select("tag", "eligible_spend_usd", "projected_savings_usd", "share_of_spend_pct")
        shape: (1, 4)
        ┌─────────┬────────────────────┬───────────────────────┬────────────────────┐
        │ tag     ┆ eligible_spend_usd ┆ projected_savings_usd ┆ share_of_spend_pct │
        │ ---     ┆ ---                ┆ ---                   ┆ ---                │
        │ str     ┆ f64                ┆ f64                   ┆ f64                │
        ╞═════════╪════════════════════╪═══════════════════════╪════════════════════╡
        │ nightly ┆ 35.0               ┆ 17.5                  ┆ 50.0               │
        └─────────┴────────────────────┴───────────────────────┴────────────────────┘
        >>> print(findings["summary"][0])
        tag=nightly is 50.0% of spend and batch-eligible → ~$17.50 saved at the Batch API rate (−50%) on 10 request(s)
    """
    # Finalizing the per-tag folds directly, without the partial layout, saved ~4 ms of
    # ~155 on 10M in-memory rows, but over a Parquet scan Polars' common-subplan
    # elimination then caches the whole scan shared by the fold and the total (885 MiB
    # peak on 10M rows instead of 115 MiB). One composition, known to stream, serves both.
    partial = partial_projection(
        aggregates, catalog, eligible_tags=eligible_tags, tier=tier, price_at=price_at, by=by
    )
    return merge_partials([partial])


@overload
def project_batch_savings_with_tags(
    aggregates: pl.LazyFrame, catalog: PricingCatalog | None, eligible_tags: TagsLike
) -> pl.LazyFrame: ...
@overload
def project_batch_savings_with_tags(
    aggregates: EagerAggregatesLike, catalog: PricingCatalog | None, eligible_tags: TagsLike
) -> pl.DataFrame: ...
def project_batch_savings_with_tags(
    aggregates: AggregatesLike,
    catalog: PricingCatalog | None,
    eligible_tags: TagsLike,
) -> pl.DataFrame | pl.LazyFrame:
    """`project_batch_savings` with the catalog and eligible tags given positionally.

    Examples:
        >>> import batchframe as bf
        >>> seg = bf.RequestAggregate("openai", "gpt-5.4", "Reports", 2_000_000, 0, 5.0, 4)
        >>> bf.project_batch_savings_with_tags([seg], None, "reports")["projected_savings_usd"].to_list()
        [2.5]
    """
    return project_batch_savings(aggregates, catalog, eligible_tags=eligible_tags)


@overload
def classify_segments(
    aggregates: pl.LazyFrame,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    tier: str = "batch",
    price_at: str | None = None,
) -> pl.LazyFrame: ...
@overload
def classify_segments(
    aggregates: EagerAggregatesLike,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    tier: str = "batch",
    price_at: str | None = None,
) -> pl.DataFrame: ...
def classify_segments(
    aggregates: AggregatesLike,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    tier: str = "batch",
    price_at: str | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """Every input segment with the reason it is or is not projected: the drill-down.

    Adds ``status`` (an Enum: ``projected``, ``untagged``, ``not_eligible``,
    ``unknown_model``, ``no_batch_tier``, ``already_batched``, ``cache_hit``,
    ``unknown_cost``) and
    ``projected_batch_cost_usd`` (null unless projected) to the input's aggregate
    columns, in input order, and ``rates_effective_at`` (the catalog entry that priced or
    would have priced it; `tier` and `price_at` as in `project_batch_savings`). The rules
    are those of `project_batch_savings`, so Σ cost
    over all statuses is the total spend, and the findings' eligible spend is the cost
    of the ``projected`` segments (of the tags with positive spend).

    Examples:
        >>> import batchframe as bf
        >>> rows = [
        ...     bf.RequestAggregate("openai", "gpt-5.5", "nightly", 1_000_000, 0, 5.0, 1),
        ...     bf.RequestAggregate("groq", "llama-3.1-8b-instant", "nightly", 1_000_000, 0, 0.05, 1),
        ...     bf.RequestAggregate("openai", "gpt-5.5", None, 1_000_000, 0, 5.0, 1),
        ... ]
        >>> out = bf.classify_segments(rows)
        >>> out.select("model", "status", "projected_batch_cost_usd").rows()
        [('gpt-5.5', 'projected', 2.5), ('llama-3.1-8b-instant', 'no_batch_tier', None), ('gpt-5.5', 'untagged', None)]
    """
    tier = check_tier(tier)
    checked = validated(aggregates, keep=[price_at] if price_at else ())
    check_price_at(checked.frame.collect_schema(), price_at)
    tags = eligible_tag_set(eligible_tags)
    keyed = attach_rates(checked.frame, resolve_catalog(catalog), tier, price_at)
    classified = classify(keyed, tags, notes=True).rename(
        {_EFFECTIVE: "rates_effective_at", _CATALOG_MODEL: "catalog_model"}
    )
    classified = checked.enforce(classified)
    return classified if checked.lazy else classified.collect()
