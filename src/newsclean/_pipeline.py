"""The HTML pipeline: a numbered cascade of stages over one page state.

:func:`run_pipeline` runs these over one :class:`_Page` (what the stages pass on), in order,
as trafilatura's ``trafilatura_sequence`` numbers its extraction attempts:

1. :func:`_1_decode`: bytes to text (gzip, charset), empty and binary input, the size cap,
   pathological nesting flattened before parsing; the vocabulary.
2. :func:`_2_parse`: one lexbor parse; every later stage works on this tree.
3. :func:`_3_metadata`: JSON-LD, meta tags, ``<time>``, bylines, read before anything is
   removed, so nothing the cleaner drops is lost to it.
4. :func:`_4_dom`: the DOM stage's semantic passes (never-content, hidden, chrome, sign-up
   boxes; the class/id vocabulary too in trafilatura mode), after keeping the page's text
   for "does the page show this date?".
5. :func:`_5_body`: the native extractor, trafilatura as second opinion on weak pages (or
   alone, by ``Options.extractor``), JSON-LD ``articleBody`` for a short body.
6. :func:`_6_normalize`: the normalizer over the blocks, a byline, agency and dateline.
7. :func:`_7_dates`: a shown date for a page with no structured date it shows: a date line
   above the story, else htmldate on a digest of the page
   (:func:`newsclean._extract.dates.htmldate_digest`).
8. :func:`_8_record`: the :class:`~newsclean.Article`.

A stage reads the fields of the page state earlier stages set and sets its own; stages 1 to 7
return ``None``, or the record when the page ends there (empty or binary input); options
travel as one object.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from time import perf_counter

from newsclean._budget import second_opinion
from newsclean._decode import decode_html, maybe_gunzip
from newsclean._dedupe.minhash import fingerprint
from newsclean._dom import (
    MANY_CONTAINER_TAGS,
    LexborHTMLParser,
    LexborNode,
    count_container_tags,
    flatten_deep_nesting,
    flatten_text_nesting,
    parse_html,
)
from newsclean._errors import NoContentError
from newsclean._extract.body import (
    BodyExtractor,
    BodyResult,
    RawBlock,
    TrafilaturaBody,
    text_length,
)
from newsclean._extract.boilerplate import DomPass, VocabularyPruner
from newsclean._extract.dates import (
    HTMLDATE_MAX_CHARS,
    date_is_visible,
    date_near_headline,
    find_shown_date,
    htmldate_digest,
)
from newsclean._extract.metadata import Metadata, harvest_metadata
from newsclean._extract.native import NativeResult, extract_native
from newsclean._extract.wire import find_dateline
from newsclean._options import Options
from newsclean._record import Article, Provenance
from newsclean._text.normalize import NormalizedBody, normalize_blocks, normalize_text
from newsclean._vocab import Vocabulary, load_vocabulary, normalize_line

__all__ = ["STAGES", "run_pipeline"]

# The stages ``run_pipeline(..., timings=...)`` reports, in pipeline order (milliseconds).
# "fallback" is the second-opinion extraction (trafilatura on weak pages); "dates" is the
# htmldate search when the page has no usable structured date.
STAGES = ("decode", "parse", "metadata", "dom", "body", "fallback", "normalize", "dates", "record")

# Below this many characters of body text the extraction is weak and a second opinion runs.
MIN_BODY_CHARS = 250
# An extraction under this share of the cleaned page's text gets a second opinion, which wins
# when it is this many times longer. Measured on WCXB dev: +0.007 F1 over all pages, +0.002 on
# articles; the second run happens on about one page in nine.
WEAK_SHARE = 0.3
RETRY_GAIN = 2.0
# In auto mode a native result below this confidence gets trafilatura's second opinion.
AUTO_MIN_CONFIDENCE = 0.5
# ... and takes trafilatura's when it is this many times longer than its own.
AUTO_FALLBACK_GAIN = 1.2
# Share of control characters in the first characters above which input is not text at all.
MAX_BINARY_SHARE = 0.05
BINARY_SAMPLE_CHARS = 4096
# C0 controls other than tab, newline, form feed and carriage return, as UTF-8 bytes: an
# ASCII character is its own byte, and every other character is encoded in bytes >= 0x80
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20)])
# The native extractor's walks recurse about three frames per level.
NATIVE_MAX_DEPTH = 250
# libxml2, under trafilatura, gives up on trees deeper than 256 levels.
LIBXML2_MAX_DEPTH = 250

EXTRACTORS: dict[str, BodyExtractor] = {"trafilatura": TrafilaturaBody()}


def _looks_binary(text: str) -> bool:
    """Whether the start of ``text`` is mostly control characters or replacement characters.

    The controls are counted in the sample's UTF-8 bytes: deleting bytes is several times
    faster than finding characters with a regex, and it runs on every page.
    """
    sample = text[:BINARY_SAMPLE_CHARS]
    if not sample:
        return False
    encoded = sample.encode("utf-8", "surrogatepass")  # lone surrogates too: bytes >= 0x80
    controls = len(encoded) - len(encoded.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > MAX_BINARY_SHARE or "\ufffd" * 8 in sample


def _empty(url: str | None, warnings: list[str], options: Options) -> Article:
    if options.raise_on_empty:
        raise NoContentError("; ".join(warnings) or "no article body found")
    return Article(url=url, warnings=tuple(warnings))


def _blocks_from_article_body(article_body: str) -> list[RawBlock]:
    paragraphs = [p.strip() for p in article_body.replace("\r", "").split("\n")]
    return [RawBlock("paragraph", p) for p in paragraphs if p]


def _second_opinion(
    primary: BodyResult,
    *,
    raw_html: str,
    url: str | None,
    options: Options,
    page_chars: int,
) -> BodyResult:
    """trafilatura on the untouched page, for a weak trafilatura extraction of the cleaned one.

    An extraction is weak when it is short, or when it holds under a third of the text the
    DOM stage left: our removals can change which container trafilatura settles on, and the
    page as served then gives the fuller body.
    """
    ours = text_length(primary.blocks)
    if ours < MIN_BODY_CHARS or ours < WEAK_SHARE * page_chars:
        retry = EXTRACTORS["trafilatura"].extract(
            raw_html[: options.max_extract_chars], url=url, options=options
        )
        theirs = text_length(retry.blocks)
        if (ours < MIN_BODY_CHARS and theirs > ours) or theirs > RETRY_GAIN * ours:
            return BodyResult(retry.blocks, f"{retry.extractor}:raw")
    return primary


def _article_body_gate(best: BodyResult, md: Metadata, warnings: list[str]) -> BodyResult:
    """JSON-LD ``articleBody`` replaces a DOM extraction that is short or half of it."""
    if md.article_body:
        ours = text_length(best.blocks)
        if ours >= 200 and ours >= 0.5 * len(md.article_body):
            return best  # cannot win: normalising only shortens it
        body_blocks = _blocks_from_article_body(normalize_text(md.article_body))
        theirs = text_length(body_blocks)
        if theirs >= 500 and (ours < 200 or ours < 0.5 * theirs):
            warnings.append("body taken from JSON-LD articleBody")
            return BodyResult(body_blocks, "jsonld")
    return best


def _trafilatura_body(
    tree: LexborHTMLParser,
    *,
    raw_html: str,
    url: str | None,
    options: Options,
    warnings: list[str],
) -> BodyResult:
    """trafilatura on the cleaned page, with the depth retry and the raw-page second opinion."""
    cleaned_html = tree.html or ""
    if len(cleaned_html) > options.max_extract_chars:
        warnings.append(f"cleaned page cut at {options.max_extract_chars} characters")
        cleaned_html = cleaned_html[: options.max_extract_chars]
    extractor = EXTRACTORS["trafilatura"]
    primary = extractor.extract(cleaned_html, url=url, options=options)
    if primary.error:
        warnings.append(f"{primary.extractor} failed: {primary.error}")
    if text_length(primary.blocks) < MIN_BODY_CHARS and tree.root is not None:
        depth = min(options.max_depth, LIBXML2_MAX_DEPTH)
        if flatten_deep_nesting(tree.root, max_depth=depth):
            warnings.append(f"nesting deeper than {depth} levels flattened")
            primary = extractor.extract(tree.html or "", url=url, options=options)
    page_chars = len(tree.body.text(separator=" ", strip=True)) if tree.body else 0
    return _second_opinion(
        primary, raw_html=raw_html, url=url, options=options, page_chars=page_chars
    )


def _native(
    root: LexborNode,
    pruner: VocabularyPruner,
    options: Options,
    warnings: list[str],
    hints: list[int] | None = None,
) -> NativeResult:
    """The native extractor; a tree too deep for its recursive walks is flattened first."""
    try:
        return extract_native(
            root, pruner=pruner, include_tables=options.include_tables, hints=hints
        )
    except RecursionError:
        # nesting that the text pre-check let through (under MANY_CONTAINER_TAGS tags)
        depth = min(options.max_depth, NATIVE_MAX_DEPTH)
        if not flatten_deep_nesting(root, max_depth=depth):
            raise
        warnings.append(f"nesting deeper than {depth} levels flattened")
        return extract_native(root, pruner=pruner, include_tables=options.include_tables)


def _auto_choice(native: NativeResult, fallback: BodyResult) -> BodyResult:
    """Between a weak native result and trafilatura's, the one more likely to be the story.

    trafilatura's wins only when it is clearly longer: on the WCXB dev pages where native is
    weak, "longer than 1.2x" scores 0.621 F1 against 0.580 for always trafilatura and 0.506
    for always native.
    """
    ours = text_length(native.blocks)
    theirs = text_length(fallback.blocks)
    if theirs > AUTO_FALLBACK_GAIN * ours:
        return fallback
    return BodyResult(native.blocks, "native")


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


_WORD = re.compile(r"\S+")


def _word_count(text: str) -> int:
    r"""``len(text.split())`` without a string per word (a page of one long word would copy
    it whole): ``\s`` is ``str.isspace``, as ``str.split`` splits."""
    return sum(1 for _ in _WORD.finditer(text))


class _Clock:
    """Adds the milliseconds since the last lap to a stage, when timing was asked for."""

    __slots__ = ("last", "timings")

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = perf_counter()

    def lap(self, stage: str) -> None:
        if self.timings is None:
            return
        now = perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + (now - self.last) * 1000.0
        self.last = now


@dataclass(slots=True)
class _Page:
    """One page on its way through the stages: the input, then what each stage passes on.

    The comments name the stage that sets each field; a field without a default raises
    ``AttributeError`` when read before its stage ran.
    """

    html: str | bytes
    url: str | None
    options: Options
    content_type: str | None
    clock: _Clock
    warnings: list[str] = field(default_factory=list)
    # 1 decode: the page's text and the vocabulary its options ask for
    text: str = field(init=False)
    vocab: Vocabulary = field(init=False)
    # 2 parse
    tree: LexborHTMLParser = field(init=False)
    # 3 metadata
    md: Metadata = field(init=False)
    # 4 dom: the DOM pass, the page's text before it (when a date may need it), text left
    dom: DomPass = field(init=False)
    page_text: str = ""
    page_chars: int = 0
    # 5 body: the native result (None when it did not run or failed) and the chosen body
    native: NativeResult | None = None
    body: BodyResult = field(init=False)
    # 6 normalize (published starts as the metadata's, and 7 dates may replace it)
    normalized: NormalizedBody = field(init=False)
    dateline: str | None = None
    agency: str | None = None
    published: datetime | date | None = None
    published_source: str | None = None  # as Provenance names it


def _1_decode(page: _Page) -> Article | None:
    """1. Bytes to text; empty, binary and oversized input; nesting lexbor cannot take."""
    options, warnings = page.options, page.warnings
    if isinstance(page.html, bytes):
        decoded = decode_html(maybe_gunzip(page.html), content_type=page.content_type)
        if decoded.source == "detected":
            warnings.append(f"charset guessed as {decoded.encoding}")
        if decoded.overridden:
            warnings.append(
                f"decoded as UTF-8, not the declared {decoded.overridden}: the bytes are UTF-8"
            )
        if decoded.replaced:
            warnings.append("undecodable bytes replaced")
        text = decoded.text
    else:
        text = page.html
    if not text or text.isspace():  # not text.strip(), which copies the page
        return _empty(page.url, ["empty input", *warnings], options)
    if _looks_binary(text):
        return _empty(page.url, ["input is not HTML text (binary data)", *warnings], options)
    if len(text) > options.max_html_chars:
        warnings.append(f"page cut at {options.max_html_chars} characters")
        text = text[: options.max_html_chars]
    if count_container_tags(text) > MANY_CONTAINER_TAGS:
        text, flattened = flatten_text_nesting(text, max_depth=options.max_depth)
        if flattened:
            warnings.append(f"nesting deeper than {options.max_depth} levels flattened")
    page.text = text
    page.vocab = load_vocabulary(extra_files=tuple(str(f) for f in options.vocabulary_files))
    return None


def _2_parse(page: _Page) -> None:
    """2. The one lexbor parse."""
    page.tree = parse_html(page.text)


def _3_metadata(page: _Page) -> None:
    """3. The page's metadata, read before the DOM stage removes anything."""
    page.md = harvest_metadata(page.tree, url=page.url, vocab=page.vocab)


def _4_dom(page: _Page) -> None:
    """4. The DOM stage's semantic passes (and in trafilatura mode the vocabulary pass)."""
    tree, options = page.tree, page.options
    page.dom = DomPass(tree)
    # the page as its readers see it, for "does the page show this date?": read without
    # scripts and styles (a JSON blob is not shown, and can be megabytes) but before the DOM
    # stage removes headers and bylines, and only when the answer can matter
    if options.date_fallback and tree.body is not None:
        page.page_text = tree.body.text(separator=" ")
    report = page.dom.strip(
        page.vocab,
        include_comments=options.include_comments,
        vocabulary=options.extractor == "trafilatura",
    )
    page.page_chars = report.page_chars


def _native_body(page: _Page) -> NativeResult | None:
    """The native extractor, or ``None`` in trafilatura mode or when it failed."""
    tree, options = page.tree, page.options
    root = tree.body or tree.root
    if options.extractor == "trafilatura" or root is None:
        return None
    # the class/id vocabulary pass runs inside the native walk: one visit per element
    pruner = VocabularyPruner(
        tree,
        page.vocab,
        include_comments=options.include_comments,
        page_chars=page.page_chars,
        content=page.dom.content,
    )
    try:
        return _native(root, pruner, options, page.warnings, page.dom.hints)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError) as exc:
        # a bug of ours on an odd page must not cost the caller the page: trafilatura
        # takes over and the record says why
        page.warnings.append(f"native extractor failed: {type(exc).__name__}: {exc}")
        return None


def _5_body(page: _Page) -> None:
    """5. The body: native, trafilatura's second opinion (or trafilatura alone), JSON-LD."""
    options = page.options
    native = page.native = _native_body(page)
    page.clock.lap("body")
    if native is not None and (
        options.extractor == "native" or native.confidence >= AUTO_MIN_CONFIDENCE
    ):
        body = BodyResult(native.blocks, "native")
    elif native is not None:  # auto: a second opinion, bounded by size and time (_budget)
        fallback = second_opinion(
            lambda: _trafilatura_body(
                page.tree, raw_html=page.text, url=page.url, options=options, warnings=page.warnings
            ),
            page_chars=len(page.text),
            max_chars=options.max_fallback_chars,
            timeout_s=options.fallback_timeout_s,
            warnings=page.warnings,
        )
        body = (
            BodyResult(native.blocks, "native")
            if fallback is None
            else _auto_choice(native, fallback)
        )
        page.clock.lap("fallback")
    else:
        body = _trafilatura_body(
            page.tree, raw_html=page.text, url=page.url, options=options, warnings=page.warnings
        )
        page.clock.lap("body" if options.extractor == "trafilatura" else "fallback")
    page.body = _article_body_gate(body, page.md, page.warnings)


def _6_normalize(page: _Page) -> None:
    """6. The normalizer; a dateline from the text, else from the page's dateline element."""
    md, vocab = page.md, page.vocab
    default_year = md.published.year if md.published else None
    normalized = page.normalized = normalize_blocks(
        page.body.blocks,
        vocab=vocab,
        title=md.title,
        extra_phrases=frozenset(normalize_line(p) for p in page.options.boilerplate_phrases),
        default_year=default_year,
        authors=md.authors,
    )
    dateline, dateline_date = normalized.dateline, normalized.dateline_date
    agency = md.agency or normalized.agency
    if dateline is None:
        for candidate in md.dateline_candidates:
            found = find_dateline(candidate, vocab, default_year=default_year)
            if found is not None and found.agency is not None:
                dateline, dateline_date = found.place or None, found.date
                agency = agency or found.agency
                break
    page.dateline, page.agency = dateline, agency
    page.published, page.published_source = md.published, md.published_source
    if md.published is None and dateline_date is not None:
        page.published, page.published_source = dateline_date, "dateline"


def _7_dates(page: _Page) -> None:
    """7. The date the page shows, when it has no structured date or never shows it."""
    published, md, vocab = page.published, page.md, page.vocab
    structured = md.published
    if not page.options.date_fallback or not (
        published is None
        # a structured date the page never shows (a CMS's re-publish stamp) is weaker than
        # the date the page shows its readers: let htmldate look at the page
        or (structured is not None and not date_is_visible(structured, page.page_text, vocab))
    ):
        return
    # a date line above the story is the date the page shows; else htmldate looks
    shown, source = page.normalized.shown_date, "shown"
    if shown is None and published is None:
        # no structured date: one the page shows by its headline beats htmldate's search
        # (measured: +0.012 on WCXB dev articles, +0.006 on traf-eval-dev; also used where
        # a structured date is not shown, it cost WCXB 0.010)
        headline = md.h1_texts[0] if md.h1_texts else md.title
        shown = date_near_headline(page.page_text, headline, vocab, language=md.language)
    if shown is None:
        container = page.native.container if page.native is not None else None
        digest = htmldate_digest(page.tree, container)
        shown = find_shown_date(
            digest[:HTMLDATE_MAX_CHARS], page.url, language=md.language, vocab=vocab
        )
        source = "htmldate"
    if shown is not None and (published is None or _day(shown) != _day(published)):
        page.published, page.published_source = shown, source


def _8_record(page: _Page) -> Article:
    """8. The record, its authors without the agency, its text and word count."""
    md, normalized, agency, warnings = page.md, page.normalized, page.agency, page.warnings
    authors = md.authors or normalized.authors
    authors_source = md.authors_source if md.authors else "byline"
    if agency and not md.authors:
        authors = [a for a in authors if a.casefold() != agency.casefold()]
    blocks = tuple(normalized.blocks)
    body_text = "\n\n".join([b.text for b in blocks])
    if not blocks:
        warnings.append("no article body found")
        if page.options.raise_on_empty:
            raise NoContentError("no article body found")
    return Article(
        url=page.url,
        canonical_url=md.canonical_url,
        title=normalize_text(md.title) if md.title else None,
        description=normalize_text(md.description) if md.description else None,
        authors=tuple(normalize_text(a) for a in authors),
        published=page.published,
        modified=md.modified,
        site_name=md.site_name,
        section=md.section,
        tags=tuple(md.tags),
        language=md.language,
        agency=agency,
        dateline=page.dateline,
        image=md.image,
        blocks=blocks,
        text=body_text,
        fingerprint=fingerprint(body_text),
        word_count=_word_count(body_text),
        extractor=page.body.extractor,
        provenance=Provenance(
            title=md.title_source if md.title else None,
            authors=authors_source if authors else None,
            published=page.published_source if page.published is not None else None,
            modified=md.modified_source if md.modified is not None else None,
        ),
        warnings=tuple(dict.fromkeys(warnings)),
    )


# Stages 1 to 7 in order, each with the timing it reports (5 body also reports "fallback");
# 8 record follows them.
_CASCADE: tuple[tuple[str, Callable[[_Page], Article | None]], ...] = (
    ("decode", _1_decode),
    ("parse", _2_parse),
    ("metadata", _3_metadata),
    ("dom", _4_dom),
    ("body", _5_body),
    ("normalize", _6_normalize),
    ("dates", _7_dates),
)


def run_pipeline(
    html: str | bytes,
    *,
    url: str | None,
    options: Options,
    content_type: str | None,
    timings: dict[str, float] | None = None,
) -> Article:
    """Clean one page; see :func:`newsclean.clean_html`.

    ``timings``, when given, receives the milliseconds spent in each of :data:`STAGES`
    (benchmarks read it; the cost when it is ``None`` is one comparison per stage).
    """
    page = _Page(html, url, options, content_type, _Clock(timings))
    for name, stage in _CASCADE:
        ended = stage(page)
        if ended is not None:
            return ended
        page.clock.lap(name)
    article = _8_record(page)
    page.clock.lap("record")
    return article
