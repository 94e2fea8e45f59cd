"""WCXB loading and scoring, shared by the benchmarks and the quality gate test.

The score is the benchmark's own: lower-case both texts, take the ``\\w+`` tokens, count the
multiset overlap, compute precision, recall and F1 per page and average over pages. Snippet
rates: the share of ``with`` snippets found (higher is better) and of ``without`` snippets
found (lower is better), case-insensitive substring match.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOKEN_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    file_id: str
    page_type: str
    url: str | None
    html: str
    truth: dict[str, Any]


def iter_pages(
    data: Path,
    *,
    page_type: str | None = None,
    limit: int | None = None,
    ids: list[str] | None = None,
) -> Iterator[Page]:
    """Yield dev pages in file order, filtered by type, a fixed id list, and a limit."""
    count = 0
    wanted = set(ids) if ids is not None else None
    for truth_path in sorted((data / "ground-truth").glob("*.json")):
        file_id = truth_path.stem
        if wanted is not None and file_id not in wanted:
            continue
        doc = json.loads(truth_path.read_text(encoding="utf-8"))
        kind = doc.get("_internal", {}).get("page_type", {}).get("primary", "unknown")
        if page_type and kind != page_type:
            continue
        html = gzip.decompress((data / "html" / f"{file_id}.html.gz").read_bytes())
        yield Page(
            file_id, kind, doc.get("url"), html.decode("utf-8", "replace"), doc["ground_truth"]
        )
        count += 1
        if limit is not None and count >= limit:
            return


def tokens(text: str) -> Counter[str]:
    return Counter(TOKEN_RE.findall(text.lower()))


def word_prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Word-level precision, recall and F1 of ``predicted`` against ``truth``."""
    pred, gold = tokens(predicted), tokens(truth)
    if not pred and not gold:
        return 1.0, 1.0, 1.0
    if not pred or not gold:
        return 0.0, 0.0, 0.0
    overlap = sum((pred & gold).values())
    precision = overlap / sum(pred.values())
    recall = overlap / sum(gold.values())
    f1 = 0.0 if overlap == 0 else 2 * precision * recall / (precision + recall)
    return precision, recall, f1


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return " ".join(text.split()).strip(" .:;,-|")


def title_matches(predicted: str | None, truth: str | None) -> bool:
    return predicted is not None and truth is not None and _norm(predicted) == _norm(truth)


def _name_tokens(text: str) -> frozenset[str]:
    text = re.sub(r"\b(and|und|et|y|by)\b", " ", _norm(text))
    return frozenset(TOKEN_RE.findall(text))


def author_matches(predicted: list[str] | tuple[str, ...] | str | None, truth: str | None) -> bool:
    """Same people: the name tokens of all authors, order and separators ignored."""
    if not predicted or not truth:
        return False
    joined = predicted if isinstance(predicted, str) else " ".join(predicted)
    return _name_tokens(joined) == _name_tokens(truth)


def date_matches(predicted: str | None, truth: str | None) -> bool:
    return bool(predicted and truth and predicted[:10] == truth[:10])


@dataclass
class Tally:
    """Running sums for one extractor on one page type."""

    pages: int = 0
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
    seconds: float = 0.0
    per_page_f1: dict[str, float] = field(default_factory=dict)

    def add_body(self, page: Page, text: str, seconds: float) -> None:
        truth = page.truth
        p, r, f = word_prf(text, truth.get("main_content") or "")
        self.pages += 1
        self.precision += p
        self.recall += r
        self.f1 += f
        self.seconds += seconds
        self.per_page_f1[page.file_id] = f
        low = text.lower()
        for snippet in truth.get("with") or []:
            self.with_total += 1
            self.with_found += snippet.lower() in low
        for snippet in truth.get("without") or []:
            self.without_total += 1
            self.without_found += snippet.lower() in low

    def add_meta(self, page: Page, title: str | None, authors: Any, date: str | None) -> None:
        truth = page.truth
        if truth.get("title"):
            self.title_total += 1
            self.title_ok += title_matches(title, truth["title"])
        if truth.get("author"):
            self.author_total += 1
            self.author_ok += author_matches(authors, truth["author"])
        if truth.get("publish_date"):
            self.date_total += 1
            self.date_ok += date_matches(date, truth["publish_date"])

    def row(self) -> dict[str, float]:
        n = max(self.pages, 1)
        return {
            "pages": self.pages,
            "f1": self.f1 / n,
            "precision": self.precision / n,
            "recall": self.recall / n,
            "with": self.with_found / max(self.with_total, 1),
            "without": self.without_found / max(self.without_total, 1),
            "title": self.title_ok / max(self.title_total, 1),
            "author": self.author_ok / max(self.author_total, 1),
            "date": self.date_ok / max(self.date_total, 1),
            "pages_per_s": self.pages / self.seconds if self.seconds else 0.0,
            "ms_per_page": 1000 * self.seconds / n,
        }


WARM_UP_PAGE = (
    "<html><head><title>Warm-up</title></head><body><article><h1>Warm-up page</h1>"
    + "<p>A paragraph of text with no date in it at all, long enough to be a story.</p>" * 8
    + "</article></body></html>"
)


def warm_up_libraries() -> None:
    """Pay one-off costs before timing: imports, regex compilation, and dateparser's locale
    patterns (about 3 s, compiled lazily by htmldate's free-text search, locale by locale, as
    odd date strings turn up). Without this, whichever timed pages first need them carry
    them: a few seconds spread over a few hundred pages is several ms a page."""
    import trafilatura

    import newsclean

    newsclean.clean_html(WARM_UP_PAGE)
    trafilatura.extract(WARM_UP_PAGE)
    try:  # htmldate's lazily loaded dateparser locales (private API: best effort)
        from htmldate.extractors import external_date_parser, month_words

        month_words()
        # a string no locale reads makes dateparser compile every locale's patterns
        external_date_parser("zzqx 12 vvqy 2024", "%Y-%m-%d")
    except (ImportError, TypeError, ValueError):  # a future htmldate may move these
        pass
