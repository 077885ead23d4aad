"""Test-suite policy: optional extras are optional here too.

A core install (``pip install -e . pytest``) runs every test that needs only Polars and
PyArrow; a test that needs an extra carries the marker named in ``MARKER_NEEDS`` and is
skipped, with the reason, when a module of that extra is missing. Modules that need an extra
throughout also call ``pytest.importorskip`` at the top so they are not imported at all.
The markers are registered (with the same reasons) in pyproject.toml.

Shared helpers live in ``tests/support.py``; shared fixtures live here.
"""

from __future__ import annotations

import importlib.util

import pytest

import batchframe as bf

import reference as ref

#: marker -> (modules it needs, how to get them)
MARKER_NEEDS: dict[str, tuple[tuple[str, ...], str]] = {
    "spark": (("pyspark",), 'pip install -e ".[spark]" (and Java 17)'),
    "dask": (("dask", "numpy"), "pip install --group test"),
    "plot": (("altair", "vl_convert"), 'pip install -e ".[plot]"'),
    "notebook": (("nbclient", "nbformat", "ipykernel"), "pip install --group test"),
    "packaging": (("hatchling",), "pip install --group test"),
    "hypothesis": (("hypothesis",), "pip install --group test"),
    "pandas": (("pandas",), 'pip install -e ".[pandas]"'),
    "bench": (("duckdb", "pandas"), "pip install --group test"),
}


def _missing(modules: tuple[str, ...]) -> list[str]:
    return [name for name in modules if importlib.util.find_spec(name) is None]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        # Hypothesis property tests get the marker, wherever they are.
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.hypothesis)


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in item.iter_markers():
        if marker.name in MARKER_NEEDS:
            modules, how = MARKER_NEEDS[marker.name]
            missing = _missing(modules)
            if missing:
                pytest.skip(f"needs {', '.join(missing)} (marker {marker.name!r}; {how})")


@pytest.fixture(scope="session")
def cat() -> bf.PricingCatalog:
    """The synthetic catalog of tests/reference.py (acme/big, acme/small, ...)."""
    return bf.PricingCatalog.parse(ref.SYNTHETIC_CATALOG_TOML)
