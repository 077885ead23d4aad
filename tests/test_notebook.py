"""examples/walkthrough.ipynb runs headless, top to bottom, without a cell error.

The notebook is stored without outputs; this test executes it with nbclient in a temporary
working directory (the notebook finds its sample through importlib.resources, not a relative
path) and checks that a few cells printed what the prose says they print.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("nbclient", reason="needs nbclient (pip install --group test)")
pytest.importorskip("nbformat", reason="needs nbformat (pip install --group test)")
pytest.importorskip("ipykernel", reason="needs ipykernel (pip install --group test)")

import ipykernel  # noqa: F401  (the python3 kernel the notebook runs on)
import nbclient
import nbformat

pytestmark = pytest.mark.notebook

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "walkthrough.ipynb"


def _text(cell: Any) -> str:
    """All text a code cell produced: streams, results and displays (plain text and HTML)."""
    parts: list[str] = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        data = output.get("data", {})
        for mime in ("text/plain", "text/html"):
            value = data.get(mime, "")
            parts.append("".join(value) if isinstance(value, list) else value)
    return "\n".join(parts)


def _tagged(nb: Any, tag: str) -> list[Any]:
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert cells, f"no cell tagged {tag!r} in {NOTEBOOK.name}"
    return cells


def test_notebook_is_stored_clean() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    workdir = tmp_path_factory.mktemp("notebook")
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    return nb


def test_every_cell_ran_without_error(executed: Any) -> None:
    for cell in executed.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is not None, cell.source[:60]
            errors = [o for o in cell.outputs if o.get("output_type") == "error"]
            assert not errors, f"{cell.source[:60]!r}: {errors}"


def test_findings_name_the_eligible_tags(executed: Any) -> None:
    text = _text(_tagged(executed, "findings")[0])
    for tag in ("nightly", "Nightly", "background", "bulk"):
        assert tag in text
    assert "chat" not in text and "search" not in text  # interactive tags are never findings
    assert "Total projected saving: $" in _text(_tagged(executed, "total")[0])


def test_statuses_and_price_history_are_shown(executed: Any) -> None:
    status = _text(_tagged(executed, "classify")[0])
    for word in ("projected", "untagged", "not_eligible", "no_batch_tier", "already_batched"):
        assert word in status
    history = _text(_tagged(executed, "history")[0])
    assert "60.0" in history and "50.0" in history  # negotiated vs list discount


def test_summaries_and_dataclass(executed: Any) -> None:
    assert "BatchFinding(" in _text(_tagged(executed, "dataclass")[0])
    summaries = _text(_tagged(executed, "summaries")[0])
    assert "saved at the Batch API rate" in summaries
    assert "tag=background" in summaries


def test_charts_are_rendered(executed: Any) -> None:
    for cell in _tagged(executed, "plot"):
        mimes = {mime for o in cell.outputs for mime in o.get("data", {})}
        assert any(m.startswith("application/vnd.vegalite") or m == "text/html" for m in mimes), (
            cell.source,
            mimes,
        )


def test_cache_aware_projection_is_shown(executed: Any) -> None:
    rows = _text(_tagged(executed, "cache")[0])
    assert "claude-sonnet-4-6" in rows and "gpt-5.5" in rows and "true" in rows  # long_context
    compared = _text(_tagged(executed, "cache-compare")[0])
    assert "cache-aware saving: $" in compared and "cache-blind saving: $" in compared
    aware, blind = (
        float(line.split("$")[1].split()[0].replace(",", ""))
        for line in compared.splitlines()
        if "saving: $" in line
    )
    assert aware > blind  # cached tokens priced as uncached make batch look dearer


def test_candidates_find_the_planted_job(executed: Any) -> None:
    text = _text(_tagged(executed, "candidates")[0])
    assert "nightly-evals" in text and "name+burst" in text
    assert "chat" not in text and "search" not in text
    assert "saving with nightly-evals: $" in _text(_tagged(executed, "candidates-adopt")[0])
    assert "self-contained" in _text(_tagged(executed, "report")[0])
