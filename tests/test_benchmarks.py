"""The speed and quality benchmarks run end to end on a tiny WCXB-shaped folder."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import speed  # noqa: E402

STORY = (
    "The council voted on Tuesday to rebuild the old harbour bridge after years of delay. "
    "Engineers said the work would take two years and cost less than first feared. "
    "Residents welcomed the decision but asked for a temporary ferry during the works. "
)
PAGES = {
    "0001": ("article", "Harbour bridge to be rebuilt", STORY * 3),
    "0002": ("article", "Ferry service to run during works", STORY[::-1] + " " + STORY * 2),
    "0003": ("forum", "Bridge thread", "Who else thinks the bridge should be a tunnel? " * 8),
}


def _page_html(title: str, body: str) -> str:
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in body.split(". ") if s.strip())
    return (
        f"<html><head><title>{title}</title>"
        '<meta property="article:published_time" content="2024-05-14T09:00:00Z">'
        f"</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1><p class='byline'>By Jane Doe</p>{paragraphs}</article>"
        "<footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>"
    )


@pytest.fixture(scope="module")
def wcxb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wcxb")
    (root / "ground-truth").mkdir()
    (root / "html").mkdir()
    for file_id, (kind, title, body) in PAGES.items():
        truth = {
            "url": f"https://news.example.com/2024/05/14/{file_id}",
            "file_id": file_id,
            "ground_truth": {
                "title": title,
                "author": "Jane Doe",
                "publish_date": "2024-05-14",
                "main_content": body,
                "with": [body.split(". ")[0]],
                "without": ["All rights reserved"],
            },
            "_internal": {"page_type": {"primary": kind}},
        }
        (root / "ground-truth" / f"{file_id}.json").write_text(json.dumps(truth))
        html = _page_html(title, body).encode()
        (root / "html" / f"{file_id}.html.gz").write_bytes(gzip.compress(html))
    return root


def _run(script: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(BENCHMARKS / script), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_speed_end_to_end(wcxb: Path) -> None:
    done = _run("speed.py", "--data", wcxb, "--type", "all", "--largest", "2", "--no-write")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "3 pages; ms per page." in out
    assert "| measured | ms median | ms mean | ms p90 | x parse-only (median) |" in out
    assert "| lexbor parse only |" in out
    assert "| trafilatura.extract |" in out
    assert "newsclean[trafilatura] total" in out
    assert "median total / parse-only median =" in out or "was not measured" in out
    assert "| mode | fallback ran | trafilatura runs/page | extractor used |" in out
    assert "Peak memory per call on the 2 largest pages" in out
    assert "Process peak RSS at the end" in out


def test_speed_skips_unknown_modes(wcxb: Path) -> None:
    done = _run(
        "speed.py", "--data", wcxb, "--modes", "nosuchmode,trafilatura", "--largest", "0",
        "--no-write",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "mode 'nosuchmode' skipped" in done.stdout
    assert "2 pages; ms per page." in done.stdout  # --type article is the default
    assert "Peak memory" not in done.stdout


def test_speed_without_data(tmp_path: Path) -> None:
    done = _run("speed.py", "--data", tmp_path / "absent", "--no-write")
    assert done.returncode == 2
    assert "no WCXB data" in done.stderr


@pytest.fixture(scope="module")
def snippets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A set in traf-eval-dev's layout: one ground-truth.json, pages in a legacy charset."""
    root = tmp_path_factory.mktemp("snippets")
    (root / "html").mkdir()
    truth = {}
    for file_id, (_, title, body) in PAGES.items():
        truth[file_id] = {
            "url": f"https://news.example.com/{file_id}",
            "with": [" ".join(body.split()[2:8]), "  ".join(body.split()[3:9])],
            "without": ["All rights reserved", "Home"],
            "title": title,
            "author": "Jane Doe",
            "date": "2024-05-14",
        }
        html = _page_html(title + " \u00e9t\u00e9", body)
        html = html.replace("<head>", "<head><meta charset=cp1252>")
        (root / "html" / f"{file_id}.html.gz").write_bytes(gzip.compress(html.encode("cp1252")))
    (root / "ground-truth.json").write_text(json.dumps(truth))
    return root


def test_devsets_read_both_layouts(wcxb: Path, snippets: Path) -> None:
    import devsets

    first = devsets.open_set(wcxb)
    second = devsets.open_set(snippets)
    assert (first.layout, second.layout) == ("wcxb", "snippets")
    pages = list(first.pages()) + list(second.pages())
    assert [p.key for p in pages[:1]] == [f"{wcxb.name}/0001"]
    assert len(pages) == 2 * len(PAGES)
    page = pages[len(PAGES)]
    assert page.page_type is None
    assert page.truth.body is None
    assert "\u00e9t\u00e9" in page.html  # decoded from cp1252 as a browser would
    assert page.language == "en"
    assert page.truth.date == "2024-05-14"
    assert pages[0].truth.body
    assert pages[0].page_type == "article"
    # the snippet rule: whitespace-normalised, case-sensitive
    prepared = second.prepare("The  Council\nvoted")
    assert second.snippet_found("Council voted", prepared)
    assert not second.snippet_found("council voted", prepared)
    assert first.snippet_found("council VOTED", first.prepare("The Council voted"))
    with pytest.raises(FileNotFoundError):
        devsets.open_set(wcxb / "html")


def test_quality_end_to_end(wcxb: Path, snippets: Path, tmp_path: Path) -> None:
    per_page = tmp_path / "pages.tsv"
    done = _run(
        "quality.py", "--data", wcxb, "--data", snippets, "--modes", "auto,nosuchmode",
        "--per-page", per_page, "--no-write",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "| group | extractor | pages | f1 |" in out
    assert "| snip_f1 |" in out
    assert "| ms_p99 |" in out
    assert "x_trafilatura |" in out
    assert "| article | newsclean[auto] | 2 |" in out
    assert "| forum | trafilatura | 1 |" in out
    assert "| all | newsclean[auto] | 3 |" in out
    assert f"### {snippets.name} (3 pages)" in out
    assert "Per language:" in out
    assert "| other | newsclean[auto] | 3 |" in out
    assert "| confidence | pages | newsclean[auto] | trafilatura | second opinion ran |" in out
    assert "Failure list (newsclean[auto] under 0.3" in out
    assert "- newsclean[auto] - trafilatura: F1" in out
    assert "Extractor that produced the body, per mode:" in out
    assert "mode 'nosuchmode' skipped" in out
    lines = per_page.read_text().splitlines()
    head = lines[0].split("\t")
    assert head[:5] == ["set", "id", "type", "lang", "url"]
    assert "newsclean[auto].f1" in head
    assert "newsclean[auto].extractor" in head
    assert "trafilatura.with" in head
    assert len(lines) == 1 + 2 * len(PAGES)
    row = dict(zip(head, lines[len(PAGES) + 1].split("\t"), strict=True))
    assert row["set"] == snippets.name
    assert row["newsclean[auto].with"] == "2/2"
    assert row["newsclean[auto].leaked"] == "0/2"
    assert row["container"].startswith("body")


def test_replace_section_keeps_the_rest() -> None:
    doc = "# Results\n\n## Batch\n\nbatch table\n\n## Speed\n\nold\n\n## Quality\n\nq\n"
    new = speed.replace_section(doc, "Speed", "new table")
    assert (
        new == "# Results\n\n## Batch\n\nbatch table\n\n## Speed\n\nnew table\n\n## Quality\n\nq\n"
    )
    appended = speed.replace_section("# Results\n\n## Batch\n\nb\n", "Speed", "t")
    assert appended == "# Results\n\n## Batch\n\nb\n\n## Speed\n\nt\n"
    last = speed.replace_section("# R\n\n## Speed\n\nold\n", "Speed", "t")
    assert last == "# R\n\n## Speed\n\nt\n"


def test_import_time_benchmark_runs_and_finds_no_heavy_import(tmp_path: Path) -> None:
    out = tmp_path / "import_time.md"
    proc = subprocess.run(
        [sys.executable, str(BENCHMARKS / "import_time.py"), "--runs", "1", "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = out.read_text("utf-8")
    assert "| `import newsclean` |" in text
    assert "| `trafilatura < PAGE` |" in text
    assert "tenacity, protego, brotli, lxml: none." in text


def test_sitemap_parsers_end_to_end() -> None:
    done = _run("sitemap_parsers.py", "--urls", "300", "--repeat", "1", "--no-write")
    assert done.returncode == 0, done.stderr
    assert "| newsclean (lxml iterparse) | 300 | 300 |" in done.stdout
    assert "| ultimate-sitemap-parser | 300 | 300 |" in done.stdout


def test_scrapy_cost_end_to_end() -> None:
    done = _run(
        "scrapy_cost.py", "--pages", "20", "--rounds", "1", "--modes", "raw", "newsclean",
        "--no-write",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "| crawl | items/s | seconds |" in done.stdout
    assert "| raw |" in done.stdout
    assert "| newsclean |" in done.stdout
    assert "| clean_html | 20 |" in done.stdout
