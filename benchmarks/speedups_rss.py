"""Leak check for the compiled facts reader: clean the same pages round after round, watch the RSS.

    python benchmarks/speedups_rss.py --data ../shared/wcxb-dev --pages 300 --rounds 6

After the first round (caches, allocator arenas) the resident size and the count of Python's
allocated memory blocks must stay flat; a leak of one object per element grows the count by
some 100,000 a round. Only the native extractor runs
(``extractor="native"``), so trafilatura's own caches do not blur the figure.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import newsclean
from newsclean._extract.native import SPEEDUPS
from newsclean._options import Options
from wcxb import iter_pages

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "wcxb-dev"


def rss_mb() -> float:
    """Current resident set size (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    pages = [page.html for page in iter_pages(args.data, limit=args.pages)]
    options = Options(extractor="native", date_fallback=False)
    print(f"compiled facts reader: {SPEEDUPS.reason}; {len(pages)} pages a round")
    for turn in range(args.rounds):
        for html in pages:
            newsclean.clean_html(html, options=options)
        gc.collect()
        blocks = sys.getallocatedblocks()
        print(f"round {turn + 1}: RSS {rss_mb():.1f} MB, Python memory blocks {blocks}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
