"""Batch benchmark: `newsclean clean` over the WCXB dev pages with 1 and 2 workers.

    python benchmarks/batch.py --data ../shared/wcxb-dev
    python benchmarks/batch.py --data ../shared/wcxb-dev --workers 1,2,4 --limit 300

Each configuration runs the real command in a fresh process (``newsclean clean DIR -o
OUT.jsonl --workers N --summary-json ...``), so the numbers include worker start-up, reading
the ``.html.gz`` files, cleaning, rendering JSON and the journalled write. Reports pages/s,
the speed-up over 1 worker, and the peak resident memory of the largest worker (each worker
reports its own ``ru_maxrss`` when it exits). Prints a table and writes it to
``benchmarks/RESULTS.md`` (section "Batch") and ``benchmarks/results/batch.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def run_once(pages: Path, workers: int, scratch: Path) -> dict[str, Any]:
    out = scratch / f"out-{workers}.jsonl"
    summary_path = scratch / f"summary-{workers}.json"
    command = [
        *(sys.executable, "-m", "newsclean", "clean", str(pages), "-o", str(out)),
        *("--workers", str(workers), "--quiet", "--summary-json", str(summary_path)),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the command and its workers
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"newsclean clean failed ({done.returncode}): {done.stderr.decode()}")
    summary: dict[str, Any] = json.loads(summary_path.read_text())
    summary["process_time_s"] = round(elapsed, 2)
    summary["cpu_s"] = round(cpu_s, 2)
    out.unlink()
    return summary


def limited_copy(pages: Path, limit: int, scratch: Path) -> Path:
    """A folder of links to the first ``limit`` pages (the data stays where it is)."""
    folder = scratch / "pages"
    folder.mkdir()
    for path in sorted(pages.glob("*.html.gz"))[:limit]:
        (folder / path.name).symlink_to(path.resolve())
    return folder


def table(rows: list[dict[str, Any]]) -> str:
    base = rows[0]["pages_per_s"]
    header = (
        "| workers | pages | errors | wall time (s) | CPU time (s) | cores used | pages/s "
        "| speed-up | peak RSS/worker (MB) |"
    )
    lines = [header, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [
        f"| {row['workers']} | {row['inputs']} | {row['errors']} | {row['wall_time_s']:.1f} "
        f"| {row['cpu_s']:.1f} | {row['cpu_s'] / row['process_time_s']:.2f} "
        f"| {row['pages_per_s']:.1f} | {row['pages_per_s'] / base:.2f}x "
        f"| {row['worker_peak_rss_mb'] or 0:.0f} |"
        for row in rows
    ]
    cpus = os.cpu_count() or 1
    starved = [r for r in rows if r["cpu_s"] / r["process_time_s"] < 0.8 * min(r["workers"], cpus)]
    if starved:
        lines.append(
            "\nThe machine was shared during this run: the "
            + ", ".join(f"{r['workers']}-worker" for r in starved)
            + " run got fewer cores than it had workers (see cores used), so its pages/s and "
            "the speed-up understate what idle cores give."
        )
    return "\n".join(lines)


def write_results(text: str, payload: dict[str, Any]) -> None:
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "batch.json").write_text(json.dumps(payload, indent=2) + "\n")
    results = HERE / "RESULTS.md"
    section = (
        f"## Batch\n\nCommand: `python benchmarks/batch.py {' '.join(sys.argv[1:])}` "
        f"({payload['machine']}).\n\n{text}\n\n"
        "Each row is one `newsclean clean DIR -o out.jsonl --workers N` run in a fresh process "
        "(start-up, reading, cleaning, JSON and the journalled write included). Speed-up is "
        "pages/s over the 1-worker run; CPU time is the command's and its workers' user + system "
        "time, and cores used is CPU time / wall time (near the worker count when the cores "
        "were ours, lower when other processes shared them); peak "
        "RSS is the largest worker's `ru_maxrss`. With `--repeat`, the best run is kept.\n"
    )
    old = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    start = old.find("## Batch")
    if start >= 0:
        end = old.find("\n## ", start + 3)
        old = old[:start] + (old[end + 1 :] if end >= 0 else "")
    results.write_text(old.rstrip() + "\n\n" + section, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "wcxb-dev")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per worker count, interleaved; best kept"
    )
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args()
    pages = args.data / "html"
    if not pages.is_dir():
        raise SystemExit(f"no pages at {pages}")
    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        folder = limited_copy(pages, args.limit, scratch) if args.limit else pages
        best: dict[int, dict[str, Any]] = {}
        for _ in range(args.repeat):
            for workers in counts:
                load = os.getloadavg()[0]
                row = run_once(folder, workers, scratch)
                row["load_before"] = round(load, 2)
                print(
                    f"{workers} workers: {row['pages_per_s']:.1f} pages/s ({row['inputs']} "
                    f"pages, {row['wall_time_s']:.1f} s, CPU {row['cpu_s']:.1f} s, "
                    f"load before {load:.1f})",
                    file=sys.stderr,
                )
                if workers not in best or row["pages_per_s"] > best[workers]["pages_per_s"]:
                    best[workers] = row
        rows = [best[n] for n in counts]
    text = table(rows)
    print(text)
    machine = f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"
    payload = {"command": " ".join(sys.argv), "machine": machine, "runs": rows}
    if len(rows) > 1:
        payload["speedup"] = round(rows[1]["pages_per_s"] / rows[0]["pages_per_s"], 2)
    if not args.no_write:
        write_results(text, payload)


if __name__ == "__main__":
    main()
