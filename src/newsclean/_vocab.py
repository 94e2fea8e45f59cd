"""The boilerplate vocabulary: data files loaded once, shared by every cleaning path.

``vocab/common.json`` holds class/id tokens by category and the wire agencies;
``vocab/<lang>.json`` holds whole boilerplate lines, line prefixes and line patterns for one
language, plus the line shapes the text path reads: end markers ("Related Links", "Comments"),
teaser endings ("... read more"), legal phrases, tag, section and date labels, month names,
and the labels a byline shows that name nobody (``author_labels``: "Sign In", "Autor").
Users extend it without touching code by passing their own files (same keys) to
:func:`load_vocabulary`, or phrases through ``Options.boilerplate_phrases``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from newsclean._errors import OptionsError
from newsclean._text.linepatterns import NO_LINE_PATTERNS, LinePatterns, compile_line_patterns

__all__ = ["DEFAULT_LANGUAGES", "Vocabulary", "load_vocabulary", "normalize_line"]

DEFAULT_LANGUAGES = ("en", "de", "fr", "es")
_TRAILING = " \t.:;,!?-–—|>»›•·*#"
_NEVER = re.compile(r"(?!x)x")
# A legal or consent statement: a line this long holding this many distinct legal phrases.
LEGAL_MIN_WORDS = 25
LEGAL_MIN_HITS = 2
# Class/id strings whose category a vocabulary remembers (see boilerplate_category).
CATEGORY_MEMO_MAX = 100_000
# Line prefixes are indexed by their first this many characters (see Vocabulary.has_prefix).
PREFIX_INDEX_CHARS = 2
# What separates the words of a class/id string for the vocabulary: whitespace, '_', '-'.
_CLASS_SEPARATOR = re.compile(r"[\s_-]")


def normalize_line(line: str, *, single_spaced: bool = False) -> str:
    """Case-fold and trim a line for vocabulary lookups: one space between words.

    Most lines already have one space between words, and splitting them into words to join
    them again was most of the cost. Every whitespace character but the space is
    unprintable, and case folding makes no whitespace and no empty string (tests check
    every code point), so a printable line without two spaces in a row can only differ from
    its joined words by a space at either end, which the strip of ``_TRAILING`` (holding the
    space) removes as well. ``single_spaced`` says the caller knows ``line`` has no two
    spaces in a row (:func:`newsclean._text.normalize.normalize_text` leaves none).

    >>> normalize_line("  Read\u00a0 MORE » ")
    'read more'
    """
    folded = line.casefold()
    if not folded.isprintable() or (not single_spaced and "  " in folded):
        folded = " ".join(folded.split())
    return folded.strip(_TRAILING)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Compiled boilerplate vocabulary. Build it with :func:`load_vocabulary`."""

    lines: frozenset[str]
    prefixes: tuple[str, ...]
    line_patterns: LinePatterns
    class_tokens: dict[str, frozenset[str]]
    class_pattern: re.Pattern[str]
    class_words: ClassWords
    """The tokens by word, for :meth:`boilerplate_category`; ``class_pattern`` is the reference."""
    agencies: dict[str, str]
    """Every spelling of an agency (case-folded) -> its canonical name."""
    end_markers: frozenset[str] = frozenset()
    """Whole lines after which the story is over: related blocks, comments."""
    end_patterns: LinePatterns = NO_LINE_PATTERNS
    teaser_pattern: re.Pattern[str] = _NEVER
    """How a teaser of another story ends: ``... read more``, ``Continue reading »``."""
    legal_phrases: tuple[str, ...] = ()
    legal_pattern: re.Pattern[str] = _NEVER
    tag_labels: frozenset[str] = frozenset()
    section_labels: frozenset[str] = frozenset()
    date_labels: tuple[str, ...] = ()
    """Labels before a date ("published on"), longest first."""
    author_labels: frozenset[str] = frozenset()
    """Words a byline element shows that name nobody: labels, buttons, weekdays ("Sign In",
    "Veröffentlicht am", "Donnerstag"), case-folded with single spaces."""
    months: dict[str, int] = field(default_factory=dict)
    month_pattern: re.Pattern[str] = _NEVER
    """A day and a month name in either order: ``15 November``, ``Nov. 15``, ``3 de mayo``."""
    category_memo: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)
    """:meth:`boilerplate_category`'s answers: pages and sites repeat their class strings."""
    prefix_index: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    """The first characters of a line -> the prefixes it can start with (see has_prefix)."""

    category_memos: dict[frozenset[str], dict[str, str | None]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """:meth:`category_memo_among`'s memos, by the categories they answer for."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "prefix_index", _index_prefixes(self.prefixes))

    def is_boilerplate_line(self, line: str, *, max_prefix_words: int = 25) -> bool:
        """Whether a whole line is boilerplate on its own (a share bar, a promo, a slug)."""
        return self.is_boilerplate_key(normalize_line(line), max_prefix_words=max_prefix_words)

    def is_boilerplate_key(self, key: str, *, max_prefix_words: int = 25) -> bool:
        """:meth:`is_boilerplate_line` for a line already passed through :func:`normalize_line`."""
        if not key:
            return True
        if key in self.lines:
            return True
        if self.line_patterns.search(key):
            return True
        return self.has_prefix(key) and len(key.split()) <= max_prefix_words

    def has_prefix(self, key: str) -> bool:
        """``key.startswith(self.prefixes)``, trying only the prefixes sharing its first
        characters: a paragraph was tried against every prefix of every language."""
        candidates = self.prefix_index.get(key[:PREFIX_INDEX_CHARS])
        if candidates is None:
            candidates = self.prefix_index[""]
        return key.startswith(candidates)

    def is_end_marker(self, line: str) -> bool:
        """Whether a line closes the story ("Related Links", "12 Comments").

        >>> load_vocabulary().is_end_marker("RELATED CONTENT")
        True
        """
        return self.is_end_marker_key(normalize_line(line))

    def is_end_marker_key(self, key: str) -> bool:
        """:meth:`is_end_marker` for a line already passed through :func:`normalize_line`."""
        return key in self.end_markers or self.end_patterns.search(key)

    def is_teaser(self, line: str) -> bool:
        """Whether a paragraph ends like a teaser of another story.

        >>> load_vocabulary().is_teaser("Dong, now 63, was charged ... read more")
        True
        """
        return bool(self.teaser_pattern.search(" ".join(line.casefold().split())))

    def is_legal_statement(self, line: str) -> bool:
        """Whether a long line is a copyright, privacy or cookie statement."""
        folded = line.casefold()
        if len(folded.split()) < LEGAL_MIN_WORDS:
            return False
        hits = {m.group(0) for m in self.legal_pattern.finditer(folded)}
        return len(hits) >= LEGAL_MIN_HITS

    def boilerplate_category(self, class_and_id: str) -> str | None:
        """The category whose token appears as a word in a class/id string, if any."""
        memo = self.category_memo
        try:
            return memo[class_and_id]
        except KeyError:
            pass
        category = self._match_category(class_and_id)
        if len(memo) >= CATEGORY_MEMO_MAX:
            memo.clear()  # a long batch of many sites: start over rather than grow
        memo[class_and_id] = category
        return category

    def category_memo_among(self, categories: frozenset[str]) -> dict[str, str | None]:
        """A memo of class/id string -> its category when among ``categories``, else None.

        One per set of categories, shared by whoever asks for it: the DOM stage's pruner of
        every page (sites repeat their class strings from page to page). Its users fill it
        and keep it under ``CATEGORY_MEMO_MAX`` entries.
        """
        return self.category_memos.setdefault(categories, {})

    def _match_category(self, class_and_id: str) -> str | None:
        lookup = self.class_words
        if lookup.exact:
            return lookup.category(class_and_id)
        return self._regex_category(class_and_id)

    def _regex_category(self, class_and_id: str) -> str | None:
        """The category of the token ``class_pattern`` finds: the reference for ``class_words``."""
        match = self.class_pattern.search(class_and_id)
        if match is None:
            return None
        token = match.group(1)
        for category, tokens in self.class_tokens.items():
            if token in tokens:
                return category
        return None


def _index_prefixes(prefixes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Prefixes by their first ``PREFIX_INDEX_CHARS`` characters, order kept.

    A key starts with a prefix at least that long only if it starts with the same
    characters; shorter prefixes (under "") go with every entry.
    """
    short = tuple(p for p in prefixes if len(p) < PREFIX_INDEX_CHARS)
    index: dict[str, tuple[str, ...]] = {"": short}
    for prefix in prefixes:
        head = prefix[:PREFIX_INDEX_CHARS]
        if len(head) == PREFIX_INDEX_CHARS and head not in index:
            index[head] = tuple(p for p in prefixes if p.startswith(head) or p in short)
    return index


@dataclass(frozen=True, slots=True)
class ClassWords:
    """The class/id tokens as words, answering as ``class_pattern.search`` does, without it.

    The regex tries a start (the string's, or one after each separator) at a time, from the
    left, and takes the longest token there that ends at a separator or the end. Split at
    the separators, that is: the first word that is a token, unless a token of several words
    ("share-bar") starts at an earlier or the same word, separators and all. One regex over a
    hundred alternatives costs about twice the split and a few set lookups, and most class
    strings name no token at all: the split alone answers them.
    """

    words: dict[str, str]
    """A token of one word -> its category (the first category listing it)."""
    phrases: dict[str, tuple[tuple[str, str], ...]]
    """A first word -> the tokens of several words starting with it, longest first, with
    their categories."""
    names: frozenset[str]
    """The one-word tokens and the first words of the others: a string with none of them
    among its words names no token."""
    exact: bool
    """False when a token is empty or starts or ends with a separator: words cannot say
    where such a token matches, and the regex decides."""

    @classmethod
    def of(cls, class_tokens: dict[str, frozenset[str]]) -> ClassWords:
        first: dict[str, str] = {}
        for category, tokens in class_tokens.items():
            for token in tokens:
                first.setdefault(token, category)
        words: dict[str, str] = {}
        phrases: dict[str, list[tuple[str, str]]] = {}
        exact = True
        for token, category in first.items():
            parts = _CLASS_SEPARATOR.split(token)
            if not parts[0] or not parts[-1]:
                exact = False
            elif len(parts) == 1:
                words[token] = category
            else:
                phrases.setdefault(parts[0], []).append((token, category))
        return cls(
            words=words,
            phrases={
                start: tuple(sorted(found, key=lambda pair: len(pair[0]), reverse=True))
                for start, found in phrases.items()
            },
            names=frozenset(words) | frozenset(phrases),
            exact=exact,
        )

    def category(self, class_and_id: str) -> str | None:
        """The category of the leftmost token in ``class_and_id``, as the regex finds it."""
        # str.split() splits where the regex's \s matches (both are str.isspace)
        words = class_and_id.replace("_", " ").replace("-", " ").split()
        if self.names.isdisjoint(words):
            return None
        for word in words:
            if word in self.phrases:
                # a token of several words may start here: compare separators and all
                return self._walk(class_and_id)
            category = self.words.get(word)
            if category is not None:
                return category
        return None  # unreachable: some word is among the names

    def _walk(self, class_and_id: str) -> str | None:
        """Start by start, as the regex goes: where tokens of several words may match."""
        start = 0
        end_of_string = len(class_and_id)
        for word in _CLASS_SEPARATOR.split(class_and_id):
            for token, category in self.phrases.get(word, ()):
                end = start + len(token)
                if class_and_id.startswith(token, start) and (
                    end == end_of_string or _CLASS_SEPARATOR.match(class_and_id, end)
                ):
                    return category
            found = self.words.get(word)
            if found is not None:
                return found
            start += len(word) + 1
        return None


def _read_json(path: Path | Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _class_regex(tokens: set[str]) -> re.Pattern[str]:
    # Whole words only: boundaries are start/end, whitespace, '-' or '_'. Longest first so
    # 'share-bar' wins over 'share'.
    alternatives = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
    return re.compile(rf"(?:^|[\s_-])({alternatives})(?=$|[\s_-])")


def _teaser_regex(markers: set[str]) -> re.Pattern[str]:
    if not markers:
        return _NEVER
    words = "|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True))
    # "... read more", "read more »", "[…]": an ellipsis or an arrow must be there, so a
    # sentence that merely ends in "more" stays
    return re.compile(
        rf"(?:(?:\.\.\.|…)\s*(?:{words})\s*[.:»›>→]*|(?:{words})\s*(?:»|›|>>|→|\.\.\.|…)"
        rf"|\[\s*(?:…|\.\.\.)\s*\])\s*$"
    )


@lru_cache(maxsize=8)
def load_vocabulary(
    languages: tuple[str, ...] = DEFAULT_LANGUAGES, extra_files: tuple[str, ...] = ()
) -> Vocabulary:
    """Load and compile the vocabulary for ``languages`` plus the user's ``extra_files``.

    The result is cached: call it freely.

    >>> vocab = load_vocabulary()
    >>> vocab.is_boilerplate_line("Subscribe Free To Our Daily Newsletters")
    True
    >>> vocab.agencies["agence france-presse"]
    'AFP'
    """
    package = resources.files("newsclean") / "vocab"
    common = _read_json(package / "common.json")
    sources = [_read_json(package / f"{lang}.json") for lang in languages]
    sources.extend(_read_user_file(extra) for extra in extra_files)

    try:
        return _compile(common, sources)
    except (re.error, TypeError, ValueError, AttributeError) as exc:
        # the built-in files compile (tests load them); a failure is a user file's
        raise OptionsError(f"invalid vocabulary file among {extra_files}: {exc}") from exc


def _read_user_file(path: str) -> dict[str, Any]:
    try:
        return _read_json(Path(path))
    except (OSError, ValueError) as exc:
        raise OptionsError(f"cannot read vocabulary file {path}: {exc}") from exc


def _compile(common: dict[str, Any], sources: list[dict[str, Any]]) -> Vocabulary:
    lines: set[str] = set()
    prefixes: set[str] = set()
    patterns: list[str] = []
    end_markers: set[str] = set()
    end_patterns: list[str] = []
    teasers: set[str] = set()
    legal: set[str] = set()
    tag_labels: set[str] = set()
    section_labels: set[str] = set()
    date_labels: set[str] = set()
    author_labels: set[str] = set()
    months: dict[str, int] = {}
    class_tokens: dict[str, set[str]] = {
        category: set(tokens) for category, tokens in common["class_tokens"].items()
    }
    for source in sources:
        lines.update(normalize_line(x) for x in source.get("lines", ()))
        prefixes.update(" ".join(x.casefold().split()) for x in source.get("prefixes", ()))
        patterns.extend(source.get("patterns", ()))
        for category, tokens in source.get("class_tokens", {}).items():
            class_tokens.setdefault(category, set()).update(tokens)
        end_markers.update(normalize_line(x) for x in source.get("end_markers", ()))
        end_patterns.extend(source.get("end_patterns", ()))
        teasers.update(" ".join(x.casefold().split()) for x in source.get("teaser_markers", ()))
        legal.update(x.casefold() for x in source.get("legal_phrases", ()))
        tag_labels.update(normalize_line(x) for x in source.get("tag_labels", ()))
        section_labels.update(normalize_line(x) for x in source.get("section_labels", ()))
        date_labels.update(normalize_line(x) for x in source.get("date_labels", ()))
        author_labels.update(normalize_line(x) for x in source.get("author_labels", ()))
        months.update({k.casefold(): int(v) for k, v in source.get("months", {}).items()})
    agencies = {
        spelling.casefold(): name
        for name, spellings in common["agencies"].items()
        for spelling in [name, *spellings]
    }
    all_tokens = set().union(*class_tokens.values())
    frozen_tokens = {k: frozenset(v) for k, v in class_tokens.items()}
    return Vocabulary(
        lines=frozenset(lines),
        prefixes=tuple(sorted(prefixes, key=len, reverse=True)),
        line_patterns=compile_line_patterns(patterns),
        class_tokens=frozen_tokens,
        class_pattern=_class_regex(all_tokens),
        class_words=ClassWords.of(frozen_tokens),
        agencies=agencies,
        end_markers=frozenset(end_markers),
        end_patterns=compile_line_patterns(end_patterns),
        teaser_pattern=_teaser_regex(teasers),
        legal_phrases=tuple(sorted(legal)),
        legal_pattern=_words_regex(legal),
        tag_labels=frozenset(tag_labels),
        section_labels=frozenset(section_labels),
        date_labels=tuple(sorted(date_labels, key=len, reverse=True)),
        author_labels=frozenset(author_labels),
        months=months,
        month_pattern=_month_regex(months),
    )


def _words_regex(phrases: set[str]) -> re.Pattern[str]:
    if not phrases:
        return _NEVER
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _month_regex(months: dict[str, int]) -> re.Pattern[str]:
    if not months:
        return _NEVER
    names = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    return re.compile(
        rf"(?:\b(?P<day1>\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?)?"
        rf"\b(?P<month>{names})\b\.?(?:\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\b(?![:.]\d))?",
        re.IGNORECASE,
    )
