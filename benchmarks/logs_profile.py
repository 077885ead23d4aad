"""Where the raw-log path's time goes: CPU seconds of its pieces, each in a fresh process.

    python benchmarks/logs_profile.py --rows 2e7        # the Parquet files of logs.py
    python benchmarks/logs_profile.py --csv-rows 2e5    # the LiteLLM CSV, preset columns

CPU time (user + system, all threads) rather than wall time: on a shared machine it is
the steadier measure of work. Nothing is checked here; `logs.py` checks the findings.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import logs

import batchframe as bf

KEYS = ["provider", "model", "tag", "service_tier"]
SUMS = [pl.col("prompt_tokens", "completion_tokens").sum(), pl.col("spend").sum(), pl.len()]


def _parquet(source: str) -> dict[str, Callable[[], object]]:
    lf = pl.scan_parquet(source)
    bucket = pl.sum_horizontal(
        (pl.col("prompt_tokens") > t).cast(pl.UInt8) for t in (100_000, 200_000, 272_000)
    ).alias("bucket")
    return {
        "decode the 7 columns only": lambda: lf.select(
            pl.col(KEYS).str.len_bytes().sum(), pl.col("prompt_tokens", "completion_tokens").sum()
        ).collect(engine="streaming"),
        "group by 1 raw key (tag)": lambda: (
            lf.group_by("tag").agg(SUMS).collect(engine="streaming")
        ),
        "group by 2 raw keys": lambda: (
            lf.group_by("model", "tag").agg(SUMS).collect(engine="streaming")
        ),
        "group by the 4 raw keys": lambda: lf.group_by(KEYS).agg(SUMS).collect(engine="streaming"),
        "4 raw keys + prompt bucket": lambda: (
            lf.group_by(*KEYS, bucket).agg(SUMS).collect(engine="streaming")
        ),
        "batchframe: aggregate_request_logs": lambda: bf.aggregate_request_logs(
            bf.scan_request_logs(source, columns=logs.COLUMNS)
        ).collect(engine="streaming"),
        "batchframe: the lazy chain": lambda: logs.batchframe_chain("parquet", source),
        "careful Polars user (logs.py)": lambda: logs.polars_query("parquet", source),
        "DuckDB (logs.py)": lambda: logs.probe("duckdb", "parquet", source),
    }


def _csv(source: str) -> dict[str, Callable[[], object]]:
    from batchframe._presets import litellm_spendlogs

    raw = pl.scan_csv(source)
    mapped = litellm_spendlogs(raw, raw.collect_schema())
    pieces: dict[str, Callable[[], object]] = {
        f"preset column {name}": (lambda name=name: mapped.select(name).collect())  # type: ignore[misc]
        for name in mapped.collect_schema().names()
    }
    pieces["batchframe: the lazy chain"] = lambda: logs.batchframe_chain("csv", source)
    pieces["careful Polars user (logs.py)"] = lambda: logs.polars_query("csv", source)
    pieces["DuckDB (logs.py)"] = lambda: logs.probe("duckdb", "csv", source)
    return pieces


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=lambda t: int(float(t)), default=0)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--csv-rows", type=lambda t: int(float(t)), default=0)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--piece", help=argparse.SUPPRESS)
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.piece:
        table = _parquet if args.kind == "parquet" else _csv
        run = table(args.source)[args.piece]
        start = _cpu()
        run()
        print(json.dumps(_cpu() - start))
        return 0
    jobs = []
    if args.rows:
        folder = args.data_dir / f"logs-{args.rows}-{args.files}"
        logs.write_logs(args.rows, args.files, folder)
        jobs.append(("parquet", str(folder / "logs-*.parquet")))
    if args.csv_rows:
        jobs.append(
            (
                "csv",
                str(
                    logs.write_litellm_csv(
                        args.csv_rows, args.data_dir / f"litellm-{args.csv_rows}"
                    )
                ),
            )
        )
    for kind, source in jobs:
        print(f"== {kind}: {source}")
        names = (_parquet if kind == "parquet" else _csv)(source)
        for name in names:
            done = subprocess.run(
                [sys.executable, __file__, "--piece", name, "--kind", kind, "--source", source],
                capture_output=True,
                text=True,
                check=True,
            )
            print(f"   {name:<40} {float(done.stdout):6.2f} s CPU", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
