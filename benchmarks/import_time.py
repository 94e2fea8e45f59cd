"""Start-up costs: ``import newsclean`` and a one-file ``newsclean clean`` against trafilatura.

    python benchmarks/import_time.py                 # 15 runs of each, a fixture page
    python benchmarks/import_time.py --runs 30 --page path/to/page.html

Each import is timed in a fresh interpreter with ``python -X importtime``; the table gives
the median and the slowest run of the total, the heaviest packages newsclean pulls in, and
whether httpx or trafilatura were loaded (they must not be: fetching and trafilatura load
when first used). The one-file rows time whole commands, as a user's shell sees them:
``newsclean clean PAGE`` (auto and native extractors) against ``trafilatura < PAGE``.
Results go to ``benchmarks/results/import_time.md``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_PAGE = HERE.parent / "tests" / "fixtures" / "pages" / "wire-afp-alibaba.html"
RESULTS = HERE / "results" / "import_time.md"
MUST_NOT_LOAD = ("httpx", "trafilatura", "tenacity", "protego", "brotli", "lxml")


def importtime(statement: str) -> tuple[float, dict[str, float]]:
    """Total import time (ms) of ``statement`` and the cumulative ms of each top package."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        check=True,
    )
    packages: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        if "." not in name:  # a package's root: each is imported (and listed) once
            packages[name] = int(cumulative) / 1000
    target = statement.split()[-1]
    return packages.get(target, 0.0), packages


def wall(command: list[str], stdin: Path | None = None) -> float:
    """Wall time (ms) of one run of ``command``."""
    started = time.perf_counter()
    with (stdin or Path(os.devnull)).open("rb") as source:
        subprocess.run(
            command, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
    return (time.perf_counter() - started) * 1000


def summarise(times: list[float]) -> str:
    return f"{statistics.median(times):.0f} | {max(times):.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--page", type=Path, default=DEFAULT_PAGE)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    rows: list[str] = []
    heavy: dict[str, float] = {}
    loaded: set[str] = set()
    for label, statement in (
        ("import newsclean", "import newsclean"),
        ("import trafilatura", "import trafilatura"),
        ("import httpx", "import httpx"),
    ):
        totals = []
        for _ in range(args.runs):
            total, packages = importtime(statement)
            totals.append(total)
            if label == "import newsclean":
                heavy = packages
                loaded = set(packages)
        rows.append(f"| `{label}` | {summarise(totals)} |")

    bin_dir = Path(sys.executable).parent
    newsclean_cli = str(bin_dir / "newsclean")
    trafilatura_cli = shutil.which("trafilatura", path=str(bin_dir)) or "trafilatura"
    commands = {
        "`newsclean clean PAGE`": ([newsclean_cli, "clean", str(args.page)], None),
        "`newsclean clean PAGE --extractor native`": (
            [newsclean_cli, "clean", str(args.page), "--extractor", "native"],
            None,
        ),
        "`trafilatura < PAGE`": ([trafilatura_cli], args.page),
        "`python -c pass`": ([sys.executable, "-c", "pass"], None),
    }
    medians: dict[str, float] = {}
    for label, (command, stdin) in commands.items():
        wall(command, stdin)  # warm the file cache
        times = [wall(command, stdin) for _ in range(args.runs)]
        medians[label] = statistics.median(times)
        rows.append(f"| {label} | {summarise(times)} |")

    ratio = medians["`newsclean clean PAGE`"] / medians["`trafilatura < PAGE`"]
    top = sorted(
        ((ms, name) for name, ms in heavy.items() if name not in ("newsclean", "site")),
        reverse=True,
    )[:8]
    forbidden = sorted(loaded & set(MUST_NOT_LOAD))
    lines = [
        "# Start-up: import time and one-file commands",
        "",
        f"`python benchmarks/import_time.py --runs {args.runs}` on {args.page.name}, "
        f"Python {sys.version.split()[0]}; milliseconds over {args.runs} runs each.",
        "",
        "| what | median ms | slowest ms |",
        "|---|---:|---:|",
        *rows,
        "",
        f"One-file `newsclean clean` takes {ratio:.2f}x the time of trafilatura's command line "
        "(target: at most 2x).",
        "",
        "Heaviest packages under `import newsclean` (cumulative ms, last run): "
        + ", ".join(f"{name} {ms:.0f}" for ms, name in top)
        + ".",
        "",
        "Loaded by `import newsclean` from "
        + ", ".join(MUST_NOT_LOAD)
        + ": "
        + (", ".join(forbidden) if forbidden else "none")
        + ".",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    return 1 if forbidden else 0


if __name__ == "__main__":
    sys.exit(main())
