"""Helpers shared by several test modules (import them as ``from support import ...``).

pytest puts ``tests/`` on ``sys.path`` (rootdir-relative, no ``__init__.py``), so this module
imports as ``support``. It is not a ``conftest.py`` because two conftest modules (the one here
and the one at the repository root) cannot both be imported by name.

* ``given``, ``settings``, ``example``, ``st``, ``HealthCheck``: Hypothesis when it is installed.
  Without it, ``@given`` marks the test skipped with a reason and the rest are inert, so the
  other tests of a module that has one property test still run on a core-only install.
* ``assert_same_findings``: two findings frames agree (numbers within relative 1e-9).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest

try:
    from hypothesis import HealthCheck, example, given, settings
    from hypothesis import strategies as st

    HAVE_HYPOTHESIS = True
except ImportError:
    HAVE_HYPOTHESIS = False

    class _Inert:
        """Stands in for strategies and health checks: every attribute and call is inert."""

        def __getattr__(self, name: str) -> _Inert:
            return self

        def __call__(self, *args: Any, **kwargs: Any) -> _Inert:
            return self

        def __iter__(self) -> Any:
            return iter(())

    st = HealthCheck = _Inert()  # type: ignore[assignment]

    def given(*args: Any, **kwargs: Any) -> Callable[[Any], Any]:  # type: ignore[no-redef]
        return pytest.mark.skip(reason="property test: needs hypothesis (pip install --group test)")

    def _identity(*args: Any, **kwargs: Any) -> Callable[[Any], Any]:
        return lambda test: test

    settings = example = _identity  # type: ignore[assignment]


__all__ = [
    "HAVE_HYPOTHESIS",
    "HealthCheck",
    "assert_same_findings",
    "example",
    "given",
    "settings",
    "st",
]


def assert_same_findings(got: pl.DataFrame, expected: pl.DataFrame | pl.LazyFrame) -> None:
    """Same columns, tags, keys and order; every number within relative 1e-9."""
    assert isinstance(expected, pl.DataFrame)
    assert got.columns == expected.columns
    assert got.schema == expected.schema
    assert got["tag"].to_list() == expected["tag"].to_list()
    for name, dtype in expected.schema.items():
        left, right = got[name].to_list(), expected[name].to_list()
        if dtype == pl.Float64:
            for a, b in zip(left, right, strict=True):
                assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (name, a, b)
        else:  # tags, keys, counts, summaries, provenance: exact
            assert left == right, name
