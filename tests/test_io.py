"""The one route for reading files (`batchframe._io`), for aggregates and raw logs alike."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import batchframe as bf
from batchframe._io import diagnose, resolve, scan_file

SAMPLE = Path(bf.__file__).parent / "data" / "sample_aggregates.csv"


def sample() -> pl.DataFrame:
    return pl.read_csv(SAMPLE, schema_overrides={"tag": pl.String})


def test_a_directory_reads_its_data_files_in_order(tmp_path: Path) -> None:
    frame = sample()
    parts = tmp_path / "aggregates"
    parts.mkdir()
    frame.head(5).write_parquet(parts / "part-0.parquet")
    frame.slice(5).write_parquet(parts / "part-1.parquet")
    (parts / "_SUCCESS").write_text("", encoding="utf-8")  # Spark's marker: skipped
    (parts / ".part-0.parquet.crc").write_bytes(b"x")  # hidden: skipped
    assert scan_file(parts).collect().equals(frame)
    assert (
        bf.project_batch_savings(scan_file(parts))
        .collect()
        .equals(  # type: ignore[union-attr]
            bf.project_batch_savings(frame)
        )
    )
    assert resolve(parts).where == f"{parts / 'part-0.parquet'} (+1 more)"


def test_an_empty_directory_says_it_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(bf.AggregateError, match=r"is a directory with no \.parquet"):
        scan_file(tmp_path)
    with pytest.raises(bf.AggregateError, match=r"is a directory"):
        bf.scan_request_logs(tmp_path)


def test_globs_lists_and_formats(tmp_path: Path) -> None:
    frame = sample()
    frame.write_csv(tmp_path / "a.csv")
    frame.write_csv(tmp_path / "b.csv")
    both = scan_file(str(tmp_path / "*.csv")).collect()
    assert both.height == 2 * frame.height
    assert scan_file([tmp_path / "a.csv", tmp_path / "b.csv"]).collect().equals(both)
    frame.write_ndjson(tmp_path / "c.ndjson")
    with pytest.raises(bf.AggregateError, match=r"c\.ndjson: is NDJSON but .*a\.csv is CSV"):
        scan_file([tmp_path / "a.csv", tmp_path / "c.ndjson"])
    with pytest.raises(bf.AggregateError, match=r"no files given"):
        resolve([])
    with pytest.raises(TypeError, match=r"expected a path, a glob or a list of them, got int"):
        resolve(3)  # type: ignore[arg-type]
    with pytest.raises(bf.AggregateError, match=r"unknown format 'xlsx'"):
        resolve(tmp_path / "a.csv", "xlsx")  # type: ignore[arg-type]


def test_csv_types_inferred_per_file_are_merged(tmp_path: Path) -> None:
    header = "provider,model,tag,input_tokens,output_tokens,cost_usd,request_count\n"
    (tmp_path / "a.csv").write_text(header + "openai,gpt-5.5,nightly,10,1,2,1\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(header + "openai,gpt-5.5,2024,10,1,2.5,1\n", encoding="utf-8")
    got = scan_file(str(tmp_path / "*.csv")).collect()
    assert got["cost_usd"].dtype == pl.Float64 and got["cost_usd"].to_list() == [2.0, 2.5]
    assert got["tag"].to_list() == ["nightly", "2024"]  # text columns stay text


def test_an_optional_column_some_files_lack_is_null_there(tmp_path: Path) -> None:
    frame = sample()
    frame.write_parquet(tmp_path / "a.parquet")
    frame.with_columns(already_batched=pl.lit(True)).write_parquet(tmp_path / "b.parquet")
    got = scan_file(str(tmp_path / "*.parquet")).collect()
    assert got["already_batched"].to_list() == [None] * frame.height + [True] * frame.height
    # The batched half is not projected again; it only adds to the total spend.
    columns = ["tag", "eligible_spend_usd", "projected_savings_usd"]
    findings = bf.project_batch_savings(got).select(columns)
    assert findings.equals(bf.project_batch_savings(frame).select(columns))
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.csv").write_text(
        "model,input_tokens,output_tokens,cost_usd\ngpt-5.5,1000000,0,5.0\n", encoding="utf-8"
    )
    (logs / "b.csv").write_text(
        "model,input_tokens,output_tokens,cost_usd,tag,provider\n"
        "gpt-5.5,1000000,0,5.0,nightly,openai\n",
        encoding="utf-8",
    )
    read = bf.scan_request_logs(logs).collect()
    assert read.select("provider", "tags", "cost_usd").rows() == [
        (None, [], 5.0),
        ("openai", ["nightly"], 5.0),
    ]
    (logs / "c.csv").write_text("model,input_tokens,cost_usd\ngpt-5.5,1,1.0\n", encoding="utf-8")
    # A file that lacks a required column is named (each file of a glob whose columns
    # differ is mapped on its own columns since issue 14).
    with pytest.raises(bf.AggregateError, match=r"c\.csv: missing column 'output_tokens'"):
        bf.scan_request_logs(logs)


def test_counters_beyond_64_bits_and_text_counters(tmp_path: Path) -> None:
    header = "provider,model,tag,input_tokens,output_tokens,cost_usd,request_count\n"
    path = tmp_path / "huge.csv"
    path.write_text(header + f"openai,gpt-5.5,n,1,{2**65},1.0,1\n", encoding="utf-8")
    with pytest.raises(bf.AggregateError, match=rf"column 'output_tokens': .*got {2**65} at row 0"):
        scan_file(path)
    fits = tmp_path / "fits.csv"
    fits.write_text(header + f"openai,gpt-5.5,n,1,{2**62},1.0,1\n", encoding="utf-8")
    assert scan_file(fits).collect()["output_tokens"].to_list() == [2**62]
    spaced = tmp_path / "spaced.csv"
    spaced.write_text(header + "openai,gpt-5.5,n,1,,1.0,1\nopenai,gpt-5.5,n,1,2,1.0,1\n")
    with pytest.raises(bf.AggregateError, match=r"'output_tokens'.*got null at row 0"):
        bf.project_batch_savings(scan_file(spaced)).collect()  # type: ignore[union-attr]


def test_diagnose_finds_the_ndjson_line_and_csv_row(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_text('{"a": 1}\n\n{"a": 2\n', encoding="utf-8")
    files = resolve(path)
    with pytest.raises(pl.exceptions.PolarsError) as raised:
        pl.scan_ndjson(path).collect()
    assert str(diagnose(files, raised.value)).startswith(f"{path}: line 3 is not valid JSON")
    with pytest.raises(bf.AggregateError, match=r"a\.ndjson: line 3 is not valid JSON"):
        bf.scan_request_logs(path)
    good = tmp_path / "b.ndjson"
    good.write_text('{"a": 1}\n', encoding="utf-8")
    error = diagnose(resolve(good), ValueError("something else"))
    assert str(error) == f"{good}: cannot read as ndjson: something else"


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".arrow", ".ndjson"])
def test_files_with_columns_in_another_order(suffix: str, tmp_path: Path) -> None:
    frame = sample()
    write = {
        ".csv": pl.DataFrame.write_csv,
        ".parquet": pl.DataFrame.write_parquet,
        ".arrow": pl.DataFrame.write_ipc,
        ".ndjson": pl.DataFrame.write_ndjson,
    }[suffix]
    write(frame, tmp_path / f"a{suffix}")
    write(frame.select(reversed(frame.columns)), tmp_path / f"b{suffix}")
    got = scan_file(str(tmp_path / f"*{suffix}")).collect()
    assert got.equals(pl.concat([frame, frame]))
    if suffix == ".csv":
        logs = bf.scan_request_logs(str(tmp_path / "*.csv")).collect()
        assert logs["cost_usd"].to_list() == frame["cost_usd"].to_list() * 2
