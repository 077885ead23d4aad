"""render_report (HTML), the Markdown findings, and the report opened in headless Chromium.

The numbers the pages must hold are computed by hand in comments (embedded catalog:
openai/gpt-5.5 5.00 / 30.00, batch 2.50 / 15.00 per 1M tokens). The browser test uses
Debian's ``chromium`` (installed by .ci/run when missing) and skips with the reason when
it is not there; the screenshot is checked with a small PNG decoder (zlib only).
"""

from __future__ import annotations

import csv
import re
import shutil
import struct
import subprocess
import zlib
from datetime import datetime, timezone
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

import batchframe as bf
from batchframe._cli import main
from batchframe._report import findings_markdown

SAMPLE_LOGS = Path(bf.__file__).parent / "data" / "sample_logs.csv"
NOW = datetime(2026, 12, 2, tzinfo=timezone.utc)


def small() -> pl.DataFrame:
    # nightly: 1M in + 1M out on gpt-5.5 = 5 + 30 = 35 paid; batch 2.5 + 15 = 17.50 -> saves 17.50
    # chat (not eligible) 35 paid, and a hostile tag (not eligible) 1M in = 5 paid
    # total 35 + 35 + 5 = 75.00; share of the finding 35 / 75 = 46.7 %
    return pl.DataFrame(
        {
            "provider": ["openai"] * 3,
            "model": ["gpt-5.5"] * 3,
            "tag": ["nightly", "chat", '<img src=x onerror="alert(1)">&job'],
            "input_tokens": [1_000_000, 1_000_000, 1_000_000],
            "output_tokens": [1_000_000, 1_000_000, 0],
            "cost_usd": [35.0, 35.0, 5.0],
            "request_count": [10, 10, 4],
        }
    )


class _Attributes(HTMLParser):
    """Every src/href attribute of a real tag, and the text of <style> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        self.targets += [v or "" for k, v in attrs if k in ("src", "href", "xlink:href")]

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def resource_references(page: str) -> list[str]:
    """Every src/href target of the page's tags, and every CSS url()/@import."""
    parser = _Attributes()
    parser.feed(page)
    css = "".join(parser.styles)
    return parser.targets + re.findall(r"url\(|@import", css)


def test_small_report_holds_the_hand_computed_numbers() -> None:
    page = bf.render_report(small(), now=NOW)
    assert '<p class="big" id="headline-saving">$17.50</p>' in page
    assert '<b id="total-spend">$75.00</b>' in page
    assert "46.7 %" in page  # 35 / 75
    # the identity: untagged 0, so projected 35 + not_eligible 40 = 75
    identity = re.search(r'<p id="identity">(.*?)</p>', page, flags=re.DOTALL)
    assert identity is not None
    assert "(holds)" in identity[1]
    assert "projected $35.00 + not_eligible $40.00 = $75.00" in identity[1]
    # the hostile tag is a candidate (its name holds "job"), escaped wherever it appears
    assert "<img" not in page and 'onerror="alert' not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;job" in page
    # nothing to fetch: no script, no stylesheet link, no external resource at all
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert resource_references(page) == []
    assert "http://" not in page and "https://" not in page
    # every assumption is stated
    for words in ("Catalog: the embedded catalog", "not stale", "Tier: <b>Batch API</b>",
                  "openai/gpt-5.5 (2026-04-23)", "Cached tokens:", "Long prompts:",
                  "Excluded from the projection, and why:", "@page { size: A4"):  # fmt: skip
        assert words in page, words


def test_stale_catalog_and_empty_findings_are_said() -> None:
    rows = [bf.RequestAggregate("openai", "gpt-5.5", "chat", 1_000_000, 0, 5.0, 1)]
    page = bf.render_report(rows, now=datetime(2028, 1, 1, tzinfo=timezone.utc))
    assert "<b>stale</b>" in page
    assert "No batch-eligible spend with a rate in the catalog was found." in page
    assert '<p class="big" id="headline-saving">$0.00</p>' in page


def test_findings_markdown_exact_text() -> None:
    findings = bf.project_batch_savings(small())
    expected = (
        "| tag | eligible $ | projected $ | saving $ | share of spend % | discount % | requests |\n"
        "|---|---:|---:|---:|---:|---:|---:|\n"
        "| nightly | $35.00 | $17.50 | $17.50 | 46.7 | 50 | 10 |\n"
        "\n"
        "**Total projected saving at the Batch API rate: $17.50**\n"
        "\n"
        "_Advisory projection at the catalog's published Batch-API (or Flex) list rates; "
        "nothing was submitted to any API._\n"
    )
    assert findings_markdown(findings) == expected


def test_markdown_escapes_table_syntax(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    frame = small().with_columns(pl.lit("a|b_*c*").alias("tag"))
    path = tmp_path / "agg.csv"
    frame.write_csv(path)
    assert main(["project", str(path), "--tags", "a|b_*c*", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    # all three rows share the tag: 35 + 35 + 5 = 75 paid; batch 17.5 + 17.5 + 2.5 = 37.50
    assert "| a\\|b\\_\\*c\\* | $75.00 | $37.50 | $37.50 | 100.0 | 50 | 24 |" in out


def test_cli_candidates_prints_the_tags_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "agg.csv"
    small().write_csv(path)
    assert main(["candidates", str(path)]) == 0
    out = capsys.readouterr().out
    # the hostile tag "...&job": 1M in at batch 2.50 -> saves 5 - 2.5 = 2.50
    assert "2.50" in out and "--tags 'background,offline,nightly,batch,bulk,async," in out
    assert main(["candidates", str(path), "--format", "markdown"]) == 0
    assert "| $2.50 | $2.50 | 6.7 | job | \u2013 | name |" in capsys.readouterr().out  # 5 / 75


# -- the browser ----------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    assert CHROMIUM is not None
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, timeout=120, check=True)


def png_rows(data: bytes, limit: int) -> tuple[int, list[bytes]]:
    """(bytes per pixel, the first `limit` unfiltered rows) of an 8-bit RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + size]
        pos += 12 + size
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    bpp = 3 if colour == 2 else 4
    stride = width * bpp
    raw = zlib.decompressobj().decompress(idat, (stride + 1) * min(limit, height))
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(min(limit, height)):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return bpp, rows


def grey_variance(bpp: int, rows: list[bytes]) -> float:
    values = [sum(row[i : i + 3]) / 3 for row in rows for i in range(0, len(row), bpp * 4)]
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / len(values)


def sample_total_spend() -> Decimal:
    """Σ spend of the bundled LiteLLM export, read with the csv module (an independent sum)."""
    with SAMPLE_LOGS.open(newline="") as handle:
        return sum((Decimal(row["spend"]) for row in csv.DictReader(handle)), Decimal(0))


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_sample_report_in_headless_chromium(tmp_path: Path) -> None:
    html_path = tmp_path / "report.html"
    status = main(["report", "--logs", str(SAMPLE_LOGS), "--preset", "litellm-spendlogs",
                   "-q", "-o", str(html_path)])  # fmt: skip
    assert status == 0
    page = html_path.read_text(encoding="utf-8")
    assert resource_references(page) == []
    dom = _chromium(tmp_path, "--dump-dom", html_path.as_uri()).stdout.decode()
    total = f"${sample_total_spend().quantize(Decimal('0.01')):,}"
    assert f'<b id="total-spend">{total}</b>' in dom
    logs = bf.scan_request_logs(str(SAMPLE_LOGS), preset="litellm-spendlogs")
    saving = bf.project_batch_savings(bf.aggregate_request_logs(logs).collect())
    headline = f"${saving['projected_savings_usd'].sum():,.2f}"
    assert f'<p class="big" id="headline-saving">{headline}</p>' in dom
    assert 'id="candidates"' in dom and "nightly-evals" in dom  # the planted untagged job
    shot = tmp_path / "report.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1000,1400", html_path.as_uri())
    bpp, rows = png_rows(shot.read_bytes(), 260)  # title and headline box
    assert len(rows) == 260
    assert grey_variance(bpp, rows) > 100.0  # a blank page is 0
