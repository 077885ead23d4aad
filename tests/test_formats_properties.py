"""Property tests of the file-format helpers (JSON arrays, Helicone's doubled quotes)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import polars as pl
import pytest

pytest.importorskip(
    "hypothesis", reason="property tests: needs hypothesis (pip install --group test)"
)

from hypothesis import given, settings
from hypothesis import strategies as st

from batchframe._io import read_json
from batchframe._logschema import undouble_quotes

pytestmark = pytest.mark.hypothesis

texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
objects = st.dictionaries(texts.filter(bool), texts, max_size=4)


@settings(max_examples=60, deadline=None)
@given(obj=objects)
def test_helicone_doubling_is_undone_and_json_is_kept(obj: dict[str, str]) -> None:
    text = json.dumps(obj, separators=(",", ":"))
    doubled = text.replace('"', '""')  # index.ts convertToCSVRow, as a CSV reader sees it
    got = pl.DataFrame({"p": [doubled, text]}).select(undouble_quotes(pl.col("p")))["p"]
    assert got.to_list() == [text, text]


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=6),
    trailing=st.booleans(),
    indent=st.sampled_from([None, 2]),
)
def test_json_array_reads_like_ndjson(
    values: list[int], trailing: bool, indent: int | None
) -> None:
    records = [{"n": v, "s": str(v)} for v in values]
    body = ",\n".join(json.dumps(r, indent=indent) for r in records)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.json"
        path.write_text("[\n" + body + (",\n" if trailing else "\n") + "]\n", encoding="utf-8")
        got = read_json(str(path))
    assert got.rows() == [(v, str(v)) for v in values]
