"""batchframe: how much would moving latency-insensitive LLM traffic to Batch APIs save?

The public API, in full; everything else lives in private modules.
"""

from importlib import metadata as _metadata

from batchframe._candidates import CANDIDATE_HINTS, suggest_candidates
from batchframe._catalog import ModelPricing, PricingCatalog, catalog
from batchframe._errors import AggregateError, BatchframeError, CatalogError
from batchframe._explain import (
    cost_notes,
    pricing_assumptions,
    spend_by_status,
    unpriced_models,
)
from batchframe._findings import BatchFinding, as_findings
from batchframe._input import AggregatesLike, RequestAggregate
from batchframe._logs import aggregate_request_logs, scan_request_logs
from batchframe._logschema import LOG_SCHEMA
from batchframe._plot import chart_to_svg, plot_savings, plot_spend_status, save_chart
from batchframe._presets import (
    PRESETS,
    Preset,
    helicone_preset,
    litellm_daily_tag_spend_preset,
    litellm_spendlogs_preset,
)
from batchframe._project import (
    DEFAULT_BATCH_ELIGIBLE_TAGS,
    SEGMENT_STATUS,
    classify_segments,
    merge_partials,
    partial_projection,
    project_batch_savings,
    project_batch_savings_with_tags,
)
from batchframe._report import render_report

try:
    __version__ = _metadata.version("batchframe")
except _metadata.PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "CANDIDATE_HINTS",
    "DEFAULT_BATCH_ELIGIBLE_TAGS",
    "LOG_SCHEMA",
    "PRESETS",
    "SEGMENT_STATUS",
    "AggregateError",
    "AggregatesLike",
    "BatchFinding",
    "BatchframeError",
    "CatalogError",
    "ModelPricing",
    "Preset",
    "PricingCatalog",
    "RequestAggregate",
    "__version__",
    "aggregate_request_logs",
    "as_findings",
    "catalog",
    "chart_to_svg",
    "classify_segments",
    "cost_notes",
    "helicone_preset",
    "litellm_daily_tag_spend_preset",
    "litellm_spendlogs_preset",
    "merge_partials",
    "partial_projection",
    "plot_savings",
    "plot_spend_status",
    "pricing_assumptions",
    "project_batch_savings",
    "project_batch_savings_with_tags",
    "render_report",
    "save_chart",
    "scan_request_logs",
    "spend_by_status",
    "suggest_candidates",
    "unpriced_models",
]
