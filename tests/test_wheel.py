"""The packaging path: a non-editable wheel carries the catalog and the demo sample."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# `pip wheel --no-build-isolation` builds with the hatchling installed here (conftest.py skips
# these tests without it).
pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(dist),
        ],
        check=True,
    )
    return next(dist.glob("batchframe-*.whl"))


def test_wheel_contents(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {
            "batchframe/pricing.toml",
            "batchframe/data/sample_aggregates.csv",
            "batchframe/py.typed",
        } <= names
        # One source of truth: the wheel's catalog is the repository root's file, byte for byte.
        assert archive.read("batchframe/pricing.toml") == (ROOT / "pricing.toml").read_bytes()
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "batchframe = batchframe._cli:main" in archive.read(entry_points).decode()
        assert not any(name.startswith("tests/") for name in names)


def test_installed_wheel_runs_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import batchframe as bf; print(bf.__file__); "
            "print(bf.catalog().latest('openai', 'gpt-5.5').batch_input_per_million)",
        ],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    )
    location, rate = probe.stdout.split()
    assert Path(location).is_relative_to(target)  # the installed copy, not the checkout
    assert float(rate) == 2.5
    demo = subprocess.run(
        [sys.executable, "-m", "batchframe", "demo", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    )
    payload = json.loads(demo.stdout)
    assert payload["findings"] and payload["total_projected_savings_usd"] > 0
