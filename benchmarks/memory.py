"""Peak memory of ``clean_html`` and of a batch worker, against the size limit.

    python benchmarks/memory.py                      # 1 GiB bombs, the largest dev pages
    python benchmarks/memory.py --bomb-mib 256 --limits 5000000

Each case runs in a fresh process, so that one case's peak cannot hide another's:

* ``clean_html``: the input file is read first (it is the caller's memory), the process
  warms up on a small page (imports, vocabularies, trafilatura), then cleans the input once;
  the figure is the peak resident size (``VmHWM``) minus the resident size before the call.
* batch worker: a one-worker batch (``run_batch``, what ``newsclean clean -w 1`` runs) on the
  one file; the figure is the summary's ``worker_peak_rss_mb`` minus that of a worker that
  cleaned one small page.

The inputs are gzip bombs (1 GiB of HTML text and 1 GiB of zero bytes, a few MB compressed),
a plain HTML file four times the limit, and the largest pages of the dev sets (by inflated
size). ``x limit`` is the extra peak divided by ``max_html_chars``: the bound the docs state
(docs/errors.md, "Memory") is that it stays under a fixed multiple of the limit, whatever the
compression ratio. Results go to ``benchmarks/results/memory.json`` and ``memory.md``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEV_SETS = (SHARED / "wcxb-dev" / "html", SHARED / "traf-eval-dev" / "html")
RESULTS = Path(__file__).resolve().parent / "results"
# A weak page: the auto extractor asks trafilatura too, so the warm-up (and the idle worker
# the batch figures are measured against) has imported everything a page can need.
SMALL_PAGE = "<html><body><article><p>One small page of text for the warm-up.</p></article>"

CLEAN_ONE = """
import sys
from pathlib import Path
import newsclean

def status(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    return 0

data = Path(sys.argv[1]).read_bytes()
options = newsclean.Options(max_html_chars=int(sys.argv[2]))
newsclean.clean_html(SMALL.encode() * 50, options=options)
before = status("VmRSS")
article = newsclean.clean_html(data, options=options)
print(status("VmHWM") - before, len(article.text), ";".join(article.warnings)[:120])
""".replace("SMALL", repr(SMALL_PAGE))


def inflated_size(path: Path) -> int:
    if path.suffix != ".gz":
        return path.stat().st_size
    with path.open("rb") as stream:
        stream.seek(-4, os.SEEK_END)
        return int(struct.unpack("<I", stream.read(4))[0])


def largest_dev_pages(count: int) -> list[Path]:
    pages = [p for folder in DEV_SETS if folder.is_dir() for p in folder.iterdir()]
    return sorted(pages, key=inflated_size)[-count:]


def write_bomb(path: Path, mib: int, *, zeros: bool) -> Path:
    if path.exists():
        return path
    block = b"\0" * (1 << 20) if zeros else b"<p>" + b"news " * ((1 << 20) // 5) + b"</p>"
    with gzip.open(path, "wb", compresslevel=6) as out:
        if not zeros:
            out.write(b"<html><body><article>")
        for _ in range(mib):
            out.write(block)
    return path


def write_plain(path: Path, size: int) -> Path:
    if not path.exists():
        block = b"<p>" + b"plain text of a huge page " * 4000 + b"</p>\n"
        with path.open("wb") as out:
            out.write(b"<html><body><article>")
            for _ in range(size // len(block) + 1):
                out.write(block)
    return path


def clean_html_peak(path: Path, limit: int) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", CLEAN_ONE, str(path), str(limit)],
        capture_output=True,
        text=True,
        check=True,
    )
    peak, _, warnings = [*done.stdout.strip().split(" ", 2), "", ""][:3]
    return int(peak), warnings


BATCH_ONE = """
import sys
from pathlib import Path
from newsclean._batch.engine import run_batch
from newsclean._batch.inputs import discover_units, iter_unit_items
from newsclean._batch.sinks import JsonlSink
from newsclean._options import Options

units = discover_units([sys.argv[1]])
items = (item for unit in units for item in iter_unit_items(unit))
sink = JsonlSink(Path(sys.argv[3]), resume=False)
summary = run_batch(items, sink, options=Options(max_html_chars=int(sys.argv[2])), workers=1)
print(summary.worker_peak_rss_mb or 0.0)
"""


def worker_peak(path: Path, limit: int, scratch: Path) -> float:
    """A batch worker's peak resident size cleaning ``path`` alone, in MiB."""
    done = subprocess.run(
        [sys.executable, "-c", BATCH_ONE, str(path), str(limit), str(scratch / "out.jsonl")],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bomb-mib", type=int, default=1024)
    parser.add_argument("--dev-pages", type=int, default=3)
    parser.add_argument("--limits", type=int, nargs="+", default=[25_000_000, 5_000_000])
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()) / "nc-mem")
    args = parser.parse_args()
    args.scratch.mkdir(parents=True, exist_ok=True)
    cases: list[tuple[str, Path]] = [
        (f"gzip bomb, {args.bomb_mib} MiB of HTML", write_bomb(
            args.scratch / f"bomb-html-{args.bomb_mib}.html.gz", args.bomb_mib, zeros=False)),
        (f"gzip bomb, {args.bomb_mib} MiB of zeros", write_bomb(
            args.scratch / f"bomb-zeros-{args.bomb_mib}.html.gz", args.bomb_mib, zeros=True)),
        ("plain HTML, 100 MB", write_plain(args.scratch / "plain-100mb.html", 100_000_000)),
    ]  # fmt: skip
    cases += [(f"dev page {p.name}", p) for p in largest_dev_pages(args.dev_pages)]
    small = args.scratch / "small.html"
    small.write_text(SMALL_PAGE, encoding="utf-8")
    rows = []
    for limit in args.limits:
        idle = worker_peak(small, limit, args.scratch)
        for label, path in cases:
            peak, warnings = clean_html_peak(path, limit)
            worker = worker_peak(path, limit, args.scratch)
            row = {
                "case": label,
                "file_mb": round(path.stat().st_size / 1e6, 2),
                "inflated_mb": round(inflated_size(path) / 1e6, 1),
                "limit_chars": limit,
                "clean_html_extra_mb": round(peak / 1e6, 1),
                "clean_html_x_limit": round(peak / limit, 2),
                "worker_peak_mb": worker,
                "worker_extra_mb": round(max(0.0, worker - idle), 1),
                "worker_x_limit": round(max(0.0, worker - idle) * 2**20 / limit, 2),
                "warnings": warnings,
            }
            rows.append(row)
            print(
                f"{label:32} limit {limit / 1e6:>4.0f}M"
                f"  clean_html +{row['clean_html_extra_mb']:>6} MB"
                f" ({row['clean_html_x_limit']:>5}x)  worker {worker:>6} MB,"
                f" +{row['worker_extra_mb']:>6} MB ({row['worker_x_limit']:>5}x)",
                flush=True,
            )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "memory.json").write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    worst_clean = max(r["clean_html_x_limit"] for r in rows)
    worst_worker = max(r["worker_x_limit"] for r in rows)
    lines = [
        "# Peak memory against the size limit",
        "",
        f"Command: `python benchmarks/memory.py --bomb-mib {args.bomb_mib} --limits "
        + " ".join(map(str, args.limits))
        + "`",
        "",
        "| case | file MB | inflated MB | limit (chars) | clean_html extra MB | x limit "
        "| worker peak MiB | worker extra MiB | x limit |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['case']} | {r['file_mb']} | {r['inflated_mb']} | {r['limit_chars']:,} "
        f"| {r['clean_html_extra_mb']} | {r['clean_html_x_limit']} | {r['worker_peak_mb']} "
        f"| {r['worker_extra_mb']} | {r['worker_x_limit']} |"
        for r in rows
    ]
    lines += [
        "",
        f"Worst case: clean_html {worst_clean}x the limit, a batch worker {worst_worker}x "
        "(beyond an idle worker).",
    ]
    (RESULTS / "memory.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"worst: clean_html {worst_clean}x limit, worker {worst_worker}x limit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
