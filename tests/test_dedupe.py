"""Fingerprints and near-duplicate clustering: the library, the command, the saved index."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsclean
from newsclean._dedupe import minhash as fp_module
from newsclean._dedupe.api import dedupe
from newsclean._dedupe.index import DEFAULT_THRESHOLD, DedupeIndex, IndexError_

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AFP_PAGE = FIXTURES / "pages" / "wire-afp-alibaba.html"
SEED_ARTICLE = FIXTURES / "text" / "seed-000-clean-article.txt"  # ../shared/seeds/000_*
SEED_DUMP = FIXTURES / "text" / "seed-004-wire-dump.txt"  # ../shared/seeds/004_*


def _newsclean(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsclean", *args], capture_output=True, text=True, check=False
    )


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- the fingerprint ------------------------------------------------------------------------

TRICKY = [
    "",
    "word",
    "two words",
    "exactly three words",
    "Ünï ÇASE İstanbul ΟΔΟΣ straße ǅ",
    "x_y 12 ½ ٣ ⅷ __ a_",
    "日本語のテキスト 中文 한국어 texte",
    "emoji 😀 between 🇫🇷 words",
    "lone \ud800 surrogate \udfff here",
    "tab\tand\nnewline\u00a0nbsp\u2003em-space",
    "'quotes' “curly” — dashes – and… ellipses",
]


@pytest.mark.skipif(not fp_module.ACCELERATED, reason="C fingerprint not built")
@pytest.mark.parametrize("text", TRICKY)
def test_c_signature_is_the_python_reference(text: str) -> None:
    lowered = text.lower()
    assert fp_module._signature(lowered) == fp_module._signature_py(lowered)


@pytest.mark.skipif(not fp_module.ACCELERATED, reason="C fingerprint not built")
def test_c_signature_matches_on_every_fixture_and_random_text() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "text").glob("*.txt"))]
    rng = random.Random(3)
    alphabet = "abcdeé ÉΣσ_1٣,.\n\t—😀日"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400))) for _ in range(200)]
    for text in texts:
        lowered = text.lower()
        assert fp_module._signature(lowered) == fp_module._signature_py(lowered), text[:40]
        sa, sb = fp_module._signature(lowered), fp_module._signature(lowered[::-1])
        if sa is not None and sb is not None:
            assert fp_module._matches(sa, sb) == fp_module._matches_py(sa, sb)
            assert fp_module._matches(sa, sa) == 64 == fp_module._matches_py(sa, sa)


@pytest.mark.skipif(not fp_module.ACCELERATED, reason="C fingerprint not built")
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_c_signature_is_the_reference_on_any_text(text: str) -> None:
    lowered = text.lower()
    assert fp_module._signature(lowered) == fp_module._signature_py(lowered)


def test_fingerprint_ignores_case_punctuation_and_spacing() -> None:
    base = "The minister said on Tuesday that the bridge would reopen in May."
    variant = 'THE minister said -- on "Tuesday" that\nthe bridge would   reopen in May'
    assert newsclean.fingerprint(base) == newsclean.fingerprint(variant)
    assert newsclean.fingerprint(base) != newsclean.fingerprint(base.replace("May", "June"))
    assert newsclean.fingerprint("") is None
    assert newsclean.fingerprint("— … !") is None


def test_signature_rejects_what_is_not_a_fingerprint() -> None:
    with pytest.raises(ValueError, match="prefix"):
        fp_module.signature("sha1:abc")
    with pytest.raises(ValueError, match="bytes"):
        fp_module.signature("mh1:AAAA")


def test_records_carry_their_fingerprint_in_json_and_schema() -> None:
    article = newsclean.clean_html(AFP_PAGE.read_bytes())
    assert article.fingerprint == newsclean.fingerprint(article.text)
    text_record = newsclean.clean_text(SEED_DUMP.read_text(encoding="utf-8"))
    assert text_record.fingerprint == newsclean.fingerprint(text_record.text)
    assert newsclean.Article.from_json(article.to_json()).fingerprint == article.fingerprint
    schema = newsclean.article_json_schema()
    assert "fingerprint" in schema["properties"]
    empty = newsclean.clean_html("<html><body><nav>Home</nav></body></html>")
    assert empty.fingerprint is None


# -- the seeds: one AFP story, rewritten ----------------------------------------------------


def test_the_two_seed_renditions_are_not_copies() -> None:
    """000 (a clean article) and 004 (a raw wire dump) tell one AFP story in other words."""
    article = newsclean.clean_text(SEED_ARTICLE.read_text(encoding="utf-8"))
    dump = newsclean.clean_text(SEED_DUMP.read_text(encoding="utf-8"))
    assert article.fingerprint
    assert dump.fingerprint
    assert newsclean.similarity(article.fingerprint, dump.fingerprint) < DEFAULT_THRESHOLD
    matches = dedupe([article, dump])
    assert matches[0].cluster != matches[1].cluster


def test_a_wire_copy_in_other_chrome_with_another_headline_is_a_copy() -> None:
    page = newsclean.clean_html(AFP_PAGE.read_bytes())
    dump = newsclean.clean_text(SEED_DUMP.read_text(encoding="utf-8"))
    html = AFP_PAGE.read_text(encoding="utf-8")
    reprint = html.replace("<title>", "<title>Tech: ", 1).replace(
        "</body>", "<footer><p>Our partner sites carry AFP stories.</p></footer></body>"
    )
    other = newsclean.clean_html(reprint.encode(), url="https://reprints.example/alibaba")
    matches = dedupe([page, dump, other], refs=["page", "dump", "reprint"])
    assert {m.cluster for m in matches} == {0}
    assert all(m.similarity is not None and m.similarity >= 0.9 for m in matches)
    assert matches[0].cluster_size == 3


# -- the library API ------------------------------------------------------------------------


def _story(seed: int, words: int = 300) -> str:
    rng = random.Random(seed)
    return " ".join(f"w{rng.randrange(50_000)}" for _ in range(words))


def test_dedupe_picks_the_canonical_record_by_the_rules() -> None:
    story = _story(1)
    rows = [
        {
            "source": "late-long",
            "article": {"text": story + " " + _story(9, 40), "published": "2025-11-16"},
        },
        {"source": "early", "article": {"text": story, "published": "2025-11-15T08:00:00Z"}},
        {"source": "undated", "article": {"text": story[: len(story) * 9 // 10]}},
        {"source": "failed", "article": None, "error": {"kind": "DecodeError"}},
        {"source": "other", "article": {"text": _story(2)}},
    ]
    matches = {m.ref: m for m in dedupe(rows)}
    assert matches["early"].canonical == "early"
    assert matches["late-long"].canonical == "early" == matches["undated"].canonical
    assert matches["early"].similarity == 1.0
    assert matches["undated"].cluster_size == 3
    assert matches["other"].cluster != matches["early"].cluster
    assert matches["failed"].cluster is None
    assert matches["failed"].skipped == "batch error: DecodeError"
    by_length = {m.ref: m for m in dedupe(rows, canonical=["longest"])}
    assert by_length["early"].canonical == "late-long"
    by_order = {m.ref: m for m in dedupe(rows, canonical=["first"])}
    assert by_order["undated"].canonical == "late-long"
    with pytest.raises(IndexError_):
        dedupe(rows, canonical=["newest"])


def test_memory_grows_with_clusters_not_records() -> None:
    index = DedupeIndex()
    stories = [_story(s) for s in range(20)]
    for copy in range(50):
        for s, story in enumerate(stories):
            index.add(newsclean.fingerprint(story + f" copy {copy}") or "", ref=f"{s}/{copy}")
    assert len(index) == 20
    assert index.records == 1000
    assert sum(len(t) for t in index._tables) <= 20 * index.bands
    assert index.match(newsclean.fingerprint(stories[3]) or "") == (3, pytest.approx(1.0, abs=0.1))
    assert index.match(newsclean.fingerprint(_story(99)) or "") is None


def test_a_saved_index_takes_more_records(tmp_path: Path) -> None:
    first = DedupeIndex(threshold=0.6)
    first.add(newsclean.fingerprint(_story(1)) or "", ref="a", published="2025-01-02")
    first.add(newsclean.fingerprint(_story(2)) or "", ref="b")
    first.save(tmp_path / "index.jsonl")
    again = DedupeIndex.load(tmp_path / "index.jsonl")
    assert (again.threshold, len(again), again.records) == (0.6, 2, 2)
    joined = again.add(
        newsclean.fingerprint(_story(1) + " more") or "", ref="c", published="2024-12-31"
    )
    assert (joined.cluster, joined.new) == (0, False)
    assert again.cluster(0).canonical == "c"
    (tmp_path / "bad.jsonl").write_text('{"format": "something else"}\n')
    with pytest.raises(IndexError_, match="not a newsclean dedupe index"):
        DedupeIndex.load(tmp_path / "bad.jsonl")
    lines = (tmp_path / "index.jsonl").read_text().splitlines()
    (tmp_path / "torn.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(IndexError_, match="truncated"):
        DedupeIndex.load(tmp_path / "torn.jsonl")


# -- the command, on real files -------------------------------------------------------------


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    """The fixture pages, plus the AFP story reprinted in other chrome under another headline."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in sorted((FIXTURES / "pages").glob("*.html")):
        (folder / page.name).write_bytes(page.read_bytes())
    html = AFP_PAGE.read_text(encoding="utf-8")
    reprint = html.replace("<title>", "<title>Reprint: ", 1).replace(
        "<body>", "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>", 1
    )
    (folder / "reprint-afp.html").write_text(reprint, encoding="utf-8")
    return folder


def test_cli_clusters_cleaned_pages_and_adds_to_a_saved_index(pages: Path, tmp_path: Path) -> None:
    cleaned = tmp_path / "cleaned.jsonl"
    done = _newsclean("clean", str(pages), "-o", str(cleaned), "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    rows = _lines(cleaned)
    assert all(row["article"]["fingerprint"].startswith("mh1:") for row in rows)

    out, index = tmp_path / "clusters.jsonl", tmp_path / "index.jsonl"
    done = _newsclean("dedupe", str(cleaned), "-o", str(out), "--index", str(index))
    assert done.returncode == 0, done.stderr
    assert "new clusters" in done.stderr
    clusters = {Path(str(m["ref"])).name: m for m in _lines(out)}
    assert len(clusters) == len(rows)
    afp, reprint = clusters["wire-afp-alibaba.html"], clusters["reprint-afp.html"]
    assert afp["cluster"] == reprint["cluster"]
    assert afp["canonical"] == reprint["canonical"]
    assert afp["cluster_size"] == 2
    others = [m for name, m in clusters.items() if "afp" not in name]
    assert len({m["cluster"] for m in others}) == len(others)
    assert afp["cluster"] not in {m["cluster"] for m in others}

    # stdin to stdout gives the same answers
    piped = subprocess.run(
        [sys.executable, "-m", "newsclean", "dedupe", "-", "-o", "-", "--quiet"],
        input=cleaned.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert piped.returncode == 0, piped.stderr
    assert [json.loads(line) for line in piped.stdout.splitlines()] == _lines(out)

    # a second run: the raw wire dump (text path) joins the AFP cluster of the first run
    dump = newsclean.clean_text(SEED_DUMP.read_text(encoding="utf-8"))
    more = tmp_path / "more.jsonl"
    more.write_text(dump.to_json() + "\n" + "{not json\n", encoding="utf-8")
    out2 = tmp_path / "clusters2.jsonl"
    done = _newsclean("dedupe", str(more), "-o", str(out2), "--index", str(index))
    assert done.returncode == 0, done.stderr
    second = _lines(out2)
    assert second[0]["cluster"] == afp["cluster"]
    assert second[0]["canonical"] == afp["canonical"]
    assert second[0]["cluster_size"] == 3
    assert second[1]["cluster"] is None
    assert str(second[1]["skipped"]).startswith("invalid JSON")


def test_the_fast_row_reader_reads_what_json_reads(pages: Path, tmp_path: Path) -> None:
    from newsclean._cli.dedupe import _fast_row

    tricky = newsclean.Article(
        url='https://x.example/"published":"1999-01-01"',
        title='"published":"1999-01-01", "word_count":7, "fingerprint":"mh1:AAAA"',
        text='He said: "fingerprint":"mh1:BBBB" and \\"published":null, "word_count":3}',
        published="2025-11-15T08:00:00+01:00",
        fingerprint=newsclean.fingerprint("a story"),
    )
    lines = [
        newsclean.Result(source='odd "source" \\ name', article=tricky).model_dump_json(),
        newsclean.Result(
            source="no-fp", article=tricky.model_copy(update={"fingerprint": None})
        ).model_dump_json(),
        newsclean.Result(
            source="failed",
            error=newsclean.ErrorInfo(stage="decode", kind="DecodeError", message="x"),
        ).model_dump_json(),
    ]
    cleaned = tmp_path / "cleaned.jsonl"
    done = _newsclean("clean", str(pages), "-o", str(cleaned), "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    lines += cleaned.read_text(encoding="utf-8").splitlines()
    fast_rows = 0
    for line in lines:
        full = json.loads(line)
        fast = _fast_row(line)
        if fast is None:
            assert full["article"] is None or full["article"]["fingerprint"] is None
            continue
        fast_rows += 1
        assert fast["source"] == full["source"]
        for key in ("url", "published", "word_count", "fingerprint"):
            assert fast["article"][key] == full["article"][key], key
    assert fast_rows == len(lines) - 2


def test_cli_reads_parquet_and_reports_bad_input(pages: Path, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    cleaned = tmp_path / "cleaned.parquet"
    done = _newsclean("clean", str(pages), "-o", str(cleaned), "--workers", "1", "--quiet")
    assert done.returncode == 0, done.stderr
    out = tmp_path / "clusters.jsonl"
    done = _newsclean("dedupe", str(cleaned), "-o", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    matches = _lines(out)
    assert len(matches) == len(list(pages.glob("*.html")))
    by_name = {Path(str(m["ref"])).name: m for m in matches}
    assert by_name["wire-afp-alibaba.html"]["cluster"] == by_name["reprint-afp.html"]["cluster"]

    done = _newsclean("dedupe", str(tmp_path / "missing.jsonl"), "-o", str(out))
    assert done.returncode == 2
    assert "no such file" in done.stderr
    (tmp_path / "index.jsonl").write_text("garbage\n")
    done = _newsclean(
        "dedupe", str(cleaned), "-o", str(out), "--index", str(tmp_path / "index.jsonl")
    )
    assert done.returncode == 2
    assert "cannot read the dedupe index" in done.stderr


# -- the benchmark, end to end on a tiny WCXB-shaped folder ---------------------------------


def test_benchmark_end_to_end(tmp_path: Path) -> None:
    import gzip

    wcxb = tmp_path / "wcxb"
    (wcxb / "ground-truth").mkdir(parents=True)
    (wcxb / "html").mkdir()
    for n in range(10):
        paragraphs = [_story(100 * n + k, 45) + "." for k in range(6)]
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        page = (
            f"<html><head><title>Story {n}</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<div class='main'><article><h1>Story {n}</h1>{body}</article></div>"
            f"<footer>Site {n} footer, all rights reserved.</footer></body></html>"
        )
        (wcxb / "html" / f"{n:04}.html.gz").write_bytes(gzip.compress(page.encode()))
        truth = {
            "ground_truth": {"title": f"Story {n}", "main_content": "\n\n".join(paragraphs)},
            "_internal": {"page_type": {"primary": "article"}},
        }
        (wcxb / "ground-truth" / f"{n:04}.json").write_text(json.dumps(truth))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "000_article.txt").write_text(SEED_ARTICLE.read_text(encoding="utf-8"))
    (seeds / "004_dump.txt").write_text(SEED_DUMP.read_text(encoding="utf-8"))
    out = tmp_path / "dedupe.json"
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "dedupe.py"
    done = subprocess.run(
        [
            *(sys.executable, str(script), "--wcxb", str(wcxb), "--traf", str(tmp_path / "no")),
            *("--seeds", str(seeds), "--stories", "3", "--scale", "3000"),
            *("--datasketch-scale", "", "--cli-scale", "2000", "--out", str(out), "--no-write"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| newsclean DedupeIndex (threshold 0.4) |" in done.stdout
    assert "| SimHash 64 bits (Hamming distance) |" in done.stdout
    result = json.loads(out.read_text())
    assert result["labelled_set"]["stories"] == 3
    assert result["quality"]["seeds"]["same_cluster"] is False
    scores = result["quality"]["clustering"]["newsclean DedupeIndex (threshold 0.4)"]
    assert scores["precision"] == 1.0
    assert scores["recall"] == 1.0
    assert result["scale"][0]["records"] == 3000
    assert result["cli_scale"]["records"] == 2000
    assert result["fingerprint_cost"]["fingerprint_ms_median"] > 0


def test_without_the_c_extension_the_reference_gives_the_same_records() -> None:
    code = (
        "import sys; sys.modules['newsclean._dedupe._minhash'] = None\n"
        "import newsclean\n"
        "from newsclean._dedupe import minhash\n"
        "assert not minhash.ACCELERATED\n"
        f"page = open({str(AFP_PAGE)!r}, 'rb').read()\n"
        "print(newsclean.clean_html(page).fingerprint)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == newsclean.clean_html(AFP_PAGE.read_bytes()).fingerprint
