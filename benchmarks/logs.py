"""Raw request logs at scale: scan -> aggregate -> project through Polars' streaming engine.

    python benchmarks/logs.py --rows 1e8 --files 20

Generates seeded raw log files once (one row per request, Parquet, in --data-dir; they
are not committed), then in a fresh process each: batchframe (`scan_request_logs` ->
`aggregate_request_logs` -> `project_batch_savings`, collected with the streaming engine)
and DuckDB doing the same over `read_parquet`. Checks both find the same findings, then
reports wall time and each process's peak RSS (VmHWM). Best of --repeats.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import data
import peers
from run import _high_water_rss, check_same, machine, write_report

import batchframe as bf

ELIGIBLE = list(bf.DEFAULT_BATCH_ELIGIBLE_TAGS)
COLUMNS = {
    "prompt_tokens": "input_tokens",
    "completion_tokens": "output_tokens",
    "spend": "cost_usd",
    "start_time": "timestamp",
}


def write_logs(rows: int, files: int, folder: Path, seed: int = 7) -> list[Path]:
    """`rows` seeded request rows split over `files` Parquet files (kept if already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"logs-{i:03d}.parquet" for i in range(files)]
    if all(p.exists() for p in paths):
        return paths
    per_file = rows // files
    for i, path in enumerate(paths):
        rng = np.random.default_rng(seed + i)
        segments = data.generate(per_file, seed=seed + i)  # provider/model/tag mix of data.py
        tokens_in = rng.integers(50, 30_000, per_file)
        tokens_out = rng.integers(5, 3_000, per_file)
        start = (
            np.datetime64("2026-09-01T00:00:00")
            + rng.integers(0, 61 * 86_400, per_file).astype("timedelta64[s]")
        ).astype("datetime64[us]")
        tier = np.where(rng.random(per_file) < 0.03, "batch", "default")
        frame = segments.select(
            "provider",
            "model",
            "tag",
            pl.Series("prompt_tokens", tokens_in),
            pl.Series("completion_tokens", tokens_out),
            (pl.col("cost_usd") / pl.col("request_count")).round(6).alias("spend"),
            pl.Series("start_time", start),
            pl.Series("service_tier", tier),
        )
        frame.write_parquet(path)
        print(f"   wrote {path.name} ({per_file:,} rows)", flush=True)
    return paths


def duckdb_logs_query(pattern: str) -> str:
    return f"""
    CREATE OR REPLACE VIEW agg AS
    SELECT provider, model, tag, SUM(prompt_tokens) AS input_tokens,
           SUM(completion_tokens) AS output_tokens, SUM(spend) AS cost_usd, COUNT(*) AS request_count,
           lower(service_tier) IN ('batch', 'flex') AS already_batched
    FROM read_parquet('{pattern}')
    GROUP BY provider, model, tag, already_batched
    """


def probe(engine: str, pattern: str) -> dict[str, Any]:
    """One run in this (fresh) process."""
    start = time.perf_counter()
    if engine == "batchframe":
        logs = bf.scan_request_logs(pattern, columns=COLUMNS)
        aggregates = bf.aggregate_request_logs(logs)
        assert isinstance(aggregates, pl.LazyFrame)
        # The 100M-row part streams; the aggregates it yields are small.
        result = bf.project_batch_savings(aggregates.collect(engine="streaming"))
    else:
        duck = peers.DuckDB(None, peers.batch_rates(bf.catalog()), ELIGIBLE)
        duck.con.execute(duckdb_logs_query(pattern))
        # Already-batched traffic counts in the total but is never projected.
        duck.sql = duck.sql.replace(
            "FROM agg GROUP BY provider, model, tag",
            "FROM agg WHERE NOT already_batched GROUP BY provider, model, tag",
        )
        duck.sql = duck.sql.replace(
            "tot AS (SELECT SUM(c) AS total FROM seg)",
            "tot AS (SELECT SUM(cost_usd) AS total FROM agg)",
        )
        result = duck()
    seconds = time.perf_counter() - start
    return {
        "engine": engine,
        "seconds": seconds,
        "peak_rss_bytes": _high_water_rss(),
        "result": result.select(peers.NUMERIC).write_json(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=lambda t: int(float(t)), default=10**8)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    parser.add_argument("--pattern", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        print(json.dumps(probe(args.probe, args.pattern)))
        return 0

    folder = args.data_dir / f"logs-{args.rows}"
    print(f"== {args.rows:,} raw log rows in {args.files} Parquet files ({folder})", flush=True)
    paths = write_logs(args.rows, args.files, folder)
    size = sum(p.stat().st_size for p in paths)
    pattern = str(folder / "logs-*.parquet")
    runs: dict[str, list[dict[str, Any]]] = {"batchframe": [], "duckdb": []}
    for _ in range(args.repeats):
        for engine, probes in runs.items():
            done = subprocess.run(
                [sys.executable, __file__, "--probe", engine, "--pattern", pattern],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode:
                sys.exit(f"{engine} failed:\n{done.stderr}")
            probes.append(json.loads(done.stdout))
    check_same(
        "batchframe over raw logs",
        pl.read_json(runs["batchframe"][0]["result"].encode()),
        pl.read_json(runs["duckdb"][0]["result"].encode()),
    )
    print(f"   ok: both find the same findings ({size / 2**30:.2f} GiB on disk)")
    report: dict[str, Any] = {
        "machine": machine(),
        "rows": args.rows,
        "files": args.files,
        "bytes": size,
        "results": [],
    }
    for engine, probes in runs.items():
        seconds = min(p["seconds"] for p in probes)
        peak = max(p["peak_rss_bytes"] for p in probes)
        report["results"].append({"engine": engine, "seconds": seconds, "peak_rss_bytes": peak})
        print(
            f"   {engine:<12} best {seconds:7.2f} s  {args.rows / seconds / 1e6:6.1f} M rows/s  peak RSS {peak / 2**30:5.2f} GiB"
        )
    if args.json:
        write_report(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
