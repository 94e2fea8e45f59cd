"""The dates stage: which written forms count as shown, and the digest htmldate reads."""

from __future__ import annotations

from datetime import date

import pytest

from newsclean._dom import parse_html
from newsclean._extract.dates import date_is_visible, htmldate_digest


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2024, 3, 22), "Tom 2024-04-18 March 22nd, 2024 | Review"),
        (date(2025, 12, 19), "Fri, 19th Dec 2025"),
        (date(2025, 12, 4), "Last updated: Dec 4 2025 By Hl"),
        (date(2025, 12, 19), "Updated on 19-Dec-2025"),
        (date(2025, 12, 4), "posted 4 Dec, 2025"),
        (date(2025, 12, 19), "19-12-2025 23:05"),
        (date(2025, 11, 11), "Nov 11th, 2025"),
        (date(2025, 11, 1), "1st November 2025"),
    ],
)
def test_date_is_visible_reads_ordinals_and_dashed_months(day: date, text: str) -> None:
    assert date_is_visible(day, text)


def test_date_is_visible_ordinals_name_the_right_day() -> None:
    assert not date_is_visible(date(2025, 11, 12), "Nov 11th, 2025")
    assert not date_is_visible(date(2025, 11, 12), "Nov 12st, 2025 1st November 2025")


def test_date_digest_leaves_out_head_links_but_the_canonical_one() -> None:
    tree = parse_html(
        "<html><head><title>T</title>"
        '<meta property="article:published_time" content="2025-05-03">'
        '<link rel="stylesheet" href="/2024/01/01/site.css">'
        '<link rel="canonical" href="https://example.com/2025/05/03/story">'
        "</head><body><article><p>Story text.</p></article></body></html>"
    )
    region = htmldate_digest(tree, None)
    assert "article:published_time" in region
    assert "<title>T</title>" in region
    assert "/2025/05/03/story" in region
    assert "site.css" not in region


def test_date_digest_offers_only_the_opening_text() -> None:
    opening = "Story opens here. "
    tree = parse_html(f"<html><body><p>{opening}{'word ' * 5000}</p></body></html>")
    region = htmldate_digest(tree, None)
    assert opening.strip() in region
    assert len(region) < 5000
