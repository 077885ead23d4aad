"""Writes the export samples under samples/ in each tool's real shape (see samples/README.md).

Run from the repository root: ``python samples/make_samples.py``. The records are made up;
their layout follows the cited sources of each tool, field by field (samples/README.md). The
costs are what the provider bills at the embedded catalog's standard rates (arithmetic in
tests/test_exports_litellm.py and tests/test_exports_helicone.py).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent
KEY = "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b"  # hashed virtual key
UA = ["User-Agent: OpenAI", "User-Agent: OpenAI/Python 2.3.0"]


def _usage(prompt: int, completion: int, **extra: object) -> dict[str, object]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        **extra,
    }


def _metadata(
    usage: dict[str, object] | None, tier: str | None, cost: float, **extra: object
) -> dict[str, object]:
    additional = None
    if usage is not None:
        additional = {
            k: v
            for k, v in usage.items()
            if k not in ("prompt_tokens", "completion_tokens", "total_tokens")
        }
    return {
        "user_api_key": KEY,
        "user_api_key_alias": "etl-key",
        "user_api_key_team_id": "team-data",
        "user_api_key_team_alias": "data-platform",
        "user_api_key_user_id": "svc-etl",
        "spend_logs_metadata": None,
        "requester_ip_address": "",
        "status": "success",
        "batch_models": extra.pop("batch_models", None),
        "additional_usage_values": additional,
        "usage_object": usage,
        "cost_breakdown": None if tier is None else {"total_cost": cost, "service_tier": tier},
        **extra,
    }


def _spend_rows() -> list[dict[str, object]]:
    """LiteLLM_SpendLogs rows (schema.prisma column order)."""
    rows = []

    def row(
        request_id: str,
        call_type: str,
        spend: float,
        prompt: int,
        completion: int,
        start: str,
        model: str,
        provider: str,
        tags: list[str],
        metadata: dict[str, object],
        cache_hit: str = "False",
        response: dict[str, object] | None = None,
    ) -> None:
        rows.append(
            {
                "request_id": request_id,
                "call_type": call_type,
                "api_key": KEY,
                "spend": spend,
                "total_tokens": prompt + completion,
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "startTime": datetime.fromisoformat(start),
                "endTime": datetime.fromisoformat(start.replace(":00.", ":04.")),
                "request_duration_ms": 4000,
                "completionStartTime": datetime.fromisoformat(start.replace(":00.", ":01.")),
                "model": model,
                "model_id": "" if not model else "6f2d1c9e-5a1b-4c55-9f0e-2b8a7d3e4c10",
                "model_group": model,
                "custom_llm_provider": provider,
                "api_base": "https://api.openai.com/v1"
                if provider == "openai"
                else "https://api.anthropic.com/v1",
                "user": "svc-etl",
                "metadata": metadata,
                "cache_hit": cache_hit,
                "cache_key": "Cache OFF" if cache_hit == "False" else "9c1f0e5d2b",
                "request_tags": tags,
                "team_id": "team-data",
                "organization_id": "",
                "end_user": "",
                "requester_ip_address": "",
                "messages": {},
                "response": response or {},
                "session_id": request_id,
                "status": "success",
                "mcp_namespaced_tool_name": None,
                "agent_id": None,
                "proxy_server_request": {},
            }
        )

    # 1: prompt caching (OpenAI: cached tokens inside prompt_tokens), standard tier
    u1 = _usage(
        100_000,
        10_000,
        prompt_tokens_details={"cached_tokens": 40_000, "audio_tokens": 0},
        completion_tokens_details={"reasoning_tokens": 0},
    )
    row(
        "chatcmpl-a1",
        "acompletion",
        0.62,
        100_000,
        10_000,
        "2026-11-03 02:00:00.120",
        "gpt-5.5",
        "openai",
        ["nightly", *UA],
        _metadata(u1, "default", 0.62),
        response={"service_tier": "default"},
    )
    # 2: a long prompt (above gpt-5.5's 272k threshold)
    u2 = _usage(300_000, 2_000, prompt_tokens_details={"cached_tokens": 0})
    row(
        "chatcmpl-a2",
        "acompletion",
        3.09,
        300_000,
        2_000,
        "2026-11-03 02:10:00.250",
        "gpt-5.5",
        "openai",
        ["nightly", *UA],
        _metadata(u2, "default", 3.09),
    )
    # 3: Anthropic prompt caching (reads and writes inside prompt_tokens)
    u3 = _usage(
        50_000,
        4_000,
        cache_read_input_tokens=20_000,
        cache_creation_input_tokens=10_000,
        prompt_tokens_details={"cached_tokens": 20_000, "cache_creation_tokens": 10_000},
    )
    row(
        "chatcmpl-a3",
        "acompletion",
        0.1635,
        50_000,
        4_000,
        "2026-11-03 03:00:00.500",
        "claude-sonnet-4-6",
        "anthropic",
        ["background", *UA],
        _metadata(u3, "standard", 0.1635),
    )
    # 4: flex traffic (the tier in metadata.cost_breakdown.service_tier)
    u4 = _usage(20_000, 1_000)
    row(
        "chatcmpl-a4",
        "acompletion",
        0.065,
        20_000,
        1_000,
        "2026-11-03 04:00:00.000",
        "gpt-5.5",
        "openai",
        ["nightly", *UA],
        _metadata(u4, "flex", 0.065),
    )
    # 5: LiteLLM response-cache hit: spend 0, tokens kept
    row(
        "chatcmpl-a1_cache_hit1762135200.5",
        "acompletion",
        0.0,
        100_000,
        10_000,
        "2026-11-03 05:00:00.000",
        "gpt-5.5",
        "openai",
        ["nightly", *UA],
        _metadata(u1, None, 0.0),
        cache_hit="True",
    )
    # 6: a Batch-API job's cost, booked by the batch poller (model "", call_type aretrieve_batch)
    u6 = _usage(400_000, 50_000)
    row(
        "batch_69a1_batch_cost",
        "aretrieve_batch",
        1.75,
        400_000,
        50_000,
        "2026-11-03 06:00:00.000",
        "",
        "openai",
        [],
        _metadata(u6, "batch", 1.75, batch_models=["gpt-5.5"]),
    )
    # 7: the batch's create call (no cost)
    row(
        "batch_69a1",
        "acreate_batch",
        0.0,
        0,
        0,
        "2026-11-03 01:00:00.000",
        "",
        "openai",
        UA,
        _metadata(None, None, 0.0),
    )
    # 8: untagged interactive traffic (only the proxy's User-Agent tags)
    u8 = _usage(10_000, 500)
    row(
        "chatcmpl-a8",
        "acompletion",
        0.065,
        10_000,
        500,
        "2026-11-03 07:00:00.000",
        "gpt-5.5",
        "openai",
        ["User-Agent: curl", "User-Agent: curl/8.5.0"],
        _metadata(u8, "default", 0.065),
    )
    return rows


def _pg_json(value: object) -> str:
    """jsonb as Postgres prints it: ", " and ": " separators."""
    return json.dumps(value, separators=(", ", ": "))


def _pg_csv(rows: list[dict[str, object]], path: Path, json_columns: set[str]) -> None:
    """``\\copy (...) TO 'f.csv' WITH CSV HEADER``: NULL is an empty unquoted field, '' is ""."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = list(rows[0])
    out.write(",".join(names) + "\n")
    for row in rows:
        cells = []
        for name in names:
            value = row[name]
            if value is None:
                cells.append(None)
            elif name in json_columns:
                cells.append(_pg_json(value))
            elif isinstance(value, datetime):
                cells.append(value.isoformat(sep=" ", timespec="milliseconds"))
            else:
                cells.append(value)
        line = io.StringIO()
        csv.writer(line, lineterminator="").writerow(["" if c is None else c for c in cells])
        text = line.getvalue()
        # csv writes '' as an empty field; Postgres writes '' as "" and NULL as nothing.
        fields = next(csv.reader([text]))
        rendered = []
        for cell, field in zip(cells, fields, strict=True):
            if cell is None:
                rendered.append("")
            elif field == "":
                rendered.append('""')
            else:
                rendered.append(_quote(field))
        out.write(",".join(rendered) + "\n")
    path.write_text(out.getvalue(), encoding="utf-8")
    del writer


def _quote(field: str) -> str:
    if any(ch in field for ch in ',"\n\r'):
        return '"' + field.replace('"', '""') + '"'
    return field


SPEND_JSON = {"metadata", "request_tags", "messages", "response", "proxy_server_request"}


def litellm() -> None:
    rows = _spend_rows()
    _pg_csv(rows, ROOT / "litellm" / "spendlogs.csv", SPEND_JSON)
    # /spend/logs: FastAPI JSON of the Prisma rows, one per line (aware UTC datetimes).
    with open(ROOT / "litellm" / "spendlogs_api.ndjson", "w", encoding="utf-8") as handle:
        for row in rows:
            record = {
                k: (
                    v.isoformat(timespec="milliseconds") + "+00:00"
                    if isinstance(v, datetime)
                    else v
                )
                for k, v in row.items()
            }
            handle.write(json.dumps(record) + "\n")
    # Parquet (e.g. DuckDB's postgres scanner, COPY ... TO 'f.parquet'): jsonb as JSON text,
    # timestamp(3) without zone, request_tags decoded to list<string>.
    columns: dict[str, pa.Array] = {}
    for name in rows[0]:
        values = [row[name] for row in rows]
        if name == "request_tags":
            columns[name] = pa.array(values, pa.list_(pa.string()))
        elif name in SPEND_JSON:
            columns[name] = pa.array([_pg_json(v) for v in values], pa.string())
        elif name in ("startTime", "endTime", "completionStartTime"):
            columns[name] = pa.array(values, pa.timestamp("ms"))
        elif name in ("total_tokens", "prompt_tokens", "completion_tokens", "request_duration_ms"):
            columns[name] = pa.array(values, pa.int32())
        elif name == "spend":
            columns[name] = pa.array(values, pa.float64())
        else:
            columns[name] = pa.array(values, pa.string())
    pq.write_table(pa.table(columns), ROOT / "litellm" / "spendlogs.parquet")

    # LiteLLM_DailyTagSpend for 2026-11-04 (another day): one row per tag, '' for null keys.
    daily = []

    def day(
        tag: str,
        model: str,
        spend: float,
        prompt: int,
        completion: int,
        reads: int,
        requests: int,
        endpoint: str = "/chat/completions",
    ) -> None:
        daily.append(
            {
                "id": f"7b1e{len(daily):04d}-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
                "request_id": "",
                "tag": tag,
                "date": "2026-11-04",
                "api_key": KEY,
                "model": model,
                "model_group": model,
                "custom_llm_provider": "openai",
                "mcp_namespaced_tool_name": "",
                "endpoint": endpoint,
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "cache_read_input_tokens": reads,
                "cache_creation_input_tokens": 0,
                "spend": spend,
                "api_requests": requests,
                "successful_requests": requests,
                "failed_requests": 0,
                "created_at": "2026-11-04 00:00:05.100",
                "updated_at": "2026-11-04 23:59:58.900",
            }
        )

    # 10 requests tagged [nightly, team-a], 2 tagged [team-a], 3 untagged; all from the
    # OpenAI SDK (two User-Agent tags each); one batch job's cost booked under "nightly".
    day("nightly", "gpt-5.5", 7.1, 1_000_000, 100_000, 200_000, 10)
    day("team-a", "gpt-5.5", 7.9, 1_100_000, 110_000, 200_000, 12)
    day("User-Agent: OpenAI", "gpt-5.5", 8.14, 1_130_000, 113_000, 200_000, 15)
    day("User-Agent: OpenAI/Python 2.3.0", "gpt-5.5", 8.14, 1_130_000, 113_000, 200_000, 15)
    day("nightly", "", 1.75, 400_000, 50_000, 0, 1, endpoint="")
    _pg_csv(daily, ROOT / "litellm" / "daily_tag_spend.csv", set())


def _helicone_records() -> list[dict[str, object]]:
    """HeliconeRequest rows as POST /v1/request/query-clickhouse returns them (request.ts)."""
    nil = "00000000-0000-0000-0000-000000000000"

    def rec(
        rid: str,
        created: str,
        model: str,
        provider: str,
        props: dict[str, str],
        prompt: int,
        reads: int,
        writes: int,
        completion: int,
        cost: float,
        cache_ref: str = nil,
    ) -> dict[str, object]:
        return {
            "response_id": rid.replace("req", "res"),
            "response_body": {
                "helicone_message": "fetching body from signed_url... contact engineering@helicone.ai for more information"
            },
            "response_created_at": created.replace(":00.", ":03."),
            "response_status": 200,
            "request_id": rid,
            "request_body": {
                "helicone_message": "fetching body from signed_url... contact engineering@helicone.ai for more information"
            },
            "request_created_at": created,
            "request_user_id": "svc-etl",
            "request_properties": props,
            "provider": provider,
            "delay_ms": 3000,
            "request_model": model,
            "model": model,
            "time_to_first_token": 450,
            "total_tokens": prompt + completion,
            "completion_tokens": completion,
            "prompt_cache_read_tokens": reads,
            "prompt_cache_write_tokens": writes,
            "prompt_tokens": prompt,
            "country_code": "DE",
            "scores": {},
            "properties": props,
            "asset_ids": [],
            "target_url": "https://api.openai.com/v1/chat/completions",
            "cache_reference_id": cache_ref,
            "request_referrer": None,
            "cache_enabled": cache_ref != nil,
            "cost": cost,
            "prompt_id": None,
            "prompt_version": None,
            "updated_at": created,
            "storage_location": "s3",
        }

    return [
        # prompt_tokens = uncached only; the cache counts come on top (packages/cost/index.ts)
        rec(
            "req-h1",
            "2026-11-03 02:00:00.120",
            "gpt-5.5",
            "OPENAI",
            {"feature": "nightly"},
            60_000,
            40_000,
            0,
            10_000,
            0.62,
        ),
        rec(
            "req-h2",
            "2026-11-03 03:00:00.500",
            "claude-sonnet-4-6",
            "ANTHROPIC",
            {"feature": "background", "team": "etl"},
            20_000,
            20_000,
            10_000,
            4_000,
            0.1635,
        ),
        rec("req-h3", "2026-11-03 07:00:00.000", "gpt-5.5", "OPENAI", {}, 10_000, 0, 0, 500, 0.065),
    ]


def helicone() -> None:
    records = _helicone_records()
    # A Helicone cache hit (served from Helicone's cache, pointing at req-h1), JSON exports only:
    # the CSV export has no cache_reference_id column.
    hit = dict(
        records[0],
        request_id="req-h4",
        response_id="res-h4",
        cost=0,
        request_created_at="2026-11-03 05:00:00.000",
        cache_reference_id="req-h1",
        cache_enabled=True,
    )
    # JSONL: JSON.stringify(record) + "\n" (index.ts)
    with open(ROOT / "helicone" / "requests.jsonl", "w", encoding="utf-8") as handle:
        for record in [*records, hit]:
            handle.write(json.dumps(record, separators=(",", ":")) + "\n")
    # JSON: "[\n", JSON.stringify(record, null, 2) + ",\n" per record (no --limit), "]\n"
    with open(ROOT / "helicone" / "requests.json", "w", encoding="utf-8") as handle:
        handle.write("[\n")
        for record in [*records, hit]:
            handle.write(json.dumps(record, indent=2) + ",\n")
        handle.write("]\n")
    # CSV: index.ts convertToCSVRow: 12 fields, every value quoted, object values
    # JSON.stringify'd with their quotes doubled, then doubled again for the cell.
    fields = [
        "response_id",
        "response_created_at",
        "response_status",
        "request_created_at",
        "request_body",
        "request_properties",
        "request_user_id",
        "model",
        "prompt_tokens",
        "completion_tokens",
        "latency",
        "cost",
    ]
    lines = [",".join(fields)]
    for record in records:
        cells = []
        for field in fields:
            value = record.get(field)
            if isinstance(value, (dict, list)):
                value = json.dumps(value, separators=(",", ":")).replace('"', '""')
            if value is None:
                cells.append("")
                continue
            cells.append('"' + str(value).replace('"', '""') + '"')
        lines.append(",".join(cells))
    (ROOT / "helicone" / "requests.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    litellm()
    helicone()
