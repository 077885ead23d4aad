"""Time batchframe's Spark backend against the Polars path over the same Parquet file.

    python benchmarks/spark.py                      # 10M segments, local[2]
    python benchmarks/spark.py --rows 1e6 --json benchmarks/results/spark-latest.json

The data are the seeded synthetic aggregates of benchmarks/data.py (`data.generate`),
written once to ``<data-dir>/aggregates-<rows>-share0.25.parquet`` (the file benchmarks/run.py
writes too) and reused. In one process: time
``bf.project_batch_savings(pl.scan_parquet(path)).collect()`` (a first run, then the best
of `--repeats`) before any JVM exists; then start a local Spark session (timed on its
own), check that ``batchframe.spark.project_batch_savings(spark.read.parquet(path))`` finds
the same findings (same tags in the same order, numbers within relative 1e-9) and time it
the same way. Each engine's first run is reported separately: Spark's includes the JVM's
code warm-up. Every Spark run reads the file again (a new query plan each time).
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import aggregates_parquet, base_machine, write_report

import batchframe as bf
import batchframe.spark as bfs

DATA_DIR = HERE / "data"


def check_same(got: pl.DataFrame, expected: pl.DataFrame) -> None:
    """Same tags in the same order and every number within relative 1e-9, or exit."""
    if got["tag"].to_list() != expected["tag"].to_list():
        sys.exit(
            f"CHECK FAILED: Spark finds tags {got['tag'].to_list()[:8]}… "
            f"vs {expected['tag'].to_list()[:8]}…"
        )
    for name, dtype in expected.schema.items():
        for a, b in zip(got[name].to_list(), expected[name].to_list(), strict=True):
            same = math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) if dtype == pl.Float64 else a == b
            if not same:
                sys.exit(f"CHECK FAILED: {name}: {a!r} != {b!r}")


def java_version() -> str:
    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False)
    except OSError:
        return "unknown"
    lines = done.stderr.strip().splitlines()
    return lines[0] if lines else "unknown"


def machine(cores: int) -> dict[str, Any]:
    import pyspark

    return {
        **base_machine(),
        "pyspark": pyspark.__version__,
        "java": java_version(),
        "spark_master": f"local[{cores}]",
    }


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = run()
    return time.perf_counter() - start, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows",
        type=lambda t: int(float(t)),
        default=10_000_000,
        help="segments to generate (default 1e7)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=2,
        help="timed runs per engine after the first; the best is reported",
    )
    parser.add_argument("--cores", type=int, default=2, help="Spark master local[N] (default 2)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR,
        help="where the Parquet file goes (default: benchmarks/data)",
    )
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    args = parser.parse_args(argv)

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    info = machine(args.cores)
    print(
        f"batchframe Spark benchmark — {info['platform']}, {info['cpu_count']} cores, "
        f"Python {info['python']}, polars {info['polars']}, pyspark {info['pyspark']}, "
        f"{info['java']}, {info['spark_master']}",
        flush=True,
    )

    path = aggregates_parquet(args.rows, args.data_dir)
    size = path.stat().st_size
    print(f"== Parquet: {args.rows:,} segments, {size / 2**20:.0f} MiB on disk", flush=True)

    def polars_run() -> pl.DataFrame:
        out = bf.project_batch_savings(pl.scan_parquet(path)).collect()  # type: ignore[union-attr]
        assert isinstance(out, pl.DataFrame)
        return out

    # Polars first, before the JVM exists: on a 2-core machine the JVM's background JIT and
    # GC threads would otherwise take CPU from whatever runs next to them.
    polars_first, expected = timed(polars_run)
    if expected.height == 0:
        sys.exit("CHECK FAILED: the generated data has no findings")
    best = {"polars": min(timed(polars_run)[0] for _ in range(args.repeats))}

    startup, spark = timed(lambda: bfs.local_session("batchframe-benchmark", cores=args.cores))
    print(f"   Spark session start-up: {startup:.2f} s", flush=True)

    def spark_run() -> pl.DataFrame:
        return bfs.project_batch_savings(spark.read.parquet(str(path)))

    spark_first, got = timed(spark_run)
    check_same(got, expected)
    print(f"   ok: {expected.height} findings agree (tags, order, numbers within 1e-9)", flush=True)
    best["spark"] = min(timed(spark_run)[0] for _ in range(args.repeats))
    spark.stop()

    results = [
        {
            "engine": "batchframe (Polars, scan_parquet)",
            "seconds": best["polars"],
            "first_run_seconds": polars_first,
            "rows_per_second": args.rows / best["polars"],
        },
        {
            "engine": f"batchframe.spark (spark.read.parquet, local[{args.cores}])",
            "seconds": best["spark"],
            "first_run_seconds": spark_first,
            "rows_per_second": args.rows / best["spark"],
        },
    ]
    print(f"   {'engine':<48} {'best':>10} {'first run':>10} {'rows/s':>10}")
    for r in results:
        print(
            f"   {r['engine']:<48} {r['seconds'] * 1000:7.0f} ms {r['first_run_seconds'] * 1000:7.0f} ms"
            f" {r['rows_per_second'] / 1e6:6.1f} M/s"
        )
    print(
        f"   Spark / Polars (best): {best['spark'] / best['polars']:.1f}×; "
        f"session start-up {startup:.2f} s, not included"
    )
    report = {
        "machine": info,
        "rows": args.rows,
        "file_bytes": size,
        "findings": expected.height,
        "repeats": args.repeats,
        "spark_session_startup_seconds": startup,
        "results": results,
    }
    if args.json:
        write_report(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
