"""Line patterns that try, on each line, only the patterns that can match it.

The vocabulary's line patterns (``"^(tags?|topics?)\\s*:"``, ``"^\\d+\\s+comments?$"``) are
tested on every block of every page, most of them long paragraphs that none can match, and
trying every pattern on every block was most of the cost of a boilerplate lookup. Nearly all
of them are anchored at the start of the line and begin with a known character, so a line
starting with "t" can only be matched by the few that may start with "t".

What a pattern can match is read from Python's own regex parser (``re._parser``), never from
the pattern's text: a pattern counts as anchored only when every match must start at the start
of the string, and its first characters are known only when every match must start with one
of them. Whatever the analysis cannot prove (a parser it does not know, a scoped flag, a back
reference, a pattern that only compiles joined to the others) is searched as before, so the
answer is always exactly that of searching the joined patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

try:  # the parser is private: without it every pattern is searched as written
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a future Python that moved them
    sre = sre_parser = None

__all__ = ["NO_LINE_PATTERNS", "LinePatterns", "compile_line_patterns"]

_NEVER = re.compile(r"(?!x)x")
# Stands for "a decimal digit" (``\d``) among the one-character heads of a pattern.
_DIGIT = "digit"
# A character class wider than this many characters is not spelled out.
_MAX_CLASS_CHARS = 256
# by_head's answer for a first character it does not list
_UNLISTED = re.compile("unlisted")

# (what a match can start with, whether it can be empty); None: not known
_Heads = tuple[frozenset[str], bool] | None


@dataclass(frozen=True, slots=True)
class LinePatterns:
    """Compiled line patterns: :meth:`search` says whether any of them matches in a line.

    Build it with :func:`compile_line_patterns`.
    """

    pattern: re.Pattern[str]
    """Every pattern joined, each in a group: the reference :meth:`search` answers as."""
    floating: re.Pattern[str] | None = None
    """The patterns that may match past the start of a line: searched on every line."""
    by_head: dict[str, re.Pattern[str] | None] = field(default_factory=dict)
    """First character of a line -> the anchored patterns a line starting with it can match."""
    digit_head: re.Pattern[str] | None = None
    """... for a line starting with a decimal digit not in :attr:`by_head`."""
    other_head: re.Pattern[str] | None = None
    """... for any other line (the empty one included)."""

    def search(self, line: str) -> bool:
        """Whether ``self.pattern.search(line)`` finds a match."""
        if self.floating is not None and self.floating.search(line):
            return True
        head = line[:1]
        anchored = self.by_head.get(head, _UNLISTED)
        if anchored is _UNLISTED:
            anchored = self.digit_head if head.isdecimal() else self.other_head
        # every match of these starts at 0: a match there is a match anywhere
        return anchored is not None and anchored.match(line) is not None


def compile_line_patterns(patterns: Sequence[str]) -> LinePatterns:
    """Compile ``patterns`` (a match of any one anywhere in a line counts).

    Raises ``re.error`` as ``re.compile`` does on the joined patterns.

    >>> lines = compile_line_patterns([r"^(tags?|topics?)\\s*:", r"\\d+ comments$"])
    >>> sorted(lines.by_head)
    ['t']
    >>> lines.search("Tags: a, b".casefold()), lines.search("see 12 comments")
    (True, True)
    """
    joined = _join(patterns)
    if joined is None:
        return NO_LINE_PATTERNS
    analysed = _analyse(patterns)
    if analysed is None:
        return LinePatterns(pattern=joined, floating=joined)
    floating, anchored = analysed
    return _dispatch(joined, patterns, floating, anchored)


def _join(patterns: Iterable[str]) -> re.Pattern[str] | None:
    patterns = list(patterns)
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def _analyse(patterns: Sequence[str]) -> tuple[list[int], dict[int, _Heads]] | None:
    """Split pattern indexes into floating ones and anchored ones with their heads.

    None when any pattern resists analysis: joined patterns number their groups in
    sequence, so a back reference could mean another group once they are regrouped.
    """
    if sre_parser is None:
        return None
    floating: list[int] = []
    anchored: dict[int, _Heads] = {}
    try:
        for index, pattern in enumerate(patterns):
            parsed = sre_parser.parse(pattern)
            if parsed.state.flags & ~sre.SRE_FLAG_UNICODE or _has_group_reference(parsed):
                return None
            if _anchored(parsed.data):
                anchored[index] = _heads(parsed.data)
            else:
                floating.append(index)
    except (re.error, AttributeError, TypeError, ValueError):
        return None  # alone a pattern may not parse (or the parser's shapes have changed)
    return floating, anchored


def _dispatch(
    joined: re.Pattern[str],
    patterns: Sequence[str],
    floating: list[int],
    anchored: dict[int, _Heads],
) -> LinePatterns:
    """Group the anchored patterns by the first characters a line needs to match them."""
    unknown = [i for i, heads in anchored.items() if heads is None or heads[1]]
    known = {i: heads[0] for i, heads in anchored.items() if heads is not None and not heads[1]}
    cache: dict[tuple[int, ...], re.Pattern[str] | None] = {}

    def group(indexes: Iterable[int]) -> re.Pattern[str] | None:
        key = tuple(sorted(indexes))
        if key not in cache:
            cache[key] = _join(patterns[i] for i in key)
        return cache[key]

    chars = {c for heads in known.values() for c in heads if c != _DIGIT}
    by_head = {
        char: group(
            [*unknown]
            + [
                i
                for i, heads in known.items()
                if char in heads or (_DIGIT in heads and char.isdecimal())
            ]
        )
        for char in sorted(chars)
    }
    return LinePatterns(
        pattern=joined,
        floating=group(floating),
        by_head=by_head,
        digit_head=group([*unknown] + [i for i, heads in known.items() if _DIGIT in heads]),
        other_head=group(unknown),
    )


def _has_group_reference(parsed: Any) -> bool:
    """Whether a parsed pattern refers to a group by number or name anywhere."""
    references = (sre.GROUPREF, sre.GROUPREF_EXISTS)
    stack = [parsed]
    while stack:
        node = stack.pop()
        if isinstance(node, sre_parser.SubPattern):
            for op, av in node.data:
                if op in references:
                    return True
                stack.append(av)
        elif isinstance(node, tuple | list):
            stack.extend(node)
    return False


def _anchored(items: list[tuple[Any, Any]]) -> bool:
    """Whether every match of ``items`` starts at the start of the string.

    ``^`` means that without the MULTILINE flag, which no pattern here sets: global flags
    send a pattern to the floating ones, and a group setting flags is not looked into.
    """
    if not items:
        return False
    op, av = items[0]
    if op is sre.AT:
        return av is sre.AT_BEGINNING or av is sre.AT_BEGINNING_STRING
    if op is sre.BRANCH:
        return all(_anchored(branch.data) for branch in av[1])
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, sub = av
        return not add_flags and not del_flags and _anchored(sub.data)
    return False


def _heads(items: list[tuple[Any, Any]]) -> _Heads:
    """What a match of a sequence can start with, and whether it can be empty.

    The first character comes from the first item that matched something: the heads of
    every item up to the first that cannot match empty.
    """
    heads: set[str] = set()
    for op, av in items:
        found = _item_heads(op, av)
        if found is None:
            return None
        heads |= found[0]
        if not found[1]:
            return frozenset(heads), False
    return frozenset(heads), True


def _item_heads(op: Any, av: Any) -> _Heads:
    if op is sre.LITERAL:
        return frozenset({chr(av)}), False
    if op is sre.IN:
        chars = _class_heads(av)
        return None if chars is None else (chars, False)
    if op is sre.AT:
        return frozenset(), True  # zero-width: ^, $, \b
    if op is sre.BRANCH:
        return _union(_heads(branch.data) for branch in av[1])
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, sub = av
        return None if add_flags or del_flags else _heads(sub.data)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, sub = av
        found = _heads(sub.data)
        return None if found is None else (found[0], found[1] or low == 0)
    if op is sre.ATOMIC_GROUP:
        return _heads(av.data)
    return None  # any character, a negated literal, a lookaround: not worth knowing


def _union(found: Iterable[_Heads]) -> _Heads:
    heads: set[str] = set()
    nullable = False
    for one in found:
        if one is None:
            return None
        heads |= one[0]
        nullable = nullable or one[1]
    return frozenset(heads), nullable


def _class_heads(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The characters a ``[...]`` class matches, ``\\d`` as :data:`_DIGIT`; None if wider."""
    heads: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            heads.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < _MAX_CLASS_CHARS:
            heads.update(map(chr, range(av[0], av[1] + 1)))
        elif op is sre.CATEGORY and av is sre.CATEGORY_DIGIT:
            # for str patterns without the ASCII flag: the characters str.isdecimal() accepts
            heads.add(_DIGIT)
        else:
            return None  # negated, wide, or another category
    return frozenset(heads)


NO_LINE_PATTERNS = LinePatterns(pattern=_NEVER)
"""No pattern at all: nothing matches."""
