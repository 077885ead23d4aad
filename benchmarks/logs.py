"""Raw request logs at scale: batchframe's public lazy chain against DuckDB, Polars and pandas.

    python benchmarks/logs.py --rows 2e7,1e8 --files 4 --csv-rows 1e7 --json out.json

Three kinds of input, generated once (seeded) into --data-dir and reused (not committed):

* raw Parquet logs, one row per request (`--rows`, split over `--files` files): provider,
  model, tag, token counts, spend, start time, service tier (3 % on ``batch``);
* a LiteLLM-shaped CSV export (`--csv-rows`, one file): the columns of LiteLLM's
  ``LiteLLM_SpendLogs`` table (``BerriAI/litellm`` ``schema.prisma``) that a DB dump has,
  ``request_tags`` as JSON text (``Json? @default("[]")``) and ``metadata`` as JSON text
  holding the request's ``usage_object`` with its prompt-cache reads
  (``litellm/proxy/spend_tracking/spend_tracking_utils.py`` puts the ``Usage`` dict there;
  ``litellm/types/utils.py`` ``Usage`` has ``cache_read_input_tokens`` and
  ``prompt_tokens_details.cached_tokens``). batchframe reads it with
  ``preset="litellm-spendlogs"``;
* with ``--real-csv-rows``, the same requests dumped with every column of the table and
  ``metadata`` as LiteLLM writes it (``write_litellm_real_csv``).

Every engine runs in a fresh process, the engines taking turns, best of --repeats:

* batchframe: ``project_batch_savings(aggregate_request_logs(scan_request_logs(files)))``
  then ``.collect()`` -- the lazy chain a pipeline author writes, nothing collected in
  between;
* DuckDB: its natural SQL over ``read_parquet`` / ``read_csv`` (JSON functions for the
  tags and the cache counts);
* Polars: a careful user's query: group the raw columns (streaming), then clean, price
  and fold the few folded rows;
* pandas (CSV only): ``read_csv`` with the pyarrow engine, then the same steps.

Before any timing is reported, every engine must find the same findings as batchframe
(same tags, numbers within relative 1e-9) or the script exits with CHECK FAILED.
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
from run import _high_water_rss, check_same, machine, sizes, write_report

import batchframe as bf

ELIGIBLE = list(bf.DEFAULT_BATCH_ELIGIBLE_TAGS)
COLUMNS = {
    "prompt_tokens": "input_tokens",
    "completion_tokens": "output_tokens",
    "spend": "cost_usd",
    "start_time": "timestamp",
}
BATCH_TIERS = ("batch", "flex")


# -- data ---------------------------------------------------------------------------------


def _requests(rows: int, seed: int) -> pl.DataFrame:
    """`rows` seeded requests: the provider/model/tag mix of data.py, per-request counts."""
    rng = np.random.default_rng(seed)
    segments = data.generate(rows, seed=seed)
    start = (
        np.datetime64("2026-09-01T00:00:00")
        + rng.integers(0, 61 * 86_400, rows).astype("timedelta64[s]")
    ).astype("datetime64[us]")
    return segments.select(
        "provider",
        "model",
        "tag",
        pl.Series("prompt_tokens", rng.integers(50, 30_000, rows)),
        pl.Series("completion_tokens", rng.integers(5, 3_000, rows)),
        (pl.col("cost_usd") / pl.col("request_count")).round(6).alias("spend"),
        pl.Series("start_time", start),
        pl.Series("service_tier", np.where(rng.random(rows) < 0.03, "batch", "default")),
        pl.Series("cache_share", rng.random(rows)),
    )


def write_logs(rows: int, files: int, folder: Path, seed: int = 7) -> list[Path]:
    """`rows` seeded request rows split over `files` Parquet files (kept if already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"logs-{i:03d}.parquet" for i in range(files)]
    if all(p.exists() for p in paths):
        return paths
    per_file = rows // files
    for i, path in enumerate(paths):
        _requests(per_file, seed + i).drop("cache_share").write_parquet(path)
        print(f"   wrote {path.name} ({per_file:,} rows)", flush=True)
    return paths


def _cached_tokens() -> pl.Expr:
    """A request's prompt-cache reads: part of the prompt for ~30 % of requests, else 0."""
    prompt, share = pl.col("prompt_tokens"), pl.col("cache_share")
    return pl.when(share < 0.3).then((prompt * share).cast(pl.Int64)).otherwise(0)


def _request_tags() -> pl.Expr:
    """``request_tags`` as LiteLLM stores it: JSON text of the tag list (``[]`` untagged)."""
    tag = pl.col("tag")
    return (
        pl.when(tag.is_null())
        .then(pl.lit("[]"))
        .otherwise(pl.concat_str(pl.lit('["'), tag, pl.lit('"]')))
    )


def write_litellm_csv(rows: int, folder: Path, seed: int = 11) -> Path:
    """A LiteLLM ``LiteLLM_SpendLogs`` dump as CSV (kept if already there).

    One row per request; about 30 % of requests read part of their prompt from the
    provider's cache (``cache_read_input_tokens`` and ``prompt_tokens_details.cached_tokens``
    in ``metadata.usage_object``, both the same count, as ``Usage`` mirrors them). No
    cache writes, no request on a batch tier (``call_type`` is ``acompletion``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "spendlogs.csv"
    if path.exists():
        return path
    frame = _requests(rows, seed)
    prompt, completion = pl.col("prompt_tokens"), pl.col("completion_tokens")
    cached = _cached_tokens()
    usage = pl.concat_str(
        pl.lit('{"user_api_key_alias": null, "usage_object": {"completion_tokens": '),
        completion,
        pl.lit(', "prompt_tokens": '),
        prompt,
        pl.lit(', "total_tokens": '),
        prompt + completion,
        pl.lit(', "cache_read_input_tokens": '),
        cached,
        pl.lit(', "cache_creation_input_tokens": 0, "prompt_tokens_details": {"cached_tokens": '),
        cached,
        pl.lit("}}}"),
    )
    dump = frame.with_row_index("n").select(
        pl.format("req-{}", "n").alias("request_id"),
        pl.lit("acompletion").alias("call_type"),
        pl.lit("88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b").alias("api_key"),
        "spend",
        (prompt + completion).alias("total_tokens"),
        "prompt_tokens",
        "completion_tokens",
        pl.col("start_time").dt.strftime("%Y-%m-%d %H:%M:%S%.3f").alias("startTime"),
        pl.col("start_time").dt.strftime("%Y-%m-%d %H:%M:%S%.3f").alias("endTime"),
        "model",
        pl.col("model").alias("model_group"),
        pl.col("provider").alias("custom_llm_provider"),
        pl.lit("").alias("user"),
        usage.alias("metadata"),
        pl.lit("False").alias("cache_hit"),
        _request_tags().alias("request_tags"),
    )
    dump.write_csv(path)
    print(f"   wrote {path.name} ({rows:,} rows)", flush=True)
    return path


def _details(cached: pl.Expr) -> list[pl.Expr]:
    """The ``completion_tokens_details`` / ``prompt_tokens_details`` / cache keys of a
    LiteLLM ``Usage`` dict as JSON text pieces (``litellm/types/utils.py``)."""
    return [
        pl.lit(
            '"completion_tokens_details": {"accepted_prediction_tokens": 0, "audio_tokens": 0, '
            '"reasoning_tokens": 0, "rejected_prediction_tokens": 0, "text_tokens": null}, '
            '"prompt_tokens_details": {"audio_tokens": null, "cached_tokens": '
        ),
        cached,
        pl.lit(
            ', "text_tokens": null, "image_tokens": null}, "cache_creation_input_tokens": 0, '
            '"cache_read_input_tokens": '
        ),
        cached,
    ]


def write_litellm_real_csv(rows: int, folder: Path, seed: int = 11) -> Path:
    """The same requests as `write_litellm_csv`, dumped the way a real ``LiteLLM_SpendLogs``
    table is (kept if already there).

    Every column of the table (``schema.prisma``, as in
    ``tests/data/logs/litellm_spendlogs_cache.csv``), and ``metadata`` as LiteLLM's
    ``spend_tracking_utils.py`` writes it: ``status``, ``batch_models: null``, the key and
    team aliases, ``spend_logs_metadata``, the ``usage_object`` with its details objects
    and cache keys, and ``additional_usage_values`` repeating the details (about 940 bytes
    a row against 230 in the benchmark's own shape). Same counts, same findings.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "spendlogs.csv"
    if path.exists():
        return path
    frame = _requests(rows, seed)
    prompt, completion = pl.col("prompt_tokens"), pl.col("completion_tokens")
    cached = _cached_tokens()
    metadata = pl.concat_str(
        pl.lit(
            '{"status": "success", "batch_models": null, "user_api_key_alias": "etl-key", '
            '"user_api_key_team_alias": "data-platform", "spend_logs_metadata": null, '
            '"usage_object": {"completion_tokens": '
        ),
        completion,
        pl.lit(', "prompt_tokens": '),
        prompt,
        pl.lit(', "total_tokens": '),
        prompt + completion,
        pl.lit(", "),
        *_details(cached),
        pl.lit('}, "additional_usage_values": {'),
        *_details(cached),
        pl.lit("}}"),
    )
    start = pl.col("start_time").dt.strftime("%Y-%m-%d %H:%M:%S%.3f")
    none = pl.lit(None, dtype=pl.String)
    dump = frame.with_row_index("n").select(
        pl.format("chatcmpl-{}", "n").alias("request_id"),
        pl.lit("acompletion").alias("call_type"),
        pl.lit("12863374750ccdd3839ccfa4ea2261c6a8370d67a9a5a6fec84038603b1481fc").alias("api_key"),
        "spend",
        (prompt + completion).alias("total_tokens"),
        "prompt_tokens",
        "completion_tokens",
        start.alias("startTime"),
        start.alias("endTime"),
        pl.lit(1200).alias("request_duration_ms"),
        start.alias("completionStartTime"),
        "model",
        pl.lit("06ace442-0000-4000-8000-a23c4e80ac7a").alias("model_id"),
        pl.col("model").alias("model_group"),
        pl.col("provider").alias("custom_llm_provider"),
        pl.lit("https://api.example.com/v1").alias("api_base"),
        pl.lit("svc-etl").alias("user"),
        metadata.alias("metadata"),
        pl.lit("False").alias("cache_hit"),
        pl.lit("Cache OFF").alias("cache_key"),
        _request_tags().alias("request_tags"),
        pl.lit("team-data").alias("team_id"),
        none.alias("organization_id"),
        none.alias("end_user"),
        none.alias("requester_ip_address"),
        pl.lit("{}").alias("messages"),
        pl.lit("{}").alias("response"),
        pl.format("sess-{}", "n").alias("session_id"),
        pl.lit("success").alias("status"),
        none.alias("mcp_namespaced_tool_name"),
        none.alias("agent_id"),
        pl.lit("{}").alias("proxy_server_request"),
    )
    dump.write_csv(path)
    print(f"   wrote {path.name} ({rows:,} rows, the real dump's shape)", flush=True)
    return path


# -- the engines ----------------------------------------------------------------------------


def _rates() -> pl.DataFrame:
    """The batch rates of every pair that has them, with the cached-input rate (else input)."""
    latest = bf.catalog().latest_frame
    return latest.select(
        "provider",
        "model",
        pl.col("batch_input_per_million").alias("rate_in"),
        pl.col("batch_output_per_million").alias("rate_out"),
        pl.coalesce("batch_cached_input_per_million", "batch_input_per_million").alias(
            "rate_cached"
        ),
    ).drop_nulls()


_FINDINGS_SQL = """
    tot AS (SELECT SUM(c) AS total FROM seg),
    priced AS (
        SELECT s.tag, s.c, s.n,
               ((s.i - s.k) * r.rate_in + s.k * r.rate_cached + s.o * r.rate_out) / 1e6 AS p
        FROM seg s JOIN rates r ON s.provider = r.provider AND s.model = r.model
        WHERE NOT s.batched AND s.tag IS NOT NULL AND lower(s.tag) IN ({tags})
    ),
    folded AS (
        SELECT tag, SUM(c) AS e, SUM(p) AS p, SUM(n) AS n FROM priced
        GROUP BY tag HAVING SUM(c) > 0
    )
    SELECT tag, e AS eligible_spend_usd, p AS projected_batch_cost_usd,
           GREATEST(e - p, 0) AS projected_savings_usd,
           CASE WHEN total > 0 THEN e / total * 100 ELSE 0 END AS share_of_spend_pct,
           n AS request_count, GREATEST(e - p, 0) / e * 100 AS discount_pct
    FROM folded, tot
    ORDER BY projected_savings_usd DESC, tag
"""


def duckdb_sql(kind: str, source: str) -> str:
    """DuckDB's natural query: fold the rows per segment, then price the few segments."""
    tags = ", ".join("'" + t.replace("'", "''") + "'" for t in ELIGIBLE)
    if kind == "parquet":
        seg = f"""
        seg AS (
            SELECT provider, model, tag, lower(service_tier) IN ('batch', 'flex') AS batched,
                   SUM(prompt_tokens) AS i, SUM(completion_tokens) AS o, 0 AS k,
                   SUM(spend) AS c, COUNT(*) AS n
            FROM read_parquet('{source}') GROUP BY ALL
        ),"""
    else:
        seg = f"""
        seg AS (
            SELECT custom_llm_provider AS provider, model,
                   request_tags ->> 0 AS tag, false AS batched,
                   SUM(prompt_tokens) AS i, SUM(completion_tokens) AS o,
                   SUM(CAST(metadata -> '$.usage_object.cache_read_input_tokens' AS BIGINT)) AS k,
                   SUM(spend) AS c, COUNT(*) AS n
            FROM read_csv('{source}') GROUP BY ALL
        ),"""
    return "WITH" + seg + _FINDINGS_SQL.format(tags=tags)


def _findings_polars(seg: pl.DataFrame) -> pl.DataFrame:
    """The careful Polars user's projection of the folded segments (eager, a few rows)."""
    total = seg["c"].sum()
    priced = (
        seg.filter(~pl.col("batched") & pl.col("tag").str.to_lowercase().is_in(ELIGIBLE))
        .join(_rates(), on=["provider", "model"])
        .with_columns(
            p=(
                (pl.col("i") - pl.col("k")) * pl.col("rate_in")
                + pl.col("k") * pl.col("rate_cached")
                + pl.col("o") * pl.col("rate_out")
            )
            / 1e6
        )
    )
    out = (
        priced.group_by("tag")
        .agg(e=pl.col("c").sum(), p=pl.col("p").sum(), n=pl.col("n").sum())
        .filter(pl.col("e") > 0)
    )
    savings = pl.max_horizontal(pl.col("e") - pl.col("p"), 0.0)
    return out.select(
        "tag",
        pl.col("e").alias("eligible_spend_usd"),
        pl.col("p").alias("projected_batch_cost_usd"),
        savings.alias("projected_savings_usd"),
        (pl.col("e") / total * 100).alias("share_of_spend_pct"),
        pl.col("n").alias("request_count"),
        (savings / pl.col("e") * 100).alias("discount_pct"),
    ).sort(["projected_savings_usd", "tag"], descending=[True, False])


def polars_query(kind: str, source: str) -> pl.DataFrame:
    """A careful Polars user: fold the raw columns as they are (streaming), then the rest."""
    if kind == "parquet":
        seg = (
            pl.scan_parquet(source)
            .group_by("provider", "model", "tag", "service_tier")
            .agg(
                i=pl.col("prompt_tokens").sum(),
                o=pl.col("completion_tokens").sum(),
                c=pl.col("spend").sum(),
                n=pl.len(),
            )
            .collect(engine="streaming")
            .with_columns(
                batched=pl.col("service_tier").str.to_lowercase().is_in(BATCH_TIERS),
                k=pl.lit(0),
            )
        )
    else:
        cached = pl.col("metadata").str.extract(r'"cache_read_input_tokens": (\d+)').cast(pl.Int64)
        seg = (
            pl.scan_csv(source)
            .group_by(pl.col("custom_llm_provider").alias("provider"), "model", "request_tags")
            .agg(
                i=pl.col("prompt_tokens").sum(),
                o=pl.col("completion_tokens").sum(),
                k=cached.sum(),
                c=pl.col("spend").sum(),
                n=pl.len(),
            )
            .collect(engine="streaming")
            .with_columns(
                tag=pl.col("request_tags").str.json_decode(pl.List(pl.String)).list.first(),
                batched=pl.lit(False),
            )
        )
    return _findings_polars(seg)


def pandas_query(source: str) -> pl.DataFrame:
    """pandas over the CSV: read (pyarrow engine), fold the raw columns, then the rest."""
    import pandas as pd

    frame = pd.read_csv(
        source,
        engine="pyarrow",
        usecols=[
            "custom_llm_provider",
            "model",
            "request_tags",
            "prompt_tokens",
            "completion_tokens",
            "spend",
            "metadata",
        ],
    )
    frame["k"] = (
        frame["metadata"]
        .str.extract(r'"cache_read_input_tokens": (\d+)', expand=False)
        .astype("int64")
    )
    seg = (
        frame.groupby(["custom_llm_provider", "model", "request_tags"], sort=False)
        .agg(
            i=("prompt_tokens", "sum"),
            o=("completion_tokens", "sum"),
            k=("k", "sum"),
            c=("spend", "sum"),
            n=("spend", "size"),
        )
        .reset_index()
    )
    seg["tag"] = seg["request_tags"].map(lambda text: (json.loads(text) or [None])[0])
    seg = seg.rename(columns={"custom_llm_provider": "provider"})
    rates = _rates().to_pandas()
    total = seg["c"].sum()
    seg = seg[seg["tag"].notna()]
    seg = seg[seg["tag"].str.lower().isin(ELIGIBLE)].merge(rates, on=["provider", "model"])
    seg["p"] = (
        (seg["i"] - seg["k"]) * seg["rate_in"]
        + seg["k"] * seg["rate_cached"]
        + seg["o"] * seg["rate_out"]
    ) / 1e6
    out = seg.groupby("tag", sort=False).agg(e=("c", "sum"), p=("p", "sum"), n=("n", "sum"))
    out = out[out["e"] > 0].reset_index()
    out["projected_savings_usd"] = (out["e"] - out["p"]).clip(lower=0)
    out["share_of_spend_pct"] = out["e"] / total * 100
    out["discount_pct"] = out["projected_savings_usd"] / out["e"] * 100
    out = out.rename(
        columns={"e": "eligible_spend_usd", "p": "projected_batch_cost_usd", "n": "request_count"}
    ).sort_values(["projected_savings_usd", "tag"], ascending=[False, True])
    return pl.from_pandas(out[peers.NUMERIC])


def batchframe_chain(kind: str, source: str) -> pl.DataFrame:
    """The public lazy chain, nothing collected in between."""
    if kind == "parquet":
        logs = bf.scan_request_logs(source, columns=COLUMNS)
    else:
        logs = bf.scan_request_logs(source, preset="litellm-spendlogs")
    findings = bf.project_batch_savings(bf.aggregate_request_logs(logs))
    assert isinstance(findings, pl.LazyFrame)
    return findings.collect()


def probe(engine: str, kind: str, source: str) -> dict[str, Any]:
    """One run in this (fresh) process: wall time, peak RSS, the numeric findings."""
    start = time.perf_counter()
    if engine == "batchframe":
        result = batchframe_chain(kind, source)
    elif engine == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.register("rates", _rates().to_arrow())
        result = pl.from_arrow(con.sql(duckdb_sql(kind, source)).to_arrow_table())
        assert isinstance(result, pl.DataFrame)
    elif engine == "polars":
        result = polars_query(kind, source)
    else:
        result = pandas_query(source)
    seconds = time.perf_counter() - start
    return {
        "engine": engine,
        "seconds": seconds,
        "peak_rss_bytes": _high_water_rss(),
        "result": result.select(peers.NUMERIC).write_json(),
    }


def _run(engine: str, kind: str, source: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--probe", engine, "--kind", kind, "--source", source],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"{engine} failed on {kind}:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def compare(
    name: str, kind: str, source: str, rows: int, engines: list[str], repeats: int
) -> dict[str, Any]:
    """Every engine `repeats` times, taking turns; checked against batchframe; a report."""
    runs: dict[str, list[dict[str, Any]]] = {engine: [] for engine in engines}
    for _ in range(repeats):
        for engine in engines:
            runs[engine].append(_run(engine, kind, source))
    ours = pl.read_json(runs["batchframe"][0]["result"].encode())
    for engine in engines[1:]:
        check_same(f"{engine} on {name}", pl.read_json(runs[engine][0]["result"].encode()), ours)
    print(f"   ok: every engine finds the same {ours.height} findings")
    results = []
    base = min(p["seconds"] for p in runs["batchframe"])
    for engine, probes in runs.items():
        seconds = min(p["seconds"] for p in probes)
        peak = max(p["peak_rss_bytes"] for p in probes)
        results.append(
            {
                "engine": engine,
                "seconds": seconds,
                "all_seconds": [p["seconds"] for p in probes],
                "rows_per_second": rows / seconds,
                "peak_rss_bytes": peak,
                "time_vs_batchframe": seconds / base,
            }
        )
        print(
            f"   {engine:<11} best {seconds:7.2f} s  {rows / seconds / 1e6:6.1f} M rows/s  "
            f"peak RSS {peak / 2**30:5.2f} GiB  ({seconds / base:4.2f}x batchframe)",
            flush=True,
        )
    return {"name": name, "kind": kind, "rows": rows, "findings": ours.height, "results": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows", type=sizes, default=[2 * 10**7, 10**8], help="Parquet sizes (0: none)"
    )
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--csv-rows", type=lambda t: int(float(t)), default=10**7, help="0: none")
    parser.add_argument(
        "--real-csv-rows",
        type=lambda t: int(float(t)),
        default=0,
        help="the same CSV export with every column and metadata key a real dump has (0: none)",
    )
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        print(json.dumps(probe(args.probe, args.kind, args.source)))
        return 0

    report: dict[str, Any] = {"machine": machine(), "command": sys.argv, "inputs": []}
    for rows in (size for size in args.rows if size > 0):
        folder = args.data_dir / f"logs-{rows}-{args.files}"
        print(f"== {rows:,} raw log rows in {args.files} Parquet files ({folder})", flush=True)
        paths = write_logs(rows, args.files, folder)
        entry = compare(
            f"parquet-{rows}",
            "parquet",
            str(folder / "logs-*.parquet"),
            rows,
            ["batchframe", "duckdb", "polars"],
            args.repeats,
        )
        entry.update(files=args.files, bytes=sum(p.stat().st_size for p in paths))
        report["inputs"].append(entry)
    csvs = [
        (args.csv_rows, "litellm", write_litellm_csv, "one CSV"),
        (
            args.real_csv_rows,
            "litellm-real",
            write_litellm_real_csv,
            "one CSV of a real dump's shape",
        ),
    ]
    for rows, name, write, what in csvs:
        if not rows:
            continue
        folder = args.data_dir / f"{name}-{rows}"
        print(f"== {rows:,} LiteLLM spend-log rows in {what} ({folder})", flush=True)
        path = write(rows, folder)
        entry = compare(
            f"{name}-csv-{rows}",
            "csv",
            str(path),
            rows,
            ["batchframe", "duckdb", "polars", "pandas"],
            args.repeats,
        )
        entry.update(files=1, bytes=path.stat().st_size)
        report["inputs"].append(entry)
    if args.json:
        write_report(args.json, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
