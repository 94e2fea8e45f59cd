"""Every hand-made page in tests/fixtures/pages yields its expected record."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

import newsclean

PAGES = sorted((Path(__file__).parent / "fixtures" / "pages").glob("*.html"))
EXACT_FIELDS = (
    "url",
    "title",
    "description",
    "agency",
    "dateline",
    "site_name",
    "section",
    "language",
    "canonical_url",
    "image",
)


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


@pytest.fixture(params=PAGES, ids=[p.stem for p in PAGES])
def case(request: pytest.FixtureRequest) -> tuple[newsclean.Article, dict]:
    page: Path = request.param
    expected = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
    article = newsclean.clean_html(page.read_bytes(), url=expected.get("url"))
    return article, expected


def test_metadata_fields(case):
    article, expected = case
    for name in EXACT_FIELDS:
        if name in expected:
            assert getattr(article, name) == expected[name], name
    if "authors" in expected:
        assert list(article.authors) == expected["authors"]
    if "tags" in expected:
        assert list(article.tags) == expected["tags"]
    for name in ("published", "modified"):
        if name in expected:
            assert _iso(getattr(article, name)) == expected[name], name


def test_body_bounds(case):
    article, expected = case
    assert article.text.startswith(expected["body_starts"])
    assert article.text.endswith(expected["body_ends"])
    assert article.word_count == len(article.text.split())
    assert not article.warnings


def test_body_snippets(case):
    article, expected = case
    for snippet in expected.get("with", []):
        assert snippet in article.text, snippet
    for snippet in expected.get("without", []):
        assert snippet not in article.text, snippet


def test_structure(case):
    article, expected = case
    headings = [b.text for b in article.blocks if b.kind == "heading"]
    if "headings" in expected:
        assert headings == expected["headings"]
    kinds = {b.kind for b in article.blocks}
    for kind in expected.get("kinds", []):
        assert kind in kinds
    assert article.text == "\n\n".join(b.text for b in article.blocks)
