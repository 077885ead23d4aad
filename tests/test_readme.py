"""The README's Python example runs and says what the README says it says."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

README = Path(__file__).resolve().parent.parent / "README.md"


def test_python_example_runs_with_the_stated_numbers(capsys) -> None:  # type: ignore[no-untyped-def]
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    findings = namespace["findings"]
    assert isinstance(findings, pl.DataFrame)
    assert findings["tag"].to_list() == ["nightly", "Bulk"]
    assert findings["projected_savings_usd"].to_list() == [17.5, 12.5]
    assert [round(v, 1) for v in findings["share_of_spend_pct"]] == [36.8, 26.3]  # 35/95, 25/95
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("tag=nightly is 36.8% of spend")
