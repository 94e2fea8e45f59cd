"""clean_text: hand-made text dumps in tests/fixtures/text yield their expected records."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsclean
from newsclean import Options
from newsclean._text.reader import classify_line, split_lines
from newsclean._vocab import load_vocabulary

TEXTS = Path(__file__).parent / "fixtures" / "text"
DUMPS = sorted(TEXTS.glob("*.txt"))
EXACT_FIELDS = ("title", "description", "agency", "dateline", "site_name", "section")


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _read(name: str) -> str:
    return (TEXTS / name).read_text(encoding="utf-8")


@pytest.fixture(params=DUMPS, ids=[p.stem for p in DUMPS])
def case(request: pytest.FixtureRequest) -> tuple[newsclean.Article, dict]:
    dump: Path = request.param
    expected = json.loads(dump.with_suffix(".expected.json").read_text(encoding="utf-8"))
    return newsclean.clean_text(dump.read_text(encoding="utf-8")), expected


def test_fixtures_are_many_and_paired():
    assert len(DUMPS) >= 12
    for dump in DUMPS:
        assert dump.with_suffix(".expected.json").exists(), dump.name


def test_metadata(case):
    article, expected = case
    for name in EXACT_FIELDS:
        if name in expected:
            assert getattr(article, name) == expected[name], name
    assert list(article.authors) == expected["authors"]
    assert list(article.tags) == expected["tags"]
    assert _iso(article.published) == expected["published"]
    assert article.extractor == "text"


def test_body(case):
    article, expected = case
    assert article.text.startswith(expected["body_starts"])
    assert article.text.endswith(expected["body_ends"])
    assert article.text == "\n\n".join(b.text for b in article.blocks)
    assert article.word_count == len(article.text.split())
    assert not article.warnings
    for snippet in expected.get("with", []):
        assert snippet in article.text, snippet
    for snippet in expected["without"]:
        assert snippet not in article.text, snippet


def test_structure(case):
    article, expected = case
    assert [b.text for b in article.blocks if b.kind == "heading"] == expected["headings"]
    assert sorted({b.kind for b in article.blocks}) == expected["kinds"]
    assert sum(b.kind == "paragraph" for b in article.blocks) == expected["paragraphs"]


def test_seed_004_issue_list():
    article = newsclean.clean_text(_read("seed-004-wire-dump.txt"))
    assert article.title == "Alibaba denies report it helps China's military target US"
    assert (article.agency, article.dateline) == ("AFP", "Beijing")
    assert article.published == date(2025, 11, 15)
    assert article.text.startswith(
        "Chinese tech giant Alibaba denies helping Beijing target the United States"
    )
    assert article.blocks[-1].text.startswith("Asked about the report at a news conference")
    for gone in (
        "Space Travel News", "CYBER WARS", "pfc/lb/mtp", "Related Links", "Subscribe Free",
        "Tweet", "RELATED CONTENT", "Dong Yuyu", "Martian", "Copyright", "GDPR",
    ):  # fmt: skip
        assert gone not in article.text, gone


def test_seed_000_loses_nothing():
    text = _read("seed-000-clean-article.txt")
    article = newsclean.clean_text(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert lines[0] in (article.title, article.description)
    body = " ".join(article.text.split())
    for line in lines[1:]:
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            assert sentence in body, sentence
    headings = [b.text for b in article.blocks if b.kind == "heading"]
    assert headings == [
        "Beijing also pushes back",
        "Growing U.S. concerns over Chinese tech capabilities",
    ]


RELATED_FIRST = """\
Daily Planet

Most read
Mayor opens new library
Storm closes coastal road

Council votes to keep the night buses running

By Lois Lane
March 2, 2024

The city council voted on Tuesday to keep the night bus network running for another
year, after a campaign by shift workers and students.

Councillors said the service costs less than expected because more people use it than
before the pandemic.

Related stories
Ferry fares to rise in April
Weekend road closures announced

Budget row deepens
A long-running argument over the city budget took a new turn on Monday when the finance \
committee refused to sign off on spending plans for the coming year, saying the figures did \
not add up and that the council had not explained where the savings would come from. ... read more
"""


def test_related_before_and_after_the_story():
    article = newsclean.clean_text(RELATED_FIRST)
    assert article.title == "Council votes to keep the night buses running"
    assert article.authors == ("Lois Lane",)
    assert article.published == date(2024, 3, 2)
    assert article.text.startswith("The city council voted")
    assert article.text.endswith("before the pandemic.")
    for gone in ("Mayor opens", "Ferry fares", "Budget row", "finance committee", "read more"):
        assert gone not in article.text


def test_comments_longer_than_the_story_stay_out():
    article = newsclean.clean_text(_read("news-long-comments.txt"))
    assert article.text.endswith("people living along the river.")
    assert "shareholders" not in article.text


def test_hard_wrapped_paragraphs_are_joined():
    pairs = split_lines(_read("wire-xinhua-wrapped.txt"))
    texts = [text for text, _ in pairs]
    assert any(t.startswith("JIUQUAN, Nov. 20") and t.endswith("on Wednesday.") for t in texts)


def test_crlf_and_form_feeds():
    text = "Title of the story here\r\n\r\nThe first paragraph says what happened today.\r\n\f"
    article = newsclean.clean_text(text)
    assert article.title == "Title of the story here"
    assert article.text == "The first paragraph says what happened today."


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Related Links", "end"),
        ("RELATED CONTENT", "end"),
        ("12 Comments", "end"),
        ("Mehr zum Thema", "end"),
        ("pfc/lb/mtp", "slug"),
        ("Tweet", "boilerplate"),
        ("Subscribe Free To Our Daily Newsletters", "boilerplate"),
        ("by AFP Staff Writers", "byline"),
        ("Emma Clarke, Environment reporter", "byline"),
        ("Beijing (AFP) Nov 15, 2025", "dateline"),
        ("Veröffentlicht am 12. März 2024, 16:45 Uhr", "date"),
        ("Publicado el 3 de mayo de 2024", "date"),
        ("9:45 PM", "date"),
        ("- tomatoes and beans", "list_item"),
        ("Beijing also pushes back", "short"),
        (
            "Dong was charged with spying in 2023 and sentenced to seven year ... read more",
            "teaser",
        ),
        ("The FT said it could not independently verify the claims.", "prose"),
    ],
)
def test_classify_line(line, kind):
    assert classify_line(line, load_vocabulary(), extra_phrases=frozenset()) == kind


def test_boilerplate_phrases_option_applies():
    text = (
        "Story title goes here\n\nThe first paragraph of the story is right here.\n"
        "Sponsored by Acme Widgets\nThe second paragraph of the story follows it.\n"
    )
    plain = newsclean.clean_text(text)
    assert "Acme" in plain.text
    cleaned = newsclean.clean_text(
        text, options=Options(boilerplate_phrases=("sponsored by acme widgets",))
    )
    assert "Acme" not in cleaned.text
    assert cleaned.text.endswith("follows it.")


def test_vocabulary_file_adds_end_markers(tmp_path):
    story = "The first paragraph of the story is right here, and it is long enough to count."
    text = (
        f"Story title goes here\n\n{story}\n{story.replace('first', 'second')}\n"
        "Weitere Meldungen\nA paragraph of another story that should never show up here.\n"
    )
    assert "another story" in newsclean.clean_text(text).text
    extra = tmp_path / "vocab.json"
    extra.write_text(json.dumps({"end_markers": ["weitere meldungen"]}), encoding="utf-8")
    article = newsclean.clean_text(text, options=Options(vocabulary_files=(str(extra),)))
    assert "another story" not in article.text


def test_date_in_url_fills_published():
    article = newsclean.clean_text(
        "A headline for the page\n\nOne paragraph of story text that ends here.",
        url="https://example.org/2024/05/06/a-headline",
    )
    assert article.published == date(2024, 5, 6)
    assert article.url == "https://example.org/2024/05/06/a-headline"


def test_empty_text_warns_or_raises():
    article = newsclean.clean_text("Home\nMenu\nSearch\n")
    assert article.text == ""
    assert article.warnings == ("no article body found",)
    with pytest.raises(newsclean.NoContentError):
        newsclean.clean_text("", options=Options(raise_on_empty=True))


def test_same_vocabulary_as_the_html_path():
    vocab = load_vocabulary()
    assert vocab.is_end_marker("Related Links")
    assert vocab.is_boilerplate_line("Subscribe Free To Our Daily Newsletters")
    assert vocab.agencies["associated press"] == "AP"
    assert vocab.months["mai"] == 5


def test_sentences_cut_at_inline_elements_are_joined():
    # what body.text(separator="\n") makes of "<p>The company told <a>Reuters</a> it would
    # appeal, adding <em>more</em>.</p>"
    pairs = split_lines("Intro\nThe company told\nReuters\nit would appeal, adding\nmore\n.\nNext")
    assert [text for text, _ in pairs] == [
        "Intro",
        "The company told Reuters it would appeal, adding more.",
        "Next",
    ]


LINE_PIECES = st.sampled_from(
    [
        "Related Links", "by AFP Staff Writers", "Beijing (AFP) Nov 15, 2025", "pfc/lb/mtp",
        "Tweet", "CYBER WARS", "- a list item", "9:45 PM", "Tags: a, b", "... read more",
        "Published: 12 March 2024", "The council voted on Tuesday to keep the buses running.",
        "Short heading", "", "   ", "\f", "\u00ad\u200b", "© 2024 Site. All rights reserved.",
    ]
)  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(LINE_PIECES, st.text(max_size=120)), max_size=40))
def test_any_text_gives_a_consistent_record(pieces):
    article = newsclean.clean_text("\n".join(pieces))
    assert article.text == "\n\n".join(b.text for b in article.blocks)
    assert all(b.text.strip() for b in article.blocks)
    assert bool(article.text) or "no article body found" in article.warnings


@pytest.mark.parametrize(
    ("header", "authors"),
    [
        ("Andrew King\n", ("Andrew King",)),
        ("By Korin MillerPublished: Jan 29, 2025\n", ("Korin Miller",)),
        ("ByNina Pineda\n", ("Nina Pineda",)),
        ("LOCAL NEWS\n", ()),
    ],
)
def test_bylines_as_pages_render_them(header, authors):
    story = "The council voted on Tuesday to keep the night bus network running for a year."
    second = story.replace("Tuesday", "Monday")
    text = f"Night buses stay for another year\n{header}\n{story}\n{second}"
    article = newsclean.clean_text(text)
    assert article.title == "Night buses stay for another year"
    assert article.authors == authors


def test_batch_and_cli_take_text_files(tmp_path):
    import io

    from newsclean._batch.inputs import iter_stdin_items
    from newsclean._cli.main import main

    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "wire.txt").write_text(_read("seed-004-wire-dump.txt"), encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><body><article><p>An HTML page with one paragraph of text in it.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    # a folder's .txt files are pages only when asked for (notes beside pages stay out)
    found = newsclean.clean_files(folder, workers=0)
    assert [Path(r.source).name for r in found] == ["page.html"]
    found = newsclean.clean_files(folder, workers=0, include=("*.txt", "*.html"))
    results = {Path(r.source).name: r for r in found}
    assert set(results) == {"wire.txt", "page.html"}
    text_article = results["wire.txt"].article
    assert text_article is not None
    assert (text_article.extractor, text_article.agency) == ("text", "AFP")
    assert results["page.html"].article.extractor != "text"

    out = tmp_path / "out.jsonl"  # a file named on the command line is taken by its suffix
    assert main(["clean", str(folder / "wire.txt"), "-o", str(out), "-q"]) == 0
    row = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert row["article"]["title"] == "Alibaba denies report it helps China's military target US"

    (task,) = iter_stdin_items(io.BytesIO(b"Title\n\nA story line."), fmt="text")
    assert task.text
