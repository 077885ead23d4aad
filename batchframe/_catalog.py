"""The pricing catalog: a strict TOML schema parsed into `ModelPricing` entries and a Polars frame.

A catalog file holds one ``[[entry]]`` table per ``(provider, model, effective_at)``;
several entries for one ``(provider, model)`` form its price history. Rates are USD per
one million tokens.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import importlib.resources
import json
import math
import re
import reprlib
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from batchframe._errors import CatalogError
from batchframe._rules import (
    CONTEXTS,
    DATE_STAMP,
    RATE_KEYS,
    RATE_TIERS,
    WHITESPACE,
    canonical_provider,
    rate_key,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised only on Python 3.10
    import tomli as tomllib

__all__ = ["LiteLLMImportReport", "ModelPricing", "PricingCatalog", "catalog", "resolve_expr"]

#: Anything `PricingCatalog.at` accepts as an instant.
Instant = datetime | str

_REQUIRED_KEYS = ("provider", "model", "input_per_million", "output_per_million", "effective_at")
#: Every rate key of the scheme ``[<tier>_][long_context_]<kind>_per_million`` (`_rules`).
_RATE_KEYS = RATE_KEYS
_INT_KEYS = ("prompt_cache_min_tokens", "long_context_threshold_tokens")
_ALLOWED_KEYS = frozenset((*_REQUIRED_KEYS, *_RATE_KEYS, *_INT_KEYS, "aliases"))
#: Every ``(tier, context)`` of the scheme, standard and short first.
_TIER_CONTEXTS = tuple((tier, context) for tier in RATE_TIERS for context in CONTEXTS)
#: Where model resolution strips a date stamp (`_rules.DATE_STAMP`).
_STAMP = re.compile(DATE_STAMP)
#: The largest integer an Int64 column (`PricingCatalog.frame`) holds.
_INT64_MAX = 2**63 - 1
#: The range of instants a UTC `datetime` holds.
_INSTANT_RANGE = "0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z"

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})"
)


@dataclass(frozen=True)
class ModelPricing:
    """One catalog entry: the rates of one model from one instant on.

    Rates are USD per one million tokens; an optional rate is ``None`` when the
    provider publishes no such tier for the model. There is one field per key of the
    catalog schema (docs/semantics.md §2): the 32 rates
    ``[<tier>_][long_context_]<kind>_per_million``, ``prompt_cache_min_tokens``,
    ``long_context_threshold_tokens`` and ``aliases`` (a tuple of other model ids that
    mean this model; duplicates and the model's own id are dropped). The first twelve
    fields keep their historical order, so positional construction still works.

    Examples:
        >>> import batchframe as bf
        >>> p = bf.catalog().latest("openai", "gpt-5.4")
        >>> (p.input_per_million, p.batch_input_per_million, p.has_batch_tier)
        (2.5, 1.25, True)
    """

    provider: str
    model: str
    effective_at: datetime
    input_per_million: float
    output_per_million: float
    cached_input_per_million: float | None = None
    cache_write_per_million: float | None = None
    batch_input_per_million: float | None = None
    batch_output_per_million: float | None = None
    flex_input_per_million: float | None = None
    flex_output_per_million: float | None = None
    prompt_cache_min_tokens: int | None = None
    # -- added with the full rate-key scheme (after the original fields: positional
    # construction of the first twelve keeps working)
    long_context_input_per_million: float | None = None
    long_context_output_per_million: float | None = None
    long_context_cached_input_per_million: float | None = None
    long_context_cache_write_per_million: float | None = None
    batch_cached_input_per_million: float | None = None
    batch_cache_write_per_million: float | None = None
    batch_long_context_input_per_million: float | None = None
    batch_long_context_output_per_million: float | None = None
    batch_long_context_cached_input_per_million: float | None = None
    batch_long_context_cache_write_per_million: float | None = None
    flex_cached_input_per_million: float | None = None
    flex_cache_write_per_million: float | None = None
    flex_long_context_input_per_million: float | None = None
    flex_long_context_output_per_million: float | None = None
    flex_long_context_cached_input_per_million: float | None = None
    flex_long_context_cache_write_per_million: float | None = None
    priority_input_per_million: float | None = None
    priority_output_per_million: float | None = None
    priority_cached_input_per_million: float | None = None
    priority_cache_write_per_million: float | None = None
    priority_long_context_input_per_million: float | None = None
    priority_long_context_output_per_million: float | None = None
    priority_long_context_cached_input_per_million: float | None = None
    priority_long_context_cache_write_per_million: float | None = None
    long_context_threshold_tokens: int | None = None
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Every entry is checked against the schema however it was built (TOML, LiteLLM or
        # by hand), so a catalog can never hold an entry that cannot price or that breaks
        # `PricingCatalog.frame`. Rates are stored as floats and `effective_at` in UTC.
        label = f"ModelPricing({_name(self.provider)}/{_name(self.model)})"
        values = _check_values(label, {name: getattr(self, name) for name in _FIELD_NAMES})
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def has_batch_tier(self) -> bool:
        """Whether both Batch-API rates are published for this entry."""
        return (
            self.batch_input_per_million is not None and self.batch_output_per_million is not None
        )

    @property
    def has_flex_tier(self) -> bool:
        """Whether both Flex-tier rates are published for this entry."""
        return self.flex_input_per_million is not None and self.flex_output_per_million is not None

    def has_tier(self, tier: str, context: str = "short") -> bool:
        """Whether the entry has both the ``input`` and ``output`` rates of `tier` in `context`.

        `tier` is one of ``standard``, ``batch``, ``flex``, ``priority``; `context` is
        ``short`` or ``long`` (the ``long_context_`` rates). `ValueError` for anything else.

        Examples:
            >>> import batchframe as bf
            >>> from datetime import datetime, timezone
            >>> p = bf.ModelPricing("acme", "m", datetime(2026, 1, 1, tzinfo=timezone.utc),
            ...     2.0, 8.0, batch_input_per_million=1.0, batch_output_per_million=4.0)
            >>> p.has_tier("batch"), p.has_tier("batch", "long"), p.has_tier("standard")
            (True, False, True)
        """
        return (
            self.rate(tier, context, "input") is not None
            and self.rate(tier, context, "output") is not None
        )

    def rate(self, tier: str, context: str, kind: str) -> float | None:
        """The rate of `kind` (``input``, ``output``, ``cached_input``, ``cache_write``) of
        `tier` in `context`, or None when the entry lacks it; `ValueError` for a bad name."""
        value: float | None = getattr(self, rate_key(tier, context, kind))
        return value


_FIELD_NAMES = tuple(f.name for f in fields(ModelPricing))

#: The schema of `PricingCatalog.frame`, in column order.
_FRAME_DTYPES: dict[str, pl.DataType] = {
    "provider": pl.String(),
    "model": pl.String(),
    "effective_at": pl.Datetime("us", "UTC"),
    **{key: pl.Float64() for key in _RATE_KEYS},
    "prompt_cache_min_tokens": pl.Int64(),
    "long_context_threshold_tokens": pl.Int64(),
    "aliases": pl.List(pl.String()),
}
FRAME_SCHEMA = pl.Schema(_FRAME_DTYPES)
assert set(FRAME_SCHEMA.names()) == set(_FIELD_NAMES)


def _provider_key(provider: str) -> str:
    """A provider id as the catalog matches it (docs/semantics.md §2)."""
    return provider.strip(WHITESPACE).lower() if isinstance(provider, str) else provider


def _name(value: object) -> str:
    """A provider or model id as error messages show it: ``?`` when it is not a usable id."""
    if not isinstance(value, str) or not value:
        return "?"
    return value if len(value) <= 80 else value[:77] + "..."


def _entry_label(index: int, raw: Mapping[str, Any]) -> str:
    return f"entry {index} ({_name(raw.get('provider'))}/{_name(raw.get('model'))})"


_SHOW = reprlib.Repr()
_SHOW.maxstring = 80
_SHOW.maxlong = 40
_SHOW.maxother = 80
_SHOW.maxlevel = 3


def _show(value: object) -> str:
    """A bounded ``repr`` of a bad value for an error message (deep or huge values are cut)."""
    if isinstance(value, str) and len(value) <= 80:
        return repr(value)
    try:
        return _SHOW.repr(value)
    except (ValueError, RecursionError):  # an int beyond Python's str() digit limit, ...
        if isinstance(value, int):
            return f"an integer of {value.bit_length()} bits"
        return f"a {type(value).__name__}"


_HEADER = re.compile(r"[ \t]*\[\[[ \t]*entry[ \t]*\]\]")
_KEY = re.compile(r"""[ \t]*([A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')[ \t]*=[ \t]*("[^"\\\n]*")?""")
_QUOTES = ('"""', "'" * 3)


def _too_deep(text: str, limit: int = 100) -> str:
    """Where TOML `text` first nests arrays or inline tables more than `limit` deep.

    A small scanner that skips strings and comments and notes ``[[entry]]`` headers and
    top-level keys, so the message names the entry, the key, the line and the column
    (1-based, as tomllib reports syntax errors).
    """
    depth, line, column, i, n = 0, 1, 0, 0, len(text)
    entry, key, names = -1, "?", {"provider": "?", "model": "?"}
    at_line_start = True
    while i < n:
        if at_line_start and depth == 0:
            at_line_start = False
            if _HEADER.match(text, i):
                entry, key, names = entry + 1, "?", {"provider": "?", "model": "?"}
            elif found := _KEY.match(text, i):
                key = found.group(1).strip("\"'")
                if key in names and found.group(2):
                    names[key] = found.group(2)[1:-1] or "?"
        char = text[i]
        column += 1
        if char == "\n":
            line, column, at_line_start = line + 1, 0, True
        elif char == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif char in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in _QUOTES else char
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                j += 2 if (char == '"' and text[j] == "\\") else 1
            skipped = text[i : j + len(quote)]
            if "\n" in skipped:
                line += skipped.count("\n")
                column = len(skipped) - skipped.rfind("\n") - 1
            else:
                column += len(skipped) - 1
            i = j + len(quote)
            continue
        elif char in "[{":
            depth += 1
            if depth > limit:
                label = (
                    f"entry {entry} ({names['provider']}/{names['model']}): " if entry >= 0 else ""
                )
                return (
                    f"{label}key {key!r} nests arrays or inline tables more than {limit} "
                    f"levels deep (at line {line}, column {column})"
                )
        elif char in "]}":
            depth -= 1
        i += 1
    return "arrays or inline tables nested too deeply"  # pragma: no cover - found above


class _InstantOutOfRange(Exception):
    """An instant whose UTC value falls outside what `datetime` holds (year 1 to 9999)."""


def _as_utc(instant: datetime) -> datetime:
    try:
        return instant.astimezone(timezone.utc)
    except OverflowError:
        raise _InstantOutOfRange from None


def _parse_instant(value: object) -> datetime | None:
    """An aware UTC datetime from an RFC 3339 string or a TOML offset datetime, else None."""
    if isinstance(value, datetime):
        return _as_utc(value) if value.tzinfo is not None else None
    if not isinstance(value, str):
        return None
    match = _RFC3339.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, frac, offset = match.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    if offset in ("Z", "z"):
        tz = timezone.utc
    else:
        sign = 1 if offset[0] == "+" else -1
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        if hours > 23 or minutes > 59:
            return None
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        instant = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz
        )
    except ValueError:
        return None
    return _as_utc(instant)


_EXPECTED_INSTANT = (
    "an aware datetime, a naive datetime (taken as UTC) or an RFC 3339 string with an offset "
    "(e.g. '2026-01-01T00:00:00Z')"
)


def _to_utc(when: Instant, name: str = "when") -> datetime:
    """Normalise what `PricingCatalog.at` accepts; naive datetimes are taken as UTC.

    `TypeError` for a value of the wrong type, `CatalogError` for a string that is not an
    RFC 3339 instant with an offset or an instant outside the range a UTC datetime holds.
    """
    if not isinstance(when, (datetime, str)):
        raise TypeError(f"{name} must be {_EXPECTED_INSTANT}, got {type(when).__name__}")
    try:
        if isinstance(when, datetime):
            if when.tzinfo is None or when.utcoffset() is None:
                return when.replace(tzinfo=timezone.utc)
            return _as_utc(when)
        parsed = _parse_instant(when)
    except _InstantOutOfRange:
        shown = when.isoformat() if isinstance(when, datetime) else _show(when)
        raise CatalogError(
            f"{name} must fall within {_INSTANT_RANGE} in UTC, got {shown}"
        ) from None
    if parsed is None:
        raise CatalogError(f"{name} must be {_EXPECTED_INSTANT}, got {_show(when)}")
    return parsed


def _rate(label: str, key: str, value: object) -> float:
    """A catalog rate as a finite float >= 0, else `CatalogError` naming `label` and `key`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CatalogError(f"{label}: key {key!r} must be a number, got {_show(value)}")
    try:
        rate = float(value)
    except OverflowError:  # an int beyond the float range (10**400)
        raise CatalogError(
            f"{label}: key {key!r} must be a finite rate >= 0, got {_show(value)} "
            "(too large for a float)"
        ) from None
    if not math.isfinite(rate) or rate < 0:
        raise CatalogError(f"{label}: key {key!r} must be a finite rate >= 0, got {_show(value)}")
    return rate


def _count(label: str, key: str, value: object) -> int:
    """A token count as an int from 0 to 2**63 - 1 (it lands in an Int64 column)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CatalogError(f"{label}: key {key!r} must be an integer >= 0, got {_show(value)}")
    if value > _INT64_MAX:
        raise CatalogError(
            f"{label}: key {key!r} must be an integer from 0 to {_INT64_MAX} (64-bit), "
            f"got {_show(value)}"
        )
    return int(value)


def _pair_keys(tier: str, context: str) -> tuple[str, str]:
    return rate_key(tier, context, "input"), rate_key(tier, context, "output")


def _check_tiers(label: str, values: Mapping[str, object]) -> None:
    """Refuse rates that can never price (docs/semantics.md §2), in this order.

    Half a tier (one of a tier's or long-context variant's ``input``/``output`` pair),
    then a ``cached_input``/``cache_write`` rate of a tier and context whose pair is
    absent, then long-context rates without ``long_context_threshold_tokens``; tiers in
    the order standard, batch, flex, priority, short context before long.
    """
    for tier, context in _TIER_CONTEXTS:
        input_key, output_key = _pair_keys(tier, context)
        has_input = values.get(input_key) is not None
        if has_input != (values.get(output_key) is not None):
            present, absent = (input_key, output_key) if has_input else (output_key, input_key)
            raise CatalogError(
                f"{label}: key {present!r} without {absent!r}: a tier needs both its input "
                "and output rates, else it can never price"
            )
    for tier, context in _TIER_CONTEXTS:
        input_key, output_key = _pair_keys(tier, context)
        if values.get(input_key) is not None:
            continue
        for kind in ("cached_input", "cache_write"):
            key = rate_key(tier, context, kind)
            if values.get(key) is not None:
                raise CatalogError(
                    f"{label}: key {key!r} without {input_key!r} and {output_key!r}: a "
                    "cached-input or cache-write rate needs its tier's input and output "
                    "rates, else it can never price"
                )
    if values.get("long_context_threshold_tokens") is None:
        for key in _LONG_KEYS:
            if values.get(key) is not None:
                raise CatalogError(
                    f"{label}: key {key!r} without 'long_context_threshold_tokens': "
                    "long-context rates apply above a threshold, else they can never price"
                )


#: The rate keys of the long context, in scheme order.
_LONG_KEYS = tuple(key for key in _RATE_KEYS if "long_context_" in key)


def _aliases(label: str, model: str, value: object) -> tuple[str, ...]:
    """`value` as a tuple of distinct non-empty strings other than `model`."""
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise CatalogError(
            f"{label}: key 'aliases' must be a list of non-empty strings, got {_show(value)}"
        )
    for alias in value:
        if not isinstance(alias, str) or not alias:
            raise CatalogError(
                f"{label}: key 'aliases' must be a list of non-empty strings, got "
                f"{_show(alias)} in it"
            )
    return tuple(alias for alias in dict.fromkeys(value) if alias != model)


def _check_values(label: str, values: Mapping[str, Any], *, instant: bool = True) -> dict[str, Any]:
    """The fields of one `ModelPricing` checked against the schema and normalised.

    `values` maps field names to values, None (or absent) for an absent optional key.
    With ``instant=False`` ``effective_at`` is left for the caller to check.
    """
    checked: dict[str, Any] = {}
    for key in ("provider", "model"):
        value = values.get(key)
        if not isinstance(value, str) or not value:
            raise CatalogError(
                f"{label}: key {key!r} must be a non-empty string, got {_show(value)}"
            )
        checked[key] = value
    provider = checked["provider"]
    if _provider_key(provider) != provider:
        raise CatalogError(
            f"{label}: key 'provider' must be trimmed and lower-case "
            f"(e.g. {_name(_provider_key(provider))!r}), got {_show(provider)}"
        )
    for key in _RATE_KEYS:
        value = values.get(key)
        if value is None and key not in _REQUIRED_KEYS:
            continue
        checked[key] = _rate(label, key, value)
    for key in _INT_KEYS:
        value = values.get(key)
        if value is not None:
            checked[key] = _count(label, key, value)
    _check_tiers(label, checked)
    checked["aliases"] = _aliases(label, checked["model"], values.get("aliases"))
    if not instant:
        return checked
    when = values.get("effective_at")
    if not isinstance(when, datetime) or when.tzinfo is None or when.utcoffset() is None:
        raise CatalogError(
            f"{label}: key 'effective_at' must be an aware datetime, got {_show(when)}"
        )
    try:
        checked["effective_at"] = _as_utc(when)
    except _InstantOutOfRange:
        raise CatalogError(
            f"{label}: key 'effective_at' must fall within {_INSTANT_RANGE} in UTC, "
            f"got {when.isoformat()}"
        ) from None
    return checked


def _validate_entry(index: int, raw: object) -> ModelPricing:
    if not isinstance(raw, Mapping):
        raise CatalogError(f"entry {index}: expected a table ([[entry]]), got {type(raw).__name__}")
    label = _entry_label(index, raw)
    _check_keys(label, raw)
    values = _check_values(label, raw, instant=False)
    values["effective_at"] = _effective_at(label, raw["effective_at"])
    return ModelPricing(**values)


def _check_keys(label: str, raw: Mapping[str, object]) -> None:
    """Raise on the first missing required key, then on the first unknown key."""
    missing = [key for key in _REQUIRED_KEYS if key not in raw]
    if missing:
        raise CatalogError(f"{label}: missing required key {missing[0]!r}")
    for key in raw:
        if key not in _ALLOWED_KEYS:
            hint = difflib.get_close_matches(key, sorted(_ALLOWED_KEYS), n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise CatalogError(f"{label}: unknown key {_show(key)}{suggestion}")


def _effective_at(label: str, raw_instant: object) -> datetime:
    if isinstance(raw_instant, (datetime, date, time)):
        shown = raw_instant.isoformat()
    else:
        shown = _show(raw_instant)
    try:
        instant = _parse_instant(raw_instant)
    except _InstantOutOfRange:
        raise CatalogError(
            f"{label}: key 'effective_at' must fall within {_INSTANT_RANGE} in UTC, got {shown}"
        ) from None
    if instant is None:
        raise CatalogError(
            f"{label}: key 'effective_at' must be an RFC 3339 instant with an offset "
            f"(e.g. 2026-01-01T00:00:00Z), got {shown}"
        )
    return instant


# -- LiteLLM price map import --------------------------------------------------------------
#: LiteLLM ``mode`` values of text-generation models; every other mode is skipped.
_LITELLM_TEXT_MODES = frozenset({"chat", "completion", "responses"})
#: LiteLLM's per-token rate families and the kind of rate each one is.
_LITELLM_KINDS = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_read_input_token_cost": "cached_input",
    "cache_creation_input_token_cost": "cache_write",
}
#: LiteLLM's tier suffixes and the tier each one is.
_LITELLM_TIERS = {"": "standard", "_batches": "batch", "_flex": "flex", "_priority": "priority"}
#: ``<family>[_above_<N>k_tokens][_batches|_flex|_priority]``; any other key is ignored.
_LITELLM_RATE = re.compile(
    r"(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost"
    r"|cache_creation_input_token_cost)(?:_above_(\d+)k_tokens)?(_batches|_flex|_priority)?"
)
_LITELLM_REQUIRED = ("input_cost_per_token", "output_cost_per_token")

#: Why `from_litellm` skips a whole entry (`LiteLLMImportReport.skipped`), in report order.
LITELLM_SKIPS = {
    "not_text": "not text generation",
    "vertex_ai": "Vertex AI",
    "tiered_pricing": "tiered pricing only",
    "no_token_rates": "no per-token input/output rates",
    "bad_id": "no usable provider/model id",
    "invalid_value": "invalid value",
    "duplicate": "duplicate of an earlier key",
}
#: What `from_litellm` drops from an entry it imports (`LiteLLMImportReport.dropped`).
LITELLM_DROPS = {
    "half_tier": "half a tier",
    "rate_without_tier": "cached/write rate without its tier",
    "extra_thresholds": "long-context rates above a larger second threshold",
}


@dataclass(frozen=True)
class LiteLLMImportReport:
    """What `PricingCatalog.from_litellm` imported, skipped and dropped (``import_report``).

    `skipped` counts whole entries of the file that were not imported, by reason (keys of
    ``LITELLM_SKIPS``: ``not_text``, ``vertex_ai``, ``tiered_pricing``,
    ``no_token_rates``, ``bad_id``, ``invalid_value``, ``duplicate``); `dropped` counts
    imported entries that lost some rates, by reason (``half_tier``,
    ``rate_without_tier``, ``extra_thresholds``). `problems` holds the messages of the
    ``invalid_value`` skips (the `CatalogError` text ``strict=True`` raises), in file order.
    Reasons with a zero count are left out of both mappings. `keys` counts the file's keys
    other than ``sample_spec``; ``imported + skipped_total == keys``.
    """

    source: str
    keys: int
    imported: int
    skipped: Mapping[str, int]
    dropped: Mapping[str, int]
    problems: tuple[str, ...] = ()

    @property
    def skipped_total(self) -> int:
        """How many keys of the file (``sample_spec`` aside) were not imported."""
        return sum(self.skipped.values())

    def summary(self) -> str:
        """One line: how many entries were imported, skipped (by reason) and trimmed."""
        parts = [
            f"{self.skipped[k]} {LITELLM_SKIPS[k]}" for k in LITELLM_SKIPS if self.skipped.get(k)
        ]
        line = (
            f"imported {self.imported} of {self.keys} LiteLLM entries; skipped {self.skipped_total}"
        )
        line += f" ({', '.join(parts)})" if parts else ""
        trimmed = [
            f"{self.dropped[k]} {LITELLM_DROPS[k]}" for k in LITELLM_DROPS if self.dropped.get(k)
        ]
        if trimmed:
            line += f"; rates dropped from imported entries: {', '.join(trimmed)}"
        return line


def _is_native(raw: Mapping[str, Any], provider: str) -> bool:
    """Whether an entry's own ``litellm_provider`` is its catalog provider id (not renamed)."""
    name = raw.get("litellm_provider")
    return isinstance(name, str) and name.strip().lower() == provider


def _is_vertex(litellm_provider: str) -> bool:
    return litellm_provider == "vertex_ai" or litellm_provider.startswith("vertex_ai-")


def _per_million(value: object, where: str, key: str) -> float:
    """A per-token LiteLLM rate as USD per million tokens, converted in decimal arithmetic."""
    bad = CatalogError(f"{where}: key {key!r} must be a finite number >= 0, got {_show(value)}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad
    if isinstance(value, float) and (not math.isfinite(value) or value < 0):
        raise bad
    if isinstance(value, int) and value < 0:
        raise bad
    # repr() is the shortest decimal string that round-trips, so 2e-07 becomes exactly 0.2
    # instead of the binary product 2e-07 * 1e6 == 0.19999999999999998. Decimal arithmetic
    # cannot overflow here; the float conversion of a huge product gives inf.
    rate = float(Decimal(value if isinstance(value, int) else repr(value)) * 1_000_000)
    if not math.isfinite(rate):
        raise CatalogError(
            f"{where}: key {key!r} must be a finite number >= 0, got {_show(value)} "
            "(too large: its per-million rate is not a finite float)"
        )
    return rate


def _litellm_model(key: str, names: Iterable[str]) -> str:
    """The model id: the key without one leading ``<name>/`` for the first matching name."""
    for prefix in (f"{name}/" for name in names):
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :]
    return key


def _whole(value: object) -> object:
    """A finite float that is a whole number as an int (LiteLLM writes ``4096.0``)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


class _Skip(Exception):
    """An entry `from_litellm` does not import, with the reason (a `LITELLM_SKIPS` key)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _litellm_values(raw: Mapping[str, Any], where: str, dropped: dict[str, int]) -> dict[str, Any]:
    """The `ModelPricing` rate and count fields of one LiteLLM entry.

    Raises `CatalogError` for a bad value; drops (and counts in `dropped`) what can never
    price: half a pair, a cached/write rate without its pair, and the long-context rates of
    every threshold but the smallest.
    """
    values: dict[str, Any] = {}
    by_threshold: dict[int, dict[str, float]] = {}
    for key, value in raw.items():
        found = _LITELLM_RATE.fullmatch(key) if isinstance(key, str) else None
        if found is None or value is None:
            continue
        family, thousands, suffix = found.groups()
        tier = _LITELLM_TIERS[suffix or ""]
        kind = _LITELLM_KINDS[family]
        rate = _per_million(value, where, key)
        if thousands is None:
            values[rate_key(tier, "short", kind)] = rate
        else:
            by_threshold.setdefault(int(thousands) * 1000, {})[rate_key(tier, "long", kind)] = rate
    if by_threshold:
        smallest = min(by_threshold)
        values.update(by_threshold[smallest])
        values["long_context_threshold_tokens"] = smallest
        if len(by_threshold) > 1:
            dropped["extra_thresholds"] = dropped.get("extra_thresholds", 0) + 1
    trimmed: set[str] = set()
    for tier, context in _TIER_CONTEXTS:
        input_key, output_key = _pair_keys(tier, context)
        if (input_key in values) != (output_key in values):
            values.pop(input_key, None)
            values.pop(output_key, None)
            trimmed.add("half_tier")
        if input_key not in values:
            for kind in ("cached_input", "cache_write"):
                if values.pop(rate_key(tier, context, kind), None) is not None:
                    trimmed.add("rate_without_tier")
    if not any(key in values for key in _LONG_KEYS):
        values.pop("long_context_threshold_tokens", None)
    for reason in trimmed:
        dropped[reason] = dropped.get(reason, 0) + 1
    min_tokens = raw.get("prompt_cache_min_tokens")
    if min_tokens is not None:
        values["prompt_cache_min_tokens"] = _count(
            where, "prompt_cache_min_tokens", _whole(min_tokens)
        )
    return values


def _litellm_entry(
    key: str, raw: object, label: str, effective_at: datetime, dropped: dict[str, int]
) -> ModelPricing:
    """One LiteLLM entry as a `ModelPricing`; `_Skip` or `CatalogError` when it is not one."""
    if not isinstance(raw, Mapping) or raw.get("mode") not in _LITELLM_TEXT_MODES:
        raise _Skip("not_text")
    litellm_provider = raw.get("litellm_provider")
    if not isinstance(litellm_provider, str):
        raise _Skip("bad_id")
    raw_provider = litellm_provider.strip()
    litellm_provider = raw_provider.lower()
    if _is_vertex(litellm_provider):
        raise _Skip("vertex_ai")
    if any(raw.get(required) is None for required in _LITELLM_REQUIRED):
        raise _Skip("tiered_pricing" if raw.get("tiered_pricing") else "no_token_rates")
    provider = canonical_provider(litellm_provider)  # the one table the presets use too
    # An empty id or one with whitespace inside is not a provider id.
    if not provider or _provider_key(provider) != provider:
        raise _Skip("bad_id")
    model = _litellm_model(key, (raw_provider, litellm_provider, provider))
    if not model:
        raise _Skip("bad_id")
    where = f"{label}: entry {key!r}"
    trimmed: dict[str, int] = {}
    values = _litellm_values(raw, where, trimmed)
    entry = ModelPricing(provider=provider, model=model, effective_at=effective_at, **values)
    for reason, count in trimmed.items():  # counted only for an entry that is imported
        dropped[reason] = dropped.get(reason, 0) + count
    return entry


def _litellm_entries(
    document: Mapping[str, Any], label: str, effective_at: datetime, *, strict: bool
) -> tuple[list[ModelPricing], LiteLLMImportReport]:
    chosen: dict[tuple[str, str], tuple[str, ModelPricing, bool]] = {}
    skipped = dict.fromkeys(LITELLM_SKIPS, 0)
    dropped = dict.fromkeys(LITELLM_DROPS, 0)
    problems: list[str] = []
    keys = 0
    for key, raw in document.items():
        if key == "sample_spec":
            continue
        keys += 1
        try:
            entry = _litellm_entry(str(key), raw, label, effective_at, dropped)
        except _Skip as skip:
            skipped[skip.reason] += 1
            continue
        except CatalogError as exc:
            if strict:
                raise
            skipped["invalid_value"] += 1
            problems.append(str(exc))
            continue
        pair = (entry.provider, entry.model)
        previous = chosen.get(pair)
        # First key wins, except that an entry of the provider's own name beats one that the
        # canonical table renamed ("mistral/codestral-latest" beats "codestral/…", which
        # is another endpoint of the seller), and an unprefixed key ("gpt-4o") beats a
        # prefixed alias ("openai/gpt-4o") of the same model; the loser is a duplicate.
        native = _is_native(raw, entry.provider)
        if (
            previous is None
            or (native and not previous[2])
            or (native == previous[2] and previous[0] != entry.model and key == entry.model)
        ):
            chosen[pair] = (str(key), entry, native)
        if previous is not None:
            skipped["duplicate"] += 1
    entries = [entry for _, entry, _ in chosen.values()]
    report = LiteLLMImportReport(
        source=label,
        keys=keys,
        imported=len(entries),
        skipped={k: v for k, v in skipped.items() if v},
        dropped={k: v for k, v in dropped.items() if v},
        problems=tuple(problems),
    )
    return entries, report


def _alias_table(
    entries: list[ModelPricing], first: Mapping[tuple[str, str], int]
) -> dict[tuple[str, str], str]:
    """``(provider, alias) -> model`` over every entry (the union of each pair's history).

    `first` maps each pair to the index of its first entry. An alias equal to another
    model's id of the provider, or claimed by two models of one provider, is a
    `CatalogError` naming the entry that brings it (in entry order).
    """
    table: dict[tuple[str, str], tuple[str, int]] = {}
    for index, entry in enumerate(entries):
        for alias in entry.aliases:
            here = f"entry {index} ({entry.provider}/{_name(entry.model)}): key 'aliases':"
            other = first.get((entry.provider, alias))
            if other is not None:
                raise CatalogError(
                    f"{here} alias {_show(alias)} is the id of another model, "
                    f"{entry.provider}/{_name(alias)} (entry {other})"
                )
            owner = table.setdefault((entry.provider, alias), (entry.model, index))
            if owner[0] != entry.model:
                raise CatalogError(
                    f"{here} alias {_show(alias)} is already claimed by "
                    f"{entry.provider}/{_name(owner[0])} (entry {owner[1]})"
                )
    return {key: model for key, (model, _) in table.items()}


def _unstamped(model: str) -> str:
    """`model` without its trailing date stamp (the stamp must end the id: no newline after)."""
    found = _STAMP.search(model)
    return model[: found.start()] if found is not None and found.end() == len(model) else model


def resolve_expr(catalog: PricingCatalog, provider: pl.Expr, model: pl.Expr) -> pl.Expr:
    """A Polars expression of the catalog model id each ``(provider, model)`` resolves to.

    The vectorised twin of `PricingCatalog.resolve` (String, null where nothing resolves):
    the same candidates in the same order, each looked up in `PricingCatalog.names`.

    Examples:
        >>> import polars as pl
        >>> import batchframe as bf
        >>> cat = bf.PricingCatalog.parse('''
        ... [[entry]]
        ... provider = "acme"
        ... model = "m1"
        ... aliases = ["m1-latest"]
        ... input_per_million = 2.0
        ... output_per_million = 8.0
        ... effective_at = "2026-01-01T00:00:00Z"
        ... ''')
        >>> frame = pl.DataFrame({"provider": ["ACME", "acme", "acme"],
        ...                       "model": ["acme/m1-20260101", "m1-latest", "m2"]})
        >>> frame.select(resolve_expr(cat, pl.col("provider"), pl.col("model")))["model"].to_list()
        ['m1', 'm1', None]
    """
    names = catalog.names
    if names.height == 0:
        return pl.when(pl.lit(False)).then(model.cast(pl.String)).alias("model")  # all null
    keys = names["provider"] + _SEPARATOR + names["name"]
    key = provider.cast(pl.String).str.strip_chars(WHITESPACE).str.to_lowercase()
    text = model.cast(pl.String)
    parts = text.str.extract_groups(r"(?s)^([^/]*)/(.+)$")
    head = parts.struct.field("1").str.strip_chars(WHITESPACE).str.to_lowercase()
    unprefixed = pl.when(head == key).then(parts.struct.field("2"))

    def unstamp(expr: pl.Expr) -> pl.Expr:
        return expr.str.replace(_STAMP_ANCHORED, "")

    candidates = (text, unprefixed, unstamp(text), unstamp(unprefixed))
    # The candidates in precedence order as one list, looked up with one table: the first
    # that names a model wins (one lookup instead of four keeps small plans cheap).
    looked_up = pl.concat_list([key + _SEPARATOR + candidate for candidate in candidates])
    found = looked_up.list.eval(
        pl.element().replace_strict(keys, names["model"], default=None, return_dtype=pl.String)
    )
    return found.list.drop_nulls().list.first().alias("model")


#: Joins provider and name into one lookup key of `resolve_expr` (ids holding NUL are not
#: expected; two such ids could share a key).
_SEPARATOR = "\x00"
#: `DATE_STAMP` for Polars' regex engine, where ``$`` already means the very end.
_STAMP_ANCHORED = DATE_STAMP


def _resolution_candidates(provider: str, model: str) -> Iterator[str]:
    """The ids model resolution tries, in order (docs/semantics.md §2.3).

    `model` itself, then once: without a leading ``<provider>/`` (the part before the first
    ``/`` compared trimmed and lower-cased with the normalised `provider`), without a
    trailing date stamp (`_rules.DATE_STAMP`), without both. Each is matched as a model id,
    then as an alias, before the next is tried.
    """
    yield model
    head, slash, rest = model.partition("/")
    unprefixed = rest if slash and rest and _provider_key(head) == provider else None
    unstamped = _unstamped(model)
    both = _unstamped(unprefixed) if unprefixed is not None else None
    seen = {model}
    for candidate in (unprefixed, unstamped, both):
        if candidate and candidate not in seen:
            seen.add(candidate)
            yield candidate


class PricingCatalog:
    """Per-model list prices with their history, validated against the catalog schema.

    Build one with `PricingCatalog.parse` (TOML text), `PricingCatalog.load` (a file) or
    `PricingCatalog.from_litellm`; `batchframe.catalog()` is the embedded default. Model
    ids resolve through aliases, date stamps and ``<provider>/`` prefixes (`resolve`,
    `names`); ``import_report`` is what `from_litellm` skipped, None for other catalogs.

    Examples:
        >>> import batchframe as bf
        >>> cat = bf.PricingCatalog.parse('''
        ... [[entry]]
        ... provider = "acme"
        ... model = "m1"
        ... input_per_million = 2.0
        ... output_per_million = 8.0
        ... batch_input_per_million = 1.0
        ... batch_output_per_million = 4.0
        ... effective_at = "2026-01-01T00:00:00Z"
        ...
        ... [[entry]]
        ... provider = "acme"
        ... model = "m1"
        ... input_per_million = 1.0
        ... output_per_million = 4.0
        ... effective_at = "2026-06-01T00:00:00+02:00"
        ... ''')
        >>> cat.pairs()
        [('acme', 'm1')]
        >>> cat.latest("acme", "m1").has_batch_tier
        False
        >>> cat.at("acme", "m1", "2026-03-01T00:00:00Z").batch_input_per_million
        1.0
        >>> cat.frame.select("model", "effective_at", "input_per_million")
        shape: (2, 3)
        ┌───────┬─────────────────────────┬───────────────────┐
        │ model ┆ effective_at            ┆ input_per_million │
        │ ---   ┆ ---                     ┆ ---               │
        │ str   ┆ datetime[μs, UTC]       ┆ f64               │
        ╞═══════╪═════════════════════════╪═══════════════════╡
        │ m1    ┆ 2026-01-01 00:00:00 UTC ┆ 2.0               │
        │ m1    ┆ 2026-05-31 22:00:00 UTC ┆ 1.0               │
        └───────┴─────────────────────────┴───────────────────┘
    """

    def __init__(self, entries: Iterable[ModelPricing] = ()) -> None:
        if not isinstance(entries, Iterable) or isinstance(entries, (str, bytes, Mapping)):
            raise TypeError(
                f"entries must be an iterable of ModelPricing, got {type(entries).__name__}"
            )
        by_pair: dict[tuple[str, str], list[ModelPricing]] = {}
        seen: dict[tuple[str, str, datetime], int] = {}
        first: dict[tuple[str, str], int] = {}
        listed: list[ModelPricing] = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, ModelPricing):
                raise CatalogError(
                    f"entry {index}: expected a ModelPricing, got {type(entry).__name__}"
                )
            key = (entry.provider, entry.model, entry.effective_at)
            if key in seen:
                raise CatalogError(
                    f"entry {index} ({entry.provider}/{entry.model}): duplicate of entry {seen[key]} "
                    f"for effective_at {entry.effective_at.isoformat()}"
                )
            seen[key] = index
            first.setdefault((entry.provider, entry.model), index)
            by_pair.setdefault((entry.provider, entry.model), []).append(entry)
            listed.append(entry)
        self._history = {
            pair: tuple(sorted(history, key=lambda e: e.effective_at))
            for pair, history in sorted(by_pair.items())
        }
        self._aliases = _alias_table(listed, first)
        #: What `from_litellm` imported and skipped; None for a catalog built otherwise.
        self.import_report: LiteLLMImportReport | None = None

    # -- construction -------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> PricingCatalog:
        """Parse catalog TOML text; raise `CatalogError` on any schema violation.

        A leading byte-order mark (U+FEFF) is ignored.
        """
        if not isinstance(text, str):
            hint = "; PricingCatalog.load reads a file" if isinstance(text, (bytes, Path)) else ""
            raise TypeError(f"text must be a str of catalog TOML, got {type(text).__name__}{hint}")
        if text.startswith("\ufeff"):
            text = text[1:]
        try:
            document = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(f"invalid TOML: {exc}") from None
        except RecursionError:
            raise CatalogError(f"invalid TOML: {_too_deep(text)}") from None
        except ValueError as exc:  # an integer beyond Python's int/str digit limit
            if "digits" in str(exc):
                raise CatalogError(
                    "invalid TOML: an integer has more digits than Python converts (4300)"
                ) from None
            raise CatalogError(f"invalid TOML: {exc}") from None
        return cls._from_document(document)

    @classmethod
    def load(cls, path: str | Path) -> PricingCatalog:
        """Read and parse a catalog file; errors name the file.

        The file is UTF-8; a leading byte-order mark is ignored.
        """
        if not isinstance(path, (str, Path)):
            raise TypeError(f"path must be a str or a Path, got {type(path).__name__}")
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogError(f"{path}: cannot read catalog: {exc}") from None
        try:
            return cls.parse(text)
        except CatalogError as exc:
            raise CatalogError(f"{path}: {exc}") from None

    @classmethod
    def from_litellm(
        cls,
        source: str | Path | Mapping[str, Any],
        *,
        effective_at: Instant,
        strict: bool = False,
    ) -> PricingCatalog:
        """Import LiteLLM's price map, stamping every entry with `effective_at`.

        `source` is a path to ``model_prices_and_context_window.json`` from the LiteLLM
        repository (github.com/BerriAI/litellm, file ``model_prices_and_context_window.json``)
        or that document already loaded as a mapping. `effective_at` is an aware datetime, a
        naive datetime (taken as UTC) or an RFC 3339 string; LiteLLM does not date its
        prices, so pass the date the file was fetched.

        Mapping rules (LiteLLM's documented keys):

        * ``sample_spec`` is skipped, and so is every entry whose ``mode`` is not a
          text-generation mode (``chat``, ``completion``, ``responses``), including entries
          without a ``mode`` (embeddings, images, audio, rerank, ...).
        * ``litellm_provider`` becomes the provider through the canonical provider table
          that the presets use too (``batchframe._rules.CANONICAL_PROVIDERS``, docs/presets.md):
          ``gemini`` -> ``google``, ``together_ai`` -> ``together``, ``fireworks_ai`` ->
          ``fireworks``, ``text-completion-openai`` -> ``openai``, ``codestral`` ->
          ``mistral``, ``bedrock_converse`` -> ``bedrock`` …; any other provider is kept
          lower-cased (``bedrock``, ``azure``, ``cerebras``, ...). When two keys become one
          ``(provider, model)``, the entry whose ``litellm_provider`` is the provider's own
          name wins (``mistral/codestral-latest`` over ``codestral/codestral-latest``).
          Vertex AI entries (``vertex_ai`` and
          ``vertex_ai-*``) are skipped: Vertex uses its own model ids and prices, while
          batchframe's ``google`` means the Gemini API (LiteLLM's ``gemini/*`` rows).
        * The model is the key without one leading ``<litellm_provider>/`` or
          ``<provider>/`` prefix: ``gemini/gemini-2.5-flash`` -> ``gemini-2.5-flash``,
          ``openrouter/openai/gpt-5`` -> ``openai/gpt-5``.
        * Per-token rates become per-million rates, converted in decimal arithmetic (2e-07
          -> 0.2 exactly). Four families, ``input_cost_per_token``,
          ``output_cost_per_token`` (both required, else the entry is skipped),
          ``cache_read_input_token_cost`` (cached input) and
          ``cache_creation_input_token_cost`` (cache write), each with an optional tier
          suffix ``_batches`` (Batch API), ``_flex`` or ``_priority``, fill
          ``[<tier>_]<kind>_per_million``; ``<family>_above_<N>k_tokens[<suffix>]`` fills
          ``[<tier>_]long_context_<kind>_per_million`` with
          ``long_context_threshold_tokens = N * 1000``. An entry with several thresholds
          (``_above_128k`` and ``_above_256k``) keeps the smallest one and its rates; the
          others are dropped (counted as ``extra_thresholds``). Every other key (audio,
          image, 1-hour cache writes ``*_above_1hr``, ``_ultrafast``, ...) is ignored.
          ``prompt_cache_min_tokens`` is copied; a whole-number float (``4096.0``) is an
          integer.
        * Rates that could never price are dropped and counted: half a pair (one of a
          tier's input/output rates, ``half_tier``) and a cached or cache-write rate of a
          tier without its pair (``rate_without_tier``); the entry is imported without them.
        * When two keys give the same ``(provider, model)``, the first key in the file is
          kept, except that an unprefixed key (``gpt-4o``) wins over a prefixed alias
          (``openai/gpt-4o``); the other counts as a ``duplicate``.

        Skip or raise: the document itself must be readable JSON holding an object, else
        `CatalogError` (naming the file). A model entry is never fatal by default: an entry
        that is not text generation, is Vertex AI, has no per-token input/output rates
        (``tiered_pricing`` only, per-second or per-image billing), has no usable id, or
        holds a bad value in a key it maps (a rate that is not a finite number >= 0 or whose
        per-million rate overflows a float, a ``prompt_cache_min_tokens`` that is not a
        whole number from 0 to 2**63 - 1) is skipped and counted. With ``strict=True`` a bad
        value raises that `CatalogError` instead (naming the file, the entry's key and the
        LiteLLM key), as the import did before skips were counted. The counts are the
        catalog's ``import_report`` (a `LiteLLMImportReport`; ``report.summary()`` is one
        line, ``report.problems`` the messages of the entries skipped for bad values).
        `CatalogError` for a bad `effective_at` string and `TypeError` for a value of the
        wrong type.

        Examples:
            >>> import batchframe as bf
            >>> cat = bf.PricingCatalog.from_litellm(
            ...     {
            ...         "sample_spec": {"mode": "chat", "litellm_provider": "openai"},
            ...         "gemini/gemini-2.5-flash": {
            ...             "litellm_provider": "gemini",
            ...             "mode": "chat",
            ...             "input_cost_per_token": 3e-07,
            ...             "output_cost_per_token": 2.5e-06,
            ...         },
            ...         "text-embedding-3-small": {
            ...             "litellm_provider": "openai",
            ...             "mode": "embedding",
            ...             "input_cost_per_token": 2e-08,
            ...             "output_cost_per_token": 0.0,
            ...         },
            ...     },
            ...     effective_at="2026-11-28T00:00:00Z",
            ... )
            >>> cat.pairs()
            [('google', 'gemini-2.5-flash')]
            >>> p = cat.latest("google", "gemini-2.5-flash")
            >>> (p.input_per_million, p.output_per_million, p.has_batch_tier)
            (0.3, 2.5, False)
            >>> p.effective_at.isoformat()
            '2026-11-28T00:00:00+00:00'
            >>> cat.import_report.summary()
            'imported 1 of 2 LiteLLM entries; skipped 1 (1 not text generation)'
        """
        instant = _to_utc(effective_at, "effective_at")
        document: object
        if isinstance(source, Mapping):
            document = source
            label = "LiteLLM price map"
        elif isinstance(source, (str, Path)):
            path = Path(source)
            label = str(path)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CatalogError(f"{path}: cannot read LiteLLM price map: {exc}") from None
            try:
                document = json.loads(text)
            except json.JSONDecodeError as exc:
                raise CatalogError(f"{path}: invalid JSON: {exc}") from None
            except RecursionError:
                raise CatalogError(f"{path}: invalid JSON: nested too deeply") from None
            except ValueError as exc:  # an integer beyond Python's int/str digit limit
                raise CatalogError(f"{path}: invalid JSON: {str(exc).split(';')[0]}") from None
        else:
            raise TypeError(f"expected a path or a mapping, got {type(source).__name__}")
        if not isinstance(document, Mapping):
            raise CatalogError(
                f"{label}: expected a JSON object of model entries, got {type(document).__name__}"
            )
        entries, report = _litellm_entries(document, label, instant, strict=strict)
        imported = cls(entries)
        imported.import_report = report
        return imported

    def merge(self, other: PricingCatalog) -> PricingCatalog:
        """A new catalog holding the entries of both; `other` wins on the same instant.

        For one ``(provider, model, effective_at)`` present in both catalogs the entry of
        `other` is kept (an overlay of negotiated rates); every other entry of either
        catalog is kept, so price histories are preserved. Neither catalog is changed.
        Aliases belong to the ``(provider, model)`` pair: a replaced entry's aliases carry
        over to the entry of `other` that replaces it, and an alias of this catalog that
        `other` uses as a model id, or gives to another model, is dropped (`other` wins).
        An alias of `other` that is a model id of this catalog is a `CatalogError`.

        Examples:
            >>> import batchframe as bf
            >>> base = bf.PricingCatalog.parse('''
            ... [[entry]]
            ... provider = "acme"
            ... model = "m1"
            ... input_per_million = 2.0
            ... output_per_million = 8.0
            ... effective_at = "2026-01-01T00:00:00Z"
            ... ''')
            >>> deal = bf.PricingCatalog.parse('''
            ... [[entry]]
            ... provider = "acme"
            ... model = "m1"
            ... input_per_million = 1.5
            ... output_per_million = 6.0
            ... effective_at = "2026-01-01T00:00:00Z"
            ...
            ... [[entry]]
            ... provider = "acme"
            ... model = "m2"
            ... input_per_million = 0.5
            ... output_per_million = 1.0
            ... effective_at = "2026-01-01T00:00:00Z"
            ... ''')
            >>> merged = base.merge(deal)
            >>> merged
            PricingCatalog(2 entries, 2 models)
            >>> merged.latest("acme", "m1").input_per_million
            1.5
            >>> base.latest("acme", "m1").input_per_million
            2.0
        """
        if not isinstance(other, PricingCatalog):
            raise TypeError(f"expected a PricingCatalog, got {type(other).__name__}")
        by_key = {(e.provider, e.model, e.effective_at): e for e in self}
        for entry in other:
            key = (entry.provider, entry.model, entry.effective_at)
            replaced = by_key.get(key)
            if replaced is not None and replaced.aliases:
                # Aliases belong to the pair: the replaced entry's ones stay with it.
                entry = dataclasses.replace(entry, aliases=entry.aliases + replaced.aliases)
            by_key[key] = entry
        for key, entry in by_key.items():
            # `other` wins: an alias of ours that names one of its models, or that it gives
            # to another model, is dropped.
            kept = tuple(
                alias
                for alias in entry.aliases
                if (entry.provider, alias) not in other._history
                and other._aliases.get((entry.provider, alias), entry.model) == entry.model
            )
            if kept != entry.aliases:
                by_key[key] = dataclasses.replace(entry, aliases=kept)
        return PricingCatalog(by_key.values())

    @classmethod
    def _from_document(cls, document: Mapping[str, Any]) -> PricingCatalog:
        unknown = sorted(set(document) - {"entry"})
        if unknown:
            raise CatalogError(
                f"unknown top-level key {unknown[0]!r}: a catalog holds only [[entry]] tables"
            )
        raw_entries = document.get("entry", [])
        if not isinstance(raw_entries, list):
            raise CatalogError("'entry' must be an array of tables ([[entry]])")
        return cls(_validate_entry(index, raw) for index, raw in enumerate(raw_entries))

    # -- queries ------------------------------------------------------------------------
    def __len__(self) -> int:
        return sum(len(history) for history in self._history.values())

    def __iter__(self) -> Iterator[ModelPricing]:
        for history in self._history.values():
            yield from history

    def __repr__(self) -> str:
        return f"PricingCatalog({len(self)} entries, {len(self._history)} models)"

    def pairs(self) -> list[tuple[str, str]]:
        """Every ``(provider, model)`` in the catalog, sorted."""
        return list(self._history)

    def resolve(self, provider: str, model: str) -> str | None:
        """The catalog model id that `model` of `provider` means, or None (docs/semantics.md §2).

        Within `provider` (trimmed and lower-cased): the model whose id equals `model`;
        else the model one of whose ``aliases`` (the union over its history,
        case-sensitive) equals it; else, once, `model` without a leading ``<provider>/``,
        then without a trailing date stamp (``-20250929``, ``-2025-09-29``,
        ``@20250929``), then without both, each matched the same two ways. Nothing fuzzier.

        Examples:
            >>> import batchframe as bf
            >>> cat = bf.PricingCatalog.parse('''
            ... [[entry]]
            ... provider = "acme"
            ... model = "m1"
            ... aliases = ["m1-latest"]
            ... input_per_million = 2.0
            ... output_per_million = 8.0
            ... effective_at = "2026-01-01T00:00:00Z"
            ... ''')
            >>> [cat.resolve(" ACME", m) for m in ("m1", "m1-latest", "acme/m1-20260101", "M1")]
            ['m1', 'm1', 'm1', None]
        """
        for name, value in (("provider", provider), ("model", model)):
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a str, got {type(value).__name__}")
        key = _provider_key(provider)
        for candidate in _resolution_candidates(key, model):
            if (key, candidate) in self._history:
                return candidate
            aliased = self._aliases.get((key, candidate))
            if aliased is not None:
                return aliased
        return None

    @functools.cached_property
    def names(self) -> pl.DataFrame:
        """Every id a model is known by: ``provider``, ``name``, ``model`` (all String).

        One row per catalog model id (``name == model``) and per alias (the union over
        the pair's history), sorted by provider and name; ``name`` is unique within a
        provider. The ``<provider>/`` and date-stamp rules of `resolve` come on top.
        """
        rows = [(provider, model, model) for provider, model in self._history]
        rows += [(provider, alias, model) for (provider, alias), model in self._aliases.items()]
        return pl.DataFrame(
            sorted(rows),
            schema={"provider": pl.String(), "name": pl.String(), "model": pl.String()},
            orient="row",
        )

    def history(self, provider: str, model: str) -> tuple[ModelPricing, ...]:
        """All entries of the pair `model` resolves to (`resolve`), oldest first.

        Empty when it resolves to nothing.
        """
        resolved = self.resolve(provider, model)
        if resolved is None:
            return ()
        return self._history[(_provider_key(provider), resolved)]

    def latest(self, provider: str, model: str) -> ModelPricing | None:
        """The entry with the greatest ``effective_at``, or None for an unknown pair.

        `provider` matches trimmed and lower-cased (``" OpenAI "`` means ``openai``) and
        `model` resolves as in `resolve` (aliases, date stamps, ``<provider>/``).
        """
        history = self.history(provider, model)
        return history[-1] if history else None

    def at(self, provider: str, model: str, when: Instant) -> ModelPricing | None:
        """The last entry with ``effective_at <= when``; the earliest one if `when` predates all.

        `when` is an aware datetime, a naive datetime (taken as UTC) or an RFC 3339 string.
        Returns None for an unknown pair; `provider` matches as in `latest`.
        """
        history = self.history(provider, model)
        instant = _to_utc(when)  # checked even for an unknown pair
        if not history:
            return None
        chosen = history[0]
        for entry in history:
            if entry.effective_at <= instant:
                chosen = entry
            else:
                break
        return chosen

    @property
    def newest_effective_at(self) -> datetime | None:
        """The greatest ``effective_at`` of all entries (UTC), or None for an empty catalog."""
        return max((entry.effective_at for entry in self), default=None)

    def is_stale(self, max_days: float = 120, now: datetime | None = None) -> bool:
        """Whether the newest entry is more than `max_days` days older than `now`.

        `now` defaults to the current UTC time; a naive `now` is taken as UTC. An empty
        catalog is always stale.

        Examples:
            >>> from datetime import datetime
            >>> import batchframe as bf
            >>> bf.catalog().newest_effective_at.date().isoformat()
            '2026-12-01'
            >>> bf.catalog().is_stale(now=datetime(2026, 12, 1))
            False
            >>> bf.catalog().is_stale(max_days=30, now=datetime(2027, 3, 1))
            True
        """
        if isinstance(max_days, bool) or not isinstance(max_days, (int, float)):
            raise TypeError(f"max_days must be a number of days, got {type(max_days).__name__}")
        if max_days != max_days or max_days < 0:  # NaN (math.isnan overflows on huge ints)
            raise CatalogError(f"max_days must be a number of days >= 0, got {max_days!r}")
        instant = datetime.now(timezone.utc) if now is None else _to_utc(now, "now")
        newest = self.newest_effective_at
        if newest is None:
            return True
        if max_days >= timedelta.max.days:  # no instant is that far from another
            return False
        return instant - newest > timedelta(days=max_days)

    @functools.cached_property
    def frame(self) -> pl.DataFrame:
        """One row per entry, sorted by provider, model and ``effective_at`` (UTC).

        One column per key of the schema, named as the key, null where an entry lacks it:
        ``provider``, ``model`` (String), ``effective_at`` (Datetime UTC), the 32 rate keys
        of `_rules.RATE_KEYS` (Float64), ``prompt_cache_min_tokens`` and
        ``long_context_threshold_tokens`` (Int64) and ``aliases`` (List(String)).
        """
        columns = {name: [getattr(entry, name) for entry in self] for name in FRAME_SCHEMA.names()}
        columns["aliases"] = [list(aliases) or None for aliases in columns["aliases"]]
        return pl.DataFrame(columns, schema=FRAME_SCHEMA)

    @functools.cached_property
    def latest_frame(self) -> pl.DataFrame:
        """`frame` reduced to each pair's latest entry."""
        return self.frame.group_by("provider", "model", maintain_order=True).last()


def _embedded_text() -> str:
    packaged = importlib.resources.files("batchframe").joinpath("pricing.toml")
    if packaged.is_file():  # an installed wheel carries the root pricing.toml here
        return packaged.read_text(encoding="utf-8")
    # A source checkout or editable install: read the one file at the repository root.
    return (Path(__file__).resolve().parent.parent / "pricing.toml").read_text(encoding="utf-8")


@functools.cache
def catalog() -> PricingCatalog:
    """The embedded default catalog (the repository's ``pricing.toml``), parsed once.

    Examples:
        >>> import batchframe as bf
        >>> p = bf.catalog().latest("openai", "gpt-5.5")
        >>> (p.input_per_million, p.output_per_million, p.batch_input_per_million)
        (5.0, 30.0, 2.5)
        >>> bf.catalog().latest("groq", "llama-3.1-8b-instant").has_batch_tier
        False
    """
    return PricingCatalog.parse(_embedded_text())


def resolve_catalog(given: PricingCatalog | None) -> PricingCatalog:
    """`given` itself, or the embedded catalog for None; `TypeError` for anything else."""
    if given is None:
        return catalog()
    if not isinstance(given, PricingCatalog):
        raise TypeError(f"catalog must be a PricingCatalog or None, got {type(given).__name__}")
    return given


def _toml_string(value: str) -> str:
    """`value` as a TOML basic string (escapes what TOML requires, keeps other text as is)."""
    out = []
    for char in value:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char < " " or char == "\x7f":
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def to_toml(cat: PricingCatalog, header: str = "") -> str:
    """`cat` as catalog TOML that `PricingCatalog.parse` reads back to the same entries.

    Entries come in `PricingCatalog` order (provider, model, ``effective_at``); rates are
    written with ``repr`` (the shortest text that reads back to the same float) and
    ``effective_at`` as an RFC 3339 string in UTC. `header` lines are written as comments.
    """
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for entry in cat:
        lines += ["", "[[entry]]"]
        for name in FRAME_SCHEMA.names():
            value = getattr(entry, name)
            if value is None or value == ():
                continue
            if isinstance(value, tuple):
                shown = "[" + ", ".join(_toml_string(alias) for alias in value) + "]"
            elif isinstance(value, str):
                shown = _toml_string(value)
            elif isinstance(value, datetime):
                shown = _toml_string(value.isoformat().replace("+00:00", "Z"))
            else:
                shown = repr(value)
            lines.append(f"{name} = {shown}")
    return "\n".join(lines).lstrip("\n") + "\n"
