"""Options for cleaning, as one frozen object that travels through every stage."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from newsclean._errors import OptionsError
from newsclean._validate import check_bool, check_int, check_number, check_str_tuple

__all__ = ["Extractor", "Options", "check_clean_options"]

Extractor = Literal["auto", "native", "trafilatura"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    """How :func:`newsclean.clean_html` works.

    >>> Options(include_tables=False).include_tables
    False

    Attributes:
        extractor: the body extractor. ``"auto"`` (the default) runs newsclean's own
            extractor on the parsed page and asks trafilatura for a second opinion only when
            the native result is weak (short, few paragraphs, a small share of the page,
            link-heavy); ``"native"`` never calls trafilatura; ``"trafilatura"`` runs
            trafilatura on the DOM newsclean has already cleaned of boilerplate. The record's
            ``extractor`` field says which one produced the body.
        include_tables: keep tables in the body.
        include_comments: keep reader comments (normally boilerplate).
        date_fallback: when no structured date exists, let htmldate search the page.
        max_html_chars: pages longer than this are cut before parsing (with a warning);
            protects batch runs from pathological multi-hundred-MB pages.
        max_extract_chars: the cleaned page handed to trafilatura is cut at this many
            characters (with a warning). Boilerplate, scripts and styles are gone by then, so
            only pages with hundreds of thousands of words of text reach it. The native
            extractor reads the parsed tree in linear time and needs no cut.
        max_fallback_chars: in ``"auto"`` mode, trafilatura's second opinion is skipped (with
            a warning) on pages longer than this; the native result stands. No page of the
            dev sets that asks for a second opinion is longer than 1.2 M characters, and a
            pathological page (100,000 links) cost seconds in it.
        fallback_timeout_s: in ``"auto"`` mode, the second opinion is abandoned (with a
            warning) after this many seconds; ``None`` for no limit. It is measured with
            ``SIGALRM``, so it applies in a process's main thread when no other alarm is set
            (batch workers, the command line, scripts); elsewhere the size bound alone
            applies.
        max_depth: elements nested deeper than this are flattened, so that pathological
            nesting cannot exhaust the recursion of tree walkers.
        raise_on_empty: raise :class:`newsclean.NoContentError` instead of returning a record
            with an empty body and a warning.
        boilerplate_phrases: extra lines to drop from bodies, in addition to the built-in
            vocabulary (matched case-insensitively against whole lines).
        vocabulary_files: extra vocabulary JSON files (same keys as the built-in
            ``vocab/*.json``) merged into the built-in vocabulary.
    """

    extractor: Extractor = "auto"
    include_tables: bool = True
    include_comments: bool = False
    date_fallback: bool = True
    max_html_chars: int = 25_000_000
    max_extract_chars: int = 2_000_000
    max_fallback_chars: int = 1_500_000
    fallback_timeout_s: float | None = 5.0
    max_depth: int = 200
    raise_on_empty: bool = False
    boilerplate_phrases: tuple[str, ...] = field(default=())
    vocabulary_files: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        # types first, each naming its field, so that a wrong one fails here and not at clean
        # time deep inside a parser
        if not isinstance(self.extractor, str):
            raise TypeError(f"extractor must be a str, not {type(self.extractor).__name__}")
        for name in ("include_tables", "include_comments", "date_fallback", "raise_on_empty"):
            check_bool(getattr(self, name), name)
        for name in ("max_html_chars", "max_extract_chars", "max_fallback_chars", "max_depth"):
            check_int(getattr(self, name), name)
        if self.fallback_timeout_s is not None:
            check_number(self.fallback_timeout_s, "fallback_timeout_s")
            if not 0 < self.fallback_timeout_s < float("inf"):
                raise OptionsError("fallback_timeout_s must be positive and finite, or None")
        if self.max_fallback_chars < 0:
            raise OptionsError("max_fallback_chars must not be negative")
        check_str_tuple(self.boilerplate_phrases, "boilerplate_phrases")
        object.__setattr__(self, "boilerplate_phrases", tuple(self.boilerplate_phrases))
        files = self.vocabulary_files
        if isinstance(files, (str, bytes)) or not isinstance(files, Iterable):
            raise TypeError(
                f"vocabulary_files must be a tuple of paths, not {type(files).__name__}"
            )
        paths = []
        for item in files:
            if not isinstance(item, (str, os.PathLike)):
                raise TypeError(f"vocabulary_files must hold paths, not {type(item).__name__}")
            paths.append(os.fspath(item))
        object.__setattr__(self, "vocabulary_files", tuple(paths))
        if self.extractor not in ("auto", "native", "trafilatura"):
            raise OptionsError(f"unknown extractor {self.extractor!r}")
        if self.max_html_chars <= 0 or self.max_extract_chars <= 0:
            raise OptionsError("max_html_chars and max_extract_chars must be positive")
        if self.max_depth < 10:
            raise OptionsError("max_depth must be at least 10")


DEFAULT_OPTIONS = Options()


def check_clean_options(options: object) -> Options:
    """``options``, or the defaults for ``None``; a :class:`TypeError` for anything else."""
    if options is None:
        return DEFAULT_OPTIONS
    if not isinstance(options, Options):
        raise TypeError(f"options must be a newsclean.Options, not {type(options).__name__}")
    return options
