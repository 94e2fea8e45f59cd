"""Speed benchmark: newsclean's stages against the lexbor parse floor and trafilatura.

    python benchmarks/speed.py --data ../shared/wcxb-dev --type article --limit 200
    python benchmarks/speed.py --type all --modes auto,trafilatura --repeat 3 --largest 30

Every page is timed, in the same process and interleaved page by page (the order rotates from
page to page), with: lexbor parsing only (``parse_html``, the floor no extractor can beat),
``run_pipeline`` for each newsclean extractor mode (``--modes``; the per-stage milliseconds
come from ``timings=``, the total is the wall time of the call) and ``trafilatura.extract``
with its default settings. All get the decoded ``str`` page and its URL. A few pages run
untimed first (imports, caches). With ``--repeat N`` each measurement is taken N times and
the fastest kept. Per mode it also counts newsclean's calls into trafilatura (first and
second opinions) and which extractor produced each body (``Article.extractor``).

Then, in a separate pass (tracemalloc slows everything down), the peak memory of one call on
the ``--largest`` K pages: ``tracemalloc`` peak per call for each mode and for trafilatura,
plus the process's peak RSS at the end. tracemalloc sees Python's allocator only: the lexbor
and libxml2 trees live in C memory it does not count, for newsclean and trafilatura alike.

Prints a Markdown table and the two targets of the default mode (median total under 5x the
parse-only median; at least 3x trafilatura's throughput), writes
``benchmarks/results/speed-<type>.json`` and the "Speed" section of ``benchmarks/RESULTS.md``
(the other sections are left byte for byte). Modes the installed newsclean does not know
(``Options`` raises ``OptionsError``) are skipped with a note.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import sys
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import version
from itertools import chain, islice
from pathlib import Path
from time import perf_counter
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trafilatura

from newsclean import OptionsError
from newsclean._dom import parse_html
from newsclean._extract.native import SPEEDUPS
from newsclean._options import Options
from newsclean._pipeline import STAGES, run_pipeline
from wcxb import Page, iter_pages, warm_up_libraries

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "wcxb-dev"
PARSE = "lexbor parse only"
TRAFILATURA = "trafilatura.extract"
# Targets for the default mode (issue: "median under 5x the parse-only time"; throughput).
PARSE_RATIO_TARGET = 5.0
THROUGHPUT_TARGET = 3.0
WARMUP_PAGES = 3
MB = 1024 * 1024


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` quantile by linear interpolation (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = share * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values) if values else 0.0,
        "mean": statistics.fmean(values) if values else 0.0,
        "p90": percentile(values, 0.9),
        "p99": percentile(values, 0.99),
    }


@dataclass
class ModeRun:
    """What one newsclean mode did on every page."""

    mode: str
    options: Options
    stages: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STAGES})
    total: list[float] = field(default_factory=list)
    extractors: Counter[str] = field(default_factory=Counter)
    fallbacks: int = 0
    trafilatura_runs: int = 0

    def primary(self) -> str:
        """The extractor this mode runs first."""
        return "trafilatura" if self.mode == "trafilatura" else "native"

    def add(
        self, timings: dict[str, float], total: float, extractor: str | None, runs: int
    ) -> None:
        """One page: stage times, total, the extractor used, trafilatura calls made."""
        for stage in STAGES:
            self.stages[stage].append(timings.get(stage, 0.0))
        self.total.append(total)
        name = extractor or "none"
        self.extractors[name] += 1
        self.trafilatura_runs += runs
        own = 1 if self.primary() == "trafilatura" else 0  # the mode's own trafilatura run
        fell_back = name.startswith("trafilatura") and name != self.primary()
        self.fallbacks += fell_back or runs > own


class TrafilaturaCalls:
    """Counts newsclean's calls into trafilatura while installed.

    newsclean's trafilatura body calls ``trafilatura.bare_extraction`` through the module, so
    wrapping that attribute counts its runs (first and second opinions) exactly;
    ``trafilatura.extract`` calls its own module's function and is not counted.
    """

    def __init__(self) -> None:
        self.count = 0
        self.original: Callable[..., Any] = trafilatura.bare_extraction

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.count += 1
        return self.original(*args, **kwargs)

    def __enter__(self) -> TrafilaturaCalls:
        trafilatura.bare_extraction = self
        return self

    def __exit__(self, *exc: object) -> None:
        trafilatura.bare_extraction = self.original


def usable_modes(requested: Sequence[str]) -> tuple[list[ModeRun], list[str]]:
    """A run per mode the installed newsclean accepts, and notes on the ones it does not."""
    runs: list[ModeRun] = []
    notes: list[str] = []
    for mode in requested:
        try:
            options = Options(extractor=mode)  # type: ignore[arg-type]
        except OptionsError as exc:
            notes.append(f"mode {mode!r} skipped: {exc}")
            continue
        runs.append(ModeRun(mode, options))
    return runs, notes


def timed(call: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The fastest of ``repeat`` calls in milliseconds, and the last call's result."""
    best = float("inf")
    result: Any = None
    for _ in range(repeat):
        start = perf_counter()
        result = call()
        best = min(best, (perf_counter() - start) * 1000.0)
    return best, result


def time_page(
    page: Page,
    runs: list[ModeRun],
    parse_ms: list[float],
    traf_ms: list[float],
    *,
    turn: int,
    repeat: int,
    counter: TrafilaturaCalls,
) -> None:
    """Time every measurer on one page, starting at a different one each page."""
    url = page.url

    def parse() -> None:
        parse_ms.append(timed(lambda: parse_html(page.html), repeat)[0])

    def extract() -> None:
        traf_ms.append(timed(lambda: trafilatura.extract(page.html, url=url), repeat)[0])

    def pipeline(run: ModeRun) -> Callable[[], None]:
        def call() -> None:
            best: dict[str, float] = {}
            best_total = float("inf")
            extractor: str | None = None
            runs = 0
            for _ in range(repeat):
                timings: dict[str, float] = {}
                before = counter.count
                start = perf_counter()
                article = run_pipeline(
                    page.html, url=url, options=run.options, content_type=None, timings=timings
                )
                total = (perf_counter() - start) * 1000.0
                runs = counter.count - before
                if total < best_total:
                    best, best_total, extractor = timings, total, article.extractor
            run.add(best, best_total, extractor, runs)

        return call

    calls = [parse, *(pipeline(run) for run in runs), extract]
    shift = turn % len(calls)
    for call in calls[shift:] + calls[:shift]:
        call()


def warm_up(pages: list[Page], runs: list[ModeRun]) -> None:
    warm_up_libraries()
    for page in pages:
        parse_html(page.html)
        for run in runs:
            clean(page, run.options)
        trafilatura.extract(page.html, url=page.url)


def clean(page: Page, options: Options) -> Any:
    return run_pipeline(page.html, url=page.url, options=options, content_type=None)


def traced_peak(call: Callable[[], Any]) -> float:
    """Peak traced memory (MB) while ``call`` runs, counted from zero."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def memory_pass(pages: list[Page], runs: list[ModeRun]) -> dict[str, Any]:
    """tracemalloc peaks per call on the given pages, for each mode and for trafilatura."""
    peaks: dict[str, list[float]] = {f"newsclean[{r.mode}]": [] for r in runs}
    peaks[TRAFILATURA] = []
    per_page: list[dict[str, Any]] = []
    for page in pages:
        row: dict[str, Any] = {"id": page.file_id, "html_kb": round(len(page.html) / 1024, 1)}
        for run in runs:
            name = f"newsclean[{run.mode}]"
            peak = traced_peak(partial(clean, page, run.options))
            peaks[name].append(peak)
            row[name] = round(peak, 2)
        peak = traced_peak(partial(trafilatura.extract, page.html, url=page.url))
        peaks[TRAFILATURA].append(peak)
        row[TRAFILATURA] = round(peak, 2)
        per_page.append(row)
    sizes = [len(p.html) / 1024 for p in pages]
    return {
        "pages": len(pages),
        "html_kb": {"median": statistics.median(sizes), "max": max(sizes)} if sizes else {},
        "peak_mb": {
            name: {"median": statistics.median(v), "max": max(v)} for name, v in peaks.items() if v
        },
        "per_page": per_page,
    }


def max_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / MB if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KB on Linux


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def build_report(
    parse_ms: list[float], traf_ms: list[float], runs: list[ModeRun], default_mode: str
) -> dict[str, Any]:
    """All numbers of the timing pass, as the JSON file stores them."""
    parse = summary(parse_ms)
    traf = summary(traf_ms)

    def ratios(stats: dict[str, float]) -> dict[str, float | None]:
        return {
            "x_parse_median": stats["median"] / parse["median"] if parse["median"] else None,
            "pages_per_s": 1000.0 / stats["mean"] if stats["mean"] else None,
            "x_trafilatura_throughput": traf["mean"] / stats["mean"] if stats["mean"] else None,
        }

    modes: dict[str, Any] = {}
    for run in runs:
        total = summary(run.total)
        pages = len(run.total)
        modes[run.mode] = {
            "stages": {s: summary(v) for s, v in run.stages.items()},
            "total": {**total, **ratios(total)},
            "fallback_share": run.fallbacks / pages if pages else 0.0,
            "trafilatura_runs_per_page": run.trafilatura_runs / pages if pages else 0.0,
            "extractors": dict(run.extractors.most_common()),
        }
    report: dict[str, Any] = {
        "pages": len(parse_ms),
        "parse_only": {**parse, **ratios(parse)},
        "modes": modes,
        "trafilatura": {**traf, **ratios(traf)},
        "default_mode": default_mode,
        "targets": {},
    }
    if default_mode in modes:
        total = modes[default_mode]["total"]
        report["targets"] = {
            "x_parse_median": total["x_parse_median"],
            "x_parse_target": PARSE_RATIO_TARGET,
            "x_trafilatura_throughput": total["x_trafilatura_throughput"],
            "x_trafilatura_target": THROUGHPUT_TARGET,
        }
    return report


def _row(label: str, stats: dict[str, Any], *, speed: bool) -> str:
    cells = [label, _ms(stats["median"]), _ms(stats["mean"]), _ms(stats["p90"])]
    cells.append(_ms(stats["p99"]))
    ratio = stats.get("x_parse_median")
    cells.append(f"{ratio:.1f}x" if ratio is not None else "")
    if speed:
        pps, tput = stats.get("pages_per_s"), stats.get("x_trafilatura_throughput")
        cells.append(f"{pps:.1f}" if pps is not None else "")
        cells.append(f"{tput:.2f}x" if tput is not None else "")
    else:
        cells += ["", ""]
    return "| " + " | ".join(cells) + " |"


def render(report: dict[str, Any], memory: dict[str, Any] | None, notes: list[str]) -> str:
    parse_median = report["parse_only"]["median"]
    lines = [
        f"{report['pages']} pages; ms per page.",
        "",
        "| measured | ms median | ms mean | ms p90 | ms p99 | x parse-only (median) | pages/s "
        "| throughput x trafilatura |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        _row(PARSE, report["parse_only"], speed=True),
    ]
    for mode, data in report["modes"].items():
        for stage, stats in data["stages"].items():
            ratio = stats["median"] / parse_median if parse_median else None
            lines.append(
                _row(f"newsclean[{mode}] {stage}", {**stats, "x_parse_median": ratio}, speed=False)
            )
        lines.append(_row(f"**newsclean[{mode}] total**", data["total"], speed=True))
    lines.append(_row(TRAFILATURA, report["trafilatura"], speed=True))
    lines.append("")
    lines.append("| mode | fallback ran | trafilatura runs/page | extractor used |")
    lines.append("|---|---:|---:|---|")
    for mode, data in report["modes"].items():
        used = ", ".join(f"{name} {count}" for name, count in data["extractors"].items())
        lines.append(
            f"| newsclean[{mode}] | {100 * data['fallback_share']:.1f}% "
            f"| {data['trafilatura_runs_per_page']:.2f} | {used} |"
        )
    lines.append("")
    default = report["default_mode"]
    targets = report["targets"]
    if targets:
        x_parse, x_traf = targets["x_parse_median"], targets["x_trafilatura_throughput"]
        met_parse = "met" if x_parse is not None and x_parse < PARSE_RATIO_TARGET else "NOT met"
        met_traf = "met" if x_traf is not None and x_traf >= THROUGHPUT_TARGET else "NOT met"
        lines.append(
            f"- default mode ({default}) median total / parse-only median = "
            f"{x_parse:.2f} (target < {PARSE_RATIO_TARGET:g}: {met_parse})"
        )
        lines.append(
            f"- default mode ({default}) throughput vs trafilatura = {x_traf:.2f}x "
            f"(target >= {THROUGHPUT_TARGET:g}: {met_traf})"
        )
    else:
        lines.append(f"- default mode ({default}) was not measured: no target check")
    lines.extend(f"- {note}" for note in notes)
    if memory and memory["pages"]:
        lines += [
            "",
            f"Peak memory per call on the {memory['pages']} largest pages (HTML median "
            f"{memory['html_kb']['median']:.0f} KB, max {memory['html_kb']['max']:.0f} KB), "
            "tracemalloc (Python allocations only; lexbor's and libxml2's C trees not counted):",
            "",
            "| measured | peak MB median | peak MB max |",
            "|---|---:|---:|",
        ]
        for name, stats in memory["peak_mb"].items():
            lines.append(f"| {name} | {stats['median']:.1f} | {stats['max']:.1f} |")
        lines.append("")
        lines.append(f"Process peak RSS at the end: {memory['max_rss_mb']:.0f} MB.")
    return "\n".join(lines)


def replace_section(document: str, heading: str, body: str) -> str:
    """``document`` with its ``## heading`` section replaced (or appended); the rest as is."""
    section = f"## {heading}\n\n{body.rstrip()}\n"
    marker = f"## {heading}\n"
    if document.startswith(marker):
        start = 0
    else:
        found = document.find("\n" + marker)
        if found < 0:
            return document.rstrip("\n") + "\n\n" + section
        start = found + 1
    end = document.find("\n## ", start)
    if end < 0:
        return document[:start] + section
    return document[:start] + section + "\n" + document[end + 1 :]


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "selectolax": version("selectolax"),
        "trafilatura": version("trafilatura"),
        "lxml": version("lxml"),
        "newsclean": version("newsclean"),
        "speedups": SPEEDUPS.reason,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--type", default="article", help="page type, or 'all' (default: article)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument(
        "--modes",
        default="auto,native,trafilatura",
        help="newsclean extractor modes, comma-separated (unknown ones are skipped)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="time every call N times, keep the fastest"
    )
    parser.add_argument(
        "--largest", type=int, default=20, help="memory pass on the K largest pages (0: none)"
    )
    parser.add_argument("--out", type=Path, help="JSON path (default results/speed-<type>.json)")
    parser.add_argument("--no-write", action="store_true", help="write neither JSON nor RESULTS.md")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth").is_dir() or not (args.data / "html").is_dir():
        print(f"no WCXB data at {args.data} (expected ground-truth/ and html/)", file=sys.stderr)
        return 2
    repeat = max(1, args.repeat)
    page_type = None if args.type == "all" else args.type
    requested = [m.strip() for m in args.modes.split(",") if m.strip()]
    runs, notes = usable_modes(requested)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    default_mode = Options().extractor

    parse_ms: list[float] = []
    traf_ms: list[float] = []
    sizes: list[tuple[int, str]] = []
    pages = iter_pages(args.data, page_type=page_type, limit=args.limit)
    warm = list(islice(pages, WARMUP_PAGES))  # timed too, after the untimed warm-up
    warm_up(warm, runs)
    with TrafilaturaCalls() as counter:
        for turn, page in enumerate(chain(warm, pages)):
            time_page(page, runs, parse_ms, traf_ms, turn=turn, repeat=repeat, counter=counter)
            sizes.append((len(page.html), page.file_id))
    if not parse_ms:
        print(f"no pages of type {args.type!r} at {args.data}", file=sys.stderr)
        return 2
    report = build_report(parse_ms, traf_ms, runs, default_mode)

    memory: dict[str, Any] | None = None
    if args.largest > 0:
        largest = {file_id for _, file_id in sorted(sizes, reverse=True)[: args.largest]}
        big = sorted(iter_pages(args.data, ids=sorted(largest)), key=lambda p: -len(p.html))
        memory = memory_pass(big, runs)
        memory["max_rss_mb"] = max_rss_mb()

    text = render(report, memory, notes)
    # NEWSCLEAN_NO_SPEEDUPS=1 times the Python facts reader
    text = f"compiled facts reader: {SPEEDUPS.reason}\n\n{text}"
    print(text)
    if args.no_write:
        return 0
    command = f"python benchmarks/speed.py {' '.join(sys.argv[1:] if argv is None else argv)}"
    payload = {
        "command": command.strip(),
        "environment": environment(),
        "repeat": repeat,
        **report,
        "memory": memory,
        "skipped": notes,
    }
    out = args.out or HERE / "results" / f"speed-{args.type}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    env = payload["environment"]
    results = HERE / "RESULTS.md"
    old = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    body = (
        f"Command: `{command.strip()}` ({env['cpu_count']} CPUs, Python {env['python']}, "
        f"selectolax {env['selectolax']}, trafilatura {env['trafilatura']}, {env['date'][:10]}; "
        "absolute times vary with the shared machine, the ratios are the comparison).\n\n"
        f"{text}\n\n"
        "All measurers run in one process, interleaved page by page. Stage rows are "
        "`run_pipeline(..., timings=)`; a stage that did not run counts as 0 ms. Totals are "
        'the wall time of the whole call. "Fallback ran": trafilatura ran beyond the mode\'s '
        "own extraction (calls into `trafilatura.bare_extraction` counted during the call: "
        "any for native and auto, a second one for trafilatura; or the body came from "
        "trafilatura where the mode starts elsewhere), kept or not.\n"
    )
    results.write_text(replace_section(old, "Speed", body), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
