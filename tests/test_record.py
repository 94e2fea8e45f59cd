"""The Article record: serialisation, formats and its published JSON Schema."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pydantic
import pytest

import newsclean
from newsclean import Article, Block
from newsclean._record import dump_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "article.schema.json"


def _article(**changes) -> Article:
    blocks = (
        Block(kind="heading", text="A heading", level=2),
        Block(kind="paragraph", text="First paragraph."),
        Block(kind="list_item", text="one"),
        Block(kind="list_item", text="two"),
        Block(kind="quote", text="Said someone."),
        Block(kind="table", text="a | b\n1 | 2"),
        Block(kind="code", text="print(1)"),
    )
    fields = {
        "url": "https://example.org/a",
        "title": "Title",
        "authors": ("Jane Doe",),
        "published": datetime(2025, 11, 15, 8, 30, tzinfo=timezone(timedelta(hours=8))),
        "agency": "AFP",
        "blocks": blocks,
        "text": "\n\n".join(b.text for b in blocks),
    }
    fields.update(changes)
    return Article(**fields)


def test_word_count_is_computed():
    assert _article().word_count == len(_article().text.split())


def test_record_is_frozen():
    article = _article()
    with pytest.raises(pydantic.ValidationError):
        article.title = "changed"  # type: ignore[misc]


def test_json_round_trip_keeps_zone_and_dates():
    article = _article(modified=date(2025, 11, 16))
    line = article.to_json()
    assert "\n" not in line
    back = Article.from_json(line)
    assert back == article
    assert back.published.utcoffset() == timedelta(hours=8)
    assert type(back.modified) is date


def test_naive_datetime_stays_naive():
    article = _article(published=datetime(2025, 1, 2, 3, 4))  # noqa: DTZ001
    back = Article.from_json(article.to_json())
    assert back.published.tzinfo is None


def test_to_dict_is_json_ready():
    data = _article().to_dict()
    assert data["published"] == "2025-11-15T08:30:00+08:00"
    assert data["blocks"][0] == {"kind": "heading", "text": "A heading", "level": 2}
    json.dumps(data)


def test_markdown_renders_each_block_kind():
    markdown = _article().to_markdown()
    assert markdown.startswith("# Title\n")
    assert "## A heading" in markdown
    assert "- one\n- two" in markdown
    assert "> Said someone." in markdown
    assert "| a | b |\n| --- | --- |\n| 1 | 2 |" in markdown
    assert "```\nprint(1)\n```" in markdown


def test_plain_text_with_title():
    assert _article().to_text(include_title=True).startswith("Title\n\nA heading\n\nFirst")


def test_unknown_block_kind_is_rejected():
    with pytest.raises(pydantic.ValidationError):
        Block(kind="banner", text="x")  # type: ignore[arg-type]


def _same_meaning(schema: Any) -> Any:
    """The schema with pydantic's older spelling of a described reference, ``allOf`` around a
    lone ``$ref`` (pydantic before 2.9, which the dependency floor allows), unwrapped."""
    if isinstance(schema, list):
        return [_same_meaning(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: _same_meaning(value) for key, value in schema.items()}
    wrapped = schema.get("allOf")
    if isinstance(wrapped, list) and len(wrapped) == 1 and set(wrapped[0]) == {"$ref"}:
        del schema["allOf"]
        schema.update(wrapped[0])
    return schema


def test_published_schema_matches_the_model():
    published = SCHEMA_FILE.read_text(encoding="utf-8")
    stale = "docs/article.schema.json is stale: run `newsclean schema > docs/article.schema.json`"
    if published != dump_schema():
        assert _same_meaning(json.loads(published)) == _same_meaning(json.loads(dump_schema())), (
            stale
        )


def test_schema_accepts_a_real_record():
    schema = newsclean.article_json_schema()
    data = _article().to_dict()
    assert set(data) <= set(schema["properties"])
