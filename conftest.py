"""Repository-root pytest configuration: doctests of optional modules on a core install.

``--doctest-modules`` (pyproject.toml) imports every module under batchframe/. The doctests of
batchframe/_plot.py need altair and vl-convert, those of batchframe/spark.py need pyspark; on an
install without those extras the modules are left out of doctest collection instead of failing.
Test-suite policy for the extras is in tests/conftest.py.
"""

from __future__ import annotations

import importlib.util


def _missing(*modules: str) -> bool:
    return any(importlib.util.find_spec(name) is None for name in modules)


collect_ignore: list[str] = []
if _missing("altair", "vl_convert"):
    collect_ignore.append("batchframe/_plot.py")
if _missing("pyspark"):
    collect_ignore.append("batchframe/spark.py")
