"""Development sets in either layout, as one stable page object (benchmarks and tests share it).

    from devsets import open_set
    dev = open_set(Path("../shared/traf-eval-dev"))
    for page in dev.pages(limit=10):
        page.set_name, page.page_id, page.url, page.html, page.language, page.truth.with_

Two layouts are read, told apart by what the folder holds:

- **wcxb** (``../shared/wcxb-dev``): ``html/NNNN.html.gz`` (UTF-8) and one
  ``ground-truth/NNNN.json`` per page (``url``, ``_internal.page_type.primary`` and
  ``ground_truth``: ``title``, ``author``, ``publish_date``, ``main_content``, ``with``,
  ``without``).
- **snippets** (``../shared/traf-eval-dev``): ``html/NNNN.html.gz`` (bytes in the page's own
  charset) and one ``ground-truth.json`` mapping ids to ``url``, ``with``, ``without`` and
  optional ``title``, ``author``, ``date``, ``sitename``, ``description``, ``categories``,
  ``tags``.

The page object (:class:`DevPage`, with :class:`Truth`) is the contract: fields are only
ever added, never renamed or removed. Snippet matching follows each set's README
(:meth:`DevSet.snippet_found`): wcxb is a case-insensitive substring test; the snippet sets
are whitespace-normalised and case-sensitive, as trafilatura's ``tests/eval_common.py``.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from newsclean._decode import decode_html

__all__ = [
    "DEFAULT_SETS",
    "DevPage",
    "DevSet",
    "Truth",
    "detect_language",
    "open_set",
]

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DEFAULT_SETS = (SHARED / "wcxb-dev", SHARED / "traf-eval-dev")

Layout = Literal["wcxb", "snippets"]


@dataclass(frozen=True)
class Truth:
    """What the annotators say about a page; any field may be missing (None or empty).

    ``body``: the main content text (wcxb only). ``with_``/``without``: snippets a correct
    extraction contains / must not contain. ``author``: as annotated (traf-eval-dev
    separates several names with ``;``). ``date``: ``YYYY-MM-DD`` (compare the first 10
    characters). ``extra``: every other annotated field as given (``description``,
    ``categories``, ``tags``, the raw ``url``, ...).
    """

    body: str | None = None
    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()
    title: str | None = None
    author: str | None = None
    date: str | None = None
    sitename: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DevPage:
    """One page of a development set.

    ``raw``: the bytes as saved (gunzipped). ``html``: those bytes decoded as a browser
    would (newsclean's decoder: BOM, ``<meta charset>``, then detection); both extractors
    in the benchmarks get this same string. ``url``: the page's address when it is an
    ``http(s)`` URL, else None (the raw value is in ``truth.extra["url"]``).
    ``language``: a two-letter code, read cheaply (:func:`detect_language`) or None;
    ``language_source`` says from where (``"text"``, ``"html"``). ``page_type``: the set's
    page type when it has one (wcxb: article, forum, ...), else None.
    """

    set_name: str
    page_id: str
    url: str | None
    raw: bytes
    html: str
    language: str | None
    language_source: str | None
    page_type: str | None
    truth: Truth

    @property
    def key(self) -> str:
        """``set/id``: unique across sets."""
        return f"{self.set_name}/{self.page_id}"


@dataclass(frozen=True)
class DevSet:
    """A development set on disk: its name (the folder's), where it is and its layout."""

    name: str
    path: Path
    layout: Layout

    def ids(self) -> list[str]:
        """Page ids in file order."""
        if self.layout == "wcxb":
            return sorted(p.stem for p in (self.path / "ground-truth").glob("*.json"))
        return sorted(self._snippet_truth())

    def pages(
        self,
        *,
        limit: int | None = None,
        ids: list[str] | None = None,
        page_type: str | None = None,
    ) -> Iterator[DevPage]:
        """The pages in file order, filtered by a fixed id list and a page type, up to limit."""
        wanted = set(ids) if ids is not None else None
        count = 0
        truth_of = self._snippet_truth() if self.layout == "snippets" else None
        for page_id in self.ids():
            if wanted is not None and page_id not in wanted:
                continue
            if truth_of is None:
                doc = json.loads(
                    (self.path / "ground-truth" / f"{page_id}.json").read_text(encoding="utf-8")
                )
                kind = doc.get("_internal", {}).get("page_type", {}).get("primary")
                if page_type and kind != page_type:
                    continue
                page = self._wcxb_page(page_id, doc, kind)
            else:
                if page_type:
                    continue  # no page types in this layout
                page = self._snippet_page(page_id, truth_of[page_id])
            yield page
            count += 1
            if limit is not None and count >= limit:
                return

    def snippet_found(self, snippet: str, prepared: str) -> bool:
        """Whether ``snippet`` is in an extraction that went through :meth:`prepare`."""
        if self.layout == "wcxb":
            return snippet.lower() in prepared
        return _squash(snippet) in prepared

    def prepare(self, text: str) -> str:
        """An extraction made ready for :meth:`snippet_found` (once per page, not per snippet)."""
        return text.lower() if self.layout == "wcxb" else _squash(text)

    def _raw(self, page_id: str) -> bytes:
        return gzip.decompress((self.path / "html" / f"{page_id}.html.gz").read_bytes())

    def _wcxb_page(self, page_id: str, doc: dict[str, Any], kind: str | None) -> DevPage:
        gt = doc.get("ground_truth") or {}
        raw = self._raw(page_id)
        html = raw.decode("utf-8", "replace")  # the README: gzip, UTF-8
        known = {"main_content", "with", "without", "title", "author", "publish_date"}
        truth = Truth(
            # every wcxb page has a body; a null one is empty (scored, as the benchmark does)
            body=gt.get("main_content") or "",
            with_=tuple(gt.get("with") or ()),
            without=tuple(gt.get("without") or ()),
            title=_text(gt.get("title")),
            author=_text(gt.get("author")),
            date=_text(gt.get("publish_date")),
            sitename=None,
            extra={"url": doc.get("url"), **{k: v for k, v in gt.items() if k not in known}},
        )
        language, source = detect_language(html, truth)
        return DevPage(
            self.name, page_id, _http_url(doc.get("url")), raw, html, language, source, kind, truth
        )

    def _snippet_page(self, page_id: str, doc: dict[str, Any]) -> DevPage:
        raw = self._raw(page_id)
        html = decode_html(raw).text
        known = {"with", "without", "title", "author", "date", "sitename"}
        truth = Truth(
            body=None,
            with_=tuple(doc.get("with") or ()),
            without=tuple(doc.get("without") or ()),
            title=_text(doc.get("title")),
            author=_text(doc.get("author")),
            date=_text(doc.get("date")),
            sitename=_text(doc.get("sitename")),
            extra={k: v for k, v in doc.items() if k not in known},
        )
        language, source = detect_language(html, truth)
        return DevPage(
            self.name, page_id, _http_url(doc.get("url")), raw, html, language, source, None, truth
        )

    def _snippet_truth(self) -> dict[str, dict[str, Any]]:
        data: dict[str, dict[str, Any]] = json.loads(
            (self.path / "ground-truth.json").read_text(encoding="utf-8")
        )
        return data


def open_set(path: Path) -> DevSet:
    """The set at ``path``, its layout told by what the folder holds."""
    if (path / "ground-truth").is_dir():
        return DevSet(path.name, path, "wcxb")
    if (path / "ground-truth.json").is_file():
        return DevSet(path.name, path, "snippets")
    raise FileNotFoundError(f"no dev set at {path} (no ground-truth/ nor ground-truth.json)")


def _text(value: Any) -> str | None:
    """An annotated text field as one string: a list (several authors) joined with ``; ``."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        return "; ".join(str(v) for v in value if v) or None
    return str(value)


def _http_url(value: Any) -> str | None:
    return value if isinstance(value, str) and re.match(r"https?://", value) else None


def _squash(text: str) -> str:
    """Whitespace-normalised text (trafilatura's eval: runs of whitespace become one space)."""
    return " ".join(text.split())


# Language, cheaply: a vote of common function words over the annotated text (body or
# snippets), which names the language of the content; the <html lang> attribute when that
# text is too short to vote (CMS templates often keep a default "en").
_FUNCTION_WORDS = {
    "en": "the and of to is in that for with was on are this by",
    "de": "der die und das ist nicht mit den von zu ein eine sich auf für dem",
    "fr": "le la les et des est une dans pour que qui sur pas du au",
    "es": "el la los las y de que en es por una con para del se",
    "it": "il la di che e per una non sono della con del gli le",
    "nl": "de het een en van is dat op te zijn met voor niet",
    "pt": "o a os as e de que em um uma para com não do da",
    "pl": "i w na z się nie jest do że to jak od",
    "sv": "och att det som en är på för med av inte den",
}
_WORDS = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_WORD_RE = re.compile(r"\w+")
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)
_MIN_VOTES = 5


def detect_language(html: str, truth: Truth) -> tuple[str | None, str | None]:
    """A two-letter language code and where it came from (``"text"`` or ``"html"``)."""
    sample = truth.body or " ".join(truth.with_)
    words = _WORD_RE.findall(sample[:5000].lower())
    votes = {lang: sum(w in stop for w in words) for lang, stop in _WORDS.items()}
    best = max(votes, key=votes.__getitem__)
    if votes[best] >= _MIN_VOTES or (words and votes[best] >= max(2, len(words) // 10)):
        return best, "text"
    found = _HTML_LANG.search(html[:20000])
    if found:
        return found.group(1).lower()[:2], "html"
    return (best, "text") if votes[best] else (None, None)
