"""The shared vocabulary and rule tables of batchframe (a leaf: imports nothing of ours).

Every rule that both engines apply is written here once, as data or as pure Python:
tiers, statuses and their precedence, eligible-tag spellings, the whitespace set, the
value checks and their messages, the provider tables, the reserved column prefix and
the parsing of ``every=``. The Polars modules compile these tables into expressions;
`batchframe.spark` compiles the few it needs per row (the spelling filter and the value
checks) and hands everything else to the Polars code on the small folded result, so no
rule has a second, hand-written copy. docs/semantics.md states the contract.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from batchframe._errors import BatchframeError

__all__ = [
    "ALREADY_DISCOUNTED_TIERS",
    "CANONICAL_PROVIDERS",
    "DEFAULT_BATCH_ELIGIBLE_TAGS",
    "GATEWAY_TAG_PATTERNS",
    "RESERVED_PREFIX",
    "STATUS_PRECEDENCE",
    "TIERS",
    "WHITESPACE",
    "Every",
    "TagsLike",
    "ValueRule",
    "bad_value_message",
    "canonical_provider",
    "check_by",
    "check_tier",
    "eligible_tag_set",
    "gateway_tag_regex",
    "missing_column_message",
    "parse_every",
    "spellings",
    "value_rules",
]

#: Tags that mark latency-insensitive traffic unless the caller names others.
DEFAULT_BATCH_ELIGIBLE_TAGS: tuple[str, ...] = (
    "background",
    "offline",
    "nightly",
    "batch",
    "bulk",
    "async",
)

#: The tiers a projection can target.
TIERS: tuple[str, ...] = ("batch", "flex")

#: Service tiers that are already discounted: traffic that ran on them is never projected.
ALREADY_DISCOUNTED_TIERS: tuple[str, ...] = ("batch", "flex")

#: Service-tier spellings of the exports (lower-cased) -> the catalog's pricing tier
#: (`RATE_TIERS`) the request was billed at. OpenAI writes ``default`` / ``auto`` for the
#: standard tier (``openai-python`` ``types/chat/chat_completion.py`` ``service_tier``),
#: Anthropic ``standard`` / ``priority`` / ``batch`` (``anthropic-sdk-python``
#: ``types/usage.py``). Any other spelling, or none, is the standard tier unless the row
#: is ``already_batched`` (then batch).
SERVICE_TIERS: dict[str, str] = {
    "standard": "standard",
    "default": "standard",
    "auto": "standard",
    "on_demand": "standard",
    "batch": "batch",
    "flex": "flex",
    "priority": "priority",
}

#: Why a segment is or is not projected, in the order the rules are applied: the first
#: status whose condition holds is the segment's status.
STATUS_PRECEDENCE: tuple[str, ...] = (
    "already_batched",
    "cache_hit",
    "unknown_cost",
    "untagged",
    "not_eligible",
    "unknown_model",
    "no_batch_tier",
    "projected",
)

#: The categories of the public ``SEGMENT_STATUS`` Enum, in its (historical) order.
STATUS_CATEGORIES: tuple[str, ...] = (
    "projected",
    "untagged",
    "not_eligible",
    "unknown_model",
    "no_batch_tier",
    "already_batched",
    "cache_hit",
    "unknown_cost",
)

#: The summed counters of an aggregate row.
COUNTER_COLUMNS = ("input_tokens", "output_tokens", "cost_usd", "request_count")
#: Columns that batchframe's outputs (findings, partials, drill-downs) define themselves.
OUTPUT_COLUMNS = (
    "eligible_spend_usd",
    "projected_batch_cost_usd",
    "projected_savings_usd",
    "share_of_spend_pct",
    "discount_pct",
    "summary",
    "rates_effective_at",
    "tier",
    "total_spend_usd",
    "status",
)

#: Every temporary column batchframe adds starts with this; inputs may not use it.
RESERVED_PREFIX = "_bf_"

#: The characters of Unicode's White_Space property, which log cleaning trims from
#: provider ids, service tiers and tags (the same set as Rust's ``char::is_whitespace``;
#: spelled out so that an engine whose ``trim`` or ``\\s`` is ASCII-only strips the same).
WHITESPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)

TagsLike = str | Iterable[str] | None


# -- options --------------------------------------------------------------------------------


def check_tier(tier: object) -> str:
    """`tier` if it is a projection tier, else `BatchframeError` naming the choices."""
    if not isinstance(tier, str) or tier not in TIERS:
        raise BatchframeError(f"tier must be one of {list(TIERS)}, got {tier!r}")
    return tier


def check_by(by: Sequence[str] | str | None) -> tuple[str, ...]:
    """The breakdown keys of ``by=`` as a tuple without duplicates.

    A key is an input column that is not ``tag`` (every finding has it), not a summed
    counter and not a column the findings define themselves.

    Examples:
        >>> check_by(["provider", "model", "provider"])
        ('provider', 'model')
        >>> check_by("cost_usd")
        Traceback (most recent call last):
        ...
        batchframe._errors.BatchframeError: by= takes input columns to break the findings down by; 'cost_usd' is a summed counter
    """
    if by is None:
        return ()
    keys = (by,) if isinstance(by, str) else tuple(by)
    for key in keys:
        why = None
        if not isinstance(key, str):
            raise TypeError(f"by= takes column names (strings), got {key!r}")
        if key == "tag":
            why = "every finding is per tag already"
        elif key in COUNTER_COLUMNS:
            why = "a summed counter"
        elif key in OUTPUT_COLUMNS:
            why = "a column of the findings themselves"
        if why is not None:
            raise BatchframeError(
                f"by= takes input columns to break the findings down by; {key!r} is {why}"
            )
    return tuple(dict.fromkeys(keys))


def eligible_tag_set(eligible_tags: TagsLike) -> list[str]:
    """The lower-cased eligible set: None -> default, a bare string -> that one tag.

    Examples:
        >>> eligible_tag_set("Nightly"), eligible_tag_set(()), eligible_tag_set(None)[:2]
        (['nightly'], [], ['background', 'offline'])
    """
    if eligible_tags is None:
        return list(DEFAULT_BATCH_ELIGIBLE_TAGS)
    if isinstance(eligible_tags, str):
        eligible_tags = (eligible_tags,)
    tags = list(eligible_tags)
    for tag in tags:
        if not isinstance(tag, str):
            raise TypeError(f"eligible_tags must be strings, got {tag!r} ({type(tag).__name__})")
    return sorted({tag.lower() for tag in tags})


# -- eligible spellings ---------------------------------------------------------------------

# The only characters outside ASCII whose Unicode lower case contains an ASCII letter
# are U+0130 (-> "i" + U+0307, never a pure-ASCII word) and U+212A KELVIN SIGN (-> "k");
# tests/test_project.py re-derives this from Polars' own lower-casing over all of Unicode.
_NON_ASCII_PREIMAGES = {"k": ("\u212a",)}
#: Above this many spellings the exact-match filter is skipped (the result is the same).
SPELLING_BUDGET = 1 << 14


def _preimages(char: str) -> tuple[str, ...]:
    """Every character whose lower case is `char` (an ASCII character)."""
    if "a" <= char <= "z":
        return (char, char.upper(), *_NON_ASCII_PREIMAGES.get(char, ()))
    return (char,)


@functools.lru_cache(maxsize=64)
def spellings(eligible: tuple[str, ...]) -> tuple[str, ...] | None:
    """Every string whose lower case is one of the (lower-case) `eligible` words.

    None when a word is not ASCII or there would be more than `SPELLING_BUDGET`
    spellings; the engines then fold every row instead of filtering first (the
    eligibility rule itself is applied afterwards, on the folded segments).

    Examples:
        >>> sorted(s for s in spellings(("ok",)) if s.isascii())
        ['OK', 'Ok', 'oK', 'ok']
        >>> len(spellings(("ok",))), "o\\u212a" in spellings(("ok",))  # KELVIN SIGN lowers to k
        (6, True)
    """
    per_word = []
    for word in eligible:
        if not word.isascii():
            return None
        per_word.append([_preimages(char) for char in word])
    if sum(math.prod(len(c) for c in chars) for chars in per_word) > SPELLING_BUDGET:
        return None
    return tuple("".join(p) for chars in per_word for p in itertools.product(*chars))


# -- value checks ---------------------------------------------------------------------------


class ValueRule(NamedTuple):
    """One check on an aggregate column: what is expected, and which predicate breaks it.

    `predicate` is one of ``null``, ``nan``, ``infinite``, ``not_finite``, ``fractional``,
    ``negative``, ``too_large``, ``exceeds_input`` (the cache counters present add up to
    more than ``input_tokens``); each engine compiles it. `summed`: a non-finite column sum reveals it.
    `show`: the offending value is worth printing (a null is printed as ``null``).
    """

    expectation: str
    predicate: str
    summed: bool = False


#: The aggregate columns whose values are checked, in the order they are reported.
CHECKED_COLUMNS = (
    "provider",
    "model",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "request_count",
)
COUNT_COLUMNS = ("input_tokens", "output_tokens", "request_count")
#: Optional counters: input tokens read from / written to the provider's prompt cache (both
#: part of ``input_tokens``).
CACHE_COLUMNS = ("cached_input_tokens", "cache_write_tokens")
#: Optional flag: the segment's requests exceed the model's long-context threshold.
LONG_CONTEXT = "long_context"
#: Optional flag: a gateway answered the requests from its own response cache (LiteLLM
#: ``cache_hit``); the provider never billed them, so they are never projected.
CACHE_HIT = "cache_hit"
#: Optional flag: the export recorded no cost and the catalog could not price the requests
#: at the tier they ran on; ``cost_usd`` is 0 on such rows and they are never projected.
COST_UNKNOWN = "cost_unknown"
#: Optional text column of log aggregates: ``recorded`` (the export's cost) or ``catalog``
#: (priced from the catalog at the tier the requests ran on; the export recorded none).
COST_SOURCE = "cost_source"
#: The values of `COST_SOURCE`.
COST_SOURCES: tuple[str, ...] = ("recorded", "catalog")
#: Optional flags of an aggregate row that exclude it from the projection (absent = false).
EXCLUDING_FLAGS: tuple[str, ...] = ("already_batched", CACHE_HIT, COST_UNKNOWN)


def checked_columns(names: Iterable[str]) -> tuple[str, ...]:
    """The columns whose values are checked: `CHECKED_COLUMNS` and the cache counters present."""
    present = set(names)
    return (*CHECKED_COLUMNS, *(name for name in CACHE_COLUMNS if name in present))


def value_rules(
    name: str, *, is_float: bool, is_unsigned: bool = False, is_wide: bool = False
) -> list[ValueRule]:
    """The checks of column `name`, given whether it holds floats, unsigned or 128-bit integers.

    Examples:
        >>> [r.predicate for r in value_rules("request_count", is_float=True)]
        ['null', 'not_finite', 'fractional', 'negative']
    """
    if name in ("provider", "model"):
        return [ValueRule("a string, not null", "null")]
    if name == "cost_usd":
        rules = [ValueRule("a finite number, not null", "null")]
        if is_float:
            rules += [
                ValueRule("a finite number", "nan", summed=True),
                ValueRule("a finite number", "infinite", summed=True),
            ]
        return rules
    if name in CACHE_COLUMNS:
        # optional counters: null means none; the cache cannot exceed the input
        rules = [
            ValueRule("cached_input_tokens + cache_write_tokens <= input_tokens", "exceeds_input")
        ]
    else:
        rules = [ValueRule("an integer >= 0, not null", "null")]
    if is_float:
        rules += [
            ValueRule("a whole, finite number", "not_finite"),
            ValueRule("a whole number", "fractional"),
        ]
    if not is_unsigned:
        rules.append(ValueRule("an integer >= 0", "negative"))
    if is_wide:
        rules.append(ValueRule("an integer below 2**63", "too_large"))
    return rules


def describe(value: object) -> str:
    """A value as an error message shows it (``null`` for None)."""
    return "null" if value is None else repr(value)


def bad_value_message(name: str, expectation: str, value: object, where: str) -> str:
    """The message for a bad value: column, expectation, value, and where it is.

    Examples:
        >>> bad_value_message("input_tokens", "an integer >= 0", -3, "at row 1")
        "column 'input_tokens': expected an integer >= 0, got -3 at row 1"
    """
    return f"column {name!r}: expected {expectation}, got {describe(value)} {where}"


def missing_column_message(name: str, what: str, present: Sequence[str], hint: str = "") -> str:
    """The message for a missing column, listing the columns that are there."""
    return f"missing column {name!r}: {what}; the input has {list(present)}{hint}"


# -- providers ------------------------------------------------------------------------------

# Model-id patterns, applied to the trimmed, lower-cased id (docs/presets.md §5).
PROVIDER_PATTERNS: tuple[tuple[str, str, str | None], ...] = (
    # (provider, pattern, exclusion pattern)
    (
        "openai",
        (
            r"^(?:ft:)?(?:gpt-|chatgpt-|o[0-9]|text-embedding-|davinci|babbage|dall-e-|tts-"
            r"|whisper-|computer-use-|codex-)"
        ),
        r"^gpt-oss",  # open-weight: served by groq, together, fireworks, … -> ambiguous
    ),
    ("anthropic", r"^claude-[^@/]*$", None),  # "claude-…@2025…" is Vertex's id: another seller
    ("google", r"^(?:models/)?gemini-", None),
    ("mistral", r"^(?:mistral|ministral|codestral|magistral|devstral|pixtral|open-mistral)-", None),
    ("groq", r"^llama[^/]*-(?:instant|versatile)$", None),  # Groq-only naming
)

#: THE canonical provider table: every gateway or export spelling of a provider (lower-cased)
#: -> its catalog provider id; any other name passes through unchanged. Both the LiteLLM
#: price-map import (`PricingCatalog.from_litellm`, key ``litellm_provider``) and the presets
#: (LiteLLM ``custom_llm_provider``, Helicone ``provider``) map names through it, so the
#: catalog and the logs agree. LiteLLM spellings are members of ``LlmProviders``
#: (``litellm/types/utils.py``, litellm 1.110.2) or ``litellm_provider`` values of its
#: ``model_prices_and_context_window.json`` that name the same seller under another
#: endpoint (text completion, Converse, an embedding family). Sellers that are not the same
#: business (``azure_ai``, ``vertex_ai`` partner models, ``openrouter``, ``hosted_vllm``,
#: ``custom_openai``) are deliberately not folded into another id.
CANONICAL_PROVIDERS: dict[str, str] = {
    # LiteLLM: one seller, several endpoints
    "text-completion-openai": "openai",
    "anthropic_text": "anthropic",
    "gemini": "google",
    "vertex_ai": "google",
    "vertex_ai_beta": "google",
    "vertex_ai-language-models": "google",
    "codestral": "mistral",
    "text-completion-codestral": "mistral",
    "fireworks_ai": "fireworks",
    "fireworks_ai-embedding-models": "fireworks",
    "together_ai": "together",
    "bedrock_converse": "bedrock",
    "cohere_chat": "cohere",
    "azure_text": "azure",
    "ai21_chat": "ai21",
    "ollama_chat": "ollama",
    "sagemaker_chat": "sagemaker",
    "watsonx_text": "watsonx",
    "text-completion-inception": "inception",
    # Helicone provider names (legacy upper-case enum, lower-cased, and gateway names)
    "google-ai-studio": "google",
    "vertex": "google",
    "x": "xai",
    "aws": "bedrock",
}


def canonical_provider(name: str) -> str:
    """A provider spelling as its catalog id (trimmed, lower-cased, then `CANONICAL_PROVIDERS`).

    Examples:
        >>> canonical_provider(" Fireworks_AI "), canonical_provider("azure_ai")
        ('fireworks', 'azure_ai')
    """
    key = name.strip(WHITESPACE).lower()
    return CANONICAL_PROVIDERS.get(key, key)


#: Tags a gateway adds to every request by itself, which are not the user's tags: LiteLLM
#: adds ``User-Agent: <agent>`` and ``User-Agent: <agent>/<version>`` unless
#: ``litellm.disable_add_user_agent_to_request_tags`` is set
#: (``litellm/litellm_core_utils/litellm_logging.py``, ``_get_user_agent_tags``). Regular
#: expressions, matched case-insensitively from the tag's start; the LiteLLM presets drop
#: matching tags by default (``litellm_spendlogs_preset(keep_tags=True)`` keeps them).
GATEWAY_TAG_PATTERNS: tuple[str, ...] = (r"user-agent:",)


def gateway_tag_regex(patterns: Sequence[str] = GATEWAY_TAG_PATTERNS) -> str:
    """One regular expression matching any of `patterns` at a tag's start (case-insensitive).

    Examples:
        >>> import re
        >>> bool(re.match(gateway_tag_regex(), "User-Agent: OpenAI/Python 2.3.0"))
        True
    """
    return "(?i)^(?:" + "|".join(f"(?:{p})" for p in patterns) + ")"


#: LiteLLM call types that book the cost of a Batch-API job.
BATCH_CALL_TYPE = r"^a?(?:create|retrieve|cancel|list)_batch(?:es)?$"


# -- periods --------------------------------------------------------------------------------


class Every(NamedTuple):
    """A parsed ``every=`` duration: the text Polars truncates by, and its finest unit.

    Engines that fold rows before the truncation (Spark) floor timestamps to
    `floor_us` microseconds first; every period boundary is a multiple of it, so the
    truncation of the floored instant equals that of the instant.
    """

    text: str
    floor_us: int


_UNIT_US = {
    "ns": 1,  # floored to a microsecond anyway
    "us": 1,
    "ms": 1_000,
    "s": 1_000_000,
    "m": 60_000_000,
    "h": 3_600_000_000,
    "d": 86_400_000_000,
    "w": 86_400_000_000,
    "mo": 86_400_000_000,
    "q": 86_400_000_000,
    "y": 86_400_000_000,
}
_PART = re.compile(r"(\d+)(ns|us|ms|mo|s|m|h|d|w|q|y)")


def parse_every(every: object) -> Every:
    """Validate a Polars duration for ``every=`` (``"1d"``, ``"6h"``, ``"1w"``, ``"1mo"`` …).

    Raises `BatchframeError` for anything else, including a zero duration, and
    `TypeError` for a value that is not a string.

    Examples:
        >>> parse_every("1mo"), parse_every("1h30m").floor_us
        (Every(text='1mo', floor_us=86400000000), 60000000)
    """
    if not isinstance(every, str):
        raise TypeError(f"every= takes a duration string such as '1d' or '1mo', got {every!r}")
    text = every.strip()
    parts = _PART.findall(text)
    if not text or "".join(n + u for n, u in parts) != text or all(int(n) == 0 for n, _ in parts):
        raise BatchframeError(
            f"every={every!r}: expected a Polars duration such as '1d', '6h', '1w', '1mo', "
            "'1q' or '1y' (a whole number and a unit, not zero)"
        )
    return Every(text, min(_UNIT_US[unit] for _, unit in parts))


# -- the catalog's rate keys -------------------------------------------------------------------

#: Pricing tiers of the catalog: standard (no prefix), then the discounted and premium ones.
RATE_TIERS: tuple[str, ...] = ("standard", "batch", "flex", "priority")
#: Prompt-length contexts: ordinary, and above the model's ``long_context_threshold_tokens``.
CONTEXTS: tuple[str, ...] = ("short", "long")
#: What a rate prices, per 1M tokens.
RATE_KINDS: tuple[str, ...] = ("input", "output", "cached_input", "cache_write")


def rate_key(tier: str, context: str, kind: str) -> str:
    """The catalog key of one rate: ``[<tier>_][long_context_]<kind>_per_million``.

    Examples:
        >>> rate_key("standard", "short", "input"), rate_key("batch", "long", "cached_input")
        ('input_per_million', 'batch_long_context_cached_input_per_million')
    """
    if tier not in RATE_TIERS or context not in CONTEXTS or kind not in RATE_KINDS:
        raise ValueError(f"no such rate: tier={tier!r}, context={context!r}, kind={kind!r}")
    prefix = "" if tier == "standard" else f"{tier}_"
    middle = "long_context_" if context == "long" else ""
    return f"{prefix}{middle}{kind}_per_million"


#: Every rate key of the scheme, tier by tier, context by context.
RATE_KEYS: tuple[str, ...] = tuple(
    rate_key(tier, context, kind)
    for tier in RATE_TIERS
    for context in CONTEXTS
    for kind in RATE_KINDS
)

#: A trailing date stamp of a model id (``-20250929``, ``-2025-09-29``, ``@20250929``), which
#: model resolution strips once when neither the id nor an alias matches.
DATE_STAMP = r"(?:-\d{8}|-\d{4}-\d{2}-\d{2}|@\d{8})$"
