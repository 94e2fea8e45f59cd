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
    assert "| measured | ms median | ms mean | ms p90 | ms p99 | x parse-only (median) |" in out
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


def test_quality_end_to_end(wcxb: Path, tmp_path: Path) -> None:
    per_page = tmp_path / "pages.tsv"
    done = _run(
        "quality.py", "--data", wcxb, "--modes", "trafilatura,nosuchmode", "--per-page", per_page,
        "--no-write",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "| type | extractor | pages | f1 |" in out
    assert "x_trafilatura |" in out
    assert "| article | newsclean[trafilatura] | 2 |" in out
    assert "| forum | trafilatura | 1 |" in out
    assert "| all | newsclean[trafilatura] | 3 |" in out
    assert "Extractor that produced the body, per mode:" in out
    assert "mode 'nosuchmode' skipped" in out
    lines = per_page.read_text().splitlines()
    head = lines[0].split("\t")
    assert head[:3] == ["id", "type", "url"]
    assert "newsclean[trafilatura].f1" in head
    assert "newsclean[trafilatura].extractor" in head
    assert "trafilatura.recall" in head
    assert len(lines) == 1 + len(PAGES)


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
