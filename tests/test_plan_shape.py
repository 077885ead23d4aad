"""The log path's plan: the public lazy chain reads each file once, and folds raw values first.

Issue 15: ``project_batch_savings(aggregate_request_logs(scan_request_logs(files)))`` used to
read the files once per consumer of the aggregates (the value checks, the total spend, the
tier check, …). The aggregates are small, so they are cached; the raw scan never is.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

import batchframe as bf

MAPPING = {
    "prompt_tokens": "input_tokens",
    "completion_tokens": "output_tokens",
    "spend": "cost_usd",
}


def _files(folder: Path, suffix: str) -> list[Path]:
    """Three small log files: two requests each (provider spelt in several ways)."""
    paths = []
    for i in range(3):
        frame = pl.DataFrame(
            {
                "provider": [" OpenAI", "openai "],
                "model": ["gpt-5.5", "gpt-5.5"],
                "tag": ["nightly", "chat"],
                "prompt_tokens": [100_000, 100_000],
                "completion_tokens": [0, 0],
                "spend": [0.5, 0.5],
                "start_time": ["2026-09-01T00:00:00Z", "2026-09-02T00:00:00Z"],
                "service_tier": ["default", "Batch"],
            }
        )
        path = folder / f"logs-{i}{suffix}"
        if suffix == ".csv":
            frame.write_csv(path)
        else:
            frame.write_parquet(path)
        paths.append(path)
    return paths


# Plan lines are split on "\n" only; expression text that holds line breaks of its own
# (the whitespace set of the trimming rule) leaves fragments that are not nodes.
_NODE = re.compile(r"^( *)([A-Z]|simple )")


def _lines(plan: str) -> list[str]:
    return plan.split("\n")


def _scans(plan: str) -> list[int]:
    scan = re.compile(r"(?i)\b(?:parquet|csv) scan\b")
    return [i for i, line in enumerate(_lines(plan)) if _NODE.match(line) and scan.search(line)]


def _ancestors(lines: list[str], index: int) -> list[str]:
    """The nodes above line `index` of an indented plan, nearest first."""
    node = _NODE.match(lines[index])
    assert node is not None
    out, depth = [], len(node.group(1))
    for line in reversed(lines[:index]):
        match = _NODE.match(line)
        if match and len(match.group(1)) < depth:
            out.append(line.strip())
            depth = len(match.group(1))
    return out


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
@pytest.mark.parametrize("every", [None, "1d"])
def test_the_lazy_chain_scans_each_file_once(
    tmp_path: Path, suffix: str, every: str | None
) -> None:
    paths = _files(tmp_path, suffix)
    mapping = {**MAPPING, "start_time": "timestamp"}
    logs = bf.scan_request_logs([str(p) for p in paths], columns=mapping)
    findings = bf.project_batch_savings(bf.aggregate_request_logs(logs, every=every))
    assert isinstance(findings, pl.LazyFrame)
    plan = findings.explain()
    scans = _scans(plan)
    # One scan node reads the three files (Polars lists them as "… 2 other sources").
    assert len(scans) == 1, plan
    assert "2 other sources" in _lines(plan)[scans[0]]
    # No cache directly over the raw scan: every cache above it sits over a fold.
    ancestors = _ancestors(_lines(plan), scans[0])
    for position, node in enumerate(ancestors):
        if node.startswith("CACHE"):
            assert any(a.startswith("AGGREGATE") for a in ancestors[:position]), plan
    # The first fold is on the raw values: the nearest aggregate above the scan groups by
    # the file's own provider and tier text; trimming and lower-casing come after it.
    nearest = next(i for i, node in enumerate(ancestors) if node.startswith("AGGREGATE"))
    assert not any("strip_chars" in node for node in ancestors[:nearest]), plan


def test_lazy_and_collected_in_between_agree_by_hand(tmp_path: Path) -> None:
    paths = _files(tmp_path, ".parquet")
    logs = bf.scan_request_logs(str(tmp_path / "*.parquet"), columns=MAPPING)
    aggregates = bf.aggregate_request_logs(logs)
    assert isinstance(aggregates, pl.LazyFrame)
    lazy = bf.project_batch_savings(aggregates).collect()
    eager = bf.project_batch_savings(aggregates.collect())
    assert (
        lazy.select("tag", "eligible_spend_usd").rows()
        == eager.select("tag", "eligible_spend_usd").rows()
    )
    # Three files, each one nightly request at $0.50 on the standard tier: $1.50 eligible.
    # gpt-5.5 batch input is $2.50 per million (100k prompts, under its 272k long-context
    # threshold): 3 x 100k tokens -> $0.75. The total spend is 6 x $0.50 = $3 (the
    # Batch-tier chat requests count in it, never projected): share 1.5 / 3 = 50 %.
    row = lazy.row(0, named=True)
    assert row["tag"] == "nightly"
    assert row["eligible_spend_usd"] == pytest.approx(1.5)
    assert row["projected_batch_cost_usd"] == pytest.approx(0.75)
    assert row["share_of_spend_pct"] == pytest.approx(50.0)
    assert len(paths) == 3


def test_raw_spellings_fold_into_one_aggregate(tmp_path: Path) -> None:
    """Distinct raw spellings of one provider, tag list and tier end in one aggregate row."""
    path = tmp_path / "logs.csv"
    path.write_text(
        "provider,model,tags,input_tokens,output_tokens,cost_usd,service_tier\n"
        'OpenAI ,gpt-5.5,"[""nightly""]",100,1,1.0,default\n'
        'openai,gpt-5.5, ["nightly"] ,200,2,2.0,DEFAULT\n'
        'openai,gpt-5.5,"[""team-a"", ""nightly""]",300,3,4.0,\n'
        'openai,gpt-5.5,"[""nightly""]",400,4,8.0, Flex\n',
        encoding="utf-8",
    )
    folded = bf.aggregate_request_logs(bf.scan_request_logs(path)).collect()
    rows = (
        folded.sort("already_batched")
        .select(
            "provider",
            "tag",
            "input_tokens",
            "output_tokens",
            "cost_usd",
            "request_count",
            "already_batched",
        )
        .rows()
    )
    # Rows 1-3 are one segment: openai / nightly (the first eligible tag of row 3), not
    # batched: 100+200+300 = 600 input, 1+2+3 = 6 output, 1+2+4 = $7, 3 requests.
    # Row 4 is on the flex tier: its own already-batched segment.
    assert rows == [
        ("openai", "nightly", 600, 6, 7.0, 3, False),
        ("openai", "nightly", 400, 4, 8.0, 1, True),
    ]


def test_a_bad_value_on_folded_rows_names_a_line_that_holds_it(tmp_path: Path) -> None:
    """The checks run on folded rows (in no particular order); the row named holds the value."""
    path = tmp_path / "logs.csv"
    lines = [
        "model,tags,input_tokens,output_tokens,cost_usd",
        'gpt-5.5,"[""nightly""]",1,1,1.0',
        "gpt-5.5,not-json-a,1,1,1.0",
        'gpt-5.5,"[""chat""]",1,1,1.0',
        "gpt-5.5,not-json-b,1,1,1.0",
        "gpt-5.5,not-json-a,1,1,1.0",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    logs = bf.scan_request_logs(path)
    with pytest.raises(bf.AggregateError) as caught:
        bf.aggregate_request_logs(logs).collect()
    message = str(caught.value)
    found = re.search(r"got '(not-json-[ab])' at row (\d+) \(line (\d+)\)$", message)
    assert found is not None, message
    value, row, line = found.group(1), int(found.group(2)), int(found.group(3))
    # not-json-a is first on line 3 (row 1), not-json-b on line 5 (row 3).
    assert (row, line) == {"not-json-a": (1, 3), "not-json-b": (3, 5)}[value]
    assert value in lines[line - 1]


def test_a_torn_line_is_located_after_the_fold(tmp_path: Path) -> None:
    path = tmp_path / "logs.csv"
    path.write_text(
        "model,tag,input_tokens,output_tokens,cost_usd\n"
        "gpt-5.5,nightly,1000000,0,5.0\ngpt-5.5,nightly,1000000,0,5.0\ngpt-5.5,nigh\n",
        encoding="utf-8",
    )
    with pytest.raises(
        bf.AggregateError,
        match=r"a row of model 'gpt-5.5' has no token counts and no cost .* at row 2 \(line 4\)$",
    ):
        bf.aggregate_request_logs(bf.scan_request_logs(path)).collect()


def test_the_raw_route_equals_the_route_over_cleaned_rows(tmp_path: Path) -> None:
    """Folding the file's raw values first gives the aggregates of folding cleaned rows."""
    path = tmp_path / "logs.csv"
    path.write_text(
        "provider,model,tags,input_tokens,output_tokens,cost_usd,service_tier,timestamp\n"
        'OpenAI ,gpt-5.5,"[""nightly""]",100,1,1.0,default,2026-09-01T01:00:00Z\n'
        'openai,gpt-5.5,"[""Nightly"", ""x""]",200,2,2.0,Batch,2026-09-01T02:00:00Z\n'
        ',claude-opus-4-8,"[""chat"", ""bulk""]",300,3,,flex,2026-09-02 00:00:00\n'
        ",claude-opus-4-8,[],400,4,4.0,,2026-09-02\n"
        'google,gemini-2.5-flash," [ ""  "" , ""bulk"" ] ",500,5,5.0, DEFAULT ,2026-09-03T00:00:00+02:00\n',
        encoding="utf-8",
    )
    logs = bf.scan_request_logs(path)
    for every in (None, "1d"):
        raw_route = bf.aggregate_request_logs(logs, every=every).collect()
        cleaned_route = bf.aggregate_request_logs(logs.collect(), every=every)
        # (an eager result drops cost_source when no cost was priced from the catalog)
        common = [name for name in raw_route.columns if name in cleaned_route.columns]
        keys = [name for name in common if name != "cost_usd"]
        assert (
            raw_route.select(common)
            .sort(keys, nulls_last=True)
            .equals(cleaned_route.select(common).sort(keys, nulls_last=True))
        )
    # One hand-checked row: the claude request with no recorded cost ran on the flex tier,
    # which the catalog has no rates for: cost 0, flagged unknown (docs/semantics.md).
    folded = bf.aggregate_request_logs(logs).collect()
    bulk = folded.filter(pl.col("model") == "claude-opus-4-8", pl.col("tag") == "bulk")
    columns = ["provider", "input_tokens", "cost_usd", "already_batched", "cost_unknown"]
    assert bulk.select(columns).rows() == [("anthropic", 300, 0.0, True, True)]
