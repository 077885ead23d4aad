"""File formats: JSON-array files, Parquet map columns, globs of files with differing columns."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import batchframe as bf
from batchframe._io import read_json, scan_file
from batchframe._logschema import lookup, undouble_quotes


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_json_array_with_a_comma_after_the_last_record(tmp_path: Path) -> None:
    # Helicone examples/export/typescript/index.ts: "[\n", then every record
    # JSON.stringify(record, null, 2) + ",\n" (no --limit), then "]\n".
    path = _write(
        tmp_path / "output.json",
        '[\n{\n  "model": "gpt-5.5",\n  "cost": 0.5\n},\n{\n  "model": "o3",\n  "cost": 1\n},\n]\n',
    )
    frame = read_json(str(path))
    assert frame.rows() == [("gpt-5.5", 0.5), ("o3", 1.0)]


def test_json_array_strict_and_empty_and_single_object(tmp_path: Path) -> None:
    strict = _write(tmp_path / "a.json", '[{"a": 1}, {"a": 2}]')
    assert read_json(str(strict))["a"].to_list() == [1, 2]
    empty = _write(tmp_path / "b.json", "[\n]\n")
    assert read_json(str(empty)).shape == (0, 0)
    one = _write(tmp_path / "c.json", '{\n  "a": 3\n}\n')
    assert read_json(str(one))["a"].to_list() == [3]
    lines = _write(tmp_path / "d.json", '{"a": 4}\n{"a": 5}\n')
    assert read_json(str(lines))["a"].to_list() == [4, 5]


def test_malformed_json_names_file_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.json", '[\n  {"a": 1},\n  {"a": }\n]\n')
    with pytest.raises(
        bf.AggregateError, match=r"bad\.json: is not valid JSON at line 3, column 9"
    ):
        read_json(str(path))
    text = _write(tmp_path / "text.json", "hello")
    with pytest.raises(bf.AggregateError, match=r"text\.json: is not a JSON array of records"):
        read_json(str(text))


def test_json_aggregates_file_reads_through_scan_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "agg.json",
        '[{"provider": "openai", "model": "gpt-5.5", "tag": "nightly", "input_tokens": 10,'
        ' "output_tokens": 2, "cost_usd": 0.25, "request_count": 1},]',
    )
    assert scan_file(path).collect()["cost_usd"].to_list() == [0.25]


def test_ndjson_file_holding_an_array_points_at_json(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.ndjson", '[{"a": 1}]\n')
    with pytest.raises(bf.AggregateError, match=r"holds a JSON array.*\*\.json"):
        scan_file(path).collect()


def test_lookup_in_struct_map_key_value_list_and_json_text(tmp_path: Path) -> None:
    table = pa.table(
        {"m": pa.array([[("input", 5), ("output", 2)], None, []], pa.map_(pa.string(), pa.int64()))}
    )
    pq.write_table(table, tmp_path / "m.parquet")
    frame = pl.read_parquet(tmp_path / "m.parquet")
    expr = lookup(pl.col("m"), frame.schema["m"], ["output"])
    assert expr is not None
    got = frame.select(expr.alias("v"))["v"].to_list()
    assert got == ["2", None, None]
    nested = pl.DataFrame({"x": [{"usage": {"n": 1}}, None]})
    expr = lookup(pl.col("x"), nested.schema["x"], ["usage", "n"])
    assert expr is not None
    got = nested.select(expr.alias("v"))["v"].to_list()
    assert got == ["1", None]
    assert lookup(pl.col("x"), nested.schema["x"], ["usage"]) is None  # not a scalar
    assert lookup(pl.col("x"), nested.schema["x"], ["nope"]) is None
    text = pl.DataFrame({"t": ['{"a": {"b": true}}', "not json", None]})
    expr = lookup(pl.col("t"), pl.String(), ["a", "b"])
    assert expr is not None
    got = text.select(expr.alias("v"))["v"].to_list()
    assert got == ["true", None, None]


def test_undouble_quotes_only_touches_doubled_json() -> None:
    cells = pl.DataFrame(
        {"p": ['{""feature"":""nightly""}', '{"feature": ""}', '{""a"":""""}', "plain"]}
    )
    got = cells.select(undouble_quotes(pl.col("p")))["p"].to_list()
    assert got == ['{"feature":"nightly"}', '{"feature": ""}', '{"a":""}', "plain"]


def test_parquet_map_of_properties_feeds_the_helicone_preset(tmp_path: Path) -> None:
    # Helicone's ClickHouse `properties` is Map(String, String); a Parquet copy keeps a map.
    table = pa.table(
        {
            "model": ["gpt-5.5", "gpt-5.5"],
            "prompt_tokens": [1_000, 2_000],
            "completion_tokens": [10, 20],
            "cost": [0.01, 0.02],
            "request_properties": pa.array(
                [[("feature", "nightly")], [("team", "etl")]], pa.map_(pa.string(), pa.string())
            ),
        }
    )
    pq.write_table(table, tmp_path / "h.parquet")
    logs = bf.scan_request_logs(tmp_path / "h.parquet", preset="helicone").collect()
    assert logs["tags"].to_list() == [["nightly"], []]
    team = bf.scan_request_logs(tmp_path / "h.parquet", preset=bf.helicone_preset("team"))
    assert team.collect()["tags"].to_list() == [[], ["etl"]]


def test_glob_whose_files_lack_optional_columns_reads_as_one(tmp_path: Path) -> None:
    header = "model,request_tags,prompt_tokens,completion_tokens,spend"
    (tmp_path / "a.csv").write_text(
        header + ",metadata\n"
        'gpt-5.5,"[""nightly""]",1000,10,0.1,"{""usage_object"": {""prompt_tokens_details"": '
        '{""cached_tokens"": 400}}}"\n',
        encoding="utf-8",
    )
    # an older export without metadata, and columns in another order
    (tmp_path / "b.csv").write_text(
        "request_tags,model,prompt_tokens,completion_tokens,spend\n"
        '"[""bulk""]",gpt-5.5,2000,20,0.2\n',
        encoding="utf-8",
    )
    logs = bf.scan_request_logs(str(tmp_path / "*.csv"), preset="litellm-spendlogs").collect()
    assert logs.select("tags", "input_tokens", "cached_input_tokens", "cost_usd").rows() == [
        (["nightly"], 1000, 400, 0.1),
        (["bulk"], 2000, 0, 0.2),
    ]
    # a file that lacks a column the preset requires is named
    (tmp_path / "c.csv").write_text("model,request_tags,prompt_tokens,spend\ngpt-5.5,[],1,0.1\n")
    with pytest.raises(
        bf.AggregateError,
        match=r"c\.csv: preset 'litellm-spendlogs': missing column 'completion_tokens'",
    ):
        bf.scan_request_logs(str(tmp_path / "*.csv"), preset="litellm-spendlogs")


def test_aggregate_glob_without_the_cache_columns_in_one_file(tmp_path: Path) -> None:
    row = "openai,gpt-5.5,nightly,1000000,0,5.0,1"
    head = "provider,model,tag,input_tokens,output_tokens,cost_usd,request_count"
    (tmp_path / "a.csv").write_text(f"{head}\n{row}\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(f"{head},cached_input_tokens\n{row},400000\n", encoding="utf-8")
    frame = scan_file(str(tmp_path / "*.csv")).collect()
    assert frame["cached_input_tokens"].to_list() == [None, 400_000]


def test_json_array_of_values_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "values.json", "[1, 2]")
    with pytest.raises(
        bf.AggregateError, match=r"values\.json: is a JSON array whose items are not objects"
    ):
        read_json(str(path))
