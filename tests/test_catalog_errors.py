"""Issue 12, catalog parts: every bad catalog is one named `CatalogError`, never a traceback.

Golden messages for the bad catalog files live in ``tests/data/invalid_catalogs`` (checked by
``tests/test_catalog.py``); this module drives the same files through the CLI, checks the
API's argument errors, the LiteLLM import's numeric edges, a Hypothesis property over
TOML-ish numbers, and the ``--catalog +FILE`` overlay and ``catalog dump``.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import batchframe as bf
from batchframe._catalog import to_toml
from batchframe._cli import main

from support import given, settings, st

ROOT = Path(__file__).resolve().parent.parent
INVALID = Path(__file__).parent / "data" / "invalid_catalogs"
CASES = sorted(p.stem for p in INVALID.glob("*.toml"))
SAMPLE = Path(bf.__file__).parent / "data" / "sample_aggregates.csv"
STAMP = "2026-11-28T00:00:00Z"

ENTRY = """[[entry]]
provider = "acme"
model = "m1"
input_per_million = 2.0
output_per_million = 8.0
effective_at = "2026-01-01T00:00:00Z"
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def one_line_error(status: int, out: str, err: str) -> str:
    """The message of a CLI error: exit 2, nothing on stdout, one line on stderr."""
    assert status == 2, (status, out, err)
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith("batchframe: error: ") and err.count("\n") == 1, err
    return err[len("batchframe: error: ") : -1]


def expected(case: str) -> str:
    return (INVALID / f"{case}.expected").read_text(encoding="utf-8").strip()


# -- the new golden cases (their exact messages are checked by test_catalog.py) -------------
@pytest.mark.parametrize(
    "case",
    [
        "half_batch_tier",
        "half_flex_tier",
        "nested_too_deep",
        "nested_rate",
        "effective_at_after_year_9999",
        "effective_at_before_year_1",
        "huge_int_rate",
        "too_many_digits",
        "min_tokens_over_int64",
        "provider_not_lower_case",
    ],
)
def test_new_golden_cases_exist(case: str) -> None:
    assert case in CASES


def test_half_tier_messages_name_entry_pair_and_both_keys() -> None:
    assert expected("half_batch_tier") == (
        "entry 0 (acme/m1): key 'batch_input_per_million' without 'batch_output_per_million': "
        "a tier needs both its input and output rates, else it can never price"
    )
    assert expected("half_flex_tier") == (
        "entry 1 (acme/m2): key 'flex_output_per_million' without 'flex_input_per_million': "
        "a tier needs both its input and output rates, else it can never price"
    )


def test_overflow_messages() -> None:
    assert expected("effective_at_after_year_9999") == (
        "entry 0 (acme/m1): key 'effective_at' must fall within 0001-01-01T00:00:00Z to "
        "9999-12-31T23:59:59.999999Z in UTC, got '9999-12-31T23:30:00-01:00'"
    )
    assert expected("huge_int_rate") == (
        "entry 0 (acme/m1): key 'output_per_million' must be a finite rate >= 0, got "
        "100000000000000000...0000000000000000000 (too large for a float)"
    )
    assert expected("min_tokens_over_int64") == (
        "entry 0 (acme/m1): key 'prompt_cache_min_tokens' must be an integer from 0 to "
        "9223372036854775807 (64-bit), got 9223372036854775808"
    )
    assert expected("nested_too_deep") == (
        "invalid TOML: entry 0 (acme/m1): key 'cached_input_per_million' nests arrays or "
        "inline tables more than 100 levels deep (at line 7, column 128)"
    )


def test_int64_max_min_tokens_is_fine_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    cat = bf.PricingCatalog.parse(ENTRY + f"prompt_cache_min_tokens = {2**63 - 1}\n")
    assert cat.frame["prompt_cache_min_tokens"].to_list() == [2**63 - 1]
    assert cat.frame.schema["prompt_cache_min_tokens"] == pl.Int64


# -- the CLI: exit 2, one line, no traceback ------------------------------------------------
@pytest.mark.parametrize("case", CASES)
def test_cli_check_list_and_overlay_fail_on_every_bad_catalog(
    case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(INVALID / f"{case}.toml")
    message = f"{path}: {expected(case)}"
    assert one_line_error(*run(capsys, "catalog", "check", path)) == message
    assert one_line_error(*run(capsys, "catalog", "list", "--catalog", path)) == message
    assert one_line_error(*run(capsys, "catalog", "gaps", "--catalog", "+" + path)) == message
    assert one_line_error(*run(capsys, "demo", "--catalog", "+" + path)) == message
    assert one_line_error(*run(capsys, "project", str(SAMPLE), "--catalog", path)) == message


@pytest.mark.parametrize("case", ["nested_too_deep", "effective_at_after_year_9999"])
def test_cli_subprocess_has_no_traceback(case: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "batchframe", "catalog", "check", str(INVALID / f"{case}.toml")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("batchframe: error: ")
    assert "Traceback" not in done.stderr


def test_bom_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + ENTRY.encode("utf-8"))
    assert list(bf.PricingCatalog.load(path)) == list(bf.PricingCatalog.parse(ENTRY))
    assert list(bf.PricingCatalog.parse("\ufeff" + ENTRY)) == list(bf.PricingCatalog.parse(ENTRY))
    status, out, err = run(capsys, "catalog", "check", str(path))
    assert (status, err) == (0, "")
    assert out == f"{path}: ok, 1 entries, 1 models, newest effective_at 2026-01-01T00:00:00Z\n"


def test_gaps_on_an_empty_catalog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    assert run(capsys, "catalog", "gaps", "--catalog", str(empty)) == (
        0,
        "The catalog has no entries.\n",
        "",
    )


# -- the API: named errors for misuse ------------------------------------------------------
EXPECTED_INSTANT = (
    "an aware datetime, a naive datetime (taken as UTC) or an RFC 3339 string with an offset "
    "(e.g. '2026-01-01T00:00:00Z')"
)


def test_at_with_a_bad_instant() -> None:
    cat = bf.catalog()
    with pytest.raises(bf.CatalogError) as info:
        cat.at("openai", "gpt-5.5", "yesterday")
    assert str(info.value) == f"when must be {EXPECTED_INSTANT}, got 'yesterday'"
    with pytest.raises(bf.CatalogError):  # checked for an unknown pair too
        cat.at("openai", "no-such-model", "yesterday")
    with pytest.raises(TypeError) as type_info:
        cat.at("openai", "gpt-5.5", 5)  # type: ignore[arg-type]
    assert str(type_info.value) == f"when must be {EXPECTED_INSTANT}, got int"
    late = datetime(9999, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-1)))
    with pytest.raises(bf.CatalogError) as info:
        cat.at("openai", "gpt-5.5", late)
    assert str(info.value) == (
        "when must fall within 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z in UTC, "
        "got 9999-12-31T23:30:00-01:00"
    )
    with pytest.raises(bf.CatalogError, match=r"^when must fall within"):
        cat.at("openai", "gpt-5.5", "0001-01-01T00:00:00+01:00")
    assert cat.at("openai", "gpt-5.5", datetime(2026, 12, 1)) == cat.latest("openai", "gpt-5.5")


def test_lookups_with_wrong_types() -> None:
    cat = bf.catalog()
    with pytest.raises(TypeError, match=r"^provider must be a str, got NoneType$"):
        cat.latest(None, "gpt-5.5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^model must be a str, got list$"):
        cat.history("openai", ["gpt-5.5"])  # type: ignore[arg-type]


def test_is_stale_arguments() -> None:
    cat = bf.catalog()
    with pytest.raises(TypeError, match=r"^max_days must be a number of days, got str$"):
        cat.is_stale(max_days="120")  # type: ignore[arg-type]
    with pytest.raises(bf.CatalogError, match=r"^max_days must be a number of days >= 0, got nan$"):
        cat.is_stale(max_days=math.nan)
    with pytest.raises(bf.CatalogError, match=r"^max_days must be a number of days >= 0"):
        cat.is_stale(max_days=-1)
    assert cat.is_stale(max_days=10**400) is False
    assert cat.is_stale(max_days=math.inf) is False
    with pytest.raises(bf.CatalogError, match=r"^now must be an aware datetime"):
        cat.is_stale(now="tomorrow")  # type: ignore[arg-type]


def test_constructors_with_wrong_types(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"^text must be a str of catalog TOML, got bytes; "):
        bf.PricingCatalog.parse(ENTRY.encode())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^path must be a str or a Path, got NoneType$"):
        bf.PricingCatalog.load(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^entries must be an iterable of ModelPricing, got int$"):
        bf.PricingCatalog(5)  # type: ignore[arg-type]
    with pytest.raises(bf.CatalogError, match=r"^effective_at must be an aware datetime"):
        bf.PricingCatalog.from_litellm({}, effective_at="yesterday")
    with pytest.raises(TypeError, match=r"^effective_at must be an aware datetime.*got int$"):
        bf.PricingCatalog.from_litellm({}, effective_at=5)  # type: ignore[arg-type]


def _pricing(**changes: Any) -> bf.ModelPricing:
    values: dict[str, Any] = {
        "provider": "acme",
        "model": "m1",
        "effective_at": datetime(2026, 1, 1, tzinfo=timezone.utc),
        "input_per_million": 2.0,
        "output_per_million": 8.0,
    }
    values.update(changes)
    return bf.ModelPricing(**values)


def test_model_pricing_is_checked_however_it_is_built() -> None:
    with pytest.raises(bf.CatalogError) as info:
        _pricing(batch_input_per_million=1.0)
    assert str(info.value) == (
        "ModelPricing(acme/m1): key 'batch_input_per_million' without "
        "'batch_output_per_million': a tier needs both its input and output rates, else it "
        "can never price"
    )
    with pytest.raises(bf.CatalogError, match=r"^ModelPricing\(acme/m1\): key 'effective_at' must"):
        _pricing(effective_at=datetime(2026, 1, 1))
    with pytest.raises(bf.CatalogError, match=r"must be an integer from 0 to 9223372036854775807"):
        _pricing(prompt_cache_min_tokens=2**63)
    with pytest.raises(bf.CatalogError, match=r"must be a finite rate >= 0, got inf$"):
        _pricing(input_per_million=math.inf)
    with pytest.raises(bf.CatalogError, match=r"must be a number, got '2.0'$"):
        _pricing(input_per_million="2.0")
    with pytest.raises(bf.CatalogError, match=r"'provider' must be trimmed and lower-case"):
        _pricing(provider="OpenAI")
    p = _pricing(
        input_per_million=2,
        effective_at=datetime(2026, 1, 1, 2, tzinfo=timezone(timedelta(hours=2))),
    )
    assert isinstance(p.input_per_million, float)
    assert p.effective_at == datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert p.effective_at.utcoffset() == timedelta(0)


# -- from_litellm: the same overflows are named errors --------------------------------------
def _litellm(**rates: object) -> dict[str, Any]:
    return {
        "gpt-x": {
            "litellm_provider": "openai",
            "mode": "chat",
            "input_cost_per_token": 1e-06,
            "output_cost_per_token": 2e-06,
            **rates,
        }
    }


@pytest.mark.parametrize(
    ("rates", "message"),
    [
        (
            {"input_cost_per_token": 10**400},
            "LiteLLM price map: entry 'gpt-x': key 'input_cost_per_token' must be a finite "
            "number >= 0, got 100000000000000000...0000000000000000000 (too large: its "
            "per-million rate is not a finite float)",
        ),
        (
            {"output_cost_per_token": 1e303},
            "LiteLLM price map: entry 'gpt-x': key 'output_cost_per_token' must be a finite "
            "number >= 0, got 1e+303 (too large: its per-million rate is not a finite float)",
        ),
        (
            {"input_cost_per_token": math.inf},
            "LiteLLM price map: entry 'gpt-x': key 'input_cost_per_token' must be a finite "
            "number >= 0, got inf",
        ),
        (
            {"input_cost_per_token": -(10**400)},
            "LiteLLM price map: entry 'gpt-x': key 'input_cost_per_token' must be a finite "
            "number >= 0, got -10000000000000000...0000000000000000000",
        ),
        (
            {"input_cost_per_token": [1e-06]},
            "LiteLLM price map: entry 'gpt-x': key 'input_cost_per_token' must be a finite "
            "number >= 0, got [1e-06]",
        ),
        (
            {"prompt_cache_min_tokens": 2**63},
            "LiteLLM price map: entry 'gpt-x': key 'prompt_cache_min_tokens' must be an integer "
            "from 0 to 9223372036854775807 (64-bit), got 9223372036854775808",
        ),
    ],
)
def test_litellm_numeric_edges(rates: dict[str, object], message: str) -> None:
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.from_litellm(_litellm(**rates), effective_at=STAMP, strict=True)
    assert str(info.value) == message
    # Not strict (the default): the entry is skipped and counted, its message kept.
    cat = bf.PricingCatalog.from_litellm(_litellm(**rates), effective_at=STAMP)
    assert len(cat) == 0 and cat.import_report is not None
    assert cat.import_report.skipped == {"invalid_value": 1}
    assert cat.import_report.problems == (message,)


def test_litellm_file_edges(tmp_path: Path) -> None:
    infinite = tmp_path / "inf.json"
    infinite.write_text(
        '{"gpt-x": {"litellm_provider": "openai", "mode": "chat", '
        '"input_cost_per_token": Infinity, "output_cost_per_token": 1e-06}}',
        encoding="utf-8",
    )
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.from_litellm(infinite, effective_at=STAMP, strict=True)
    assert str(info.value) == (
        f"{infinite}: entry 'gpt-x': key 'input_cost_per_token' must be a finite number >= 0, "
        "got inf"
    )
    digits = tmp_path / "digits.json"
    digits.write_text('{"gpt-x": {"input_cost_per_token": 1' + "0" * 5000 + "}}", encoding="utf-8")
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.from_litellm(digits, effective_at=STAMP)
    assert str(info.value) == (
        f"{digits}: invalid JSON: Exceeds the limit (4300 digits) for integer string "
        "conversion: value has 5001 digits"
    )
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(bf.CatalogError) as info:
        bf.PricingCatalog.from_litellm(deep, effective_at=STAMP)
    assert str(info.value) == f"{deep}: invalid JSON: nested too deeply"


def test_litellm_half_tier_is_dropped() -> None:
    cat = bf.PricingCatalog.from_litellm(
        _litellm(
            input_cost_per_token_batches=5e-07,
            input_cost_per_token_flex=5e-07,
            output_cost_per_token_flex=1e-06,
        ),
        effective_at=STAMP,
    )
    p = cat.latest("openai", "gpt-x")
    assert p is not None and not p.has_batch_tier
    assert p.batch_input_per_million is None and p.batch_output_per_million is None
    assert (p.flex_input_per_million, p.flex_output_per_million) == (0.5, 1.0)


# -- a property: any TOML-ish number is a finite rate >= 0 or a CatalogError ----------------
_SPECIAL = st.sampled_from(
    [
        "inf",
        "+inf",
        "-inf",
        "nan",
        "+nan",
        "-nan",
        "1e400",
        "-1e400",
        "1e-400",
        "-0.0",
        "+0",
        "0",
        "1_000",
        "0xff",
        "0o17",
        "0b101",
        "0x7fffffffffffffff",
        "1.7976931348623157e308",
        "5e-324",
        "1" + "0" * 400,
        "-1" + "0" * 400,
        "1" + "0" * 5000,
        "9223372036854775808",
        "1.",
        ".5",
        "1e",
        "true",
        '"1.0"',
        "[1.0]",
        "{a = 1}",
        "1979-05-27T07:32:00Z",
    ]
)
_NUMBER = st.one_of(
    _SPECIAL,
    st.integers(min_value=-(10**450), max_value=10**450).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=0, max_value=5000).map(lambda n: "1" + "0" * n),
)


@settings(max_examples=300, deadline=None)
@given(
    rate=_NUMBER,
    key=st.sampled_from(
        ["input_per_million", "cached_input_per_million", "prompt_cache_min_tokens"]
    ),
)
def test_any_toml_number_is_a_rate_or_a_catalog_error(rate: str, key: str) -> None:
    if key == "input_per_million":
        text = ENTRY.replace("input_per_million = 2.0", f"input_per_million = {rate}")
    else:
        text = ENTRY + f"{key} = {rate}\n"
    try:
        cat = bf.PricingCatalog.parse(text)
    except bf.CatalogError:
        return
    (entry,) = list(cat)
    value = getattr(entry, key)
    if key == "prompt_cache_min_tokens":
        assert isinstance(value, int) and 0 <= value <= 2**63 - 1
    else:
        assert isinstance(value, float) and math.isfinite(value) and value >= 0
    assert cat.frame.height == 1  # the frame builds: every value fits its column


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(
        st.integers(min_value=-(10**450), max_value=10**450),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.text(max_size=5),
        st.none(),
        st.lists(st.floats(), max_size=2),
    ),
    key=st.sampled_from(
        ["input_cost_per_token", "cache_read_input_token_cost", "prompt_cache_min_tokens"]
    ),
)
def test_any_litellm_value_is_a_rate_a_skip_or_a_catalog_error(value: object, key: str) -> None:
    try:
        cat = bf.PricingCatalog.from_litellm(_litellm(**{key: value}), effective_at=STAMP)
    except bf.CatalogError:
        return
    for entry in cat:
        for name in ("input_per_million", "cached_input_per_million"):
            rate = getattr(entry, name)
            assert rate is None or (isinstance(rate, float) and math.isfinite(rate) and rate >= 0)
    assert cat.frame.height == len(cat)


# -- overlays and dump ---------------------------------------------------------------------
DEAL = """[[entry]]
provider = "openai"
model = "gpt-5.5"
input_per_million = 4.0
output_per_million = 24.0
batch_input_per_million = 1.0
batch_output_per_million = 6.0
effective_at = "{when}"
"""


def _sample() -> pl.DataFrame:
    return pl.read_csv(SAMPLE, schema_overrides={"tag": pl.String})


def test_plus_overlays_the_embedded_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deal = tmp_path / "deal.toml"
    deal.write_text(DEAL.format(when="2026-12-01T00:00:00Z"), encoding="utf-8")
    status, out, err = run(capsys, "demo", "--catalog", f"+{deal}", "--format", "json")
    assert (status, err) == (0, "")
    want = bf.project_batch_savings(_sample(), bf.catalog().merge(bf.PricingCatalog.load(deal)))
    got = json.loads(out)["findings"]
    assert [f["projected_batch_cost_usd"] for f in got] == want[
        "projected_batch_cost_usd"
    ].to_list()
    # A plain FILE still replaces the embedded catalog: every other model is unknown.
    status, out, _ = run(capsys, "demo", "--catalog", str(deal), "--format", "json")
    replaced = bf.project_batch_savings(_sample(), bf.PricingCatalog.load(deal))
    got = json.loads(out)["findings"]
    assert [f["projected_batch_cost_usd"] for f in got] == replaced[
        "projected_batch_cost_usd"
    ].to_list()
    assert (
        replaced["projected_batch_cost_usd"].to_list() != want["projected_batch_cost_usd"].to_list()
    )
    status, out, _ = run(capsys, "catalog", "list", "--catalog", f"+{deal}", "--format", "json")
    rows = {(r["provider"], r["model"]): r for r in json.loads(out)}
    assert len(rows) == len(bf.catalog().pairs())
    assert rows[("openai", "gpt-5.5")]["batch_input_per_million"] == 1.0


def test_older_overlay_warns_and_still_merges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.toml"
    old.write_text(DEAL.format(when="2026-01-01T00:00:00Z"), encoding="utf-8")
    newest = bf.catalog().latest("openai", "gpt-5.5")
    assert newest is not None
    when = newest.effective_at.isoformat().replace("+00:00", "Z")
    status, out, err = run(capsys, "catalog", "dump", "--catalog", f"+{old}")
    assert status == 0
    assert err == (
        f"batchframe: warning: --catalog +{old}: openai/gpt-5.5 is effective_at "
        f"2026-01-01T00:00:00Z, older than {when} in the embedded catalog; that newer entry "
        f"still prices traffic from {when} on (date the overlay later to replace it)\n"
    )
    merged = bf.PricingCatalog.parse(out)
    assert list(merged) == list(bf.catalog().merge(bf.PricingCatalog.load(old)))
    status, _, err = run(capsys, "demo", "--catalog", f"+{old}", "--format", "csv")
    assert status == 0 and err.count("\n") == 1 and err.startswith("batchframe: warning: ")
    # Between plain files: the base is the files before it.
    later = tmp_path / "later.toml"
    later.write_text(DEAL.format(when="2026-06-01T00:00:00Z"), encoding="utf-8")
    status, _, err = run(capsys, "catalog", "list", "--catalog", str(later), "--catalog", str(old))
    assert status == 0
    assert err == (
        f"batchframe: warning: --catalog {old}: openai/gpt-5.5 is effective_at "
        "2026-01-01T00:00:00Z, older than 2026-06-01T00:00:00Z in the files before it; that "
        "newer entry still prices traffic from 2026-06-01T00:00:00Z on (date the overlay later "
        "to replace it)\n"
    )


def test_mixing_plain_and_plus_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deal = tmp_path / "deal.toml"
    deal.write_text(DEAL.format(when="2026-12-01T00:00:00Z"), encoding="utf-8")
    assert one_line_error(
        *run(capsys, "catalog", "list", "--catalog", str(deal), "--catalog", f"+{deal}")
    ) == (
        "--catalog: give either FILEs (they replace the embedded catalog) or +FILEs (they "
        f"overlay it), not both; got {deal}, +{deal}"
    )
    assert one_line_error(*run(capsys, "demo", "--catalog", "+")) == (
        "--catalog: '+' needs a file name, e.g. --catalog +my.toml"
    )
    assert one_line_error(
        *run(capsys, "demo", "--catalog", f"+{tmp_path / 'none.toml'}")
    ).startswith(f"{tmp_path / 'none.toml'}: cannot read catalog: ")


def test_dump_round_trips_the_embedded_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "catalog", "dump")
    assert (status, err) == (0, "")
    assert out.startswith("# batchframe pricing catalog: the embedded catalog")
    back = bf.PricingCatalog.parse(out)
    assert list(back) == list(bf.catalog())
    assert back.frame.equals(bf.catalog().frame)


def test_to_toml_round_trips_awkward_values() -> None:
    cat = bf.PricingCatalog(
        [
            _pricing(
                model='we"ird\\ \x7f\t model \U0001f600',
                input_per_million=1e-300,
                output_per_million=1.7976931348623157e308,
                cached_input_per_million=0.1 + 0.2,
                prompt_cache_min_tokens=2**63 - 1,
                effective_at=datetime(1, 1, 1, tzinfo=timezone.utc),
            ),
            _pricing(effective_at=datetime(2026, 1, 1, 0, 0, 0, 500, tzinfo=timezone.utc)),
        ]
    )
    back = bf.PricingCatalog.parse(to_toml(cat, "a header\nwith two lines"))
    assert list(back) == list(cat)


def test_catalog_help_documents_plus(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["demo", "--help"], ["catalog", "list", "--help"], ["catalog", "dump", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        out = " ".join(capsys.readouterr().out.split())
        assert "+FILE overlays FILE onto the embedded catalog" in out
        assert "FILE replaces the embedded catalog" in out
        assert "catalog dump" in out
