"""The command line: formats, options and one-line errors with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import batchframe as bf
from batchframe._cli import main

SAMPLE = Path(bf.__file__).parent / "data" / "sample_aggregates.csv"


def sample() -> pl.DataFrame:
    return pl.read_csv(SAMPLE, schema_overrides={"tag": pl.String})


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_sample_is_a_realistic_mix() -> None:
    frame = sample()
    classified = bf.project_batch_savings(frame)
    assert isinstance(classified, pl.DataFrame)
    assert frame["provider"].n_unique() >= 5
    assert frame["tag"].null_count() >= 1
    tags = set(frame["tag"].drop_nulls())
    assert {
        "nightly",
        "Nightly",
    } <= tags and "chat" in tags  # case variants and interactive traffic
    assert ("groq", "llama-3.1-8b-instant") in set(frame.select("provider", "model").rows())
    assert any(
        bf.catalog().latest(p, m) is None for p, m in frame.select("provider", "model").rows()
    )


def test_demo_table_prints_findings_and_total(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "demo")
    expected = bf.project_batch_savings(sample())
    assert status == 0 and err == ""
    total = expected["projected_savings_usd"].sum()
    assert f"Total projected saving: ${total:,.2f}" in out
    for summary in expected["summary"]:
        assert summary in out
    assert "nothing was submitted" in out


def test_demo_json_matches_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", "--format", "json")
    payload = json.loads(out)
    expected = bf.project_batch_savings(sample())
    assert status == 0
    assert set(payload) == {"findings", "total_projected_savings_usd", "note"}
    assert payload["findings"] == expected.rows(named=True)
    assert payload["total_projected_savings_usd"] == pytest.approx(
        expected["projected_savings_usd"].sum(), rel=1e-12
    )
    assert "advisory" in payload["note"].lower() and "nothing was submitted" in payload["note"]


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".ndjson", ".arrow"])
def test_project_reads_every_format(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = sample()
    path = tmp_path / f"aggregates{suffix}"
    {
        ".parquet": frame.write_parquet,
        ".csv": frame.write_csv,
        ".ndjson": frame.write_ndjson,
        ".arrow": frame.write_ipc,
    }[suffix](path)
    status, out, _ = run(capsys, "project", str(path), "--format", "csv")
    assert status == 0
    got = pl.read_csv(out.encode(), schema_overrides={"request_count": pl.UInt64})
    assert got.equals(bf.project_batch_savings(frame))


def test_project_options_tags_catalog_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalog = tmp_path / "cat.toml"
    catalog.write_text(
        '[[entry]]\nprovider = "openai"\nmodel = "gpt-5.5"\ninput_per_million = 5.0\n'
        "output_per_million = 30.0\nbatch_input_per_million = 1.0\nbatch_output_per_million = 1.0\n"
        'effective_at = "2026-01-01T00:00:00Z"\n',
        encoding="utf-8",
    )
    out_path = tmp_path / "findings.parquet"
    status, out, _ = run(
        capsys,
        "project",
        str(SAMPLE),
        "--catalog",
        str(catalog),
        "--tags",
        "NIGHTLY",
        "--tags",
        "chat",
        "--format",
        "parquet",
        "--output",
        str(out_path),
    )
    assert status == 0 and out == ""
    got = pl.read_parquet(out_path)
    expected = bf.project_batch_savings(
        sample(), bf.PricingCatalog.load(catalog), eligible_tags=["nightly", "chat"]
    )
    assert got.equals(expected)
    assert sorted(got["tag"]) == ["Nightly", "chat", "nightly"]


def test_empty_tag_set_reports_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", "--tags", "", "--format", "json")
    assert status == 0
    assert json.loads(out)["findings"] == [] and json.loads(out)["total_projected_savings_usd"] == 0


def one_line_error(status: int, out: str, err: str) -> str:
    assert status == 2 and out == ""
    assert err.startswith("batchframe: error: ") and err.count("\n") == 1
    assert "Traceback" not in err
    return err


def test_errors_are_one_line_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "no such file" in one_line_error(*run(capsys, "project", str(tmp_path / "none.parquet")))
    odd = tmp_path / "data.xlsx"
    odd.write_text("x", encoding="utf-8")
    assert "cannot tell the file format" in one_line_error(*run(capsys, "project", str(odd)))
    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(b"PAR1 this is not parquet")
    assert f"{corrupt}: cannot read" in one_line_error(*run(capsys, "project", str(corrupt)))
    columns = tmp_path / "columns.csv"
    columns.write_text("provider,model,tokens\nopenai,gpt-5.5,3\n", encoding="utf-8")
    err = one_line_error(*run(capsys, "project", str(columns)))
    assert f"{columns}: missing column 'tag'" in err and "['provider', 'model', 'tokens']" in err
    negative = tmp_path / "negative.csv"
    sample().with_columns(pl.col("input_tokens") * -1).write_csv(negative)
    err = one_line_error(*run(capsys, "project", str(negative)))
    assert (
        f"{negative}: column 'input_tokens': expected an integer >= 0, got -" in err
        and "at row 0" in err
    )
    bad_catalog = tmp_path / "bad.toml"
    bad_catalog.write_text("[[entry]]\nprovider = 1\n", encoding="utf-8")
    err = one_line_error(*run(capsys, "demo", "--catalog", str(bad_catalog)))
    assert "bad.toml: entry 0 (?/?): missing required key 'model'" in err
    assert "needs --output" in one_line_error(*run(capsys, "demo", "--format", "parquet"))


def test_console_script_and_module_entry_point(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "batchframe", "demo", "--format", "csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (
        pl.read_csv(done.stdout.encode())["tag"].to_list()
        == bf.project_batch_savings(sample())["tag"].to_list()
    )


LOGS = Path(__file__).parent / "data" / "logs"


def test_project_logs_with_a_preset_matches_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    path = LOGS / "litellm_spendlogs.csv"
    status, out, err = run(
        capsys, "project", "--logs", str(path), "--preset", "litellm-spendlogs", "--format", "json"
    )
    assert status == 0
    aggregates = bf.aggregate_request_logs(bf.scan_request_logs(path, preset="litellm-spendlogs"))
    expected = bf.project_batch_savings(aggregates.collect())  # type: ignore[union-attr]
    assert json.loads(out)["findings"] == expected.rows(named=True)
    # Progress goes to stderr, never into the machine-readable output.
    assert err.startswith("read 1 log source(s): 12 request(s) in ")
    status, out, err = run(
        capsys,
        "project",
        "--logs",
        str(path),
        "--preset",
        "litellm-spendlogs",
        "--quiet",
        "--format",
        "csv",
    )
    assert status == 0 and err == "" and out.startswith("tag,eligible_spend_usd")


def test_explain_reports_spend_by_status_and_unpriced_models(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "explain", str(SAMPLE), "--format", "json")
    assert status == 0
    payload = json.loads(out)
    by_status = {row["status"]: row for row in payload["spend_by_status"]}
    assert list(by_status) == [
        "projected",
        "untagged",
        "not_eligible",
        "unknown_model",
        "no_batch_tier",
        "already_batched",
        "cache_hit",
        "unknown_cost",
    ]
    frame = sample()
    assert payload["total_spend_usd"] == pytest.approx(frame["cost_usd"].sum())
    assert by_status["untagged"]["spend_usd"] == pytest.approx(
        frame.filter(pl.col("tag").is_null())["cost_usd"].sum()
    )
    assert by_status["projected"]["spend_usd"] == pytest.approx(
        bf.project_batch_savings(frame)["eligible_spend_usd"].sum()
    )
    unpriced = {(r["provider"], r["model"]): r["status"] for r in payload["top_unpriced_models"]}
    assert unpriced[("groq", "llama-3.1-8b-instant")] == "no_batch_tier"
    assert unpriced[("acme", "in-house-7b")] == "unknown_model"
    status, out, _ = run(capsys, "explain", str(SAMPLE))
    assert status == 0 and "Spend by status" in out and "Top unpriced models" in out


def test_log_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "no file matches this pattern" in one_line_error(
        *run(capsys, "project", "--logs", str(tmp_path / "*.csv"))
    )
    assert "not both" in one_line_error(*run(capsys, "project", str(SAMPLE), "--logs", str(SAMPLE)))
    assert "nothing to read" in one_line_error(*run(capsys, "explain"))
    bad = tmp_path / "bad.csv"
    bad.write_text("model,prompt_tokens\ngpt-5.5,1\n", encoding="utf-8")
    err = one_line_error(
        *run(capsys, "project", "--logs", str(bad), "--preset", "litellm-spendlogs")
    )
    assert f"{bad}: preset 'litellm-spendlogs': missing column" in err


def test_custom_columns_and_malformed_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(
        # one request of 200k prompt tokens: below gpt-5.5's 272k long-context threshold
        'model,prompt,completion,usd,tags\ngpt-5.5,200000,0,1.0,"[""Nightly""]"\n',
        encoding="utf-8",
    )
    maps = [
        "--map",
        "prompt=input_tokens",
        "--map",
        "completion=output_tokens",
        "--map",
        "usd=cost_usd",
    ]
    status, out, _ = run(
        capsys, "project", "--logs", str(good), *maps, "--quiet", "--format", "json"
    )
    assert status == 0
    (finding,) = json.loads(out)["findings"]
    assert (finding["tag"], finding["eligible_spend_usd"], finding["projected_batch_cost_usd"]) == (
        "Nightly",
        1.0,
        0.5,  # 200k x 2.50 per 1M
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        'model,prompt,completion,usd,tags\ngpt-5.5,1,1,1.0,"[""ok"", oops]"\n', encoding="utf-8"
    )
    err = one_line_error(*run(capsys, "project", "--logs", str(bad), *maps, "--quiet"))
    assert "column 'tags': expected a JSON list of tags, got '[\"ok\", oops]'" in err
    assert "THEIRS=OURS" in one_line_error(
        *run(capsys, "project", "--logs", str(good), "--map", "prompt")
    )


def test_pricing_options_reach_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    path = LOGS / "litellm_spendlogs.csv"
    args = [
        "project",
        "--logs",
        str(path),
        "--preset",
        "litellm-spendlogs",
        "--quiet",
        "--format",
        "json",
    ]
    status, out, _ = run(
        capsys,
        *args,
        "--every",
        "1mo",
        "--price-at",
        "period_start",
        "--by",
        "period_start,model",
        "--tier",
        "flex",
    )
    assert status == 0
    logs = bf.scan_request_logs(path, preset="litellm-spendlogs")
    monthly = bf.aggregate_request_logs(logs, every="1mo").collect()  # type: ignore[union-attr]
    expected = bf.project_batch_savings(
        monthly, tier="flex", price_at="period_start", by=["period_start", "model"]
    )
    assert isinstance(expected, pl.DataFrame)
    findings = json.loads(out)["findings"]
    assert [(f["tag"], f["model"], f["eligible_spend_usd"]) for f in findings] == expected.select(
        "tag", "model", "eligible_spend_usd"
    ).rows()
    assert all("at the Flex rate" in f["summary"] for f in findings)
    assert findings[0]["period_start"].startswith("2026-") and findings[0]["rates_effective_at"][
        0
    ].startswith("2026-")


def test_catalog_overlays_and_staleness_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.toml"
    old.write_text(
        '[[entry]]\nprovider = "openai"\nmodel = "gpt-5.5"\ninput_per_million = 5.0\noutput_per_million = 30.0\n'
        'batch_input_per_million = 2.5\nbatch_output_per_million = 15.0\neffective_at = "2020-01-01T00:00:00Z"\n',
        encoding="utf-8",
    )
    overlay = tmp_path / "overlay.toml"
    overlay.write_text(old.read_text(encoding="utf-8").replace("2.5", "1.0"), encoding="utf-8")
    status, out, err = run(
        capsys, "demo", "--catalog", str(old), "--catalog", str(overlay), "--format", "json"
    )
    assert status == 0
    # The overlay's batch input rate (1.0) wins for the same instant; only gpt-5.5 is priced.
    findings = json.loads(out)["findings"]
    expected = bf.project_batch_savings(
        sample(), bf.PricingCatalog.load(old).merge(bf.PricingCatalog.load(overlay))
    )
    assert [f["projected_batch_cost_usd"] for f in findings] == expected[
        "projected_batch_cost_usd"
    ].to_list()
    assert "warning: the pricing catalog's newest price is from 2020-01-01" in err
    status, _, err = run(capsys, "demo", "--format", "csv")
    assert status == 0 and err == ""  # the embedded catalog is fresh


def test_catalog_subcommand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "catalog", "list", "--format", "json")
    assert status == 0
    rows = {(r["provider"], r["model"]): r for r in json.loads(out)}
    assert rows[("openai", "gpt-5.4")]["batch_input_per_million"] == 1.25
    assert rows[("groq", "llama-3.1-8b-instant")]["batch_input_per_million"] is None
    bad = tmp_path / "bad.toml"
    bad.write_text("[[entry]]\nprovider = 'x'\n", encoding="utf-8")
    assert "bad.toml: entry 0 (x/?): missing required key 'model'" in one_line_error(
        *run(capsys, "catalog", "check", str(bad))
    )


@pytest.mark.plot
def test_chart_option_draws_real_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "savings.png"
    status, out, _ = run(capsys, "demo", "--chart", str(png), "--format", "csv")
    assert status == 0 and out.startswith("tag,")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = tmp_path / "status.svg"
    status, _, _ = run(capsys, "explain", str(SAMPLE), "--chart", str(svg), "--format", "json")
    total = sample()["cost_usd"].sum()
    assert status == 0 and f"Where ${total:,.2f} of LLM spend went" in svg.read_text(
        encoding="utf-8"
    )
    assert "cannot write chart" in one_line_error(
        *run(capsys, "demo", "--chart", str(tmp_path / "x.pdf"))
    )


def test_ctrl_c_is_one_line_and_status_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import batchframe._cli as cli

    def interrupted(*args: object, **kwargs: object) -> pl.DataFrame:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_collect", interrupted)
    status, out, err = run(capsys, "project", str(SAMPLE))
    assert (status, out, err) == (130, "", "batchframe: interrupted\n")


def test_sigint_during_a_run_exits_130_without_a_traceback(tmp_path: Path) -> None:
    """A real SIGINT to a real process, while it is busy reading (a slow step stands in)."""
    import signal

    script = (
        "import sys, time\n"
        "import batchframe._cli as cli\n"
        "def slow(*args, **kwargs):\n"
        "    print('reading', flush=True)\n"
        "    time.sleep(60)\n"
        "cli._collect = slow\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, "project", str(SAMPLE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "reading\n"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130
    assert err == "batchframe: interrupted\n" and "Traceback" not in err and out == ""


@pytest.mark.parametrize("suffix", [".csv", ".ndjson"])
def test_own_monthly_output_read_back_from_a_text_file(
    suffix: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    logs = bf.scan_request_logs(LOGS / "litellm_spendlogs.csv", preset="litellm-spendlogs")
    monthly = bf.aggregate_request_logs(logs, every="1mo").collect()  # type: ignore[union-attr]
    path = tmp_path / f"monthly{suffix}"
    (monthly.write_csv if suffix == ".csv" else monthly.write_ndjson)(path)
    options = ["--price-at", "period_start", "--by", "period_start,model", "--format", "json"]
    status, out, err = run(capsys, "project", str(path), *options)
    assert status == 0, err
    expected = bf.project_batch_savings(
        monthly, price_at="period_start", by=["period_start", "model"]
    )
    assert json.loads(out)["findings"] == cli_json(expected)


def cli_json(findings: pl.DataFrame) -> list[dict[str, object]]:
    from batchframe._cli import _jsonable

    return _jsonable(findings).rows(named=True)
