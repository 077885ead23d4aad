"""Folding raw values first is an evaluation order, not a second set of rules (issue 15).

The log readers take shortcuts that must never change a number: a JSON path is parsed
only on rows whose text can hold it, and a preset's key columns (tag lists from JSON
text, providers inferred from model ids) wait until requests are folded on the file's
raw columns. Each shortcut is checked here against the plain way of doing the same.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import batchframe as bf
from batchframe._logschema import (
    TextHints,
    clean_text,
    clean_text_once,
    json_path_value,
    maybe_nonzero,
    whole_count,
)
from batchframe._presets import litellm_spendlogs

ROOT = Path(__file__).resolve().parent.parent
LITELLM_EXPORTS = [
    ROOT / "samples" / "litellm" / "spendlogs.csv",
    ROOT / "samples" / "litellm" / "spendlogs.parquet",
    ROOT / "samples" / "litellm" / "spendlogs_api.ndjson",
    ROOT / "tests" / "data" / "logs" / "litellm_spendlogs.csv",
    ROOT / "tests" / "data" / "logs" / "litellm_spendlogs.ndjson",
    ROOT / "tests" / "data" / "logs" / "litellm_spendlogs_cache.csv",
    ROOT / "tests" / "data" / "logs" / "litellm_spendlogs_cache.ndjson",
]

# -- json_path_value == json_path_match -----------------------------------------------------

KEYS = ["usage", "cached", "a", "b"]
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**6), st.sampled_from(["x", "", "us\\age", "{"])
)
_docs = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=8,
)


def _escape_some(text: str, flags: list[bool]) -> str:
    """`text` with some ASCII letters of keys written as ``\\u00XX`` (still the same JSON)."""
    out = []
    for char, flag in zip(text, flags + [False] * len(text), strict=False):
        out.append(f"\\u{ord(char):04x}" if flag and char.isalpha() else char)
    return "".join(out)


def _planted(doc: object, path: list[str], value: object) -> object:
    """`doc` with `value` at `path` (the path's objects made where missing)."""
    root = doc if isinstance(doc, dict) else {}
    node = root
    for key in path[:-1]:
        child = node.get(key)
        node[key] = child if isinstance(child, dict) else {}
        node = node[key]
    node[path[-1]] = value
    return root


@st.composite
def _texts(draw: st.DrawFn, path: list[str]) -> str | None:
    doc = draw(_docs)
    if draw(st.booleans()):  # often hold the path, so that a wrong guard would show
        doc = _planted(doc, path, draw(_scalars))
    text = json.dumps(doc, separators=draw(st.sampled_from([(",", ":"), (", ", ": ")])))
    how = draw(st.sampled_from(["plain", "escaped", "truncated", "null"]))
    if how == "escaped":
        return _escape_some(text, draw(st.lists(st.booleans(), max_size=len(text))))
    if how == "truncated" and text:
        return text[: draw(st.integers(0, len(text) - 1))]
    if how == "null":
        return None
    return text


@st.composite
def _cases(draw: st.DrawFn) -> tuple[list[str], list[str | None]]:
    path = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3))
    return path, draw(st.lists(_texts(path), min_size=1, max_size=12))


@settings(max_examples=300, deadline=None)
@given(case=_cases())
def test_a_guarded_json_path_is_the_plain_json_path(
    case: tuple[list[str], list[str | None]],
) -> None:
    path, texts = case
    json_path = "$" + "".join(f"[{json.dumps(key)}]" for key in path)
    frame = pl.DataFrame({"m": texts}, schema={"m": pl.String})
    plain = frame.select(pl.col("m").str.json_path_match(json_path))["m"]
    guarded = frame.select(json_path_value(pl.col("m"), path, json_path))["m"]
    assert guarded.to_list() == plain.to_list()


@settings(max_examples=300, deadline=None)
@given(case=_cases(), mask=st.lists(st.booleans(), min_size=12, max_size=12))
def test_a_json_path_with_staged_searches_is_the_plain_json_path(
    case: tuple[list[str], list[str | None]], mask: list[bool]
) -> None:
    """The searches a preset stages once per row (`TextHints`: a backslash, the keys)
    give every lookup of the text, and of any masking of it, its plain JSON-path value."""
    path, texts = case
    json_path = "$" + "".join(f"[{json.dumps(key)}]" for key in path)
    frame = pl.DataFrame(
        {"m": texts, "keep": mask[: len(texts)]}, schema={"m": pl.String, "keep": pl.Boolean}
    )
    staged = {"escaped": pl.col("m").str.contains("\\", literal=True)}
    present = {}
    for index, key in enumerate(dict.fromkeys(path[: len(path) // 2 + 1])):  # some of them
        staged[f"key{index}"] = pl.col("m").str.contains(json.dumps(key), literal=True)
        present[key] = pl.col(f"key{index}")
    frame = frame.with_columns(value.alias(name) for name, value in staged.items())
    hints = TextHints(pl.col("escaped"), present)
    masked = pl.when(pl.col("keep")).then(pl.col("m"))
    got = frame.select(
        json_path_value(pl.col("m"), path, json_path, hints).alias("whole"),
        json_path_value(masked, path, json_path, hints).alias("masked"),
        maybe_nonzero(pl.col("m"), [path[-1]], pl.col("escaped")).alias("nonzero"),
    )
    plain = frame.select(
        pl.col("m").str.json_path_match(json_path).alias("whole"),
        masked.str.json_path_match(json_path).alias("masked"),
        maybe_nonzero(pl.col("m"), [path[-1]]).alias("nonzero"),
    )
    assert_frame_equal(got, plain)


_numbers = st.one_of(
    st.none(),
    st.sampled_from([0, 0, 0, 1, 7, -1, 0.5, 0.0, "0", "3", "null", True, False]),
    st.integers(0, 10**6),
)


@st.composite
def _count_cases(draw: st.DrawFn) -> tuple[list[str], list[str | None]]:
    path = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3))
    texts: list[str | None] = []
    for _ in range(draw(st.integers(1, 10))):
        doc = draw(_docs)
        if draw(st.booleans()):
            doc = _planted(doc, path, draw(_numbers))
        text = json.dumps(doc, separators=draw(st.sampled_from([(",", ":"), (", ", ": ")])))
        if draw(st.booleans()):
            text = _escape_some(text, draw(st.lists(st.booleans(), max_size=len(text))))
        texts.append(text)
    return path, texts


@settings(max_examples=300, deadline=None)
@given(case=_count_cases())
def test_a_row_skipped_as_all_zero_holds_no_positive_count(
    case: tuple[list[str], list[str | None]],
) -> None:
    """`maybe_nonzero` may skip a row's parse only when the value at the path is absent,
    null or 0: exactly what a first-positive count (LiteLLM's rule) takes as 0."""
    path, texts = case
    json_path = "$" + "".join(f"[{json.dumps(key)}]" for key in path)
    frame = pl.DataFrame({"m": texts}, schema={"m": pl.String})
    found = frame.select(
        pl.col("m").str.json_path_match(json_path).alias("value"),
        maybe_nonzero(pl.col("m"), [path[-1]]).alias("parsed"),
    )
    for value, parsed in found.iter_rows():
        if not parsed:
            assert value in (None, "0", "null"), (value, texts)


def test_an_escaped_key_is_still_found() -> None:
    """A key written with a JSON escape has no literal spelling in the text: parsed anyway."""
    texts = ['{"u\\u0073age": {"cached": 7}}', '{"usage": {"cached": 8}}', '{"use": 1}']
    frame = pl.DataFrame({"m": texts})
    got = frame.select(json_path_value(pl.col("m"), ["usage", "cached"], "$.usage.cached"))
    assert got["m"].to_list() == ["7", "8", None]


# -- whole_count's integer shortcut == the float rule it stands for --------------------------

_count_texts = st.one_of(
    st.from_regex(r"\A[+-]?[0-9]{1,22}(\.[0-9]{0,3})?([eE][+-]?[0-9]{1,2})?\Z"),
    st.integers(-(2**64), 2**64).map(str),
    st.sampled_from(["9223372036854775807", "9223372036854775808", "-0", "+0", "2.0", "x"]),
)


def _whole_count_reference(text: str) -> int | None:
    """The rule in plain Python: a plain integer as it is (when >= 0 and within Int64);
    any other number through its float value (whole, finite, >= 0, below 2**63)."""
    if re.fullmatch(r"[+-]?[0-9]+", text) and -(2**63) <= int(text) < 2**63 and int(text) >= 0:
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return None
    if math.isfinite(number) and number == math.floor(number) and 0 <= number < 2.0**63:
        return int(number)
    return None


@settings(max_examples=500, deadline=None)
@given(texts=st.lists(_count_texts, min_size=1, max_size=20))
def test_whole_count_is_the_plain_rule(texts: list[str]) -> None:
    frame = pl.DataFrame({"n": texts}, schema={"n": pl.String})
    got = frame.select(whole_count(pl.col("n"), text=True))["n"].to_list()
    assert got == [_whole_count_reference(text) for text in texts]


# -- LiteLLM's first positive cache count, looked up in order == every field read -----------

_READ_FIELDS = [("cache_read_input_tokens",), ("prompt_tokens_details", "cached_tokens")]
_WRITE_FIELDS = [
    ("cache_creation_input_tokens",),
    ("prompt_tokens_details", "cache_write_tokens"),
    ("prompt_tokens_details", "cache_creation_tokens"),
]
_PARENTS = ["usage_object", "additional_usage_values"]
_cache_values = st.one_of(st.just("absent"), st.none(), st.just(0), st.integers(1, 10**6))


def _first_positive_reference(doc: dict[str, object], fields: list[tuple[str, ...]]) -> int:
    """LiteLLM's ``extract_cache_read_tokens`` / ``extract_cache_creation_tokens``: the first
    field, usage_object before additional_usage_values, whose value is > 0; else 0."""
    for parent in _PARENTS:
        for field in fields:
            node: object = doc.get(parent)
            for key in field:
                node = node.get(key) if isinstance(node, dict) else None
            if isinstance(node, int) and node > 0:
                return node
    return 0


@st.composite
def _usage_docs(draw: st.DrawFn) -> dict[str, object]:
    doc: dict[str, object] = {}
    for parent in _PARENTS:
        if draw(st.booleans()):
            continue
        usage: dict[str, object] = {"prompt_tokens": 10**7}
        for field in _READ_FIELDS + _WRITE_FIELDS:
            value = draw(_cache_values)
            if value != "absent":
                usage = _planted(usage, list(field), value)  # type: ignore[assignment]
        doc[parent] = usage
    return doc


@settings(max_examples=200, deadline=None)
@given(docs=st.lists(_usage_docs(), min_size=1, max_size=12), spaced=st.booleans())
def test_litellm_cache_counts_follow_litellm_in_order(
    docs: list[dict[str, object]], spaced: bool
) -> None:
    """A field is looked up only where no earlier one was positive, and all-zero text is
    not parsed at all: the counts are still LiteLLM's, row by row."""
    separators = (", ", ": ") if spaced else (",", ":")
    raw = pl.LazyFrame(
        {
            "model": ["claude-sonnet-4-5"] * len(docs),
            "request_tags": ["[]"] * len(docs),
            "prompt_tokens": [10**7] * len(docs),
            "completion_tokens": [1] * len(docs),
            "spend": [0.0] * len(docs),
            "metadata": [json.dumps(doc, separators=separators) for doc in docs],
        }
    )
    got = litellm_spendlogs(raw, raw.collect_schema()).collect()
    assert got["cached_input_tokens"].to_list() == [
        _first_positive_reference(doc, _READ_FIELDS) for doc in docs
    ]
    assert got["cache_write_tokens"].to_list() == [
        _first_positive_reference(doc, _WRITE_FIELDS) for doc in docs
    ]


# -- a LiteLLM export folded on raw values == the same export cleaned row by row ------------


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


SPLIT_EXPORTS = [
    *((path, "litellm-spendlogs") for path in LITELLM_EXPORTS),
    *(
        (path, "langfuse-observations")
        for path in [
            *sorted((ROOT / "samples" / "langfuse").glob("*.*")),
            ROOT / "tests" / "data" / "logs" / "langfuse_observations.ndjson",
            ROOT / "tests" / "data" / "logs" / "langfuse_observations_cache.ndjson",
        ]
        # (v2_api_default_fields.json is the sample of a refused export: no usage, no cost)
        if path.suffix in (".csv", ".jsonl", ".ndjson", ".parquet", ".json")
        and path.name != "v2_api_default_fields.json"
    ),
    *(
        (path, "helicone")
        for path in [
            *sorted((ROOT / "samples" / "helicone").glob("*.*")),
            ROOT / "tests" / "data" / "logs" / "helicone_requests.csv",
            ROOT / "tests" / "data" / "logs" / "helicone_requests_cache.ndjson",
        ]
        if path.suffix in (".csv", ".jsonl", ".ndjson", ".json")
    ),
]


@pytest.mark.parametrize(
    ("path", "preset"), SPLIT_EXPORTS, ids=lambda p: p if isinstance(p, str) else p.name
)
@pytest.mark.parametrize("every", [None, "1d"])
def test_raw_fold_equals_the_row_by_row_route(path: Path, preset: str, every: str | None) -> None:
    """The presets whose key columns wait for the fold (LiteLLM spend logs, Langfuse,
    Helicone) give, on every export in the repository, the aggregates and findings of the
    same rows cleaned one by one."""
    logs = bf.scan_request_logs(path, preset=preset)
    # the very frame scan_request_logs returned: folded on the file's raw columns
    raw_route = bf.aggregate_request_logs(logs, every=every).collect()
    # a frame of the cleaned rows (every key evaluated per request): the generic route
    row_route = bf.aggregate_request_logs(logs.collect(), every=every)
    assert raw_route.height > 0
    if "cost_source" not in row_route.columns:  # an eager result shows it only when used
        assert (raw_route["cost_source"] == "recorded").all()
        raw_route = raw_route.drop("cost_source")
    assert_frame_equal(_sorted(raw_route), _sorted(row_route), check_exact=False, rel_tol=1e-12)
    # and the findings agree to the cent (and far below it)
    raw_findings = bf.project_batch_savings(bf.aggregate_request_logs(logs)).collect()
    row_findings = bf.project_batch_savings(row_route)
    assert_frame_equal(raw_findings, row_findings, check_exact=False, rel_tol=1e-12)


def test_litellm_key_columns_wait_for_the_fold() -> None:
    """Tag lists, providers and models of a LiteLLM export are evaluated once per folded
    row: in the plan, the JSON text of the tags is decoded above the first group-by."""
    path = ROOT / "samples" / "litellm" / "spendlogs.csv"
    plan = bf.aggregate_request_logs(bf.scan_request_logs(path, preset="litellm-spendlogs"))
    text = plan.explain()
    scan = text.rindex("Csv SCAN")
    first_fold = text.rindex("AGGREGATE", 0, scan)
    below_fold = text[first_fold:scan]
    assert "json_decode" not in below_fold  # the tag lists are decoded after the fold
    assert "json_decode" in text[:first_fold]


# -- clean_text_once == clean_text ---------------------------------------------------------

_SPACES = [" ", "\t", "\n", "\r", "\u00a0", "\u3000", "\u2003", "\ufeff"]
_padded = st.lists(st.one_of(st.sampled_from(_SPACES), st.text(max_size=3)), max_size=6).map(
    "".join
)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.one_of(st.none(), _padded), min_size=1, max_size=20))
def test_clean_text_once_is_clean_text(texts: list[str | None]) -> None:
    """The one-read spelling used on JSON lookups trims and blanks exactly as the rule does
    (Unicode whitespace, text with line breaks inside, text of whitespace only)."""
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    once = frame.select(clean_text_once(pl.col("t")).alias("t"))["t"].to_list()
    assert once == frame.select(clean_text(pl.col("t")).alias("t"))["t"].to_list()
