"""Quality benchmark: newsclean against trafilatura on WCXB dev pages, same pages, same process.

    python benchmarks/quality.py --data ../shared/wcxb-dev --type article
    python benchmarks/quality.py --data ../shared/wcxb-dev --limit 200 --no-trafilatura
    python benchmarks/quality.py --type article --as-text
    python benchmarks/quality.py --type article --modes auto,native,trafilatura --per-page f.tsv

With ``--as-text`` each page is first rendered to plain text, the whole page with its
boilerplate (scripts and styles dropped, nothing else), and the table compares
``clean_text`` on that text with ``clean_html`` on the HTML and with the unfiltered text as a
baseline; it goes to the "Text path" section of ``benchmarks/RESULTS.md``. Two renderings:
``blocks`` breaks lines at block elements only, as a browser's ``innerText`` or an
HTML-to-text tool does; ``nodes`` puts every text node on its own line
(``body.text(separator="\n")``), as a naive scraper does.

Prints per page type and overall: word F1, precision, recall, with/without snippet rates,
title/author/date accuracy, pages per second and throughput relative to trafilatura, for
each newsclean extractor mode in ``--modes`` (``newsclean[auto]``, ``newsclean[native]``, ...;
default: the default ``Options`` mode; modes the installed newsclean rejects are skipped with
a note) and for trafilatura, all on the same pages in one process, interleaved page by page.
A second table counts which extractor produced each mode's body (``Article.extractor``:
the native result kept, trafilatura as fallback, JSON-LD ...). A run over all pages (no
``--type``, no ``--limit``) writes the tables to ``benchmarks/RESULTS.md`` (section "Quality")
and ``benchmarks/results/quality.json``; partial runs only print. ``--per-page FILE`` writes
every page's F1, precision, recall, extractor and milliseconds per mode (TSV when FILE ends
in ``.tsv``, JSON otherwise).
All get the page as a decoded ``str`` and its URL; times cover extraction only.
trafilatura runs with default settings (``trafilatura.extract``); its metadata comes from a
separate, untimed ``bare_extraction(with_metadata=True)``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from itertools import chain, islice
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trafilatura
from selectolax.lexbor import LexborHTMLParser

import newsclean
from newsclean._options import Options
from wcxb import Tally, iter_pages, warm_up_libraries, word_prf

HERE = Path(__file__).resolve().parent


def _date_str(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _options(mode: str) -> Options | str:
    """Options for one extractor mode, or why newsclean rejects it."""
    try:
        return Options(extractor=mode)  # type: ignore[arg-type]
    except newsclean.OptionsError as exc:
        return f"mode {mode!r} skipped: {exc}"


def mode_options(modes: list[str]) -> tuple[dict[str, Options], list[str]]:
    """Options per newsclean extractor mode, and notes on the modes newsclean rejects."""
    found: dict[str, Options] = {}
    notes: list[str] = []
    for mode in modes:
        options = _options(mode)
        if isinstance(options, str):
            notes.append(options)
        else:
            found[mode] = options
    return found, notes


def run(
    args: argparse.Namespace, modes: dict[str, Options]
) -> tuple[dict[str, dict[str, Tally]], dict[str, dict[str, Counter[str]]]]:
    """Tallies per extractor and page type, and per mode the extractors that made the body."""
    tallies: dict[str, dict[str, Tally]] = {}
    used: dict[str, dict[str, Counter[str]]] = {}
    per_page: list[dict[str, Any]] = []

    def add(name: str, page: Any, text: str, seconds: float, meta: tuple[Any, ...]) -> None:
        for kind in (page.page_type, "all"):
            tally = tallies.setdefault(name, {}).setdefault(kind, Tally())
            tally.add_body(page, text, seconds)
            tally.add_meta(page, *meta)
        if args.per_page:
            precision, recall, f1 = word_prf(text, page.truth.get("main_content") or "")
            row[name] = {
                "f1": round(f1, 4),
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "ms": round(1000 * seconds, 1),
            }

    def newsclean_call(mode: str, options: Options) -> Callable[[Any], None]:
        def call(page: Any) -> None:
            start = time.perf_counter()
            article = newsclean.clean_html(page.html, url=page.url, options=options)
            elapsed = time.perf_counter() - start
            name = f"newsclean[{mode}]"
            meta = (article.title, article.authors, _date_str(article.published))
            add(name, page, article.text, elapsed, meta)
            extractor = article.extractor or "none"
            for kind in (page.page_type, "all"):
                used.setdefault(name, {}).setdefault(kind, Counter())[extractor] += 1
            if args.per_page:
                row[name]["extractor"] = extractor

        return call

    def trafilatura_call(page: Any) -> None:
        start = time.perf_counter()
        text = trafilatura.extract(page.html, url=page.url) or ""
        elapsed = time.perf_counter() - start
        found = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
        if found is None:
            meta: tuple[Any, ...] = (None, None, None)
        elif isinstance(found, dict):  # as_dict=True, which is not asked for
            meta = (found.get("title"), found.get("author"), found.get("date"))
        else:
            meta = (found.title, found.author, found.date)
        add("trafilatura", page, text, elapsed, meta)

    calls = [newsclean_call(mode, options) for mode, options in modes.items()]
    if not args.no_trafilatura:
        calls.append(trafilatura_call)
    pages = iter_pages(args.data, page_type=args.type, limit=args.limit)
    first = list(islice(pages, 1))
    warm_up_libraries()
    for page in first:  # untimed warm-up (imports, caches), so short runs are fair too
        for options in modes.values():
            newsclean.clean_html(page.html, url=page.url, options=options)
        if not args.no_trafilatura:
            trafilatura.extract(page.html, url=page.url)
    for turn, page in enumerate(chain(first, pages)):
        row: dict[str, Any] = {"id": page.file_id, "type": page.page_type, "url": page.url}
        shift = turn % len(calls)  # who goes first rotates, so machine noise hits all alike
        for call in calls[shift:] + calls[:shift]:
            call(page)
        per_page.append(row)
    if args.per_page:
        write_per_page(args.per_page, per_page)
    return tallies, used


PER_PAGE_FIELDS = ("f1", "precision", "recall", "extractor", "ms")


def write_per_page(path: Path, rows: list[dict[str, Any]]) -> None:
    """Per-page scores as JSON, or as TSV (one column per extractor and field) for ``.tsv``."""
    if path.suffix != ".tsv":
        path.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
        return
    names = [key for key in rows[0] if isinstance(rows[0][key], dict)] if rows else []
    head = ["id", "type", "url"] + [
        f"{name}.{f}" for name in names for f in PER_PAGE_FIELDS if f in rows[0][name]
    ]
    lines = ["\t".join(head)]
    for row in rows:
        cells = [row["id"], row["type"], row["url"] or ""]
        cells += [
            str(row[name][f]) for name in names for f in PER_PAGE_FIELDS if f in rows[0][name]
        ]
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


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


def _kinds(by_name: dict[str, dict[str, Any]]) -> list[str]:
    """Page types in order, "all" last; "all" alone repeats one type, so then it goes."""
    kinds = sorted({k for t in by_name.values() for k in t}, key=lambda k: (k == "all", k))
    return kinds[:1] if len(kinds) == 2 else kinds


def table(tallies: dict[str, dict[str, Tally]]) -> str:
    has_trafilatura = "trafilatura" in tallies
    columns = [*COLUMNS, "x_trafilatura"] if has_trafilatura else list(COLUMNS)
    head = "| type | extractor | " + " | ".join(columns) + " |"
    lines = [head, "|" + "---|" * (len(columns) + 2)]
    for kind in _kinds(tallies):
        theirs = tallies["trafilatura"].get(kind) if has_trafilatura else None
        for name, by_kind in tallies.items():
            if kind not in by_kind:
                continue
            row = by_kind[kind].row()
            if theirs is not None:
                # throughput relative to trafilatura on the same pages
                row["x_trafilatura"] = theirs.row()["ms_per_page"] / max(row["ms_per_page"], 1e-9)
            cells = [
                f"{row[c]:.0f}"
                if c == "pages"
                else f"{row[c]:.1f}"
                if c in ("pages_per_s", "ms_per_page")
                else f"{row[c]:.2f}"
                if c == "x_trafilatura"
                else f"{row[c]:.3f}"
                for c in columns
            ]
            lines.append(f"| {kind} | {name} | " + " | ".join(cells) + " |")
    if has_trafilatura and "all" in tallies["trafilatura"]:
        theirs_all = tallies["trafilatura"]["all"].row()
        lines.append("")
        for name, by_kind in tallies.items():
            if name == "trafilatura" or "all" not in by_kind:
                continue
            ours = by_kind["all"].row()
            lines.append(
                f"- {name}/trafilatura: F1 {ours['f1'] - theirs_all['f1']:+.4f}, "
                f"throughput x{theirs_all['ms_per_page'] / max(ours['ms_per_page'], 1e-9):.2f}"
            )
    return "\n".join(lines)


def extractor_table(used: dict[str, dict[str, Counter[str]]]) -> str:
    """Per mode and page type, how many bodies each extractor produced (share in brackets)."""
    names = sorted(
        {e for by_kind in used.values() for c in by_kind.values() for e in c},
        key=lambda e: (e != "native", not e.startswith("trafilatura"), e),
    )
    lines = [
        "| type | mode | " + " | ".join(names) + " |",
        "|" + "---|" * 2 + "---:|" * len(names),
    ]
    for kind in _kinds(used):
        for mode, by_kind in used.items():
            counts = by_kind.get(kind)
            if not counts:
                continue
            total = sum(counts.values())
            cells = [
                f"{counts[e]} ({100 * counts[e] / total:.0f}%)" if counts[e] else "0" for e in names
            ]
            lines.append(f"| {kind} | {mode} | " + " | ".join(cells) + " |")
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
    text: str,
    tallies: dict[str, dict[str, Tally]],
    used: dict[str, dict[str, Counter[str]]],
) -> None:
    (HERE / "results").mkdir(exist_ok=True)
    payload: dict[str, Any] = {
        name: {k: t.row() for k, t in by.items()} for name, by in tallies.items()
    }
    payload["_extractors"] = {
        name: {k: dict(c.most_common()) for k, c in by.items()} for name, by in used.items()
    }
    payload["_command"] = " ".join(sys.argv)
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
    parser.add_argument(
        "--modes",
        default=None,
        help="newsclean extractor modes, comma-separated (default: the default Options' mode)",
    )
    parser.add_argument(
        "--per-page",
        type=Path,
        help="write per-page F1/precision/recall/extractor per mode here (.tsv: TSV, else JSON)",
    )
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
    requested = args.modes.split(",") if args.modes else [Options().extractor]
    modes, notes = mode_options([m.strip() for m in requested if m.strip()])
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if not modes and args.no_trafilatura:
        raise SystemExit("nothing to measure: no usable mode and --no-trafilatura")
    tallies, used = run(args, modes)
    text = table(tallies)
    if used:
        text += "\n\nExtractor that produced the body, per mode:\n\n" + extractor_table(used)
    if notes:
        text += "\n\n" + "\n".join(f"- {note}" for note in notes)
    print(text)
    if args.no_write:
        return
    if args.type or args.limit:
        print(
            "\nRESULTS.md and results/quality.json not updated: partial run (--type/--limit)",
            file=sys.stderr,
        )
        return
    write_results(text, tallies, used)


if __name__ == "__main__":
    main()
