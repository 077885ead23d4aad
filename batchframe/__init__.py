"""batchframe: how much would moving latency-insensitive LLM traffic to Batch APIs save?

The public API, in full; everything else lives in private modules.
"""

from batchframe._catalog import ModelPricing, PricingCatalog, catalog
from batchframe._errors import AggregateError, BatchframeError, CatalogError
from batchframe._findings import BatchFinding, as_findings
from batchframe._input import RequestAggregate
from batchframe._project import (
    DEFAULT_BATCH_ELIGIBLE_TAGS,
    project_batch_savings,
    project_batch_savings_with_tags,
)

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_BATCH_ELIGIBLE_TAGS",
    "AggregateError",
    "BatchFinding",
    "BatchframeError",
    "CatalogError",
    "ModelPricing",
    "PricingCatalog",
    "RequestAggregate",
    "__version__",
    "as_findings",
    "catalog",
    "project_batch_savings",
    "project_batch_savings_with_tags",
]
