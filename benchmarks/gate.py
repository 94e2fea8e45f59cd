"""The quality gate's samples and baseline, shared by tests/test_quality_gate.py.

    python benchmarks/gate.py --write     # re-measure and store tests/quality_baseline.json

Two fixed samples, so that a change in score is a change in newsclean, not in the sample:
every 9th WCXB dev page in file order (about 150 pages of every type; word F1 and the
must-not-have rate) and every 5th traf-eval-dev page (about 95 pages; with-rate, leak-rate
and snippet F1, scored as its README says). The gate measures the rules as written in
Python (the C speedups switched off): the speedups parity tests (tests/test_speedups.py) hold
the C path to the same results.
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
from devsets import SHARED, DevSet, open_set
from newsclean._extract import native
from quality import Tally, score_page

REPO = Path(__file__).resolve().parent.parent
BASELINE = REPO / "tests" / "quality_baseline.json"
# set name -> (environment variable overriding its folder, sampling step)
SAMPLES = {
    "wcxb-dev": ("NEWSCLEAN_WCXB", 9),
    "traf-eval-dev": ("NEWSCLEAN_TRAF_EVAL", 5),
}


def data_dir(name: str = "wcxb-dev") -> Path:
    variable, _ = SAMPLES[name]
    return Path(os.environ.get(variable, SHARED / name))


def sample_ids(dev: DevSet) -> list[str]:
    return dev.ids()[:: SAMPLES[dev.name][1]]


def measure(dev: DevSet, ids: list[str]) -> dict[str, Any]:
    """The sample's scores on the Python reference path."""
    overall, articles = Tally(), Tally()
    saved = native._SPEEDUPS
    native._SPEEDUPS = None
    try:
        for page in dev.pages(ids=ids):
            text = newsclean.clean_html(page.html, url=page.url).text
            score = score_page(dev, page, text)
            overall.add(score, 0.0)
            if page.page_type == "article":
                articles.add(score, 0.0)
    finally:
        native._SPEEDUPS = saved
    row = overall.row()
    result: dict[str, Any] = {"pages": overall.pages}
    for key in ("f1", "with", "leak", "snip_f1"):
        if row[key] is not None:
            result[key] = round(row[key], 4)  # type: ignore[arg-type]
    if articles.pages:
        article_row = articles.row()
        result["article_pages"] = articles.pages
        result["article_f1"] = round(article_row["f1"] or 0.0, 4)
        result["article_leak"] = round(article_row["leak"] or 0.0, 4)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="store the result as the baseline")
    args = parser.parse_args()
    baseline: dict[str, Any] = {}
    for name in SAMPLES:
        dev = open_set(data_dir(name))
        ids = sample_ids(dev)
        result = measure(dev, ids)
        print(name, json.dumps(result, indent=2))
        baseline[name] = {"ids": ids, **result}
    if args.write:
        BASELINE.write_text(json.dumps(baseline, indent=1) + "\n")


if __name__ == "__main__":
    main()
