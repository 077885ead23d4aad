"""The log fold checks its rows after folding them (issue 15): the same errors, no Python
call per batch.

A check of a parsed value (a count in text, a cost, a cache count inside ``metadata``) is
a Python call per batch when it runs row by row: on a CSV, batches of a few thousand rows,
which cost more than the parses they check. The fold instead carries, per folded row,
whether any of its requests failed a check, and reads the rows again only then, to name
the first one. These tests hold it to the row-by-row route: same error, same value, same
row and line, and no error where no value the fold reads is bad.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import batchframe as bf

ROOT = Path(__file__).resolve().parent.parent
# A LiteLLM_SpendLogs dump of six requests with cache counts in `metadata` (see
# tests/data/logs/README.md for where each column comes from).
SPENDLOGS = ROOT / "tests" / "data" / "logs" / "litellm_spendlogs_cache.csv"


def _edited(tmp_path: Path, row: int, column: str, value: str) -> Path:
    """The spend-log dump with one cell replaced (as text)."""
    frame = pl.read_csv(SPENDLOGS, infer_schema=False)
    at_row = pl.int_range(pl.len()) == row
    frame = frame.with_columns(
        pl.when(at_row).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
    )
    path = tmp_path / "spendlogs.csv"
    frame.write_csv(path)
    return path


def _error(run: object) -> str:
    assert callable(run)
    with pytest.raises(bf.AggregateError) as caught:
        run()
    return str(caught.value)


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        # rows count from 0 over the data rows; CSV lines from 1 with the header as line 1
        (2, "prompt_tokens", "1.5", "column 'prompt_tokens': expected a whole number >= 0, "),
        (1, "spend", "$0.05", "column 'spend': expected a number, "),
        # a key column, checked on the folded rows (it is a function of the raw text alone)
        (3, "request_tags", '["a", 1]', "column 'request_tags': expected a JSON list of tags, "),
    ],
    ids=["count-text", "cost-text", "tag-list"],
)
def test_a_bad_value_is_reported_as_the_row_by_row_route_reports_it(
    tmp_path: Path, row: int, column: str, value: str, message: str
) -> None:
    logs = bf.scan_request_logs(_edited(tmp_path, row, column, value), preset="litellm-spendlogs")
    expected = f"{message}got {value!r} at row {row} (line {row + 2})"
    assert _error(logs.collect) == expected  # row by row
    assert _error(bf.aggregate_request_logs(logs).collect) == expected
    assert _error(bf.aggregate_request_logs(logs, every="1d").collect) == expected
    chain = bf.project_batch_savings(bf.aggregate_request_logs(logs))
    assert _error(chain.collect) == expected


def test_a_bad_cache_count_in_metadata_is_named_with_its_row(tmp_path: Path) -> None:
    # row 0 of the dump reads 40,960 cached tokens from usage_object.prompt_tokens_details;
    # with cache_read_input_tokens 0 first, LiteLLM goes on to that field, which is now bad
    metadata = (
        '{"usage_object": {"prompt_tokens": 50000, "cache_read_input_tokens": 0, '
        '"prompt_tokens_details": {"cached_tokens": "lots"}}}'
    )
    logs = bf.scan_request_logs(
        _edited(tmp_path, 0, "metadata", metadata), preset="litellm-spendlogs"
    )
    expected = (
        "column 'metadata.usage_object.prompt_tokens_details.cached_tokens': expected a whole "
        "number >= 0, got 'lots' at row 0 (line 2)"
    )
    assert _error(bf.aggregate_request_logs(logs).collect) == expected
    # row by row too: the value is staged out of `metadata`, and the locator, which reads
    # the file again, reads it from `metadata` itself
    assert _error(logs.collect) == expected


def test_a_bad_cache_count_litellm_never_reads_does_not_mislead_the_locator(
    tmp_path: Path,
) -> None:
    """Row 0 holds the same bad text, but at a path LiteLLM does not reach on that row (an
    earlier field already gave a positive count): the error is row 2's, on both routes."""
    settled = (
        '{"usage_object": {"prompt_tokens": 50000, "cache_read_input_tokens": 7, '
        '"prompt_tokens_details": {"cached_tokens": "lots"}}}'
    )
    unsettled = (
        '{"usage_object": {"prompt_tokens": 500, "cache_read_input_tokens": 0, '
        '"prompt_tokens_details": {"cached_tokens": "lots"}}}'
    )
    path = _edited(tmp_path, 0, "metadata", settled)
    frame = pl.read_csv(path, infer_schema=False)
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 2)
        .then(pl.lit(unsettled))
        .otherwise("metadata")
        .alias("metadata")
    )
    frame.write_csv(path)
    logs = bf.scan_request_logs(path, preset="litellm-spendlogs")
    expected = (
        "column 'metadata.usage_object.prompt_tokens_details.cached_tokens': expected a whole "
        "number >= 0, got 'lots' at row 2 (line 4)"
    )
    assert _error(logs.collect) == expected
    assert _error(bf.aggregate_request_logs(logs).collect) == expected
    # and with row 2 mended, row 0 alone is no error: its count is the 7 read first
    frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 2)
        .then(pl.lit(unsettled.replace('"lots"', "3")))
        .otherwise("metadata")
        .alias("metadata")
    ).write_csv(path)
    fixed = bf.scan_request_logs(path, preset="litellm-spendlogs").collect()
    assert fixed["cached_input_tokens"].to_list()[:3] == [7, 90000, 3]


def test_a_value_the_fold_does_not_read_is_not_checked_by_it(tmp_path: Path) -> None:
    """``startTime`` is read by the fold only with ``every=``: a bad one fails that fold (and
    the row-by-row frame, which has a timestamp column) and no other."""
    logs = bf.scan_request_logs(
        _edited(tmp_path, 4, "startTime", "yesterday"), preset="litellm-spendlogs"
    )
    expected = "column 'startTime': expected a timestamp, got 'yesterday' at row 4 (line 6)"
    assert _error(logs.collect) == expected
    assert _error(bf.aggregate_request_logs(logs, every="1d").collect) == expected
    clean = bf.scan_request_logs(SPENDLOGS, preset="litellm-spendlogs")
    assert (
        bf.aggregate_request_logs(logs).collect().equals(bf.aggregate_request_logs(clean).collect())
    )


def _per_request_plan(lazy: pl.LazyFrame) -> str:
    """The part of the optimized streaming plan below the fold's first group-by: what runs
    once per request."""
    plan = lazy.explain(engine="streaming")
    return plan[plan.rindex("AGGREGATE") :]


def test_no_python_call_runs_per_request(tmp_path: Path) -> None:
    generic = tmp_path / "logs.csv"  # counts and costs as text, as every CSV is read
    generic.write_text("model,tag,input_tokens,output_tokens,cost_usd\ngpt-5.5,nightly,10,2,0.5\n")
    for logs in (
        bf.scan_request_logs(SPENDLOGS, preset="litellm-spendlogs"),
        bf.scan_request_logs(generic),
    ):
        assert "python_udf" in logs.explain(engine="streaming")  # row by row: checked per batch
        assert "python_udf" not in _per_request_plan(bf.aggregate_request_logs(logs))


# -- a property: the fold fails exactly when a value it reads is bad, naming a bad one ---------

_GOOD_COUNTS = {"0": 0, "12": 12, " 7 ": 7, "2.0": 2, "1e3": 1000, "+4": 4, "": 0}
_BAD_COUNTS = ["1.5", "-1", "x", "1,000", "nan"]
_GOOD_COSTS = {"0.5": 0.5, "1e-3": 0.001, " 2 ": 2.0, "0": 0.0}
_BAD_COSTS = ["$1", "abc"]
_WHAT = {
    "input_tokens": "a whole number >= 0",
    "output_tokens": "a whole number >= 0",
    "cost_usd": "a number",
}


def _cells(good: dict[str, object], bad: list[str], with_bad: bool) -> st.SearchStrategy[str]:
    return st.sampled_from(list(good) + (bad if with_bad else []))


@st.composite
def _rows(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    with_bad = draw(st.booleans())  # half the examples have only good values
    count = _cells(_GOOD_COUNTS, _BAD_COUNTS, with_bad)
    cost = _cells(_GOOD_COSTS, _BAD_COSTS, with_bad)
    return draw(st.lists(st.tuples(count, count, cost), min_size=1, max_size=12))


def _csv_cell(cell: str) -> str:
    return f'"{cell}"' if ("," in cell or cell.strip() != cell) else cell


@settings(max_examples=80, deadline=None)
@given(rows=_rows())
def test_the_fold_fails_exactly_when_a_read_value_is_bad(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str]]
) -> None:
    path = tmp_path_factory.mktemp("logs") / "logs.csv"
    lines = ["model,tag,input_tokens,output_tokens,cost_usd"]
    lines += ["gpt-5.5,nightly," + ",".join(_csv_cell(c) for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    # the first bad row of each column that has one: column -> (its cleaned value, row)
    firsts: dict[str, tuple[str, int]] = {}
    for index, row in enumerate(rows):
        for column, cell in zip(_WHAT, row, strict=True):
            good = _GOOD_COSTS if column == "cost_usd" else _GOOD_COUNTS
            if cell not in good and column not in firsts:
                firsts[column] = (cell.strip(), index)
    aggregate = bf.aggregate_request_logs(bf.scan_request_logs(path))
    if not firsts:
        got = aggregate.collect()
        assert got["request_count"].to_list() == [len(rows)]
        assert got["input_tokens"].item() == sum(_GOOD_COUNTS[row[0]] for row in rows)
        assert got["output_tokens"].item() == sum(_GOOD_COUNTS[row[1]] for row in rows)
        assert got["cost_usd"].item() == pytest.approx(sum(_GOOD_COSTS[row[2]] for row in rows))
        return
    message = _error(aggregate.collect)
    allowed = {
        f"column {column!r}: expected {_WHAT[column]}, got {value!r} at row {row} (line {row + 2})"
        for column, (value, row) in firsts.items()
    }
    assert message in allowed
    if len(firsts) == 1:  # one bad column: exactly the row-by-row route's error
        assert message == _error(bf.scan_request_logs(path).collect)


def test_a_bad_value_in_the_second_file_of_a_glob_names_that_file(tmp_path: Path) -> None:
    frame = pl.read_csv(SPENDLOGS, infer_schema=False)
    frame.write_csv(tmp_path / "a.csv")
    at_row = pl.int_range(pl.len()) == 3
    bad = pl.when(at_row).then(pl.lit("ten")).otherwise(pl.col("completion_tokens"))
    frame.with_columns(bad.alias("completion_tokens")).write_csv(tmp_path / "b.csv")
    logs = bf.scan_request_logs(str(tmp_path / "*.csv"), preset="litellm-spendlogs")
    expected = (
        "column 'completion_tokens': expected a whole number >= 0, got 'ten' "
        f"in {tmp_path / 'b.csv'} at row 3 (line 5)"
    )
    assert _error(logs.collect) == expected
    assert _error(bf.aggregate_request_logs(logs).collect) == expected


def _langfuse_bad_usage(tmp_path: Path) -> Path:
    # Langfuse's observations export (tests/data/logs/langfuse_observations_cache.ndjson):
    # the second observation's usage_details.input_cache_read made text
    source = ROOT / "tests" / "data" / "logs" / "langfuse_observations_cache.ndjson"
    lines = source.read_text().splitlines()
    observation = json.loads(lines[1])
    observation["usage_details"]["input_cache_read"] = "lots"
    lines[1] = json.dumps(observation)
    path = tmp_path / "observations.ndjson"
    path.write_text("\n".join(lines) + "\n")
    return path


def _helicone_bad_prompt(tmp_path: Path) -> Path:
    # Helicone's request export (tests/data/logs/helicone_requests.csv): row 2's prompt_tokens
    lines = (ROOT / "tests" / "data" / "logs" / "helicone_requests.csv").read_text().splitlines()
    assert ",100000,20000," in lines[3]
    lines[3] = lines[3].replace(",100000,20000,", ",1e,20000,")
    path = tmp_path / "requests.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("build", "preset", "expected"),
    [
        (
            _langfuse_bad_usage,
            "langfuse-observations",
            "column 'usage_details': expected whole numbers >= 0 as usage details, got 'lots' "
            "at row 1",
        ),
        (
            _helicone_bad_prompt,
            "helicone",
            "column 'prompt_tokens': expected a whole number >= 0, got '1e' at row 2 (line 4)",
        ),
    ],
    ids=["langfuse", "helicone"],
)
def test_the_other_split_presets_report_as_the_row_by_row_route(
    tmp_path: Path, build: object, preset: str, expected: str
) -> None:
    assert callable(build)
    logs = bf.scan_request_logs(build(tmp_path), preset=preset)
    assert _error(logs.collect) == expected
    assert _error(bf.aggregate_request_logs(logs).collect) == expected
