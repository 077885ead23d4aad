"""Regenerate batchframe/data/sample_logs.csv, the sample LiteLLM spend-logs export.

    python examples/make_sample_logs.py

Deterministic (fixed seed): running it again rewrites the same bytes. The rows follow the
``LiteLLM_SpendLogs`` export shape that the ``litellm-spendlogs`` preset reads (a subset of
its columns, to keep the file small: no endTime, cache_hit, messages, response, …; metadata only where it
says something). Costs are the embedded catalog's *standard* rates
(``pricing.toml``: input/output per million), rounded to 6 decimals, so the projected batch
discount on eligible traffic is exactly the catalog's; a few requests ran on OpenAI's Flex
tier (``metadata.additional_usage_values.service_tier``) and are billed at the Flex rate;
about 1 % failed and cost nothing. Tags mix batch-eligible words in mixed case (``nightly``,
``Nightly``, ``background``, ``bulk``) with interactive ones (``chat``, ``search``,
``team-a``); some requests carry several tags, some none.

After those 2,000 requests (a second seeded generator, so they stay as they were):

* **prompt caching**: ``nightly`` gpt-5.5 requests whose ``metadata.usage_object`` has
  ``prompt_tokens_details.cached_tokens`` (OpenAI's shape; ``prompt_tokens`` includes them),
  and ``background`` claude-sonnet-4-6 requests with ``cache_read_input_tokens`` and
  ``cache_creation_input_tokens`` (Anthropic's, which ``AnthropicConfig.calculate_usage``
  adds into ``prompt_tokens``: ``litellm/llms/anthropic/chat/transformation.py``); billed
  at the catalog's cached-input and cache-write rates;
* **long prompts**: a few ``nightly`` gpt-5.5 requests above its
  ``long_context_threshold_tokens`` (272,000), billed at its long-context rates;
* **a bursty job under a tag outside the default set**: ``nightly-evals`` on gpt-5.4,
  300 requests inside 01:00-01:59 UTC on each of the last four nights (the job
  ``batchframe candidates`` should find);
* **a batch booking**: the cost of one Batch-API job, which LiteLLM's batch poller books on a
  row of ``call_type`` ``aretrieve_batch`` with ``model`` ``""``, a ``request_id`` ending in
  ``_batch_cost`` and the job's models in ``metadata.batch_models``
  (``litellm/litellm_core_utils/batch_utils.py``, ``BATCH_COST_REQUEST_ID_SUFFIX``;
  ``litellm/proxy/db/db_spend_update_writer.py``); it is counted as ``already_batched``.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

SEED = 20261128
ROWS = 2_000
START = datetime(2026, 9, 1)
DAYS = 91  # 2026-09-01 .. 2026-11-30
OUT = Path(__file__).resolve().parents[1] / "batchframe" / "data" / "sample_logs.csv"

# (custom_llm_provider, model as logged, model_group, standard in/out USD per 1M,
#  flex in/out or None, weight, tag lists with weights, median prompt, median completion)
# fmt: off
WORKLOADS = [
    ("openai", "gpt-5.5", "default-chat", (5.00, 30.00), (2.50, 15.00), 0.16,
     [(["chat"], 5), (["chat", "team-a"], 2), ([], 2), (["nightly"], 3), (["Nightly", "team-a"], 1)],
     6_000, 900),
    ("openai", "openai/gpt-5.4", "workhorse", (2.50, 15.00), (1.25, 7.50), 0.18,
     [(["background"], 4), (["search"], 3), (["bulk", "search"], 1), ([], 1)],
     9_000, 1_200),
    ("openai", "gpt-5.4-mini", "mini", (0.75, 4.50), (0.375, 2.25), 0.16,
     [(["search"], 4), ([], 2), (["Nightly"], 2), (["chat"], 2)],
     4_000, 500),
    ("openai", "o3", "reasoning", (2.00, 8.00), (1.00, 4.00), 0.07,
     [(["background"], 3), (["chat"], 2), (["team-a", "background"], 1)],
     12_000, 4_000),
    ("anthropic", "claude-opus-4-8", "opus", (5.00, 25.00), None, 0.12,
     [(["bulk", "Nightly"], 2), (["chat"], 3), (["team-a"], 1), (["nightly"], 1)],
     15_000, 1_500),
    ("anthropic", "anthropic/claude-sonnet-4-6", "sonnet", (3.00, 15.00), None, 0.13,
     [(["background"], 3), (["search", "team-a"], 2), ([], 2), (["Background"], 1)],
     8_000, 1_000),
    ("gemini", "gemini/gemini-2.5-flash", "flash", (0.30, 2.50), None, 0.10,
     [(["bulk"], 3), (["nightly"], 2), (["search"], 2), ([], 1)],
     20_000, 800),
    ("groq", "llama-3.1-8b-instant", "fast-llama", (0.05, 0.08), None, 0.08,
     [(["nightly"], 2), (["chat"], 3), ([], 1)],
     3_000, 400),
]
# fmt: on

API_BASE_KEYS = {  # three virtual keys, stored hashed as LiteLLM does
    "etl": "a3f1c2d4e5b6978812ab34cd56ef7890a1b2c3d4e5f60718293a4b5c6d7e8f90",
    "app": "5e6f7a8b9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7",
    "search": "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0",
}
ELIGIBLE = {"nightly", "background", "bulk"}


def build() -> pl.DataFrame:
    rng = np.random.default_rng(SEED)
    weights = np.array([w[5] for w in WORKLOADS])
    which = rng.choice(len(WORKLOADS), size=ROWS, p=weights / weights.sum())
    rows = []
    for i, k in enumerate(which):
        provider, model, group, (rin, rout), flex, _, tag_choices, med_in, med_out = WORKLOADS[k]
        tag_weights = np.array([w for _, w in tag_choices], dtype=float)
        tags = tag_choices[rng.choice(len(tag_choices), p=tag_weights / tag_weights.sum())][0]
        offline = any(t.lower() in ELIGIBLE for t in tags)
        prompt = int(rng.lognormal(np.log(med_in * (2.0 if offline else 1.0)), 0.6))
        completion = int(rng.lognormal(np.log(med_out), 0.5))
        day = int(rng.integers(0, DAYS))
        # offline jobs run at night (UTC), interactive traffic in working hours
        hour = int(rng.integers(0, 6)) if offline else int(rng.integers(7, 22))
        start = START + timedelta(days=day, hours=hour, seconds=int(rng.integers(0, 3600)))
        status = "failure" if rng.random() < 0.01 else "success"
        tier = None
        if status == "failure":
            prompt = completion = 0
            spend = 0.0
        elif flex is not None and offline and rng.random() < 0.08:
            tier = "flex"  # this request already ran on the Flex tier
            spend = prompt * flex[0] / 1e6 + completion * flex[1] / 1e6
        else:
            spend = prompt * rin / 1e6 + completion * rout / 1e6
        metadata: dict[str, object] = {}
        if tier is not None:
            metadata["additional_usage_values"] = {"service_tier": tier}
        key = "etl" if offline else ("search" if "search" in tags else "app")
        prefix = "msg_" if provider == "anthropic" else "chatcmpl-"
        rows.append(
            {
                "request_id": f"{prefix}{i:05d}{int(rng.integers(0, 16**6)):06x}",
                "call_type": "acompletion",
                "api_key": API_BASE_KEYS[key],
                "spend": round(spend, 6),
                "total_tokens": prompt + completion,
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "startTime": start.strftime("%Y-%m-%d %H:%M:%S"),
                "model": model,
                "model_group": group,
                "custom_llm_provider": provider,
                "metadata": json.dumps(metadata),
                "request_tags": json.dumps(tags),
                "status": status,
            }
        )
    rows += _extra_rows()
    return pl.DataFrame(rows).sort("startTime", "request_id")


EXTRA_SEED = 20261202
END = START + timedelta(days=DAYS)


def _row(i: int, rng: np.random.Generator, provider: str, model: str, group: str, tags: list[str],
         start: datetime, prompt: int, completion: int, spend: float,
         metadata: dict[str, object]) -> dict[str, object]:  # fmt: skip
    prefix = "msg_" if provider == "anthropic" else "chatcmpl-"
    return {
        "request_id": f"{prefix}{i:05d}{int(rng.integers(0, 16**6)):06x}",
        "call_type": "acompletion",
        "api_key": API_BASE_KEYS["etl"],
        "spend": round(spend, 6),
        "total_tokens": prompt + completion,
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "startTime": start.strftime("%Y-%m-%d %H:%M:%S"),
        "model": model,
        "model_group": group,
        "custom_llm_provider": provider,
        "metadata": json.dumps(metadata),
        "request_tags": json.dumps(tags),
        "status": "success",
    }


def _night(rng: np.random.Generator, hours: int = 6) -> datetime:
    day = int(rng.integers(0, DAYS))
    return START + timedelta(
        days=day, hours=int(rng.integers(0, hours)), seconds=int(rng.integers(0, 3600))
    )


def _extra_rows() -> list[dict[str, object]]:
    """Prompt caching, long prompts and the nightly-evals job (module docstring)."""
    rng = np.random.default_rng(EXTRA_SEED)
    rows: list[dict[str, object]] = []
    i = ROWS
    # gpt-5.5 (pricing.toml): 5.00 in, 0.50 cached in, 30.00 out per 1M
    for _ in range(120):
        prompt = int(rng.lognormal(np.log(24_000), 0.4))
        cached = int(prompt * rng.uniform(0.5, 0.9)) // 128 * 128  # OpenAI caches 128-token steps
        completion = int(rng.lognormal(np.log(900), 0.5))
        spend = ((prompt - cached) * 5.00 + cached * 0.50 + completion * 30.00) / 1e6
        usage = {"prompt_tokens": prompt, "completion_tokens": completion,
                 "prompt_tokens_details": {"cached_tokens": cached}}  # fmt: skip
        rows.append(_row(i, rng, "openai", "gpt-5.5", "default-chat", ["nightly"], _night(rng),
                         prompt, completion, spend, {"usage_object": usage}))  # fmt: skip
        i += 1
    # claude-sonnet-4-6: 3.00 in, 0.30 cache read, 3.75 cache write, 15.00 out per 1M
    for k in range(120):
        uncached = int(rng.lognormal(np.log(2_000), 0.5))
        read = 0 if k % 10 == 0 else int(rng.lognormal(np.log(30_000), 0.3))
        write = int(rng.lognormal(np.log(30_000), 0.3)) if k % 10 == 0 else 0  # first of ten
        completion = int(rng.lognormal(np.log(1_000), 0.5))
        spend = (uncached * 3.00 + read * 0.30 + write * 3.75 + completion * 15.00) / 1e6
        usage = {"prompt_tokens": uncached + read + write, "completion_tokens": completion,
                 "cache_read_input_tokens": read, "cache_creation_input_tokens": write}  # fmt: skip
        rows.append(_row(i, rng, "anthropic", "anthropic/claude-sonnet-4-6", "sonnet",
                         ["background"], _night(rng), uncached + read + write, completion, spend,
                         {"usage_object": usage}))  # fmt: skip
        i += 1
    # long prompts on gpt-5.5: above 272,000 input tokens, 10.00 in / 45.00 out per 1M
    for _ in range(6):
        prompt = int(rng.integers(280_000, 400_000))
        completion = int(rng.lognormal(np.log(2_000), 0.3))
        spend = (prompt * 10.00 + completion * 45.00) / 1e6
        rows.append(_row(i, rng, "openai", "gpt-5.5", "default-chat", ["nightly"], _night(rng),
                         prompt, completion, spend, {}))  # fmt: skip
        i += 1
    # nightly-evals: gpt-5.4 (2.50 in / 15.00 out per 1M), 300 requests 01:00-01:59 UTC, 4 nights
    for night in range(4, 0, -1):
        hour = END - timedelta(days=night) + timedelta(hours=1)
        for second in sorted(rng.integers(0, 3600, size=300)):
            prompt = int(rng.lognormal(np.log(6_000), 0.3))
            completion = int(rng.lognormal(np.log(600), 0.3))
            spend = (prompt * 2.50 + completion * 15.00) / 1e6
            rows.append(_row(i, rng, "openai", "openai/gpt-5.4", "workhorse", ["nightly-evals"],
                             hour + timedelta(seconds=int(second)), prompt, completion, spend,
                             {}))  # fmt: skip
            i += 1
    # a Batch-API job on gpt-5.4 (batch 1.25 in / 7.50 out per 1M): 2,000,000 in, 200,000 out
    usage = {"prompt_tokens": 2_000_000, "completion_tokens": 200_000, "total_tokens": 2_200_000}
    booking = _row(i, rng, "openai", "", "", ["nightly"], END - timedelta(hours=18), 2_000_000,
                   200_000, (2_000_000 * 1.25 + 200_000 * 7.50) / 1e6,
                   {"batch_models": ["gpt-5.4"], "usage_object": usage})  # fmt: skip
    booking["request_id"] = "batch_6a3f0c21_batch_cost"
    booking["call_type"] = "aretrieve_batch"
    rows.append(booking)
    return rows


def main() -> None:
    frame = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(OUT)
    print(f"wrote {OUT} ({frame.height} rows, {OUT.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
