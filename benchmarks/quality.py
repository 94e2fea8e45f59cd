"""Quality benchmark: newsclean against trafilatura on WCXB dev pages, same pages, same process.

    python benchmarks/quality.py --data ../shared/wcxb-dev --type article
    python benchmarks/quality.py --data ../shared/wcxb-dev --limit 200 --no-trafilatura
    python benchmarks/quality.py --type article --as-text

With ``--as-text`` each page is first rendered to plain text, the whole page with its
boilerplate (scripts and styles dropped, nothing else), and the table compares
``clean_text`` on that text with ``clean_html`` on the HTML and with the unfiltered text as a
baseline; it goes to the "Text path" section of ``benchmarks/RESULTS.md``. Two renderings:
``blocks`` breaks lines at block elements only, as a browser's ``innerText`` or an
HTML-to-text tool does; ``nodes`` puts every text node on its own line
(``body.text(separator="\n")``), as a naive scraper does.

Prints per page type and overall: word F1, precision, recall, with/without snippet rates,
title/author/date accuracy and pages per second, and writes the table to
``benchmarks/RESULTS.md`` (section "Quality") and ``benchmarks/results/quality.json``.
Both extractors get the page as a decoded ``str`` and its URL; times cover extraction only.
trafilatura runs with default settings (``trafilatura.extract``); its metadata comes from a
separate, untimed ``bare_extraction(with_metadata=True)``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trafilatura
from selectolax.lexbor import LexborHTMLParser

import newsclean
from wcxb import Tally, iter_pages

HERE = Path(__file__).resolve().parent


def _date_str(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def run(args: argparse.Namespace) -> dict[str, dict[str, Tally]]:
    tallies: dict[str, dict[str, Tally]] = {}
    per_page: list[dict[str, Any]] = []
    for page in iter_pages(args.data, page_type=args.type, limit=args.limit):
        kinds = (page.page_type, "all")
        start = time.perf_counter()
        article = newsclean.clean_html(page.html, url=page.url)
        elapsed = time.perf_counter() - start
        for kind in kinds:
            tally = tallies.setdefault("newsclean", {}).setdefault(kind, Tally())
            tally.add_body(page, article.text, elapsed)
            tally.add_meta(page, article.title, article.authors, _date_str(article.published))
        row = {
            "id": page.file_id,
            "type": page.page_type,
            "newsclean": tallies["newsclean"]["all"].per_page_f1[page.file_id],
        }
        if not args.no_trafilatura:
            start = time.perf_counter()
            text = trafilatura.extract(page.html, url=page.url) or ""
            elapsed = time.perf_counter() - start
            meta = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
            for kind in kinds:
                tally = tallies.setdefault("trafilatura", {}).setdefault(kind, Tally())
                tally.add_body(page, text, elapsed)
                if meta is not None:
                    tally.add_meta(page, meta.title, meta.author, meta.date)
                else:
                    tally.add_meta(page, None, None, None)
            row["trafilatura"] = tallies["trafilatura"]["all"].per_page_f1[page.file_id]
        per_page.append(row)
    if args.per_page:
        args.per_page.write_text(json.dumps(per_page, indent=1))
    return tallies


# a line break before every block-level tag, as innerText has it
_BLOCK_TAG = re.compile(
    r"<(/?)(p|div|br|li|ul|ol|dl|dt|dd|h[1-6]|tr|td|th|table|thead|tbody|section|article|"
    r"header|footer|nav|aside|main|blockquote|pre|figure|figcaption|form|fieldset|hr|title|"
    r"address|details|summary|option|button|label)\b",
    re.IGNORECASE,
)
_BREAK = "\u2029"


def page_to_text(html: str, *, mode: str = "blocks") -> str:
    """The whole page as plain text, boilerplate included; only scripts and styles go."""
    if mode == "blocks":
        html = _BLOCK_TAG.sub(lambda m: f"{_BREAK}<{m.group(1)}{m.group(2)}", html)
    tree = LexborHTMLParser(html)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    root = tree.body or tree.root
    if root is None:
        return ""
    if mode == "nodes":
        raw = root.text(separator="\n")
        lines = (" ".join(line.split()) for line in raw.split("\n"))
    else:
        raw = root.text(separator="")
        lines = (" ".join(piece.split()) for piece in raw.split(_BREAK))
    return "\n".join(line for line in lines if line)


def run_as_text(args: argparse.Namespace) -> dict[str, dict[str, Tally]]:
    """clean_html on the HTML, clean_text and the unfiltered text on each rendering."""
    tallies: dict[str, dict[str, Tally]] = {}

    def add(name: str, page: Any, text: str, seconds: float, meta: Any) -> None:
        for kind in (page.page_type, "all"):
            tally = tallies.setdefault(name, {}).setdefault(kind, Tally())
            tally.add_body(page, text, seconds)
            tally.add_meta(page, *meta)

    for page in iter_pages(args.data, page_type=args.type, limit=args.limit):
        start = time.perf_counter()
        article = newsclean.clean_html(page.html, url=page.url)
        elapsed = time.perf_counter() - start
        meta = (article.title, article.authors, _date_str(article.published))
        add("clean_html (HTML)", page, article.text, elapsed, meta)
        for mode in args.text_modes:
            text = page_to_text(page.html, mode=mode)
            add(f"unfiltered text ({mode})", page, text, 0.0, (None, None, None))
            start = time.perf_counter()
            article = newsclean.clean_text(text, url=page.url)
            elapsed = time.perf_counter() - start
            meta = (article.title, article.authors, _date_str(article.published))
            add(f"clean_text ({mode})", page, article.text, elapsed, meta)
    return tallies


COLUMNS = (
    "pages",
    "f1",
    "precision",
    "recall",
    "with",
    "without",
    "title",
    "author",
    "date",
    "pages_per_s",
    "ms_per_page",
)


def table(tallies: dict[str, dict[str, Tally]]) -> str:
    head = "| type | extractor | " + " | ".join(COLUMNS) + " |"
    lines = [head, "|" + "---|" * (len(COLUMNS) + 2)]
    kinds = sorted({k for t in tallies.values() for k in t}, key=lambda k: (k == "all", k))
    if len(kinds) == 2:  # one page type: its "all" rows would repeat it
        kinds = kinds[:1]
    for kind in kinds:
        for name, by_kind in tallies.items():
            if kind not in by_kind:
                continue
            row = by_kind[kind].row()
            cells = [
                f"{row[c]:.0f}"
                if c == "pages"
                else f"{row[c]:.1f}"
                if c in ("pages_per_s", "ms_per_page")
                else f"{row[c]:.3f}"
                for c in COLUMNS
            ]
            lines.append(f"| {kind} | {name} | " + " | ".join(cells) + " |")
    if "trafilatura" in tallies and "all" in tallies["trafilatura"]:
        ours = tallies["newsclean"]["all"].row()
        theirs = tallies["trafilatura"]["all"].row()
        lines.append("")
        lines.append(
            f"newsclean/trafilatura: F1 {ours['f1'] - theirs['f1']:+.4f}, "
            f"speed x{ours['pages_per_s'] / max(theirs['pages_per_s'], 1e-9):.2f}"
        )
    return "\n".join(lines)


def write_section(heading: str, body: str) -> None:
    """Replace (or add) one ``## heading`` section of RESULTS.md, leaving the others alone."""
    results = HERE / "RESULTS.md"
    section = f"## {heading}\n\n{body.rstrip()}\n"
    old = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    start = old.find(f"## {heading}\n")
    if start >= 0:
        end = old.find("\n## ", start + 3)
        old = old[:start] + (old[end + 1 :] if end >= 0 else "")
    results.write_text(old.rstrip() + "\n\n" + section, encoding="utf-8")


def write_results(
    text: str, tallies: dict[str, dict[str, Tally]], args: argparse.Namespace
) -> None:
    (HERE / "results").mkdir(exist_ok=True)
    payload = {name: {k: t.row() for k, t in by.items()} for name, by in tallies.items()}
    payload["_command"] = " ".join(sys.argv)  # type: ignore[assignment]
    (HERE / "results" / "quality.json").write_text(json.dumps(payload, indent=2))
    results = HERE / "RESULTS.md"
    section = (
        f"## Quality\n\nCommand: `python benchmarks/quality.py {' '.join(sys.argv[1:])}`\n\n"
        f"{text}\n"
    )
    old = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    start = old.find("## Quality")
    if start >= 0:
        end = old.find("\n## ", start + 3)
        old = old[:start] + (old[end + 1 :] if end >= 0 else "")
    results.write_text(old.rstrip() + "\n\n" + section, encoding="utf-8")


TEXT_PATH_NOTE = (
    "Each page is rendered to plain text, the whole page with its boilerplate (only scripts "
    "and styles dropped): `blocks` breaks lines at block elements (innerText-like), `nodes` "
    'puts every text node on a line (`body.text(separator="\\n")`). `clean_text` reads '
    "that text; `clean_html` reads the HTML; `unfiltered text` scores the rendering itself. "
    "Speed columns for the unfiltered text are zero (nothing runs)."
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "wcxb-dev")
    parser.add_argument("--type", default=None, help="only this page type (e.g. article)")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--no-trafilatura", action="store_true")
    parser.add_argument("--per-page", type=Path, help="write per-page F1 as JSON here")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    parser.add_argument(
        "--as-text",
        action="store_true",
        help="render pages to plain text and score clean_text against clean_html",
    )
    parser.add_argument(
        "--text-modes",
        nargs="+",
        default=["blocks", "nodes"],
        choices=["blocks", "nodes"],
        help="renderings for --as-text (default: both)",
    )
    args = parser.parse_args()
    if not (args.data / "ground-truth").is_dir():
        raise SystemExit(f"no WCXB data at {args.data}")
    if args.as_text:
        tallies = run_as_text(args)
        text = table(tallies)
        print(text)
        if not args.no_write:
            command = f"python benchmarks/quality.py {' '.join(sys.argv[1:])}"
            write_section(
                "Text path",
                f"Command: `{command}`\n\n{text}\n\n{TEXT_PATH_NOTE}",
            )
        return
    tallies = run(args)
    text = table(tallies)
    print(text)
    if not args.no_write:
        write_results(text, tallies, args)


if __name__ == "__main__":
    main()
