"""Quality benchmark: newsclean against trafilatura on every dev set given, same pages, one run.

    python benchmarks/quality.py                      # both sets: ../shared/wcxb-dev, traf-eval-dev
    python benchmarks/quality.py --data ../shared/traf-eval-dev --limit 100 --no-trafilatura
    python benchmarks/quality.py --modes auto,native --per-page /tmp/pages.tsv
    python benchmarks/quality.py --data ../shared/wcxb-dev --type article --as-text

Sets are read by ``devsets.py`` in either layout (wcxb's per-page ground truth, or the
snippet layout of traf-eval-dev); ``--data`` may be given several times. Per set, page type
and language, for each newsclean mode in ``--modes`` (default: the default ``Options`` mode)
and for trafilatura, interleaved page by page in one process:

- word F1, precision and recall (WCXB's score) on pages whose truth has a body text;
- snippet scoring on sets with snippets, by each set's README (``DevSet.snippet_found``):
  with-rate (found must-have / all), leak-rate (found must-not-have / all), and snippet
  precision, recall and F1 from tp = found ``with``, fn = missing ``with``, fp = found
  ``without``, summed over the set (trafilatura's ``tests/eval_common.py``);
- title, author and date accuracy (skip with ``--no-metadata``);
- pages per second over all pages, median and p99 milliseconds per page, and throughput
  relative to trafilatura (its total time over ours).

Then, per set: the **reliability table** (pages binned by the native extractor's confidence
in the first newsclean mode that runs it, the mean page score of every extractor per bin and
how often the second opinion ran: the page score is word F1 where there is a body text, else
the page's snippet F1), and the **failure list**: every page where newsclean's score (word
F1; with-rate on sets without a body text) is below 0.3 while trafilatura's is above 0.7,
with the extractor used, the confidence and the path of the chosen container.

A run over all pages of the default sets (no ``--type``/``--limit``/``--data``) writes the
tables to ``benchmarks/RESULTS.md`` (section "Quality") and
``benchmarks/results/quality.json``; other runs only print. ``--per-page FILE`` writes every
page's scores per extractor (TSV when FILE ends in ``.tsv``, JSON otherwise).

Both extractors get the page as the same decoded ``str`` (``DevPage.html``) and its URL when
it has one; times cover extraction only. trafilatura runs with default settings
(``trafilatura.extract``); its metadata comes from a separate, untimed
``bare_extraction(with_metadata=True)``. ``--as-text`` (text path: ``clean_text`` on a plain
rendering of each page) goes to the "Text path" section.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trafilatura
from selectolax.lexbor import LexborHTMLParser

import newsclean
import newsclean._pipeline as pipeline
from devsets import DEFAULT_SETS, DevPage, DevSet, open_set
from newsclean._options import Options
from wcxb import TOKEN_RE, author_matches, date_matches, title_matches, warm_up_libraries, word_prf

HERE = Path(__file__).resolve().parent
# The failure list: ours below LOW while trafilatura's is above HIGH.
FAIL_OURS_BELOW = 0.3
FAIL_THEIRS_ABOVE = 0.7
# Reliability bins: confidence in [0, 1] cut into this many equal bins (1.0 in the last).
RELIABILITY_BINS = 10
# How a record says that a second opinion ran (its warning starts so).
SECOND_OPINION_WARNING = "second opinion"
# Languages with fewer pages than this go to one "other" row of the language table.
MIN_LANGUAGE_PAGES = 5


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


# -- scoring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PageScore:
    """One extractor's scores on one page."""

    f1: float | None  # word F1 (None: no body text in the truth)
    precision: float | None
    recall: float | None
    with_found: int
    with_total: int
    without_found: int
    without_total: int

    @property
    def with_rate(self) -> float | None:
        return self.with_found / self.with_total if self.with_total else None

    @property
    def snippet_f1(self) -> float | None:
        if not self.with_total and not self.without_total:
            return None
        return _snippet_prf(self.with_found, self.with_total, self.without_found)[2]

    @property
    def score(self) -> float:
        """The page's score for the reliability table: word F1, else snippet F1."""
        if self.f1 is not None:
            return self.f1
        return self.snippet_f1 if self.snippet_f1 is not None else 0.0

    @property
    def fail_score(self) -> float | None:
        """What the failure list compares: word F1, else the with-rate."""
        return self.f1 if self.f1 is not None else self.with_rate


def _snippet_prf(found: int, total: int, leaked: int) -> tuple[float, float, float]:
    tp, fn, fp = found, total - found, leaked
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score_page(dev: DevSet, page: DevPage, text: str) -> PageScore:
    truth = page.truth
    p = r = f = None
    if truth.body is not None:
        p, r, f = word_prf(text, truth.body)
    prepared = dev.prepare(text)
    return PageScore(
        f,
        p,
        r,
        sum(dev.snippet_found(s, prepared) for s in truth.with_),
        len(truth.with_),
        sum(dev.snippet_found(s, prepared) for s in truth.without),
        len(truth.without),
    )


def _title_ok(dev: DevSet, predicted: str | None, truth: str) -> bool:
    if dev.layout == "wcxb":
        return title_matches(predicted, truth)
    # traf-eval-dev's README: exact after lower-casing and keeping \w+ tokens
    return predicted is not None and TOKEN_RE.findall(predicted.lower()) == TOKEN_RE.findall(
        truth.lower()
    )


@dataclass
class Tally:
    """Running sums for one extractor on one group of pages (a set, a type, a language)."""

    pages: int = 0
    body_pages: int = 0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    with_found: int = 0
    with_total: int = 0
    without_found: int = 0
    without_total: int = 0
    title_ok: int = 0
    title_total: int = 0
    author_ok: int = 0
    author_total: int = 0
    date_ok: int = 0
    date_total: int = 0
    times: list[float] = field(default_factory=list)

    def add(self, score: PageScore, seconds: float) -> None:
        self.pages += 1
        self.times.append(seconds)
        if score.f1 is not None:
            self.body_pages += 1
            self.f1 += score.f1
            self.precision += score.precision or 0.0
            self.recall += score.recall or 0.0
        self.with_found += score.with_found
        self.with_total += score.with_total
        self.without_found += score.without_found
        self.without_total += score.without_total

    def add_meta(self, dev: DevSet, page: DevPage, meta: tuple[Any, ...] | None) -> None:
        if meta is None:
            return
        title, authors, date = meta
        truth = page.truth
        if truth.title:
            self.title_total += 1
            self.title_ok += _title_ok(dev, title, truth.title)
        if truth.author:
            self.author_total += 1
            self.author_ok += author_matches(authors, truth.author.replace(";", " "))
        if truth.date:
            self.date_total += 1
            self.date_ok += date_matches(date, truth.date)

    def row(self) -> dict[str, float | None]:
        n = self.body_pages
        seconds = sum(self.times)
        sp, sr, sf = _snippet_prf(self.with_found, self.with_total, self.without_found)
        has_snippets = bool(self.with_total or self.without_total)
        return {
            "pages": self.pages,
            "f1": self.f1 / n if n else None,
            "precision": self.precision / n if n else None,
            "recall": self.recall / n if n else None,
            "with": self.with_found / self.with_total if self.with_total else None,
            "leak": self.without_found / self.without_total if self.without_total else None,
            "snip_p": sp if has_snippets else None,
            "snip_r": sr if has_snippets else None,
            "snip_f1": sf if has_snippets else None,
            "title": self.title_ok / self.title_total if self.title_total else None,
            "author": self.author_ok / self.author_total if self.author_total else None,
            "date": self.date_ok / self.date_total if self.date_total else None,
            "pages_per_s": self.pages / seconds if seconds else 0.0,
            "ms_median": 1000 * percentile(self.times, 0.5),
            "ms_p99": 1000 * percentile(self.times, 0.99),
            "seconds": seconds,
        }


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile by linear interpolation (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    at = share * (len(ordered) - 1)
    low = math.floor(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


# -- running ---------------------------------------------------------------------------


@dataclass
class PageRecord:
    """Everything measured on one page: scores, seconds, extractor per name, and the native
    extractor's confidence, reasons and container path in the first mode that ran it."""

    page: DevPage
    scores: dict[str, PageScore] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    extractor: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    meta: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # title, authors, date
    confidence: float | None = None
    reasons: tuple[str, ...] = ()
    container: str | None = None


class NativeProbe:
    """Catches the native extractor's result inside ``clean_html`` (for the confidence and
    the chosen container), by wrapping the pipeline's ``extract_native``: nothing in the
    library changes for it, and it costs one attribute store per page."""

    def __init__(self) -> None:
        self.last: Any = None
        self._original = getattr(pipeline, "extract_native", None)
        if self._original is not None:
            original = self._original

            def probe(*args: Any, **kwargs: Any) -> Any:
                result = original(*args, **kwargs)
                self.last = result
                return result

            pipeline.extract_native = probe  # type: ignore[assignment]

    def take(self) -> Any:
        result, self.last = self.last, None
        return result


def node_path(node: Any) -> str | None:
    """``body > div#main.content > article.post``: the element's path from ``<body>``."""
    if node is None:
        return None
    parts: list[str] = []
    current = node
    while current is not None and current.tag not in ("body", "html", "-undef"):
        attrs = current.attributes
        part = current.tag or "?"
        if attrs.get("id"):
            part += "#" + str(attrs["id"]).strip()
        classes = (attrs.get("class") or "").split()
        if classes:
            part += "." + ".".join(classes[:3])
        parts.append(part)
        current = current.parent
    return " > ".join(["body", *reversed(parts)])


def pages_of(sets: list[DevSet], args: argparse.Namespace) -> Iterator[tuple[DevSet, DevPage]]:
    for dev in sets:
        for page in dev.pages(limit=args.limit, page_type=args.type):
            yield dev, page


def run(
    args: argparse.Namespace, sets: list[DevSet], modes: dict[str, Options]
) -> list[PageRecord]:
    """Every page of every set through every extractor, interleaved page by page."""
    probe = NativeProbe()
    records: list[PageRecord] = []
    metadata = not args.no_metadata

    def newsclean_call(mode: str, options: Options) -> Callable[[DevSet, PageRecord], None]:
        name = f"newsclean[{mode}]"

        def call(dev: DevSet, record: PageRecord) -> None:
            page = record.page
            probe.take()
            start = time.perf_counter()
            article = newsclean.clean_html(page.html, url=page.url, options=options)
            elapsed = time.perf_counter() - start
            native = probe.take()
            record.scores[name] = score_page(dev, page, article.text)
            record.seconds[name] = elapsed
            record.extractor[name] = article.extractor or "none"
            record.warnings[name] = article.warnings
            if native is not None and record.confidence is None:
                record.confidence = native.confidence
                record.reasons = tuple(native.reasons)
                record.container = node_path(native.container)
            if metadata:
                record.meta[name] = (article.title, article.authors, _date_str(article.published))

        return call

    def trafilatura_call(dev: DevSet, record: PageRecord) -> None:
        page = record.page
        start = time.perf_counter()
        text = trafilatura.extract(page.html, url=page.url) or ""
        elapsed = time.perf_counter() - start
        record.scores["trafilatura"] = score_page(dev, page, text)
        record.seconds["trafilatura"] = elapsed
        record.extractor["trafilatura"] = "trafilatura"
        if metadata:
            found = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
            if found is None:
                meta: tuple[Any, ...] = (None, None, None)
            elif isinstance(found, dict):  # as_dict=True, which is not asked for
                meta = (found.get("title"), found.get("author"), found.get("date"))
            else:
                meta = (found.title, found.author, found.date)
            record.meta["trafilatura"] = meta

    calls = [newsclean_call(mode, options) for mode, options in modes.items()]
    if not args.no_trafilatura:
        calls.append(trafilatura_call)
    stream = pages_of(sets, args)
    first = list(islice(stream, 1))
    warm_up_libraries()
    for _, page in first:  # untimed warm-up (imports, caches), so short runs are fair too
        for options in modes.values():
            newsclean.clean_html(page.html, url=page.url, options=options)
        if not args.no_trafilatura:
            trafilatura.extract(page.html, url=page.url)
    for turn, (dev, page) in enumerate(chain(first, stream)):
        record = PageRecord(page)
        shift = turn % len(calls)  # who goes first rotates, so machine noise hits all alike
        for call in calls[shift:] + calls[:shift]:
            call(dev, record)
        records.append(record)
    return records


def tallies_of(
    records: list[PageRecord], sets: dict[str, DevSet]
) -> dict[str, dict[str, dict[str, Tally]]]:
    """set name -> group ("all", a page type, "lang:xx") -> extractor -> Tally."""
    languages: dict[str, Counter[str]] = {}
    for record in records:
        languages.setdefault(record.page.set_name, Counter())[record.page.language or "?"] += 1
    out: dict[str, dict[str, dict[str, Tally]]] = {}
    for record in records:
        page = record.page
        dev = sets[page.set_name]
        language = page.language or "?"
        if languages[page.set_name][language] < MIN_LANGUAGE_PAGES:
            language = "other"
        groups = ["all", f"lang:{language}"]
        if page.page_type:
            groups.insert(1, page.page_type)
        meta = record.meta
        for group in groups:
            by_name = out.setdefault(page.set_name, {}).setdefault(group, {})
            for name, score in record.scores.items():
                tally = by_name.setdefault(name, Tally())
                tally.add(score, record.seconds[name])
                tally.add_meta(dev, page, meta.get(name))
    return out


# -- tables ----------------------------------------------------------------------------

MAIN_COLUMNS = (
    "pages",
    "f1",
    "precision",
    "recall",
    "with",
    "leak",
    "snip_p",
    "snip_r",
    "snip_f1",
    "title",
    "author",
    "date",
    "pages_per_s",
    "ms_median",
    "ms_p99",
)
LANGUAGE_COLUMNS = ("pages", "f1", "with", "leak", "snip_f1")


def _cell(column: str, value: float | None) -> str:
    if value is None:
        return "-"
    if column == "pages":
        return f"{value:.0f}"
    if column in ("pages_per_s", "ms_median", "ms_p99"):
        return f"{value:.1f}"
    if column == "x_trafilatura":
        return f"{value:.2f}"
    return f"{value:.3f}"


def _group_order(groups: list[str]) -> list[str]:
    return sorted(groups, key=lambda g: (g == "all", g.startswith("lang:"), g))


def _in_order(names: Any, order: list[str]) -> list[str]:
    """``names`` in the report's order: the modes as asked, then trafilatura."""
    rank = {name: i for i, name in enumerate(order)}
    return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))


def main_table(
    by_group: dict[str, dict[str, Tally]], *, languages: bool, order: list[str] | None = None
) -> str:
    """One set's table: page types and "all" (or, with ``languages``, the languages)."""
    columns = list(LANGUAGE_COLUMNS if languages else MAIN_COLUMNS)
    has_trafilatura = any("trafilatura" in by for by in by_group.values())
    if has_trafilatura and not languages:
        columns.append("x_trafilatura")
    groups = [g for g in _group_order(list(by_group)) if g.startswith("lang:") == languages]
    if not languages and len(groups) == 2:
        groups = ["all"]  # one page type: its row repeats "all"
    label = "language" if languages else "group"
    lines = [
        f"| {label} | extractor | " + " | ".join(columns) + " |",
        "|" + "---|" * (len(columns) + 2),
    ]
    for group in groups:
        by_name = by_group[group]
        theirs = by_name.get("trafilatura")
        for name in _in_order(by_name, order or []):
            tally = by_name[name]
            row: dict[str, float | None] = dict(tally.row())
            if theirs is not None and "x_trafilatura" in columns:
                ours_s = row["seconds"] or 1e-9
                row["x_trafilatura"] = (theirs.row()["seconds"] or 0.0) / ours_s
            cells = [_cell(c, row.get(c)) for c in columns]
            shown = group.removeprefix("lang:")
            lines.append(f"| {shown} | {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict_lines(by_group: dict[str, dict[str, Tally]], order: list[str]) -> list[str]:
    """Per newsclean mode: its margins over trafilatura on the whole set."""
    by_name = by_group.get("all", {})
    theirs_tally = by_name.get("trafilatura")
    if theirs_tally is None:
        return []
    theirs = theirs_tally.row()
    lines = []
    for name in _in_order(by_name, order):
        if name == "trafilatura":
            continue
        ours = by_name[name].row()
        parts = []
        for key, label in (("f1", "F1"), ("snip_f1", "snippet F1"), ("with", "with-rate")):
            if ours[key] is not None and theirs[key] is not None:
                parts.append(f"{label} {ours[key] - theirs[key]:+.4f}")  # type: ignore[operator]
        if ours["leak"] is not None and theirs["leak"] is not None:
            parts.append(f"leak-rate {ours['leak'] - theirs['leak']:+.4f}")  # type: ignore[operator]
        parts.append(f"throughput x{(theirs['seconds'] or 0.0) / (ours['seconds'] or 1e-9):.2f}")
        lines.append(f"- {name} - trafilatura: " + ", ".join(parts))
    return lines


def reliability_table(records: list[PageRecord], order: list[str]) -> str:
    """Pages binned by the native confidence: mean score per extractor, and on how many of
    them the first mode asked for a second opinion."""
    names = _in_order({n for r in records for n in r.scores}, order)
    bins: dict[int, list[PageRecord]] = {}
    unknown = 0
    for record in records:
        if record.confidence is None:
            unknown += 1
            continue
        index = min(int(record.confidence * RELIABILITY_BINS), RELIABILITY_BINS - 1)
        bins.setdefault(index, []).append(record)
    first_mode = next((n for n in names if n != "trafilatura"), None)
    lines = [
        "| confidence | pages | " + " | ".join(names) + " | second opinion ran |",
        "|---|---:|" + "---:|" * (len(names) + 1),
    ]
    for index in sorted(bins):
        group = bins[index]
        low, high = index / RELIABILITY_BINS, (index + 1) / RELIABILITY_BINS
        cells = []
        for name in names:
            values = [r.scores[name].score for r in group if name in r.scores]
            cells.append(f"{sum(values) / len(values):.3f}" if values else "-")
        ran = sum(1 for r in group if first_mode is not None and _second_opinion_ran(r, first_mode))
        lines.append(
            f"| {low:.1f}-{high:.1f}{']' if index == RELIABILITY_BINS - 1 else ')'} "
            f"| {len(group)} | " + " | ".join(cells) + f" | {ran} |"
        )
    if unknown:
        lines.append(f"\n({unknown} pages without a native result)")
    return "\n".join(lines)


def _second_opinion_ran(record: PageRecord, mode: str) -> bool:
    """The body came from trafilatura, or the record says a second opinion ran."""
    extractor = record.extractor.get(mode) or ""
    return extractor.startswith("trafilatura") or any(
        w.startswith(SECOND_OPINION_WARNING) for w in record.warnings.get(mode, ())
    )


def failure_list(records: list[PageRecord], mode: str) -> tuple[str, int]:
    """Pages where ``mode`` scores under FAIL_OURS_BELOW and trafilatura over the high mark."""
    lines = [
        "| page | lang | ours | trafilatura | extractor | confidence | container |",
        "|---|---|---:|---:|---|---:|---|",
    ]
    count = 0
    for record in records:
        ours, theirs = record.scores.get(mode), record.scores.get("trafilatura")
        if ours is None or theirs is None:
            continue
        a, b = ours.fail_score, theirs.fail_score
        if a is None or b is None or not (a < FAIL_OURS_BELOW and b > FAIL_THEIRS_ABOVE):
            continue
        count += 1
        page = record.page
        confidence = f"{record.confidence:.2f}" if record.confidence is not None else "-"
        reasons = f" ({', '.join(record.reasons)})" if record.reasons else ""
        lines.append(
            f"| {page.page_id} | {page.language or '?'} | {a:.2f} | {b:.2f} "
            f"| {record.extractor.get(mode, '?')} | {confidence}{reasons} "
            f"| `{record.container or '-'}` |"
        )
    return "\n".join(lines), count


def extractor_table(records: list[PageRecord]) -> str:
    """Per set and mode, how many bodies each extractor produced (share in brackets)."""
    used: dict[tuple[str, str], Counter[str]] = {}
    for record in records:
        for name, extractor in record.extractor.items():
            if name != "trafilatura":
                used.setdefault((record.page.set_name, name), Counter())[extractor] += 1
    names = sorted(
        {e for c in used.values() for e in c},
        key=lambda e: (e != "native", not e.startswith("trafilatura"), e),
    )
    lines = ["| set | mode | " + " | ".join(names) + " |", "|---|---|" + "---:|" * len(names)]
    for (set_name, mode), counts in used.items():
        total = sum(counts.values())
        cells = [
            f"{counts[e]} ({100 * counts[e] / total:.0f}%)" if counts[e] else "0" for e in names
        ]
        lines.append(f"| {set_name} | {mode} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(
    records: list[PageRecord], sets: dict[str, DevSet], modes: list[str]
) -> tuple[str, dict[str, Any]]:
    """The printed report and its JSON payload."""
    tallies = tallies_of(records, sets)
    parts: list[str] = []
    payload: dict[str, Any] = {"sets": {}}
    default_mode = f"newsclean[{modes[0]}]" if modes else None
    order = [f"newsclean[{m}]" for m in modes] + ["trafilatura"]
    for set_name, by_group in tallies.items():
        mine = [r for r in records if r.page.set_name == set_name]
        parts.append(f"### {set_name} ({len(mine)} pages)\n")
        parts.append(main_table(by_group, languages=False, order=order))
        verdict = verdict_lines(by_group, order)
        if verdict:
            parts.append("\n" + "\n".join(verdict))
        parts.append("\nPer language:\n")
        parts.append(main_table(by_group, languages=True, order=order))
        parts.append(
            "\nReliability (native confidence bins; mean page score: word F1, else the "
            "page's snippet F1):\n"
        )
        parts.append(reliability_table(mine, order))
        entry: dict[str, Any] = {
            group: {name: t.row() for name, t in by.items()} for group, by in by_group.items()
        }
        if default_mode is not None and any("trafilatura" in r.scores for r in mine):
            table, count = failure_list(mine, default_mode)
            share = count / max(len(mine), 1)
            parts.append(
                f"\nFailure list ({default_mode} under {FAIL_OURS_BELOW} while trafilatura "
                f"over {FAIL_THEIRS_ABOVE}; word F1, else with-rate): {count} pages "
                f"({100 * share:.1f}% of the set)\n"
            )
            if count:
                parts.append(table)
            entry["_failures"] = {"count": count, "share": share}
        payload["sets"][set_name] = entry
        parts.append("")
    parts.append("Extractor that produced the body, per mode:\n")
    parts.append(extractor_table(records))
    return "\n".join(parts), payload


# -- per-page output -------------------------------------------------------------------

PER_PAGE_FIELDS = ("score", "f1", "with", "leaked", "extractor", "ms")


def per_page_rows(records: list[PageRecord]) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        page = record.page
        row: dict[str, Any] = {
            "set": page.set_name,
            "id": page.page_id,
            "type": page.page_type or "",
            "lang": page.language or "",
            "url": page.url or "",
            "confidence": record.confidence,
            "reasons": ",".join(record.reasons),
            "container": record.container or "",
        }
        for name, score in record.scores.items():
            row[name] = {
                "score": round(score.score, 4),
                "f1": round(score.f1, 4) if score.f1 is not None else None,
                "with": f"{score.with_found}/{score.with_total}",
                "leaked": f"{score.without_found}/{score.without_total}",
                "extractor": record.extractor.get(name, ""),
                "ms": round(1000 * record.seconds[name], 1),
            }
            if name in record.warnings:
                row[name]["warnings"] = list(record.warnings[name])
        rows.append(row)
    return rows


def write_per_page(path: Path, rows: list[dict[str, Any]]) -> None:
    """Per-page scores as JSON, or as TSV (one column per extractor and field) for ``.tsv``."""
    if path.suffix != ".tsv":
        path.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
        return
    plain = ["set", "id", "type", "lang", "url", "confidence", "reasons", "container"]
    names = [key for key in rows[0] if isinstance(rows[0][key], dict)] if rows else []
    head = plain + [f"{name}.{f}" for name in names for f in PER_PAGE_FIELDS]
    lines = ["\t".join(head)]
    for row in rows:
        cells = ["" if row[k] is None else str(row[k]) for k in plain]
        cells += [
            "" if row.get(name, {}).get(f) is None else str(row[name][f])
            for name in names
            for f in PER_PAGE_FIELDS
        ]
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# -- text path (--as-text) --------------------------------------------------------------

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


def run_as_text(args: argparse.Namespace, sets: list[DevSet]) -> str:
    """clean_html on the HTML, clean_text and the unfiltered text on each rendering."""
    by_set: dict[str, dict[str, dict[str, Tally]]] = {}

    def add(dev: DevSet, page: DevPage, name: str, text: str, seconds: float, meta: Any) -> None:
        groups = ["all", *([page.page_type] if page.page_type else [])]
        for group in groups:
            tally = by_set.setdefault(dev.name, {}).setdefault(group, {}).setdefault(name, Tally())
            tally.add(score_page(dev, page, text), seconds)
            tally.add_meta(dev, page, meta)

    for dev, page in pages_of(sets, args):
        start = time.perf_counter()
        article = newsclean.clean_html(page.html, url=page.url)
        elapsed = time.perf_counter() - start
        meta = (article.title, article.authors, _date_str(article.published))
        add(dev, page, "clean_html (HTML)", article.text, elapsed, meta)
        for mode in args.text_modes:
            text = page_to_text(page.html, mode=mode)
            add(dev, page, f"unfiltered text ({mode})", text, 0.0, None)
            start = time.perf_counter()
            article = newsclean.clean_text(text, url=page.url)
            elapsed = time.perf_counter() - start
            meta = (article.title, article.authors, _date_str(article.published))
            add(dev, page, f"clean_text ({mode})", article.text, elapsed, meta)
    return "\n\n".join(
        f"### {name}\n\n" + main_table(by_group, languages=False)
        for name, by_group in by_set.items()
    )


# -- results files ---------------------------------------------------------------------


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


TEXT_PATH_NOTE = (
    "Each page is rendered to plain text, the whole page with its boilerplate (only scripts "
    "and styles dropped): `blocks` breaks lines at block elements (innerText-like), `nodes` "
    'puts every text node on a line (`body.text(separator="\\n")`). `clean_text` reads '
    "that text; `clean_html` reads the HTML; `unfiltered text` scores the rendering itself. "
    "Speed columns for the unfiltered text are zero (nothing runs)."
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        action="append",
        default=None,
        help="a dev set folder, either layout; repeatable (default: wcxb-dev and traf-eval-dev)",
    )
    parser.add_argument("--type", default=None, help="only this page type (e.g. article)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many pages a set")
    parser.add_argument("--no-trafilatura", action="store_true")
    parser.add_argument("--no-metadata", action="store_true", help="skip title/author/date")
    parser.add_argument(
        "--modes",
        default=None,
        help="newsclean extractor modes, comma-separated (default: the default Options' mode)",
    )
    parser.add_argument(
        "--per-page",
        type=Path,
        help="write per-page scores per extractor here (.tsv: TSV, else JSON)",
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
    paths = args.data or list(DEFAULT_SETS)
    try:
        sets = [open_set(path) for path in paths]
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from exc
    command = f"python benchmarks/quality.py {' '.join(sys.argv[1:])}".rstrip()
    partial = bool(args.type or args.limit or args.data)
    if args.as_text:
        text = run_as_text(args, sets)
        print(text)
        if not args.no_write and not partial:
            write_section("Text path", f"Command: `{command}`\n\n{text}\n\n{TEXT_PATH_NOTE}")
        return
    requested = args.modes.split(",") if args.modes else [Options().extractor]
    modes, notes = mode_options([m.strip() for m in requested if m.strip()])
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if not modes and args.no_trafilatura:
        raise SystemExit("nothing to measure: no usable mode and --no-trafilatura")
    records = run(args, sets, modes)
    if args.per_page:  # first: the pages measured are kept whatever happens next
        write_per_page(args.per_page, per_page_rows(records))
    text, payload = report(records, {s.name: s for s in sets}, list(modes))
    if notes:
        text += "\n\n" + "\n".join(f"- {note}" for note in notes)
    print(text)
    if args.no_write:
        return
    if partial:
        print(
            "\nRESULTS.md and results/quality.json not updated: partial run "
            "(--data/--type/--limit)",
            file=sys.stderr,
        )
        return
    (HERE / "results").mkdir(exist_ok=True)
    payload["_command"] = command
    (HERE / "results" / "quality.json").write_text(json.dumps(payload, indent=2))
    write_section("Quality", f"Command: `{command}`\n\n{text}")


if __name__ == "__main__":
    main()
