"""The pipeline: decode -> parse -> metadata -> DOM cleaning -> body -> normalize -> record.

Each stage takes and returns plain values; options travel as one object. Metadata is read
before the DOM stage mutates the tree, so nothing the cleaner removes (bylines, ``<time>``,
JSON-LD) is lost to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from html import escape as html_escape
from time import perf_counter
from types import ModuleType

from newsclean._decode import decode_html, maybe_gunzip
from newsclean._dom import (
    MANY_CONTAINER_TAGS,
    LexborHTMLParser,
    LexborNode,
    count_container_tags,
    css_listings,
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
from newsclean._extract.dates import date_is_visible, find_shown_date
from newsclean._extract.media import body_media
from newsclean._extract.metadata import Metadata, harvest_metadata
from newsclean._extract.native import NativeResult, extract_native, speedups_module
from newsclean._extract.wire import find_dateline
from newsclean._options import Options
from newsclean._record import Article, make_article
from newsclean._text.normalize import normalize_blocks, normalize_text
from newsclean._vocab import load_vocabulary, normalize_line

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
# Dates sit in the head and near the top; htmldate's cost grows with the page.
HTMLDATE_MAX_CHARS = 200_000
# The article text offered to htmldate's free-text search (see _date_region): a shown date
# opens the story; further on, the text offers htmldate the dates the story talks about.
# Measured on WCXB dev: 2,000 characters find 4 more right dates than 20,000 (3 on articles),
# for a fraction of the regex scans; 500 find fewer.
HTMLDATE_FREE_TEXT_CHARS = 2_000
# Head elements the date digest leaves out, but for these link relations (see _head_digest).
DIGEST_SKIPPED_HEAD_TAGS = frozenset({"link"})
DIGEST_KEPT_LINKS = frozenset({"canonical"})
# Elements whose text may show the page's date, and how many of them htmldate reads.
DATE_ELEMENTS = (
    "time, abbr, [class*=date], [class*=Date], [class*=time], [class*=publish], "
    "[class*=posted], [class*=updated], [id*=date], [itemprop*=date], [class*=byline], "
    "[class*=meta]"
)
DATE_ELEMENTS_MAX = 30
# ... and the longest text such an element may have (a <time> is read whatever its length).
DATE_ELEMENT_MAX_CHARS = 200
# The query _date_elements runs: lexbor's class-substring selectors are its costly ones, and
# [class*=ate] stands for date, Date and updated (each holds "ate"); the repeats a node gets
# from those three are counted back from its class.
_DATE_ELEMENTS_QUERY = (
    "time, abbr, [class*=ate], [class*=time], [class*=publish], [class*=posted], [id*=date], "
    "[itemprop*=date], [class*=byline], [class*=meta]"
)
_DATE_CLASS_STEM = "ate"
_DATE_CLASS_PARTS = ("date", "Date", "updated")
# How far above the body container the date search looks (see _date_region).
DATE_REGION_LEVELS = 4
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


def _date_elements(node: LexborNode) -> Iterator[tuple[LexborNode, int]]:
    """The nodes ``node.css(DATE_ELEMENTS)`` lists, in order, each with how often it lists it
    (once per selector the node matches)."""
    for element, count in css_listings(node, _DATE_ELEMENTS_QUERY):
        cls = element.attributes.get("class")
        if cls and _DATE_CLASS_STEM in cls:
            count += sum(part in cls for part in _DATE_CLASS_PARTS) - 1
        if count:
            yield element, count


def _head_digest(head: LexborNode) -> str:
    """The head as htmldate reads it: its meta tags and title, without stylesheet, preload
    and alternate links (half its markup on the WCXB dev pages), which lxml would parse on
    every htmldate call. The canonical link stays: without a URL, htmldate reads the date in
    the canonical one. Measured on WCXB dev: one more right date on articles, none fewer."""
    kept = (
        child.html or ""
        for child in head.iter()
        if child.tag not in DIGEST_SKIPPED_HEAD_TAGS
        or child.attributes.get("rel") in DIGEST_KEPT_LINKS
    )
    return f"<head>{''.join(kept)}</head>"


def _date_parts(node: LexborNode, speedups: ModuleType | None) -> list[str]:
    """The outer HTML of the date elements under ``node`` htmldate reads: a ``<time>``, or
    one whose text is short, as often as ``node.css(DATE_ELEMENTS)`` lists it.

    ``_speedups.date_elements`` walks the region once in C, where lexbor's class-substring
    selectors cost more than half the digest; this loop is the reference it mirrors.
    """
    if speedups is not None:
        parts: list[str] = speedups.date_elements(
            node.mem_id, DATE_ELEMENTS_MAX, DATE_ELEMENT_MAX_CHARS
        )
        return parts
    parts = []
    for element, count in _date_elements(node):
        if element.tag == "time" or 0 < len(element.text(deep=True, strip=True)) <= (
            DATE_ELEMENT_MAX_CHARS
        ):
            # a node matching several selectors comes as often, as in node.css(DATE_ELEMENTS)
            parts.extend([element.html or ""] * count)
            if len(parts) >= DATE_ELEMENTS_MAX:
                del parts[DATE_ELEMENTS_MAX:]
                break
    return parts


def _date_region(
    tree: LexborHTMLParser, container: LexborNode | None, speedups: ModuleType | None = None
) -> str:
    """A small page for htmldate: the head, the article's date-like elements and its text.

    A date sits in the head's meta tags, in the article's header or byline (``<time>``,
    elements named date/time/published/posted/updated/byline/meta) or in its opening text.
    The region is the body container and a few levels above it (the whole body without a
    container). htmldate's cost grows with the markup it reads, and the rest of the page
    only offers it other stories' dates: on the WCXB dev pages this digest keeps date
    accuracy within half a point of reading the whole page at a fifth of the cost.
    """
    node = container
    if node is None:
        node = tree.body
    else:
        for _ in range(DATE_REGION_LEVELS):
            parent = node.parent
            if parent is None or parent.tag == "html":
                break
            node = parent
    if node is None:
        return tree.html or ""
    parts = _date_parts(node, speedups)
    h1 = tree.css_first("h1")
    text = node.text(deep=True, separator=" ", strip=True)[:HTMLDATE_FREE_TEXT_CHARS]
    head = _head_digest(tree.head) if tree.head is not None else ""
    heading = h1.html if h1 is not None else ""
    return (
        f"<html>{head or ''}<body>{heading or ''}{''.join(parts)}"
        f"<p>{html_escape(text)}</p></body></html>"
    )


def _word_count(text: str) -> int:
    """``len(text.split())``; in C when it runs, which makes no string per word (the split
    was two thirds of the record stage)."""
    speedups = speedups_module()
    if speedups is None:
        return len(text.split())
    count: int = speedups.word_count(text)
    return count


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
    clock = _Clock(timings)
    warnings: list[str] = []
    if isinstance(html, bytes):
        decoded = decode_html(maybe_gunzip(html), content_type=content_type)
        if decoded.source == "detected":
            warnings.append(f"charset guessed as {decoded.encoding}")
        if decoded.replaced:
            warnings.append("undecodable bytes replaced")
        text = decoded.text
    else:
        text = html
    if not text or text.isspace():  # not text.strip(), which copies the page
        return _empty(url, ["empty input", *warnings], options)
    if _looks_binary(text):
        return _empty(url, ["input is not HTML text (binary data)", *warnings], options)
    if len(text) > options.max_html_chars:
        warnings.append(f"page cut at {options.max_html_chars} characters")
        text = text[: options.max_html_chars]

    if count_container_tags(text) > MANY_CONTAINER_TAGS:
        text, flattened = flatten_text_nesting(text, max_depth=options.max_depth)
        if flattened:
            warnings.append(f"nesting deeper than {options.max_depth} levels flattened")

    vocab = load_vocabulary(extra_files=tuple(str(f) for f in options.vocabulary_files))
    clock.lap("decode")
    tree = parse_html(text)
    clock.lap("parse")
    md = harvest_metadata(tree, url=url, vocab=vocab, speedups=speedups_module())
    clock.lap("metadata")
    # the page as its readers see it, for "does the page show this date?": read without
    # scripts and styles (a JSON blob is not shown, and can be megabytes) but before the DOM
    # stage removes headers and bylines, and only when the answer can matter
    dom = DomPass(tree, speedups=speedups_module())
    page_text = ""
    if options.date_fallback and md.published is not None and tree.body is not None:
        page_text = tree.body.text(separator=" ")
    native_mode = options.extractor != "trafilatura"
    report = dom.strip(vocab, include_comments=options.include_comments, vocabulary=not native_mode)
    clock.lap("dom")

    root = tree.body or tree.root
    native: NativeResult | None = None
    if native_mode and root is not None:
        # the class/id vocabulary pass runs inside the native walk: one visit per element
        pruner = VocabularyPruner(
            tree,
            vocab,
            include_comments=options.include_comments,
            page_chars=report.page_chars,
            content=dom.content,
        )
        try:
            native = _native(root, pruner, options, warnings, dom.hints)
        except (ValueError, TypeError, AttributeError, IndexError, KeyError, RecursionError) as exc:
            # a bug of ours on an odd page must not cost the caller the page: trafilatura
            # takes over and the record says why
            warnings.append(f"native extractor failed: {type(exc).__name__}: {exc}")
    clock.lap("body")
    if native is not None and (
        options.extractor == "native" or native.confidence >= AUTO_MIN_CONFIDENCE
    ):
        body = BodyResult(native.blocks, "native")
    else:
        body = _trafilatura_body(tree, raw_html=text, url=url, options=options, warnings=warnings)
        if native is not None:
            body = _auto_choice(native, body)
        clock.lap("fallback" if native_mode else "body")
    body = _article_body_gate(body, md, warnings)
    clock.lap("body")
    published = md.published
    default_year = published.year if published else None
    normalized = normalize_blocks(
        body.blocks,
        vocab=vocab,
        title=md.title,
        extra_phrases=frozenset(normalize_line(p) for p in options.boilerplate_phrases),
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
    if published is None and dateline_date is not None:
        published = dateline_date
    clock.lap("normalize")
    if options.date_fallback and (
        published is None
        # a structured date the page never shows (a CMS's re-publish stamp) is weaker than
        # the date the page shows its readers: let htmldate look at the page
        or (md.published is not None and not date_is_visible(md.published, page_text))
    ):
        # a date line above the story is the date the page shows; else htmldate looks
        shown = normalized.shown_date
        if shown is None:
            region = _date_region(
                tree, native.container if native is not None else None, speedups_module()
            )
            shown = find_shown_date(region[:HTMLDATE_MAX_CHARS], url)
        if shown is not None and (published is None or _day(shown) != _day(published)):
            published = shown

    clock.lap("dates")
    authors = md.authors or normalized.authors
    if agency and not md.authors:
        authors = [a for a in authors if a.casefold() != agency.casefold()]

    blocks = tuple(normalized.blocks)
    body_text = "\n\n".join([b.text for b in blocks])
    if not blocks:
        warnings.append("no article body found")
        if options.raise_on_empty:
            raise NoContentError("no article body found")

    # the body's images and links: a pass of their own over the container the body came from
    # (the whole cleaned body for trafilatura's, whose container is not known)
    container = native.container if native is not None and body.extractor == "native" else root
    images, links = body_media(tree, container if blocks else None, url, body_text)

    article = make_article(
        url=url,
        canonical_url=md.canonical_url,
        title=normalize_text(md.title) if md.title else None,
        description=normalize_text(md.description) if md.description else None,
        authors=tuple(normalize_text(a) for a in authors),
        published=published,
        modified=md.modified,
        site_name=md.site_name,
        section=md.section,
        tags=tuple(md.tags),
        language=md.language,
        agency=agency,
        dateline=dateline,
        image=md.image,
        blocks=blocks,
        images=images,
        links=links,
        text=body_text,
        word_count=_word_count(body_text),
        extractor=body.extractor,
        warnings=tuple(dict.fromkeys(warnings)),
    )
    clock.lap("record")
    return article
