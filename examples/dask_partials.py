"""batchframe on Dask: the per-partition half runs on the workers, the merge on the client.

    python examples/dask_partials.py

`bf.partial_projection` turns each partition into a few rows (per tag: eligible spend,
projected cost, requests; plus the partition's total spend), and `bf.merge_partials`
finishes them into the same findings `bf.project_batch_savings` gives on the whole data.
"""

from __future__ import annotations

import dask.dataframe as dd
import pandas as pd
import polars as pl

import batchframe as bf


def partial_of(partition: pd.DataFrame) -> pd.DataFrame:
    """One Dask partition (pandas) -> its batchframe partial (pandas, for Dask to gather)."""
    partial = bf.partial_projection(partition)
    assert isinstance(partial, pl.DataFrame)
    return partial.to_pandas()


def project_with_dask(aggregates: dd.DataFrame) -> pl.DataFrame:
    meta = bf.partial_projection(aggregates._meta).to_pandas()  # type: ignore[union-attr]
    partials = aggregates.map_partitions(partial_of, meta=meta).compute()
    findings = bf.merge_partials([pl.from_pandas(partials)])
    assert isinstance(findings, pl.DataFrame)
    return findings


if __name__ == "__main__":
    sample = pl.read_csv(
        bf.__file__.replace("__init__.py", "data/sample_aggregates.csv"),
        schema_overrides={"tag": pl.String},
    )
    ddf = dd.from_pandas(sample.to_pandas(), npartitions=4)
    findings = project_with_dask(ddf)
    print(findings.drop("summary"))
    same = findings.equals(bf.project_batch_savings(sample))
    print("same findings as project_batch_savings on the whole frame:", same)
