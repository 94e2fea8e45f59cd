"""Line patterns tried by first character: always the joined patterns' answer."""

from __future__ import annotations

import json
import random
import re
import sys

import pytest

from newsclean._text.linepatterns import NO_LINE_PATTERNS, compile_line_patterns
from newsclean._vocab import load_vocabulary

BUILT_IN = load_vocabulary()

# patterns of every shape the analysis meets, user-file oddities included
ODD_PATTERNS = [
    r"^(tags?|topics?)\s*:",
    r"^\d+\s+comments?$",
    r"^(temps de )?lecture\s*:?\s*\d+\s*min$|^\d+\s*min de lecture$",
    r"\Aadvert",
    r"^[a-c]{2}(/[a-c]{2})+$",
    r"read more$",  # not anchored: searched everywhere
    r"(?m:^second line)",  # a scoped flag: ^ may follow a newline
    r"(?i:^SHOUT)",  # case-insensitive: its first characters are not the literal's
    r"^x?y*$",  # can match the empty line
    r"^(?=look)lookahead",
    r"^[^q]uiet",
    r"^(?>atomic)",
    r"^\w+ only words$",
    r"^©",
]
LINES = [
    "",
    "tags: a, b",
    "topic:",
    "12 comments",
    "lecture : 5 min",
    "5 min de lecture",
    "advert here",
    "ab/bc/ca",
    "please read more",
    "first\nsecond line",
    "shout it",
    "SHOUT",
    "xyy",
    "y",
    "lookahead",
    "quiet",
    "xuiet",
    "atomic",
    "some only words",
    "© 2025",
    "٣ comments",  # an Arabic-Indic digit is a \d
    "The story goes on and on.",
]


def _reference(patterns: list[str], line: str) -> bool:
    return bool(re.compile("|".join(f"(?:{p})" for p in patterns)).search(line))


@pytest.mark.parametrize("line", LINES)
def test_search_answers_as_the_joined_patterns(line):
    lines = compile_line_patterns(ODD_PATTERNS)
    assert lines.search(line) == _reference(ODD_PATTERNS, line)


def test_search_matches_the_joined_patterns_on_random_lines():
    rng = random.Random(5)
    alphabet = "abcqxy/:5 \n٣©SHOUTadvert"
    lines = compile_line_patterns(ODD_PATTERNS)
    for _ in range(3000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert lines.search(line) == _reference(ODD_PATTERNS, line), line


def test_what_the_analysis_proves():
    lines = compile_line_patterns(ODD_PATTERNS)
    floating = lines.floating.pattern if lines.floating else ""
    # not anchored, or anchored only under a flag: searched on every line
    for pattern in (r"read more$", r"(?m:^second line)", r"(?i:^SHOUT)"):
        assert f"(?:{pattern})" in floating
    # anchored with known first characters: only under those characters
    assert "tags?" in lines.by_head["t"].pattern
    assert "tags?" not in (lines.other_head.pattern if lines.other_head else "")
    # \d: under every decimal digit, listed or not
    assert lines.digit_head is not None
    assert r"\d+\s+comments" in lines.digit_head.pattern
    # anchored but starting with anything (or nothing): under every first character
    for pattern in (r"^x?y*$", r"^[^q]uiet", r"^\w+ only words$"):
        assert lines.other_head is not None
        assert pattern in lines.other_head.pattern


def test_the_built_in_patterns_are_all_anchored():
    """Every built-in pattern is tried only on lines starting with one of its characters."""
    for lines in (BUILT_IN.line_patterns, BUILT_IN.end_patterns):
        assert lines.floating is None
        assert lines.other_head is None
    # a paragraph starting with "w" meets only the agency slug pattern
    assert BUILT_IN.line_patterns.by_head["w"].pattern.count("(?:") == 1
    assert BUILT_IN.end_patterns.by_head.get("w", "unlisted") == "unlisted"
    assert BUILT_IN.is_end_marker("12 Comments")


def test_back_references_keep_every_pattern_searched():
    """Regrouped patterns would number their groups anew: \\1 could mean another group."""
    patterns = [r"^(a)x", r"^(b)\1"]
    lines = compile_line_patterns(patterns)
    assert lines.floating is lines.pattern
    assert lines.search("bb") == _reference(patterns, "bb")


def test_a_pattern_that_only_compiles_joined_is_searched_as_written():
    patterns = [r"a)|(?:b"]  # joined: (?:a)|(?:b)
    lines = compile_line_patterns(patterns)
    assert lines.floating is lines.pattern
    assert lines.search("xb")
    assert lines.search("ya")
    assert not lines.search("c")


def test_no_patterns_match_nothing():
    assert compile_line_patterns([]) is NO_LINE_PATTERNS
    assert not NO_LINE_PATTERNS.search("")
    assert not NO_LINE_PATTERNS.search("anything")


def test_an_invalid_pattern_raises_as_re_compile():
    with pytest.raises(re.error):
        compile_line_patterns(["^(unclosed"])


def test_a_user_file_with_floating_patterns_and_short_prefixes(tmp_path):
    """A user vocabulary breaking what the built-in one holds (anchored patterns, prefixes
    of two characters or more) is read exactly as written."""
    user = tmp_path / "vocab.json"
    user.write_text(
        json.dumps(
            {
                "patterns": ["sponsored content", r"(?i:^PROMO)"],
                "prefixes": ["z", "qq"],
                "end_patterns": ["the end$"],
            }
        ),
        encoding="utf-8",
    )
    vocab = load_vocabulary(extra_files=(str(user),))
    assert vocab.line_patterns.floating is not None
    assert vocab.is_boilerplate_line("This is Sponsored Content, says the label")
    assert vocab.is_boilerplate_line("promo code inside")
    assert vocab.is_boilerplate_line("Zero-rated offers")  # the one-character prefix
    assert vocab.is_boilerplate_line("z")
    assert vocab.is_boilerplate_line("qq more")
    assert not vocab.is_boilerplate_line("q")
    assert vocab.is_end_marker("And that was the end")
    assert not BUILT_IN.is_boilerplate_line("Zero-rated offers")


def test_prefix_index_answers_as_startswith():
    vocab = BUILT_IN
    keys = ["", "s", "subscribe", *vocab.prefixes, *(p[:2] for p in vocab.prefixes)]
    keys += [p + " more words" for p in vocab.prefixes]
    for key in keys:
        assert vocab.has_prefix(key) == key.startswith(vocab.prefixes), key


def test_digit_class_is_str_isdecimal():
    r"""The analysis files ``\d`` under str.isdecimal(): sre's Unicode \d is exactly that."""
    digit = re.compile(r"\d")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(digit.match(char)) == char.isdecimal(), hex(code)
