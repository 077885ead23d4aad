"""suggest_candidates: planted batch-shaped traffic under tags outside the eligible set.

The logs are generated here with a fixed seed: two nightly jobs (one named like a job, one
not), a sparse backfill, an interactive chat app, an eligible tag and untagged traffic.
Costs are the embedded catalog's standard list rates, so every saving is computed by hand
below; burst_share is checked against an independent Python reference (a Counter per hour).
"""

from __future__ import annotations

import collections
from datetime import datetime, timedelta, timezone

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import batchframe as bf
from batchframe._candidates import CANDIDATE_HINTS, CANDIDATE_SCHEMA, tags_option

START = datetime(2026, 9, 1, tzinfo=timezone.utc)
NIGHTS = 10


def _rows(tag: str | None, model: str, provider: str, stamps: list[datetime], tin: int, tout: int,
          rates: tuple[float, float]) -> list[dict[str, object]]:  # fmt: skip
    cost = tin * rates[0] / 1e6 + tout * rates[1] / 1e6
    return [
        {
            "provider": provider,
            "model": model,
            "tags": [tag] if tag else [],
            "input_tokens": tin,
            "output_tokens": tout,
            "cost_usd": cost,
            "timestamp": when,
        }
        for when in stamps
    ]


def _nightly(rng: np.random.Generator, per_night: int, hour: int) -> list[datetime]:
    """`per_night` requests inside one UTC hour (`hour`) on each of the NIGHTS nights."""
    seconds = rng.integers(0, 3600, size=(NIGHTS, per_night))
    return [
        START + timedelta(days=d, hours=hour, seconds=int(s))
        for d in range(NIGHTS)
        for s in seconds[d]
    ]


def _spread(rng: np.random.Generator, count: int, hours: tuple[int, int]) -> list[datetime]:
    """`count` requests at random instants of the working `hours` over the NIGHTS days."""
    days = rng.integers(0, NIGHTS, size=count)
    hour = rng.integers(hours[0], hours[1], size=count)
    seconds = rng.integers(0, 3600, size=count)
    return [
        START + timedelta(days=int(d), hours=int(h), seconds=int(s))
        for d, h, s in zip(days, hour, seconds, strict=True)
    ]


@pytest.fixture(scope="module")
def planted() -> tuple[pl.DataFrame, dict[str, list[datetime]]]:
    rng = np.random.default_rng(20261202)
    stamps = {
        "nightly-evals": _nightly(rng, 300, 2),  # 3,000 requests, gpt-5.5
        "ingest": _nightly(rng, 200, 3),  # 2,000 requests, claude-sonnet-4-6, no name hint
        "team-7-backfill": _spread(rng, 50, (0, 24)),  # sparse, gpt-5.4
        "chat": _spread(rng, 3_000, (7, 22)),  # interactive, gpt-5.5
        "nightly": _spread(rng, 100, (0, 5)),  # eligible already
        "": _spread(rng, 100, (7, 22)),  # untagged
    }
    rows = [
        *_rows("nightly-evals", "gpt-5.5", "openai", stamps["nightly-evals"], 10_000, 1_000, (5.0, 30.0)),
        *_rows("ingest", "claude-sonnet-4-6", "anthropic", stamps["ingest"], 10_000, 1_000, (3.0, 15.0)),
        *_rows("team-7-backfill", "gpt-5.4", "openai", stamps["team-7-backfill"], 4_000, 0, (2.5, 15.0)),
        *_rows("chat", "gpt-5.5", "openai", stamps["chat"], 2_000, 500, (5.0, 30.0)),
        *_rows("nightly", "gpt-5.5", "openai", stamps["nightly"], 10_000, 1_000, (5.0, 30.0)),
        *_rows(None, "gpt-5.5", "openai", stamps[""], 2_000, 500, (5.0, 30.0)),
    ]  # fmt: skip
    logs = pl.DataFrame(rows).sample(fraction=1.0, shuffle=True, seed=7)  # arrival order is no clue
    return logs, stamps


def reference_burst(stamps: list[datetime]) -> tuple[float, int, int]:
    """(burst_share, H, k) by the issue's definition, in plain Python."""
    hours = collections.Counter(int(s.timestamp()) // 3600 for s in stamps)
    span = max(hours) - min(hours) + 1
    busiest = max(1, -(-span * 5 // 100))  # ceil(0.05 × H) in integers
    top = sum(sorted(hours.values(), reverse=True)[:busiest])
    return top / len(stamps), span, busiest


def test_planted_jobs_rank_first_with_their_savings(planted) -> None:
    logs, _ = planted
    found = bf.suggest_candidates(logs)
    assert found.schema == CANDIDATE_SCHEMA
    # chat (no hint, not bursty), nightly (eligible) and untagged are never candidates
    assert found["tag"].to_list() == ["nightly-evals", "ingest", "team-7-backfill"]
    # nightly-evals: 3,000 × (10,000 × 5 + 1,000 × 30) / 1e6 = 3,000 × 0.08 = 240 spent;
    # batch 3,000 × (10,000 × 2.5 + 1,000 × 15) / 1e6 = 120 -> saving 120; flex (2.5/15) alike
    # ingest: 2,000 × (10,000 × 3 + 1,000 × 15) / 1e6 = 90; batch 1.5/7.5 -> 45; no flex tier
    # team-7-backfill: 50 × 4,000 × 2.5 / 1e6 = 0.5; batch 1.25 -> 0.25; flex 1.25 -> 0.25
    expected = {
        "nightly-evals": (120.0, 120.0, 240.0, "nightly"),
        "ingest": (45.0, 0.0, 90.0, None),
        "team-7-backfill": (0.25, 0.25, 0.5, "backfill"),
    }
    # total spend: 240 + 90 + 0.5 + chat 3,000 × 0.025 + nightly 100 × 0.08 + untagged 100 × 0.025
    total = 240 + 90 + 0.5 + 75 + 8 + 2.5
    for row in found.iter_rows(named=True):
        saving, flex, spend, hint = expected[row["tag"]]
        assert row["projected_savings_usd"] == pytest.approx(saving, rel=1e-9)
        assert row["flex_savings_usd"] == pytest.approx(flex, rel=1e-9)
        assert row["eligible_spend_usd"] == pytest.approx(spend, rel=1e-9)
        assert row["spend_usd"] == pytest.approx(spend, rel=1e-9)
        assert row["share_of_spend_pct"] == pytest.approx(spend / total * 100, rel=1e-9)
        assert row["name_hint"] == hint
    evidence = dict(zip(found["tag"], found["evidence"], strict=True))
    # team-7-backfill: 50 requests < 2 × k = 2 × 12 busiest hours: too sparse to call bursty
    assert evidence == {"nightly-evals": "name+burst", "ingest": "burst", "team-7-backfill": "name"}
    assert found["request_count"].to_list() == [3_000, 2_000, 50]


def test_burst_share_matches_the_reference(planted) -> None:
    logs, stamps = planted
    found = bf.suggest_candidates(logs, hints=[*CANDIDATE_HINTS, "chat"])  # chat: a name hint
    rows = {row["tag"]: row for row in found.iter_rows(named=True)}
    for tag in ("nightly-evals", "ingest", "team-7-backfill", "chat"):
        share, span, busiest = reference_burst(stamps[tag])
        assert rows[tag]["burst_share"] == pytest.approx(share, rel=1e-12), tag
        assert rows[tag]["outside_busiest_share"] == pytest.approx(1 - share, abs=1e-12), tag
        assert (rows[tag]["span_hours"], rows[tag]["busiest_hours"]) == (span, busiest), tag
    # the nightly jobs: 10 nights in one hour each; first to last hour 9 × 24 + 1 = 217 hours,
    # k = ceil(10.85) = 11 >= 10 busy hours -> every request in the busiest hours
    assert rows["nightly-evals"]["burst_share"] == 1.0
    assert (rows["nightly-evals"]["span_hours"], rows["nightly-evals"]["busiest_hours"]) == (
        217,
        11,
    )
    assert rows["chat"]["burst_share"] < 0.2  # people do not arrive in bursts
    assert rows["chat"]["evidence"] == "name"


def test_savings_are_the_projections_number(planted) -> None:
    # From raw logs, the fold of thousands of rows per segment is a multi-threaded float sum
    # whose last bits depend on the order the rows arrive in (SPEC §5: rounding only), so the
    # two folds are compared within 1e-12; from the same aggregates the floats are identical.
    logs, _ = planted
    found = bf.suggest_candidates(logs)
    aggregates = bf.aggregate_request_logs(logs)
    for tag, saving, flex, share in found.select(
        "tag", "projected_savings_usd", "flex_savings_usd", "share_of_spend_pct"
    ).iter_rows():
        batch = bf.project_batch_savings(aggregates, eligible_tags=[tag])
        assert batch["projected_savings_usd"].to_list() == [pytest.approx(saving, rel=1e-12)]
        assert batch["share_of_spend_pct"].to_list() == [pytest.approx(share, rel=1e-12)]
        flexed = bf.project_batch_savings(aggregates, eligible_tags=[tag], tier="flex")
        assert flexed["projected_savings_usd"].sum() == pytest.approx(flex, rel=1e-12)
    same = bf.suggest_candidates(aggregates)  # the same aggregates: the very same floats
    for tag, saving, share in same.select(
        "tag", "projected_savings_usd", "share_of_spend_pct"
    ).iter_rows():
        batch = bf.project_batch_savings(aggregates, eligible_tags=[tag])
        assert batch["projected_savings_usd"].to_list() == [saving]
        assert batch["share_of_spend_pct"].to_list() == [share]


def test_burst_share_at_the_k_boundary() -> None:
    # Hours 0..39 -> H = 40, k = ceil(2.0) = 2; requests 5 (hour 0), 3 (10), 2 (20), 1 (39):
    # the two busiest hold 5 + 3 = 8 of 11. One more hour (a request at hour 40, not 39):
    # H = 41, k = ceil(2.05) = 3 -> 5 + 3 + 2 = 10 of 11.
    def logs(last: int) -> pl.DataFrame:
        hours = [0] * 5 + [10] * 3 + [20] * 2 + [last]
        return pl.DataFrame(
            {
                "model": "gpt-5.5",
                "tags": [["export-job"]] * len(hours),
                "input_tokens": 1_000,
                "output_tokens": 0,
                "cost_usd": 0.005,
                "timestamp": [START + timedelta(hours=h, minutes=59) for h in hours],
            }
        )

    for last, share, span, k in ((39, 8 / 11, 40, 2), (40, 10 / 11, 41, 3)):
        row = bf.suggest_candidates(logs(last)).row(0, named=True)
        assert (row["burst_share"], row["span_hours"], row["busiest_hours"]) == (share, span, k)
        assert row["name_hint"] == "job"  # "job" comes before "export" in CANDIDATE_HINTS
        assert row["evidence"] == "name"  # 11 requests: below MIN_BURST_REQUESTS


def test_aggregates_have_name_hints_only(planted) -> None:
    logs, _ = planted
    aggregates = bf.aggregate_request_logs(logs)
    found = bf.suggest_candidates(aggregates)
    assert found["tag"].to_list() == ["nightly-evals", "team-7-backfill"]  # ingest: no evidence
    assert found["burst_share"].is_null().all()
    lazy = bf.suggest_candidates(aggregates.lazy())
    assert isinstance(lazy, pl.LazyFrame)
    assert lazy.collect().equals(found)
    # hints replace the batch-shaped words; eligible words still count
    only = bf.suggest_candidates(aggregates, hints=["ingest"])
    assert only.select("tag", "name_hint").rows() == [
        ("nightly-evals", "nightly"),
        ("ingest", "ingest"),
    ]
    assert bf.suggest_candidates(aggregates, top=1)["tag"].to_list() == ["nightly-evals"]


def test_eligible_tags_are_never_candidates(planted) -> None:
    logs, _ = planted
    found = bf.suggest_candidates(logs, eligible_tags=["Nightly-Evals", "ingest"])
    # nightly-evals and ingest are eligible now; "nightly" is not, and is sparse (100 requests
    # over ~10 days, no eligible word of the new set, no default hint) -> not a candidate
    assert found["tag"].to_list() == ["team-7-backfill"]
    # the same rows and columns, numbers up to the order of the log fold's float sums
    assert_frame_equal(
        bf.suggest_candidates(logs.lazy()).collect(), bf.suggest_candidates(logs), rel_tol=1e-12
    )


def test_hint_list_and_tags_line() -> None:
    assert "eval" in CANDIDATE_HINTS and "summar" in CANDIDATE_HINTS
    assert tags_option(None, ["nightly-evals"]) == (
        "--tags background,offline,nightly,batch,bulk,async,nightly-evals"
    )
    assert tags_option(["bulk"], ["BULK", "ingest"]) == "--tags bulk,ingest"
    with pytest.raises(ValueError, match="top must be"):
        bf.suggest_candidates([], top=0)


def test_empty_and_untagged_inputs() -> None:
    rows = [bf.RequestAggregate("openai", "gpt-5.5", None, 1_000, 0, 1.0, 1)]
    assert bf.suggest_candidates(rows).height == 0
    assert bf.suggest_candidates(rows).schema == CANDIDATE_SCHEMA


hypothesis = pytest.importorskip("hypothesis", reason="property test: needs hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_MODELS = [("openai", "gpt-5.5"), ("openai", "gpt-4.1"), ("anthropic", "claude-sonnet-4-6"),
           ("groq", "llama-3.1-8b-instant"), ("acme", "unknown")]  # fmt: skip
_TAGS = [
    "chat",
    "Chat",
    "nightly",
    "Nightly-Evals",
    "nightly-evals",
    "etl-job",
    "ETL",
    "agent",
    None,
]


@st.composite
def _aggregates(draw: st.DrawFn) -> pl.DataFrame:
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        provider, model = draw(st.sampled_from(_MODELS))
        tokens = draw(st.integers(0, 5_000_000))
        cached = draw(st.integers(0, tokens))
        rows.append(
            {
                "provider": provider,
                "model": model,
                "tag": draw(st.sampled_from(_TAGS)),
                "input_tokens": tokens,
                "cached_input_tokens": cached,
                "output_tokens": draw(st.integers(0, 1_000_000)),
                "cost_usd": draw(st.integers(-64, 64 * 200)) / 64,
                "request_count": draw(st.integers(0, 1_000)),
                "already_batched": draw(st.booleans()),
            }
        )
    schema = {"tag": pl.String, "provider": pl.String, "model": pl.String}
    return pl.DataFrame(rows, schema_overrides=schema) if rows else pl.DataFrame()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_aggregates(), st.sampled_from([None, ["chat"], ["Nightly-Evals", "etl"], []]))
def test_every_candidate_saves_what_the_projection_says(frame: pl.DataFrame, eligible) -> None:
    if frame.is_empty():
        return
    found = bf.suggest_candidates(frame, eligible_tags=eligible)
    words = {t.lower() for t in (bf.DEFAULT_BATCH_ELIGIBLE_TAGS if eligible is None else eligible)}
    hinted = {
        t for t in frame["tag"].drop_nulls() if t.lower() not in words
        and any(w in t.lower() for w in (*words, *CANDIDATE_HINTS))
    }  # fmt: skip
    assert set(found["tag"]) == hinted  # aggregates: name hints are the only evidence
    for tag, saving, flex in found.select(
        "tag", "projected_savings_usd", "flex_savings_usd"
    ).iter_rows():
        for tier, value in (("batch", saving), ("flex", flex)):
            own = bf.project_batch_savings(frame, eligible_tags=[tag], tier=tier)
            assert own.filter(pl.col("tag") == tag)["projected_savings_usd"].sum() == value
    assert found["projected_savings_usd"].is_sorted(descending=True)


def test_tag_from_ranks_another_dimension(planted, tmp_path, capsys) -> None:
    logs, _ = planted
    # the team that sends each request: the nightly-evals job belongs to "ml-eval-infra"
    team = (
        pl.when(pl.col("tags").list.first() == "nightly-evals")
        .then(pl.lit("ml-eval-infra"))
        .when(pl.col("tags").list.first() == "ingest")
        .then(pl.lit("data"))
        .otherwise(pl.lit("product"))
    )
    logs = logs.with_columns(team.alias("team"))
    found = bf.suggest_candidates(logs, tag_from="team")
    # ml-eval-infra: nightly-evals' 3,000 requests, saving 120 (as above), hint "eval", bursty;
    # data: ingest's 2,000 requests, saving 45, bursty; product: everything else, not bursty
    assert found.select("tag", "name_hint", "evidence").rows() == [
        ("ml-eval-infra", "eval", "name+burst"),
        ("data", None, "burst"),
    ]
    assert found["projected_savings_usd"].to_list() == pytest.approx([120.0, 45.0], rel=1e-9)
    as_tags = bf.aggregate_request_logs(
        logs.with_columns(pl.concat_list(pl.col("team")).alias("tags"))
    )
    for tag, saving in found.select("tag", "projected_savings_usd").iter_rows():
        own = bf.project_batch_savings(as_tags, eligible_tags=[tag])
        # two folds of the same logs: equal up to the order of a float sum (SPEC §5)
        assert own["projected_savings_usd"].to_list() == [pytest.approx(saving, rel=1e-12)]
    aggregates = bf.aggregate_request_logs(logs).with_columns(
        pl.col("tag").replace({"team-7-backfill": "etl-team"}).alias("owner")
    )
    path = tmp_path / "agg.csv"
    aggregates.write_csv(path)
    from batchframe._cli import main

    assert main(["candidates", str(path), "--tag-from", "owner", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    owner, saving = out.splitlines()[1].split(",")[:2]  # owner = tag elsewhere
    assert (owner, float(saving)) == ("nightly-evals", pytest.approx(120.0, rel=1e-12))
    assert "etl-team,0.25" in out
    with pytest.raises(bf.AggregateError, match="tag_from='nope': no such column"):
        bf.suggest_candidates(logs, tag_from="nope")
