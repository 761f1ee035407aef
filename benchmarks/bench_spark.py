"""Benchmark ``dedup --engine spark`` end to end against the local engine on the same input.

    python benchmarks/bench_spark.py --count 1000000

1. Generates (once, cached in ``bench-data/``) ``--count`` news-like articles
   in one JSONL file (``benchmarks/generate_articles.py``).
2. Runs ``python -m compare dedup FILE --engine spark --spark-master MASTER
   --format parquet --output DIR`` as a child process and times it from start
   to exit (JVM start, reading, fingerprinting, learning chrome, candidates,
   verification, clusters, writing Parquet). Peak memory is the sampled sum of
   the resident sets of the child and all its descendants (the JVM and its
   Python workers). Shuffle bytes written and read, and bytes spilled, are
   summed from Spark's event log over every task.
3. In the same run, the baseline: the local engine (``dedup FILE --format
   json``, one worker per core) on the same file, timed the same way.
4. Checks that both found the same pairs (ids, relation, scores and
   character Jaccard to 4 decimals as the JSON carries them) and clusters,
   and prints the ratio.

Speed is printed, never asserted. ``--skip-local`` leaves out step 3.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchutil import REPO, load, machine, run_child
from generate_articles import DEFAULT_SEED, cached_jsonl


def event_log_totals(directory: Path) -> dict[str, int]:
    """Shuffle and spill bytes over every task of the run's event log(s)."""
    totals = {"shuffle_written": 0, "shuffle_read": 0, "memory_spilled": 0, "disk_spilled": 0, "tasks": 0}
    # Spark 4 writes rolling event logs: a directory per application, event files inside.
    for log in sorted(p for p in directory.rglob("*") if p.is_file() and not p.name.startswith("appstatus")):
        with log.open(encoding="utf-8") as lines:
            for line in lines:
                if '"SparkListenerTaskEnd"' not in line:
                    continue
                metrics = json.loads(line).get("Task Metrics") or {}
                totals["tasks"] += 1
                write = metrics.get("Shuffle Write Metrics") or {}
                read = metrics.get("Shuffle Read Metrics") or {}
                totals["shuffle_written"] += write.get("Shuffle Bytes Written", 0)
                totals["shuffle_read"] += read.get("Remote Bytes Read", 0) + read.get("Local Bytes Read", 0)
                totals["memory_spilled"] += metrics.get("Memory Bytes Spilled", 0)
                totals["disk_spilled"] += metrics.get("Disk Bytes Spilled", 0)
    return totals


def stage_table(directory: Path, top: int = 25) -> list[str]:
    """The stages that took longest (wall time from submission to completion), from the event log.

    One line per stage: wall seconds, the summed run time of its tasks, tasks,
    shuffle written and read, and where the driver started it (Spark's call site).
    """
    stages: dict[int, dict] = {}
    for log in sorted(p for p in directory.rglob("*") if p.is_file() and not p.name.startswith("appstatus")):
        with log.open(encoding="utf-8") as lines:
            for line in lines:
                if '"SparkListenerTaskEnd"' in line:
                    event = json.loads(line)
                    stage = stages.setdefault(event["Stage ID"], {"run": 0, "written": 0, "read": 0})
                    metrics = event.get("Task Metrics") or {}
                    stage["run"] += metrics.get("Executor Run Time", 0)
                    stage["written"] += (metrics.get("Shuffle Write Metrics") or {}).get("Shuffle Bytes Written", 0)
                    read = metrics.get("Shuffle Read Metrics") or {}
                    stage["read"] += read.get("Remote Bytes Read", 0) + read.get("Local Bytes Read", 0)
                elif '"SparkListenerStageCompleted"' in line:
                    info = json.loads(line)["Stage Info"]
                    stage = stages.setdefault(info["Stage ID"], {"run": 0, "written": 0, "read": 0})
                    stage["wall"] = (info.get("Completion Time", 0) - info.get("Submission Time", 0)) / 1000
                    stage["tasks"] = info.get("Number of Tasks", 0)
                    stage["name"] = info.get("Stage Name", "")
    done = [(sid, s) for sid, s in stages.items() if "wall" in s]
    total = sum(s["wall"] for _, s in done)
    out = [f"stages: {len(done)}, {total:,.1f} s of stage wall time (stages may overlap); the {top} longest:"]
    for sid, s in sorted(done, key=lambda item: -item[1]["wall"])[:top]:
        out.append(
            f"  stage {sid:4d}: {s['wall']:8.1f} s wall, {s['run'] / 1000:8.1f} s task time, {s['tasks']:5d} tasks, "
            f"shuffle w {s['written'] / 2**20:7.1f} MB r {s['read'] / 2**20:7.1f} MB  {s['name']}"
        )
    return out


def spark_output(directory: Path) -> tuple[list[tuple], list[tuple]]:
    """Pairs (rounded like the JSON output) and clusters as written by the spark engine."""
    import pyarrow.parquet as pq

    pairs = pq.read_table(directory / "pairs").to_pylist()
    clusters = pq.read_table(directory / "clusters").to_pylist()
    return (
        [
            (p["a"], p["b"], round(p["jaccard"], 4), round(p["containment"], 4), p["relation"],
             None if p["char_jaccard"] is None else round(p["char_jaccard"], 4))
            for p in pairs
        ],
        [(c["id"], c["cluster"]) for c in clusters],
    )


def local_output(report: dict) -> tuple[list[tuple], list[tuple]]:
    pairs = [(p["a"], p["b"], p["jaccard"], p["containment"], p["relation"], p.get("char_jaccard")) for p in report["pairs"]]
    clusters = [(member, n) for n, cluster in enumerate(report["clusters"], 1) for member in cluster]
    return pairs, clusters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time dedup --engine spark end to end against the local engine.")
    parser.add_argument("--count", type=int, default=1_000_000, help="articles (default 1000000)")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--driver-memory", default="6g", help="spark.driver.memory (local mode: the whole JVM)")
    parser.add_argument("--data", type=Path, default=REPO / "bench-data", help="where generated files are cached")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument("--skip-local", action="store_true", help="do not run the local engine for the ratio")
    parser.add_argument("--stages", type=int, default=0, metavar="N", help="print the N longest Spark stages (from the event log)")
    parser.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE", help="more Spark settings (repeatable)")
    args = parser.parse_args(argv)

    print(f"machine: {machine()}; {load()} before")
    start = time.perf_counter()
    data = cached_jsonl(args.data, args.count, seed=args.seed)
    print(f"input: {data} ({data.stat().st_size / 2**20:,.0f} MB, {args.count} articles; ready in {time.perf_counter() - start:.1f} s)")

    with tempfile.TemporaryDirectory(dir=args.data) as tmp:
        events = Path(tmp) / "events"
        events.mkdir()
        out = Path(tmp) / "out"
        command = [
            sys.executable, "-m", "compare", "dedup", str(data), "--engine", "spark",
            "--spark-master", args.master, "--format", "parquet", "--output", str(out),
            "--spark-conf", f"spark.driver.memory={args.driver_memory}",
            "--spark-conf", "spark.eventLog.enabled=true",
            "--spark-conf", "spark.eventLog.compress=false",
            "--spark-conf", f"spark.eventLog.dir={events.as_uri()}",
            "--spark-conf", f"spark.local.dir={tmp}",
        ]
        for item in args.spark_conf:
            command += ["--spark-conf", item]
        run = run_child(command)
        print(f"{load()} after the spark engine")
        if run.returncode != 0:
            sys.stderr.write(run.stderr[-5000:])
            print(f"spark engine failed with exit code {run.returncode}", file=sys.stderr)
            return 1
        spark_pairs, spark_clusters = spark_output(out)
        totals = event_log_totals(events)
        stages = stage_table(events, args.stages) if args.stages else []

    rate = args.count / run.seconds
    print(f"spark ({args.master}): {args.count} articles in {run.seconds:,.1f} s = {rate:,.0f} articles/s end to end")
    print(f"spark: CPU time {run.cpu_seconds:,.1f} s over the driver, JVM and Python workers = {args.count / run.cpu_seconds:,.0f} articles per CPU-second")
    print(f"spark: peak memory {run.tree_peak_mb:,.0f} MB for the driver, JVM and Python workers together (sampled)")
    print(
        f"spark: shuffle written {totals['shuffle_written'] / 2**20:,.0f} MB, read {totals['shuffle_read'] / 2**20:,.0f} MB; "
        f"spilled {totals['memory_spilled'] / 2**20:,.0f} MB (memory) / {totals['disk_spilled'] / 2**20:,.0f} MB (disk); "
        f"{totals['tasks']} tasks"
    )
    print(f"spark: {len(spark_pairs)} pairs, {len(set(c for _, c in spark_clusters))} clusters")
    for line in stages:
        print(line)

    if args.skip_local:
        return 0
    with tempfile.TemporaryDirectory(dir=args.data) as tmp:
        output = Path(tmp) / "dedup.json"
        base = run_child([sys.executable, "-m", "compare", "dedup", str(data), "--format", "json", "--output", str(output)])
        if base.returncode != 0:
            sys.stderr.write(base.stderr[-5000:])
            print(f"local engine failed with exit code {base.returncode}", file=sys.stderr)
            return 1
        report = json.loads(output.read_text(encoding="utf-8"))
    base_rate = args.count / base.seconds
    print(f"local engine (baseline, one worker per core): {args.count} articles in {base.seconds:,.1f} s = {base_rate:,.0f} articles/s; "
          f"CPU {base.cpu_seconds:,.1f} s; peak {base.tree_peak_mb:,.0f} MB")
    local_pairs, local_clusters = local_output(report)
    same = local_pairs == spark_pairs and local_clusters == spark_clusters
    print(f"identical results: {'yes' if same else 'NO'} ({len(local_pairs)} pairs, {len(report['clusters'])} clusters from the local engine)")
    print(f"ratio: the spark engine takes {run.seconds / base.seconds:.2f}x the local engine's wall time "
          f"({run.cpu_seconds / base.cpu_seconds:.2f}x its CPU time)")
    print(f"{load()} after")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
