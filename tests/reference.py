"""A deliberately naive, row-by-row reference for docs/semantics.md §3 (the oracle).

Nothing here imports batchframe: the projection is a plain Python loop over
dict rows, and ``NaiveCatalog`` reads the catalog TOML with ``tomllib`` so the
oracle can also be checked against itself.  ``project`` works with any
catalog object that has ``latest(provider, model)`` returning ``None`` or an
object with ``batch_input_per_million`` / ``batch_output_per_million``.
"""

from __future__ import annotations

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from datetime import datetime, timezone
from types import SimpleNamespace

DEFAULT_TAGS = ("background", "offline", "nightly", "batch", "bulk", "async")

FINDING_COLUMNS = (
    "tag",
    "eligible_spend_usd",
    "projected_batch_cost_usd",
    "projected_savings_usd",
    "share_of_spend_pct",
    "request_count",
    "discount_pct",
    "summary",
)


# docs/semantics.md §3's findings columns and docs/semantics.md §1's canonical input dtypes, written out here
# (not imported from batchframe) so the tests check the contract, not the code.
def spec_findings_dtypes():
    import polars as pl

    return [
        ("tag", pl.String),
        ("eligible_spend_usd", pl.Float64),
        ("projected_batch_cost_usd", pl.Float64),
        ("projected_savings_usd", pl.Float64),
        ("share_of_spend_pct", pl.Float64),
        ("request_count", pl.UInt64),
        ("discount_pct", pl.Float64),
        ("summary", pl.String),
    ]


def spec_input_dtypes():
    import polars as pl

    return {
        "provider": pl.String,
        "model": pl.String,
        "tag": pl.String,
        "input_tokens": pl.Int64,
        "output_tokens": pl.Int64,
        "cost_usd": pl.Float64,
        "request_count": pl.Int64,
    }


AGGREGATE_COLUMNS = (
    "provider",
    "model",
    "tag",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "request_count",
)

# A small synthetic catalog.  Rates are chosen so that hand-computed batch
# costs are exact binary fractions.  Entries of one pair are deliberately out
# of file order, one entry uses a TOML datetime and one a non-UTC offset.
SYNTHETIC_CATALOG_TOML = """\
[[entry]]
provider = "acme"
model = "big"
effective_at = "2025-01-01T00:00:00Z"
input_per_million = 4.0
output_per_million = 16.0
batch_input_per_million = 2.0
batch_output_per_million = 8.0

[[entry]]
provider = "acme"
model = "small"
effective_at = 2025-01-01T00:00:00Z
input_per_million = 1.0
output_per_million = 3.0
batch_input_per_million = 0.5
batch_output_per_million = 1.5

# history: the earlier entry had a batch tier, the latest has none
[[entry]]
provider = "acme"
model = "legacy"
effective_at = "2024-01-01T00:00:00Z"
input_per_million = 2.0
output_per_million = 6.0
batch_input_per_million = 1.0
batch_output_per_million = 3.0

[[entry]]
provider = "acme"
model = "legacy"
effective_at = "2025-06-01T02:00:00+02:00"
input_per_million = 2.0
output_per_million = 6.0

# history listed newest first: latest() must pick by effective_at
[[entry]]
provider = "acme"
model = "hist"
effective_at = "2025-03-01T00:00:00Z"
input_per_million = 6.0
output_per_million = 12.0
batch_input_per_million = 3.0
batch_output_per_million = 6.0

[[entry]]
provider = "acme"
model = "hist"
effective_at = "2024-01-01T00:00:00Z"
input_per_million = 10.0
output_per_million = 20.0
batch_input_per_million = 5.0
batch_output_per_million = 10.0

[[entry]]
provider = "acme"
model = "hist"
effective_at = "2024-07-01T00:00:00Z"
input_per_million = 8.0
output_per_million = 16.0
batch_input_per_million = 4.0
batch_output_per_million = 8.0

# no batch tier at all
[[entry]]
provider = "other"
model = "nobatch"
effective_at = "2025-01-01T00:00:00Z"
input_per_million = 1.0
output_per_million = 2.0
"""


def _instant(value: object) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert isinstance(value, datetime) and value.tzinfo is not None
    return value.astimezone(timezone.utc)


class NaiveCatalog:
    """Just enough of a catalog for the oracle: entries + latest()."""

    def __init__(self, entries: list[dict]) -> None:
        self.entries = entries

    @classmethod
    def from_toml(cls, text: str) -> NaiveCatalog:
        entries = []
        for raw in tomllib.loads(text)["entry"]:
            entry = dict(raw)
            entry["effective_at"] = _instant(entry["effective_at"])
            entries.append(entry)
        return cls(entries)

    def latest(self, provider: str, model: str):
        provider = provider.strip().lower()  # providers match trimmed and lower-cased
        found = [e for e in self.entries if (e["provider"], e["model"]) == (provider, model)]
        if not found:
            return None
        best = max(found, key=lambda e: e["effective_at"])
        return SimpleNamespace(
            batch_input_per_million=best.get("batch_input_per_million"),
            batch_output_per_million=best.get("batch_output_per_million"),
            input_per_million=best["input_per_million"],
            output_per_million=best["output_per_million"],
            effective_at=best["effective_at"],
        )


def summary(tag: str, share: float, savings: float, discount: float, count: int) -> str:
    return (
        f"tag={tag} is {share:.1f}% of spend and batch-eligible \u2192 "
        f"~${savings:.2f} saved at the Batch API rate (\u2212{discount:.0f}%) "
        f"on {count} request(s)"
    )


def eligible_set(eligible_tags) -> set[str]:
    if eligible_tags is None:
        eligible_tags = DEFAULT_TAGS
    elif isinstance(eligible_tags, str):
        eligible_tags = [eligible_tags]
    return {t.lower() for t in eligible_tags}


def project(rows, catalog, eligible_tags=None) -> list[dict]:
    """docs/semantics.md §3, one row at a time.  ``rows`` is an iterable of dicts."""
    eligible = eligible_set(eligible_tags)
    total = 0.0
    folded: dict[str, list] = {}  # tag -> [spend, batch cost, requests]
    for row in rows:
        total += row["cost_usd"]
        tag = row["tag"]
        if tag is None or tag.lower() not in eligible:
            continue
        rates = catalog.latest(row["provider"].strip().lower(), row["model"])
        if rates is None:
            continue
        b_in, b_out = rates.batch_input_per_million, rates.batch_output_per_million
        if b_in is None or b_out is None:
            continue
        acc = folded.setdefault(tag, [0.0, 0.0, 0])
        acc[0] += row["cost_usd"]
        acc[1] += row["input_tokens"] * b_in / 1e6 + row["output_tokens"] * b_out / 1e6
        acc[2] += row["request_count"]

    findings = []
    for tag, (spend, batch_cost, count) in folded.items():
        if not spend > 0:
            continue
        savings = max(spend - batch_cost, 0.0)
        share = spend / total * 100 if total > 0 else 0.0
        discount = savings / spend * 100
        findings.append(
            {
                "tag": tag,
                "eligible_spend_usd": spend,
                "projected_batch_cost_usd": batch_cost,
                "projected_savings_usd": savings,
                "share_of_spend_pct": share,
                "request_count": count,
                "discount_pct": discount,
                "summary": summary(tag, share, savings, discount, count),
            }
        )
    findings.sort(key=lambda f: f["tag"].encode("utf-8"))  # ties: byte order
    findings.sort(key=lambda f: -f["projected_savings_usd"])  # stable
    return findings


# --------------------------------------------------------------------------
# docs/semantics.md §3 with prompt caching and long context, one segment at a time


def _rate_of(entry, tier: str, long: bool, kind: str):
    """The catalog key spelled out by hand: [<tier>_][long_context_]<kind>_per_million."""
    prefix = "" if tier == "standard" else tier + "_"
    middle = "long_context_" if long else ""
    return getattr(entry, f"{prefix}{middle}{kind}_per_million", None)


def segment_status_and_cost(row: dict, catalog, eligible_tags=None, tier: str = "batch"):
    """(status, projected cost or None) of one segment, by the rules written out plainly."""
    if row.get("already_batched"):
        return "already_batched", None
    tag = row["tag"]
    if tag is None:
        return "untagged", None
    if tag.lower() not in eligible_set(eligible_tags):
        return "not_eligible", None
    entry = catalog.latest(row["provider"].strip().lower(), row["model"])
    if entry is None:
        return "unknown_model", None
    long = bool(row.get("long_context")) and entry.long_context_threshold_tokens is not None
    rate_in = _rate_of(entry, tier, long, "input")
    rate_out = _rate_of(entry, tier, long, "output")
    cached = row.get("cached_input_tokens") or 0
    written = row.get("cache_write_tokens") or 0
    rate_write = _rate_of(entry, tier, long, "cache_write")
    if rate_in is None or rate_out is None or (written > 0 and rate_write is None):
        return "no_batch_tier", None
    rate_cached = _rate_of(entry, tier, long, "cached_input")
    if rate_cached is None:
        rate_cached = rate_in  # no cache discount assumed
    uncached = row["input_tokens"] - cached - written
    cost = (
        uncached * rate_in / 1e6
        + cached * rate_cached / 1e6
        + written * (rate_write or 0.0) / 1e6
        + row["output_tokens"] * rate_out / 1e6
    )
    return "projected", cost
