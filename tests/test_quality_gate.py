"""Quality gate: on fixed samples of both dev sets, the body scores must not regress.

Reads ../shared/wcxb-dev and ../shared/traf-eval-dev (or $NEWSCLEAN_WCXB,
$NEWSCLEAN_TRAF_EVAL). The baseline lives in tests/quality_baseline.json; refresh it with
`python benchmarks/gate.py --write` when a change is meant to move the scores, and say so in
the commit. A rule that lifts one set and sinks the other fails here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import gate  # noqa: E402
from devsets import open_set  # noqa: E402

# Run-to-run noise is zero (extraction is deterministic); this margin absorbs dependency
# updates and platform differences without hiding a real regression.
MARGIN = 0.005

pytestmark = pytest.mark.quality


@pytest.fixture(scope="module", params=sorted(gate.SAMPLES))
def measured(request):
    name = request.param
    try:
        dev = open_set(gate.data_dir(name))
    except FileNotFoundError:
        pytest.skip(f"dev set {name} not found (set {gate.SAMPLES[name][0]} to its folder)")
    baseline = json.loads(gate.BASELINE.read_text())[name]
    return baseline, gate.measure(dev, baseline["ids"])


def test_sample_is_complete(measured):
    baseline, result = measured
    assert result["pages"] == len(baseline["ids"])


def test_scores_do_not_regress(measured):
    baseline, result = measured
    for key in ("f1", "article_f1", "with", "snip_f1"):
        if key in baseline:
            assert result[key] >= baseline[key] - MARGIN, (key, result)


def test_boilerplate_does_not_regress(measured):
    baseline, result = measured
    for key in ("leak", "article_leak"):
        if key in baseline:
            assert result[key] <= baseline[key] + MARGIN, (key, result)
