"""The quality gate's sample and baseline, shared by tests/test_quality_gate.py.

    python benchmarks/gate.py --write     # re-measure and store tests/quality_baseline.json

The sample is every 9th WCXB dev page in file order (about 150 pages of every type), fixed so
that a change in score is a change in newsclean, not in the sample.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import newsclean
from wcxb import Tally, iter_pages

REPO = Path(__file__).resolve().parent.parent
BASELINE = REPO / "tests" / "quality_baseline.json"
STEP = 9


def data_dir() -> Path:
    return Path(os.environ.get("NEWSCLEAN_WCXB", REPO.parent / "shared" / "wcxb-dev"))


def sample_ids(data: Path) -> list[str]:
    ids = sorted(p.stem for p in (data / "ground-truth").glob("*.json"))
    return ids[::STEP]


def measure(data: Path, ids: list[str]) -> dict[str, Any]:
    overall, articles = Tally(), Tally()
    for page in iter_pages(data, ids=ids):
        text = newsclean.clean_html(page.html, url=page.url).text
        overall.add_body(page, text, 0.0)
        if page.page_type == "article":
            articles.add_body(page, text, 0.0)
    return {
        "pages": overall.pages,
        "f1": round(overall.row()["f1"], 4),
        "without": round(overall.row()["without"], 4),
        "article_pages": articles.pages,
        "article_f1": round(articles.row()["f1"], 4),
        "article_without": round(articles.row()["without"], 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="store the result as the baseline")
    args = parser.parse_args()
    data = data_dir()
    ids = sample_ids(data)
    result = measure(data, ids)
    print(json.dumps(result, indent=2))
    if args.write:
        BASELINE.write_text(json.dumps({"ids": ids, **result}, indent=1) + "\n")


if __name__ == "__main__":
    main()
