"""Quality gate: word F1 and boilerplate rate on a fixed WCXB sample must not regress.

Reads ../shared/wcxb-dev (or $NEWSCLEAN_WCXB). The baseline lives in
tests/quality_baseline.json; refresh it with `python benchmarks/gate.py --write` when a change
is meant to move the scores, and say so in the commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import gate  # noqa: E402

# Run-to-run noise is zero (extraction is deterministic); this margin absorbs dependency
# updates and platform differences without hiding a real regression.
F1_MARGIN = 0.005
WITHOUT_MARGIN = 0.005

pytestmark = pytest.mark.quality


@pytest.fixture(scope="module")
def measured():
    data = gate.data_dir()
    if not (data / "ground-truth").is_dir():
        pytest.skip(f"WCXB dev data not found at {data} (set NEWSCLEAN_WCXB to its folder)")
    baseline = json.loads(gate.BASELINE.read_text())
    return baseline, gate.measure(data, baseline["ids"])


def test_sample_is_complete(measured):
    baseline, result = measured
    assert result["pages"] == len(baseline["ids"])


def test_word_f1_does_not_regress(measured):
    baseline, result = measured
    assert result["f1"] >= baseline["f1"] - F1_MARGIN, result
    assert result["article_f1"] >= baseline["article_f1"] - F1_MARGIN, result


def test_boilerplate_rate_does_not_regress(measured):
    baseline, result = measured
    assert result["without"] <= baseline["without"] + WITHOUT_MARGIN, result
    assert result["article_without"] <= baseline["article_without"] + WITHOUT_MARGIN, result
