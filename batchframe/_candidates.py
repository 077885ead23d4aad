"""Candidate traffic beyond the eligible tags: which tags *could* move, with the evidence.

`suggest_candidates` never marks anything eligible. It lists the tags that are not in
the eligible set and show evidence of being batch-shaped — a name hint, or (from raw
logs with timestamps) bursty arrival — with what moving each one would save. The saving
is the projection's own number: the candidate segments go through the same fold,
classification and finalisation as `project_batch_savings` (docs/candidates.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import overload

import polars as pl

from batchframe._catalog import PricingCatalog, resolve_catalog
from batchframe._errors import AggregateError
from batchframe._input import (
    AggregatesLike,
    EagerAggregatesLike,
    Validated,
    _to_polars,
    validated,
)
from batchframe._logs import aggregate_request_logs, normalize_logs, with_chosen_tag
from batchframe._project import (
    fold_segments,
    merge_partials,
    not_batched,
    partial_from_segments,
    total_spend,
)
from batchframe._rules import RESERVED_PREFIX, TagsLike, check_tier, eligible_tag_set

__all__ = ["CANDIDATE_HINTS", "CANDIDATE_SCHEMA", "suggest_candidates", "tags_option"]

#: Batch-shaped words a tag name may contain (matched case-insensitively, as substrings,
#: after the eligible words themselves): ``summar`` covers summary/summarize/summarise,
#: ``classif`` classify/classifier/classification. Replace them with ``hints=``.
CANDIDATE_HINTS: tuple[str, ...] = (
    "eval",
    "etl",
    "backfill",
    "cron",
    "job",
    "report",
    "digest",
    "index",
    "embed",
    "sync",
    "export",
    "summar",
    "classif",
)

#: Share of a tag's requests in its busiest hours from which arrival counts as bursty.
MIN_BURST_SHARE = 0.5
#: Fewer timestamped requests than this, or than two per busiest hour, are never called
#: bursty: the k busiest hours of a sparse tag hold all its requests whatever its pattern.
MIN_BURST_REQUESTS = 20

CANDIDATE_SCHEMA = pl.Schema(
    {
        "tag": pl.String(),
        "projected_savings_usd": pl.Float64(),
        "flex_savings_usd": pl.Float64(),
        "eligible_spend_usd": pl.Float64(),
        "share_of_spend_pct": pl.Float64(),
        "spend_usd": pl.Float64(),
        "request_count": pl.UInt64(),
        "name_hint": pl.String(),
        "burst_share": pl.Float64(),
        "outside_busiest_share": pl.Float64(),
        "span_hours": pl.Int64(),
        "busiest_hours": pl.Int64(),
        "evidence": pl.String(),
    }
)

_WORD = "candidate"  # the one eligible word the candidate segments are classified under
_ORIGINAL = f"{RESERVED_PREFIX}candidate_tag"
_HOUR = f"{RESERVED_PREFIX}hour"
_N = f"{RESERVED_PREFIX}requests"


def _is_logs(schema: pl.Schema) -> bool:
    """A request-log frame (``tags`` lists, per request) rather than aggregates (``tag``)."""
    return "tags" in schema and "tag" not in schema


def _not_eligible(tag: pl.Expr, eligible: list[str]) -> pl.Expr:
    return tag.is_not_null() & ~tag.str.to_lowercase().is_in(eligible)


def _savings(
    checked: Validated, catalog: PricingCatalog, eligible: list[str], tier: str
) -> pl.LazyFrame:
    """Per candidate tag, the findings `project_batch_savings(eligible_tags=[tag])` gives.

    The candidate segments (tags outside `eligible`) are folded as the projection folds
    them, then classified with every one of them treated as eligible: their tag is set
    to one eligible word and the original tag travels as a breakdown key, so the fold,
    the rates, the status, the savings floor and the share of all spend are the
    projection's own expressions.
    """
    frame = checked.frame.with_columns(pl.col("tag").cast(pl.String))
    candidates = not_batched(frame).filter(_not_eligible(pl.col("tag"), eligible))
    segments = fold_segments(candidates).with_columns(
        pl.col("tag").alias(_ORIGINAL), pl.lit(_WORD).alias("tag")
    )
    partial = partial_from_segments(
        segments,
        total_spend(checked.frame, checked.reductions),
        catalog,
        eligible=[_WORD],
        tier=tier,
        price_at=None,
        keys=[_ORIGINAL],
        enforce=checked.enforce,
    )
    findings = merge_partials([partial])
    assert isinstance(findings, pl.LazyFrame)
    return findings.drop("tag").rename({_ORIGINAL: "tag"})


def _spend(checked: Validated, eligible: list[str]) -> pl.LazyFrame:
    """Every candidate tag's whole spend and requests, whatever its status."""
    frame = checked.frame.with_columns(pl.col("tag").cast(pl.String))
    return (
        frame.filter(_not_eligible(pl.col("tag"), eligible))
        .group_by("tag")
        .agg(
            pl.col("cost_usd").sum().alias("spend_usd"),
            pl.col("request_count").sum().cast(pl.UInt64),
        )
    )


def _name_hint(words: Sequence[str]) -> pl.Expr:
    """The first of `words` that the tag contains (case-insensitively), else null."""
    lowered = pl.col("tag").str.to_lowercase()
    hits = [pl.when(lowered.str.contains(word, literal=True)).then(pl.lit(word)) for word in words]
    return pl.coalesce(*hits, pl.lit(None, dtype=pl.String)) if hits else pl.lit(None, pl.String)


def burst_shares(logs: pl.LazyFrame, eligible_tags: TagsLike) -> pl.LazyFrame:
    """Per tag (each request under its chosen tag), how bursty its arrival is.

    The UTC hours from the hour of the tag's first request to the hour of its last,
    inclusive, are its span (``span_hours`` = H, empty hours included); its busiest
    hours are the k = max(1, ceil(0.05 × H)) hours with the most requests;
    ``burst_share`` = requests in them / the tag's timestamped requests, and
    ``outside_busiest_share`` = 1 − that (as its own quotient). Requests without a
    timestamp are left out; a tag with none has no row.
    """
    chosen = with_chosen_tag(normalize_logs(logs), eligible_tags)
    hourly = (
        chosen.filter(pl.col("tag").is_not_null() & pl.col("timestamp").is_not_null())
        .group_by("tag", pl.col("timestamp").dt.truncate("1h").alias(_HOUR))
        .agg(pl.col("request_count").sum().alias(_N))
        .filter(pl.col(_N) > 0)
    )
    span = ((pl.col(_HOUR).max() - pl.col(_HOUR).min()).over("tag").dt.total_hours() + 1).cast(
        pl.Int64
    )
    # k = max(1, ceil(H / 20)) in integers: 0.05 × H in floats can land an ulp above a whole k
    busiest = pl.max_horizontal(pl.lit(1, dtype=pl.Int64), (span + 19) // 20)
    rank = pl.col(_N).rank("ordinal", descending=True).over("tag")
    ranked = hourly.with_columns(
        span.alias("span_hours"), busiest.alias("busiest_hours"), rank.alias("rank")
    )
    top = pl.col("rank") <= pl.col("busiest_hours")
    return (
        ranked.group_by("tag")
        .agg(
            pl.col(_N).sum().alias("timed_requests"),
            pl.col(_N).filter(top).sum().alias("in_busiest"),
            pl.col(_N).filter(~top).sum().alias("outside_busiest"),
            pl.col("span_hours").first(),
            pl.col("busiest_hours").first(),
        )
        .with_columns(
            (pl.col("in_busiest") / pl.col("timed_requests")).alias("burst_share"),
            (pl.col("outside_busiest") / pl.col("timed_requests")).alias("outside_busiest_share"),
        )
    )


def with_tag_from(frame: pl.DataFrame | pl.LazyFrame, column: str) -> pl.LazyFrame:
    """`frame` with `column`'s values (as text) standing in for the tag: ``tag`` for
    aggregates, a one-element ``tags`` list (empty for a null) for request logs."""
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    if column not in schema:
        raise AggregateError(f"tag_from={column!r}: no such column; the input has {schema.names()}")
    value = pl.col(column).cast(pl.String)
    if _is_logs(schema):
        tags = pl.when(value.is_not_null()).then(pl.concat_list(value)).otherwise(pl.lit([]))
        return lazy.with_columns(tags.cast(pl.List(pl.String)).alias("tags"))
    return lazy.with_columns(value.alias("tag"))


def hint_words(eligible: list[str], hints: Iterable[str] | None) -> list[str]:
    extra = CANDIDATE_HINTS if hints is None else tuple(hints)
    if isinstance(hints, str):
        extra = (hints,)
    for word in extra:
        if not isinstance(word, str) or not word:
            raise TypeError(f"hints must be non-empty strings, got {word!r}")
    return list(dict.fromkeys([*eligible, *(w.lower() for w in extra)]))


@overload
def suggest_candidates(
    aggregates_or_logs: pl.LazyFrame,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    hints: Iterable[str] | None = None,
    min_burst_share: float = MIN_BURST_SHARE,
    top: int | None = None,
    tag_from: str | None = None,
) -> pl.LazyFrame: ...
@overload
def suggest_candidates(
    aggregates_or_logs: EagerAggregatesLike,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    hints: Iterable[str] | None = None,
    min_burst_share: float = MIN_BURST_SHARE,
    top: int | None = None,
    tag_from: str | None = None,
) -> pl.DataFrame: ...
def suggest_candidates(
    aggregates_or_logs: AggregatesLike,
    catalog: PricingCatalog | None = None,
    *,
    eligible_tags: TagsLike = None,
    hints: Iterable[str] | None = None,
    min_burst_share: float = MIN_BURST_SHARE,
    top: int | None = None,
    tag_from: str | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """Tags outside the eligible set that look batch-shaped, ranked by what moving them saves.

    A tag is a candidate when it is not eligible (case-insensitively, as in
    `project_batch_savings`) and shows evidence: its name contains an eligible word or a
    batch-shaped word (`CANDIDATE_HINTS`, or `hints`), or — from raw logs with
    timestamps — its ``burst_share`` is at least `min_burst_share` over at least
    `MIN_BURST_REQUESTS` requests and two per busiest hour. Nothing is marked eligible: the frame is advice.

    Args:
        aggregates_or_logs: request aggregates (docs/semantics.md §1), or request logs
            (a frame with a ``tags`` list column, e.g. from `scan_request_logs`; then each
            request counts under its first eligible tag, else its first tag, as in
            `aggregate_request_logs`, and the burst signals are computed).
        catalog: the pricing catalog; None means `batchframe.catalog()`.
        eligible_tags: the eligible set, as in `project_batch_savings`.
        hints: batch-shaped words replacing `CANDIDATE_HINTS` (the eligible words always
            count as hints).
        min_burst_share: the ``burst_share`` from which arrival counts as evidence.
        top: keep only the first `top` candidates.
        tag_from: a column whose values stand in for the tag (a team, an API key, a
            route…): candidates are then those values, and the savings are those of the
            projection of the input with that column as its ``tag``.

    Returns:
        One row per candidate (`CANDIDATE_SCHEMA`), biggest ``projected_savings_usd``
        first, ties by tag. ``projected_savings_usd``, ``eligible_spend_usd`` and
        ``share_of_spend_pct`` are the finding `project_batch_savings(...,
        eligible_tags=[tag])` gives for the tag (0 when it gives none),
        ``flex_savings_usd`` that of ``tier="flex"``; ``spend_usd`` is all the tag's
        spend. The burst columns are null for aggregates. Lazy in, lazy out; from
        request logs the fold itself (logs -> segments and per-tag hours, a few rows) is
        collected when this is called, in one pass, and the rest stays lazy.

    Examples:
        >>> import batchframe as bf
        >>> rows = [
        ...     bf.RequestAggregate("openai", "gpt-5.5", "nightly-evals", 1_000_000, 0, 5.0, 2),
        ...     bf.RequestAggregate("openai", "gpt-5.5", "chat", 1_000_000, 0, 5.0, 9),
        ...     bf.RequestAggregate("openai", "gpt-5.5", "nightly", 1_000_000, 0, 5.0, 1),
        ... ]
        >>> bf.suggest_candidates(rows).select(
        ...     "tag", "projected_savings_usd", "share_of_spend_pct", "name_hint").rows()
        [('nightly-evals', 2.5, 33.33333333333333, 'nightly')]
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top must be a whole number >= 1 or None, got {top!r}")
    eligible = eligible_tag_set(eligible_tags)
    words = hint_words(eligible, hints)
    cat = resolve_catalog(catalog)
    lazy = isinstance(aggregates_or_logs, pl.LazyFrame)
    source: AggregatesLike = aggregates_or_logs
    if tag_from is not None:
        source = with_tag_from(_to_polars(source, keep=[tag_from]), tag_from)
    schema = (
        source.collect_schema()
        if isinstance(source, pl.LazyFrame)
        else source.schema
        if isinstance(source, pl.DataFrame)
        else None
    )
    bursts: pl.DataFrame | None = None
    aggregates: AggregatesLike = source
    if schema is not None and _is_logs(schema):
        assert isinstance(source, (pl.DataFrame, pl.LazyFrame))
        aggregates, bursts = fold_logs(source, eligible_tags, cat)
    result = candidates_of(aggregates, bursts, cat, eligible_tags, words, min_burst_share)
    if top is not None:
        result = result.head(top)
    return result if lazy else result.collect()


def fold_logs(
    logs: pl.DataFrame | pl.LazyFrame, eligible_tags: TagsLike, catalog: PricingCatalog
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The aggregates and the per-tag burst signals of request logs, collected.

    Both are small (one row per segment, per tag); every later step of
    `suggest_candidates` works on these few rows. They are collected one after the other,
    not together: collected with the burst plan, the shared log plan sums the costs in
    another order, and the savings would differ in the last bits from what
    ``project_batch_savings(aggregate_request_logs(logs), eligible_tags=[tag])`` gives.
    """
    lazy = logs.lazy()
    aggregates = aggregate_request_logs(lazy, eligible_tags=eligible_tags, catalog=catalog)
    assert isinstance(aggregates, pl.LazyFrame)
    return aggregates.collect(), burst_shares(lazy, eligible_tags).collect()


def candidates_of(
    aggregates: AggregatesLike,
    bursts: pl.DataFrame | None,
    cat: PricingCatalog,
    eligible_tags: TagsLike,
    words: Sequence[str],
    min_burst_share: float,
) -> pl.LazyFrame:
    """The candidate frame of `suggest_candidates`, lazily, from aggregates (and bursts)."""
    eligible = eligible_tag_set(eligible_tags)
    checked = validated(aggregates)  # once: an eager input's value checks are a pass each
    batch = _savings(checked, cat, eligible, check_tier("batch"))
    flex = _savings(checked, cat, eligible, check_tier("flex"))
    frame = (
        _spend(checked, eligible)
        .join(
            batch.select(
                "tag", "projected_savings_usd", "eligible_spend_usd", "share_of_spend_pct"
            ),
            on="tag",
            how="left",
        )
        .join(
            flex.select("tag", pl.col("projected_savings_usd").alias("flex_savings_usd")),
            on="tag",
            how="left",
        )
        .with_columns(
            pl.col(
                "projected_savings_usd",
                "flex_savings_usd",
                "eligible_spend_usd",
                "share_of_spend_pct",
            ).fill_null(0.0),
            _name_hint(words).alias("name_hint"),
        )
    )
    if bursts is not None:
        frame = frame.join(bursts.lazy(), on="tag", how="left")
        enough = pl.max_horizontal(pl.lit(MIN_BURST_REQUESTS), 2 * pl.col("busiest_hours"))
        bursty = (pl.col("burst_share") >= min_burst_share) & (pl.col("timed_requests") >= enough)
    else:
        frame = frame.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("burst_share"),
            pl.lit(None, dtype=pl.Float64).alias("outside_busiest_share"),
            pl.lit(None, dtype=pl.Int64).alias("span_hours"),
            pl.lit(None, dtype=pl.Int64).alias("busiest_hours"),
        )
        bursty = pl.lit(False)
    named = pl.col("name_hint").is_not_null()
    evidence = pl.concat_str(
        pl.when(named).then(pl.lit("name")),
        pl.when(bursty.fill_null(False)).then(pl.lit("burst")),
        separator="+",
        ignore_nulls=True,
    )
    return (
        frame.with_columns(pl.when(evidence != "").then(evidence).alias("evidence"))
        .filter(pl.col("evidence").is_not_null())
        .sort(["projected_savings_usd", "tag"], descending=[True, False])
        .select([pl.col(name).cast(dtype) for name, dtype in CANDIDATE_SCHEMA.items()])
    )


def tags_option(eligible_tags: TagsLike, suggested: Sequence[str]) -> str:
    """The ``--tags`` option that keeps the eligible set and adds the `suggested` tags.

    Examples:
        >>> tags_option(None, ["nightly-evals", "team 7"])
        "--tags 'background,offline,nightly,batch,bulk,async,nightly-evals,team 7'"
    """
    import shlex

    from batchframe._rules import DEFAULT_BATCH_ELIGIBLE_TAGS

    if eligible_tags is None:
        current: list[str] = list(DEFAULT_BATCH_ELIGIBLE_TAGS)
    elif isinstance(eligible_tags, str):
        current = [eligible_tags]
    else:
        current = list(eligible_tags)
    lowered = {tag.lower() for tag in current}
    added = [tag for tag in suggested if tag.lower() not in lowered]
    return "--tags " + shlex.quote(",".join(dict.fromkeys([*current, *added])))
