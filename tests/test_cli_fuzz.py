"""Fuzz-style table of bad inputs through the CLI: each is one named line and status 2.

Every case writes its files into ``tmp_path``, runs ``batchframe._cli.main`` and asserts
exit status 2, nothing on stdout, exactly one line on stderr starting with
``batchframe: error: ``, no ``Traceback``, and the fragments that name the file, the
column, the row or the line. ``{d}`` in arguments and fragments is the case's directory.
Cases marked ``LIBRARY`` need a library-level fix on main (issue 12) and are strict xfails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pytest

import batchframe as bf
from batchframe._cli import main

SAMPLE = Path(bf.__file__).parent / "data" / "sample_aggregates.csv"
HEADER = "provider,model,tag,input_tokens,output_tokens,cost_usd,request_count\n"
ROW = "openai,gpt-5.5,nightly,1000,10,1.0,1\n"
LOG_HEADER = "model,input_tokens,output_tokens,cost_usd,tag\n"
LOG_ROW = "gpt-5.5,100,10,1.0,nightly\n"
JSON_ROW = (
    '{"provider":"openai","model":"gpt-5.5","tag":"nightly","input_tokens":1,'
    '"output_tokens":1,"cost_usd":1.0,"request_count":1}\n'
)
LIBRARY = "library fix on main (issue 12)"

Writer = Callable[[Path], None]


def sample() -> pl.DataFrame:
    return pl.read_csv(SAMPLE, schema_overrides={"tag": pl.String})


def text(content: str) -> Writer:
    return lambda path: path.write_text(content, encoding="utf-8")


def raw(content: bytes) -> Writer:
    return lambda path: path.write_bytes(content)


def parquet(frame: Callable[[], pl.DataFrame] = sample) -> Writer:
    return lambda path: frame().write_parquet(path)


def directory() -> Writer:
    return lambda path: path.mkdir()


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    files: dict[str, Writer] = field(default_factory=dict)
    says: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    library: bool = False


def case(
    id: str,
    *argv: str,
    files: dict[str, Writer] | None = None,
    says: tuple[str, ...] = (),
    never: tuple[str, ...] = (),
    library: bool = False,
) -> Case:
    return Case(id, argv, files or {}, says, never, library)


def rows(*lines: str) -> str:
    return HEADER + "".join(lines)


def wide_parquet(path: Path) -> None:
    sample().with_columns(pl.col("input_tokens").cast(pl.Float64)).write_parquet(path)


CASES = [
    # -- aggregates files -------------------------------------------------------------
    case("missing-file", "project", "{d}/none.parquet", says=("{d}/none.parquet: no such file",)),
    case(
        "directory-without-data",
        "project",
        "{d}/agg.csv",
        files={"agg.csv": directory()},
        says=("{d}/agg.csv: is a directory",),
        never=("no such file",),
    ),
    case(
        "empty-glob",
        "project",
        "{d}/*.parquet",
        says=("{d}/*.parquet: no file matches this pattern",),
        never=("schema", "expanded paths", "PlRefPath"),
    ),
    case(
        "zero-byte-arrow",
        "project",
        "{d}/a.arrow",
        files={"a.arrow": raw(b"")},
        says=("{d}/a.arrow: the file is empty (0 bytes)",),
        never=("os error",),
    ),
    case(
        "zero-byte-parquet",
        "project",
        "{d}/a.parquet",
        files={"a.parquet": raw(b"")},
        says=("{d}/a.parquet: the file is empty",),
    ),
    case(
        "zero-byte-csv",
        "project",
        "{d}/a.csv",
        files={"a.csv": raw(b"")},
        says=("{d}/a.csv: the file is empty",),
    ),
    case(
        "zero-byte-ndjson",
        "project",
        "{d}/a.ndjson",
        files={"a.ndjson": raw(b"")},
        says=("{d}/a.ndjson: the file is empty",),
    ),
    case(
        "corrupt-parquet",
        "project",
        "{d}/a.parquet",
        files={"a.parquet": raw(b"PAR1 this is not parquet")},
        says=("{d}/a.parquet: cannot read as parquet",),
    ),
    case(
        "corrupt-arrow",
        "project",
        "{d}/a.arrow",
        files={"a.arrow": raw(b"ARROW1\x00\x00garbage")},
        says=("{d}/a.arrow: cannot read as ipc",),
    ),
    case(
        "unknown-suffix",
        "project",
        "{d}/a.xlsx",
        files={"a.xlsx": text("x")},
        says=("{d}/a.xlsx: cannot tell the file format",),
    ),
    case(
        "csv-read-as-parquet",
        "project",
        "{d}/a.csv",
        "--input-format",
        "parquet",
        files={"a.csv": text(rows(ROW))},
        says=("{d}/a.csv: cannot read as parquet",),
    ),
    case(
        "mixed-format-glob",
        "project",
        "{d}/part-*",
        files={"part-1.csv": text(rows(ROW)), "part-2.parquet": parquet()},
        says=("{d}/part-2.parquet: is Parquet but {d}/part-1.csv is CSV",),
    ),
    case(
        "mixed-format-directory",
        "project",
        "{d}/parts",
        files={
            "parts": directory(),
            "parts/a.csv": text(rows(ROW)),
            "parts/b.ndjson": text(JSON_ROW),
        },
        says=("{d}/parts/b.ndjson: is NDJSON but {d}/parts/a.csv is CSV",),
    ),
    case(
        "glob-file-lacks-column",
        "project",
        "{d}/*.parquet",
        files={"a.parquet": parquet(), "b.parquet": parquet(lambda: sample().drop("cost_usd"))},
        says=("{d}/b.parquet: missing column 'cost_usd', which {d}/a.parquet has",),
    ),
    case(
        "csv-glob-file-lacks-column",
        "project",
        "{d}/*.csv",
        files={"a.csv": text(rows(ROW)), "b.csv": text(HEADER.replace(",request_count", ""))},
        says=("{d}/b.csv: missing column 'request_count'",),
    ),
    case(
        "glob-file-other-type",
        "project",
        "{d}/*.parquet",
        files={"a.parquet": parquet(), "b.parquet": wide_parquet},
        says=("{d}/b.parquet: column 'input_tokens' holds Float64, but {d}/a.parquet has Int64",),
    ),
    case(
        "csv-duplicate-column",
        "project",
        "{d}/a.csv",
        files={
            "a.csv": text(
                rows(ROW).replace("cost_usd", "cost_usd,cost_usd").replace("1.0", "1.0,2.0")
            )
        },
        says=("{d}/a.csv: column 'cost_usd' appears twice in the header",),
    ),
    case(
        "csv-nan-tokens",
        "project",
        "{d}/a.csv",
        files={"a.csv": text(rows(ROW, ROW.replace("1000", "nan")))},
        says=("{d}/a.csv: column 'input_tokens': expected an integer >= 0, got 'nan' at row 1",),
    ),
    case(
        "csv-dollar-cost",
        "project",
        "{d}/a.csv",
        files={"a.csv": text(rows(ROW, ROW.replace("1.0", "$35.00")))},
        says=("{d}/a.csv: column 'cost_usd': expected a finite number, got '$35.00' at row 1",),
    ),
    case(
        "csv-thousands-separator",
        "project",
        "{d}/a.csv",
        files={"a.csv": text(rows(ROW, ROW, ROW, ROW.replace("1000", '"1,000,000"')))},
        says=("column 'input_tokens': expected an integer >= 0, got '1,000,000' at row 3",),
    ),
    case(
        "csv-nan-cost",
        "project",
        "{d}/a.csv",
        files={"a.csv": text(rows(ROW, ROW.replace("1.0", "nan")))},
        says=("{d}/a.csv: column 'cost_usd':", "'nan'", "at row 1"),
    ),
    case(
        "csv-huge-int",
        "project",
        "{d}/huge_int.csv",
        files={"huge_int.csv": text(rows(ROW, ROW.replace("1000", str(2**65))))},
        says=("{d}/huge_int.csv: column 'input_tokens'", str(2**65), "at row 1"),
    ),
    case(
        "csv-bad-value-after-inference-window",
        "project",
        "{d}/a.csv",
        files={"a.csv": text(rows(*[ROW] * 150, ROW.replace("10,", "ten,")))},
        says=("{d}/a.csv: column 'output_tokens': expected an integer >= 0, got 'ten' at row 150",),
    ),
    case(
        "csv-empty-cost",
        "project",
        "{d}/a.csv",
        files={"a.csv": text(rows(ROW.replace("1.0", "")))},
        says=("{d}/a.csv: column 'cost_usd'", "got null at row 0"),
    ),
    case(
        "csv-negative-tokens",
        "project",
        "{d}/a.csv",
        files={"a.csv": text(rows(ROW, ROW.replace("1000", "-3")))},
        says=("{d}/a.csv: column 'input_tokens': expected an integer >= 0, got -3 at row 1",),
    ),
    case(
        "csv-missing-column",
        "project",
        "{d}/a.csv",
        files={
            "a.csv": text("provider,model,tag,input_tokens,output_tokens,costusd,request_count\n")
        },
        says=("{d}/a.csv: missing column 'cost_usd'", "did you mean 'costusd'?"),
    ),
    case(
        "csv-not-utf8",
        "project",
        "{d}/a.csv",
        files={"a.csv": raw(rows(ROW.replace("nightly", "caf\xe9")).encode("latin-1"))},
        says=("{d}/a.csv: cannot read",),
    ),
    case(
        "ndjson-truncated-line",
        "project",
        "{d}/a.ndjson",
        files={"a.ndjson": text(JSON_ROW * 3 + JSON_ROW[:40])},
        says=("{d}/a.ndjson: line 4 is not valid JSON",),
    ),
    case(
        "ndjson-malformed-line",
        "project",
        "{d}/a.ndjson",
        files={"a.ndjson": text(JSON_ROW + '{"provider": "openai", "model":\n' + JSON_ROW)},
        says=("{d}/a.ndjson: line 2 is not valid JSON",),
    ),
    case(
        "ndjson-not-an-object",
        "project",
        "{d}/a.ndjson",
        files={"a.ndjson": text(JSON_ROW + '"just text"\n')},
        says=("{d}/a.ndjson: line 2 is not a JSON object",),
    ),
    case(
        "ndjson-text-tokens",
        "project",
        "{d}/a.ndjson",
        files={"a.ndjson": text(JSON_ROW.replace('"input_tokens":1', '"input_tokens":"1,000"'))},
        says=(
            "{d}/a.ndjson: column 'input_tokens': expected an integer >= 0, got '1,000' at row 0",
        ),
    ),
    case(
        "csv-period-start-not-a-date",
        "project",
        "{d}/a.csv",
        files={"a.csv": text(HEADER.strip() + ",period_start\n" + ROW.strip() + ",last month\n")},
        says=("{d}/a.csv: column 'period_start': expected a timestamp, got 'last month'",),
    ),
    case(
        "csv-ragged-row",
        "project",
        "{d}/a.csv",
        files={"a.csv": text(rows(ROW, ROW.strip() + ",extra\n"))},
        says=("{d}/a.csv: line 3 has 8 fields, the header has 7",),
    ),
    case(
        "csv-binary-garbage",
        "project",
        "{d}/a.csv",
        files={"a.csv": raw(b"\x00\x01\x02\xff" * 64)},
        says=("{d}/a.csv: is not CSV text",),
    ),
    case(
        "csv-utf16",
        "project",
        "{d}/a.csv",
        files={"a.csv": raw(rows(ROW).encode("utf-16"))},
        says=("{d}/a.csv: is UTF-16 text",),
    ),
    case(
        "parquet-named-csv",
        "project",
        "{d}/a.csv",
        files={"a.csv": parquet()},
        says=("{d}/a.csv: is a Parquet file, not CSV",),
    ),
    case(
        "json-array-not-ndjson",
        "project",
        "{d}/a.ndjson",  # .json files are JSON documents since issue 14; .ndjson stays lines
        files={"a.ndjson": text("[\n" + JSON_ROW.strip() + ",\n" + JSON_ROW.strip() + "\n]\n")},
        says=("{d}/a.ndjson: holds a JSON array", "one JSON object per line", "*.json"),
    ),
    # -- raw request logs ---------------------------------------------------------------
    case("logs-missing", "project", "--logs", "{d}/none.csv", says=("{d}/none.csv: no such file",)),
    case(
        "logs-empty-glob",
        "project",
        "--logs",
        "{d}/*.csv",
        says=("{d}/*.csv: no file matches this pattern",),
    ),
    case(
        "logs-directory-without-data",
        "explain",
        "--logs",
        "{d}/logs",
        files={"logs": directory()},
        says=("{d}/logs: is a directory",),
    ),
    case(
        "logs-zero-byte-arrow",
        "project",
        "--logs",
        "{d}/l.arrow",
        files={"l.arrow": raw(b"")},
        says=("{d}/l.arrow: the file is empty",),
        never=("os error",),
    ),
    case(
        "logs-duplicate-column",
        "project",
        "--logs",
        "{d}/l.csv",
        files={
            "l.csv": text("model,cost_usd,input_tokens,output_tokens,cost_usd\ngpt-5.5,1,1,1,2\n")
        },
        says=("{d}/l.csv: column 'cost_usd' appears twice",),
    ),
    case(
        "logs-mixed-glob",
        "project",
        "--logs",
        "{d}/l*",
        files={"l1.csv": text(LOG_HEADER + LOG_ROW), "l2.ndjson": text("{}\n")},
        says=("{d}/l2.ndjson: is NDJSON but {d}/l1.csv is CSV",),
    ),
    case(
        "logs-glob-file-lacks-column",
        "project",
        "--logs",
        "{d}/*.csv",
        files={
            "a.csv": text(LOG_HEADER + LOG_ROW),
            "b.csv": text("model,input_tokens,output_tokens,tag\ngpt-5.5,1,1,x\n"),
        },
        says=("{d}/b.csv: missing column 'cost_usd'",),  # each file mapped on its own columns
    ),
    case(
        "logs-ragged-row",
        "project",
        "--logs",
        "{d}/l.csv",
        files={"l.csv": text(LOG_HEADER + LOG_ROW + "gpt-5.5,1,1,1.0,x,y\n")},
        says=("{d}/l.csv: line 3 has 6 fields, the header has 5",),
    ),
    case(
        "logs-ndjson-truncated-line",
        "project",
        "--logs",
        "{d}/l.ndjson",
        files={"l.ndjson": text(JSON_ROW * 2 + JSON_ROW[:30])},
        says=("{d}/l.ndjson: line 3 is not valid JSON",),
    ),
    case(
        "logs-missing-column",
        "project",
        "--logs",
        "{d}/l.csv",
        files={"l.csv": text("model,prompt,output_tokens,cost_usd\ngpt-5.5,1,1,1.0\n")},
        says=("{d}/l.csv: missing column 'input_tokens'",),
    ),
    case(
        "logs-map-unknown-column",
        "project",
        "--logs",
        "{d}/l.csv",
        "--map",
        "prompt=input_tokens",
        files={"l.csv": text(LOG_HEADER + LOG_ROW)},
        says=("{d}/l.csv: columns= maps 'prompt', which is not in the file",),
    ),
    case(
        "logs-map-without-equals",
        "project",
        "--logs",
        "{d}/l.csv",
        "--map",
        "prompt",
        files={"l.csv": text(LOG_HEADER + LOG_ROW)},
        says=("--map takes THEIRS=OURS, got 'prompt'",),
    ),
    case(
        "logs-bad-tags-json",
        "project",
        "--logs",
        "{d}/l.csv",
        files={
            "l.csv": text(
                'model,input_tokens,output_tokens,cost_usd,tags\ngpt-5.5,1,1,1.0,"[oops"\n'
            )
        },
        says=("{d}/l.csv: column 'tags'", "'[oops'"),
    ),
    case(
        "logs-every-without-timestamp",
        "project",
        "--logs",
        "{d}/l.csv",
        "--every",
        "1d",
        files={"l.csv": text(LOG_HEADER + LOG_ROW)},
        says=(
            "{d}/l.csv: --every 1d needs a timestamp",
            "no 'timestamp' column",
            "--map THEIRS=timestamp",
        ),
    ),
    case(
        "logs-every-timestamp-not-mapped",
        "project",
        "--logs",
        "{d}/l.csv",
        "--every",
        "1mo",
        "--price-at",
        "period_start",
        files={
            "l.csv": text(
                "model,input_tokens,output_tokens,cost_usd,ts\ngpt-5.5,1,1,1.0,2026-01-01\n"
            )
        },
        says=("no 'timestamp' column", "'ts'", "--map THEIRS=timestamp"),
    ),
    case(
        "logs-every-blank-timestamp",
        "project",
        "--logs",
        "{d}/l.csv",
        "--every",
        "1d",
        files={
            "l.csv": text(
                "model,input_tokens,output_tokens,cost_usd,timestamp\n"
                "gpt-5.5,1,1,1.0,2026-01-01T00:00:00Z\ngpt-5.5,1,1,1.0,\n"
            )
        },
        says=("{d}/l.csv: --every 1d needs a timestamp per request", "1 of 2", "row 1"),
    ),
    case(
        "logs-every-unparseable-timestamp",
        "project",
        "--logs",
        "{d}/l.csv",
        "--map",
        "ts=timestamp",
        "--every",
        "1d",
        files={
            "l.csv": text(
                "model,input_tokens,output_tokens,cost_usd,ts\ngpt-5.5,1,1,1.0,yesterday\n"
            )
        },
        says=("{d}/l.csv: column 'ts': expected a timestamp, got 'yesterday'",),
    ),
    case(
        "logs-every-zero",
        "project",
        "--logs",
        "{d}/l.csv",
        "--every",
        "0d",
        files={"l.csv": text(LOG_HEADER + LOG_ROW)},
        says=("--every '0d' is a zero duration",),
    ),
    case(
        "logs-every-bad",
        "project",
        "--logs",
        "{d}/l.csv",
        "--every",
        "bad",
        files={"l.csv": text(LOG_HEADER + LOG_ROW)},
        says=("--every 'bad' is not a duration",),
        never=("cannot read",),
    ),
    case(
        "logs-torn-row",
        "project",
        "--logs",
        "{d}/l.csv",
        files={
            "l.csv": text(
                "model,tag,input_tokens,output_tokens,cost_usd\ngpt-5.5,nightly,1,1,1.0\ngpt-5.5,nigh\n"
            )
        },
        says=("{d}/l.csv", "row 1"),
    ),
    case(
        "logs-float-tokens",
        "project",
        "--logs",
        "{d}/l.csv",
        files={
            "l.csv": text(LOG_HEADER + "gpt-5.5,0.9,1,1.0,nightly\ngpt-5.5,1.9,1,1.0,nightly\n")
        },
        says=("{d}/l.csv: column 'input_tokens'", "'0.9'", "row 0"),
    ),
    case(
        "logs-already-batched-text",
        "project",
        "--logs",
        "{d}/l.csv",
        files={
            "l.csv": text(LOG_HEADER.strip() + ",already_batched\n" + LOG_ROW.strip() + ",maybe\n")
        },
        says=("{d}/l.csv: column 'already_batched'", "'maybe'"),
    ),
    # -- options ------------------------------------------------------------------------
    case("top-negative", "explain", str(SAMPLE), "--top", "-1", says=("--top", "got -1")),
    case("top-zero", "explain", str(SAMPLE), "--top", "0", says=("--top", "got 0")),
    case("top-not-a-number", "explain", str(SAMPLE), "--top", "ten", says=("--top", "'ten'")),
    case(
        "every-with-aggregates-file",
        "project",
        str(SAMPLE),
        "--every",
        "1d",
        says=("--every applies to --logs",),
    ),
    case(
        "price-at-text-column",
        "project",
        str(SAMPLE),
        "--price-at",
        "model",
        says=("--price-at model: expected a date or datetime column, got String",),
    ),
    case(
        "price-at-cost-column",
        "project",
        str(SAMPLE),
        "--price-at",
        "cost_usd",
        says=("--price-at cost_usd: expected a date or datetime column, got Float64",),
    ),
    case(
        "price-at-missing-column",
        "project",
        str(SAMPLE),
        "--price-at",
        "period_start",
        says=("column 'period_start'", "is not in the input"),
    ),
    case("by-tag", "project", str(SAMPLE), "--by", "tag", says=("by=", "'tag'")),
    case(
        "by-counter",
        "project",
        str(SAMPLE),
        "--by",
        "cost_usd",
        says=("by=", "cost_usd"),
    ),
    case(
        "by-token-column",
        "project",
        str(SAMPLE),
        "--by",
        "input_tokens",
        says=("by=", "input_tokens"),
    ),
    case(
        "by-findings-column",
        "project",
        str(SAMPLE),
        "--by",
        "eligible_spend_usd",
        says=("'eligible_spend_usd'",),
    ),
    case("by-output-column", "project", str(SAMPLE), "--by", "summary", says=("'summary'",)),
    case(
        "preset-with-file",
        "project",
        str(SAMPLE),
        "--preset",
        "helicone",
        says=("--preset applies to --logs",),
    ),
    case(
        "map-with-file", "project", str(SAMPLE), "--map", "a=b", says=("--map applies to --logs",)
    ),
    case("file-and-logs", "project", str(SAMPLE), "--logs", str(SAMPLE), says=("not both",)),
    case("nothing-to-read", "explain", says=("nothing to read",)),
    case("unknown-format-option", "demo", "--format", "xml", says=("--format", "'xml'")),
    case("unknown-option", "project", str(SAMPLE), "--bogus", says=("--bogus",)),
    case("unknown-tier", "project", str(SAMPLE), "--tier", "cheap", says=("--tier", "'cheap'")),
    case("unknown-command", "frobnicate", says=("'frobnicate'",)),
    case("parquet-to-stdout", "demo", "--format", "parquet", says=("needs --output",)),
    case(
        "output-dir-missing",
        "demo",
        "-o",
        "{d}/no/such/dir/out.csv",
        says=("cannot write {d}/no/such/dir/out.csv",),
    ),
    case(
        "explain-parquet",
        "explain",
        str(SAMPLE),
        "--format",
        "parquet",
        says=("explain writes table, csv or json",),
    ),
    case("catalog-missing", "demo", "--catalog", "{d}/none.toml", says=("{d}/none.toml",)),
    # -- issue 14/16 options where they cannot apply ---------------------------------------
    case(
        "candidates-tag-names-on-aggregates",
        "candidates",
        str(SAMPLE),
        "--tag-names",
        "{d}/names.csv",
        says=("--tag-names apply to --logs files",),
    ),
    case(
        "usage-preset-without-the-grouping",
        "project",
        "--logs",
        "{d}/pages.json",
        "--preset",
        "openai-usage",
        files={
            "pages.json": text(
                '{"data": [{"start_time": 1, "end_time": 2, '
                '"results": [{"model": "gpt-5", "input_tokens": 1}]}]}'
            )
        },
        says=("no result has 'project_id'", "group_by=project_id"),
        never=("_bf_",),
    ),
]


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(
            c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=LIBRARY)] if c.library else []
        )
        for c in CASES
    ],
)
def test_bad_input_is_one_named_line_with_status_2(
    bad: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, write in sorted(bad.files.items()):
        write(tmp_path / name)
    argv = [arg.replace("{d}", str(tmp_path)) for arg in bad.argv]
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse
        status = exc.code  # type: ignore[assignment]
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert status == 2, err
    assert out == ""
    assert err.startswith("batchframe: error: ") and err.endswith("\n") and err.count("\n") == 1, (
        err
    )
    for fragment in bad.says:
        assert fragment.replace("{d}", str(tmp_path)) in err, err
    for fragment in bad.never:
        assert fragment not in err, err


SUBPROCESS_CASES = [
    "empty-glob",
    "zero-byte-arrow",
    "csv-huge-int",
    "top-negative",
    "logs-every-bad",
]


@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_bad_input_through_the_console_entry_point(name: str, tmp_path: Path) -> None:
    bad = next(c for c in CASES if c.id == name)
    for file, write in sorted(bad.files.items()):
        write(tmp_path / file)
    argv = [arg.replace("{d}", str(tmp_path)) for arg in bad.argv]
    done = subprocess.run(
        [sys.executable, "-m", "batchframe", *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("batchframe: error: ") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_token_sums_beyond_int64_are_exact_or_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two rows of 9e18 tokens: the sum (1.8e19) must not wrap into a wrong number."""
    path = tmp_path / "big.csv"
    path.write_text(rows(*[ROW.replace("1000", "9000000000000000000")] * 2), encoding="utf-8")
    status = main(["project", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if status == 2:
        assert err.startswith(f"batchframe: error: {path}: ") and err.count("\n") == 1
        assert "input_tokens" in err
        return
    assert status == 0
    (finding,) = json.loads(out)["findings"]
    rates = bf.catalog().latest("openai", "gpt-5.5")
    assert rates is not None and rates.batch_input_per_million and rates.batch_output_per_million
    expected = (18e18 * rates.batch_input_per_million + 20 * rates.batch_output_per_million) / 1e6
    assert finding["projected_batch_cost_usd"] == pytest.approx(expected, rel=1e-9)
