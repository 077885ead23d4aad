"""Seeded synthetic request aggregates shaped like a real log export.

~20 provider/model pairs (most with a batch tier, some without, some unknown to the
catalog), a few hundred distinct tags in mixed case with Zipf-like popularity (the
batch-eligible spellings together take 25 % of tagged rows by default; look-alikes such as
``nightly-report`` are *not* eligible), ~20 % untagged rows, and costs consistent with the catalog's
standard rates. Built with numpy indices and Polars gathers, so 10M rows take seconds.
"""

from __future__ import annotations

import numpy as np
import polars as pl

import batchframe as bf

PAIRS = [
    ("openai", "gpt-5.5"),
    ("openai", "gpt-5.4"),
    ("openai", "gpt-5.4-mini"),
    ("openai", "gpt-5.4-nano"),
    ("openai", "gpt-4.1"),
    ("openai", "gpt-4.1-mini"),
    ("openai", "gpt-4o-mini"),
    ("openai", "o3"),
    ("openai", "o4-mini"),
    ("anthropic", "claude-opus-4-8"),
    ("anthropic", "claude-sonnet-4-6"),
    ("anthropic", "claude-haiku-4-5"),
    ("google", "gemini-2.5-pro"),
    ("google", "gemini-2.5-flash"),
    ("google", "gemini-2.5-flash-lite"),
    # no batch tier in the catalog
    ("groq", "llama-3.1-8b-instant"),
    ("mistral", "mistral-large-2512"),
    ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
    # unknown to the catalog
    ("acme", "in-house-70b"),
    ("openai", "gpt-3.5-turbo-legacy"),
]

ELIGIBLE_SHARE = 0.25
_ELIGIBLE_WORDS = ["background", "offline", "nightly", "batch", "bulk", "async"]
_OTHER_WORDS = [
    "chat",
    "search",
    "agent",
    "support",
    "summarize",
    "classify",
    "extract",
    "translate",
    "eval",
    "ingest",
    "rerank",
    "embed-prep",
    "copilot",
    "autocomplete",
    "moderation",
    "report",
    "digest",
    "sql-gen",
    "triage",
    "onboarding",
]


def _tag_vocabulary() -> list[str]:
    """Roughly 300 distinct tags: eligible words in three cases, look-alikes, team tags."""
    tags: list[str] = []
    for word in _ELIGIBLE_WORDS:
        tags += [word, word.capitalize(), word.upper()]
    for word in _ELIGIBLE_WORDS:  # look-alikes that must NOT be eligible
        tags += [f"{word}-report", f"pre-{word}"]
    for word in _OTHER_WORDS:
        tags += [word, word.capitalize()]
        tags += [f"{word}-team-{i}" for i in range(12)]
    return tags


def generate(rows: int, seed: int = 42, eligible_share: float = ELIGIBLE_SHARE) -> pl.DataFrame:
    """`rows` aggregate segments with the columns of docs/semantics.md §1 (plain String tags).

    `eligible_share` is the fraction of tagged rows whose tag is an eligible spelling.
    """
    if not 0.0 < eligible_share < 1.0:
        raise ValueError(f"eligible_share must be in (0, 1), got {eligible_share}")
    rng = np.random.default_rng(seed)
    tags = _tag_vocabulary()
    # Zipf-like popularity over a shuffled vocabulary, so eligible tags land at all ranks.
    order = rng.permutation(len(tags))
    weights = 1.0 / np.arange(1, len(tags) + 1) ** 0.8
    tag_p = np.empty(len(tags))
    tag_p[order] = weights
    # Batch-eligible spellings carry `eligible_share` of the tagged rows. The default, 25 %,
    # is a real lever and the harder case for a filter-first plan than a sliver would be.
    eligible = np.array([t.lower() in _ELIGIBLE_WORDS for t in tags])
    tag_p[eligible] *= eligible_share / tag_p[eligible].sum()
    tag_p[~eligible] *= (1 - eligible_share) / tag_p[~eligible].sum()
    pair_p = rng.dirichlet(np.full(len(PAIRS), 2.0))

    pair_idx = rng.choice(len(PAIRS), size=rows, p=pair_p)
    tag_idx = rng.choice(len(tags), size=rows, p=tag_p)
    untagged = rng.random(rows) < 0.20
    requests = rng.integers(1, 2_000, size=rows)
    input_tokens = requests * rng.integers(200, 20_000, size=rows)
    output_tokens = requests * rng.integers(20, 2_000, size=rows)

    catalog = bf.catalog()
    standard = [catalog.latest(p, m) for p, m in PAIRS]
    rate_in = np.array([e.input_per_million if e else 0.4 for e in standard])[pair_idx]
    rate_out = np.array([e.output_per_million if e else 1.6 for e in standard])[pair_idx]
    # What was paid: list price less some prompt-cache savings, to the cent.
    paid = (input_tokens * rate_in + output_tokens * rate_out) / 1e6 * rng.uniform(0.85, 1.0, rows)

    pair_providers = pl.Series([p for p, _ in PAIRS])
    pair_models = pl.Series([m for _, m in PAIRS])
    tag_idx_series = pl.Series(tag_idx, dtype=pl.UInt32)
    return pl.DataFrame(
        {
            "provider": pair_providers.gather(pair_idx),
            "model": pair_models.gather(pair_idx),
            "tag": pl.Series(tags).gather(tag_idx_series).set(pl.Series(untagged), None),
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cost_usd": np.round(paid, 2),
            "request_count": requests,
        }
    )
