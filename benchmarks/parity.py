"""Parity: the C speedups must give the records the pure-Python extractor gives, exactly.

    python benchmarks/parity.py --data ../shared/wcxb-dev            # both runs, compared
    python benchmarks/parity.py --data ../shared/wcxb-dev --dump a.jsonl   # one run, stored

Each run is a subprocess (``NEWSCLEAN_NO_SPEEDUPS=1`` for the reference), so each imports
newsclean afresh; the full records (``Article.to_dict()``) are compared page by page. Exit
status 1 when any page differs or the fast run did not have the speedups.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "wcxb-dev"


def dump(data: Path, out: Path, limit: int | None) -> None:
    """Clean every page and write one JSON line per page: file id, record or error."""
    import newsclean
    from newsclean._extract import native
    from wcxb import iter_pages

    with out.open("w", encoding="utf-8") as sink:
        sink.write(json.dumps({"speedups": native.speedups_active()}) + "\n")
        for page in iter_pages(data, limit=limit):
            try:
                record = newsclean.clean_html(page.html, url=page.url).to_dict()
            except Exception as exc:  # a page that fails must fail the same way in both runs
                record = {"error": f"{type(exc).__name__}: {exc}"}
            sink.write(json.dumps({"id": page.file_id, "record": record}, sort_keys=True) + "\n")


def run(data: Path, out: Path, limit: int | None, *, speedups: bool) -> None:
    env = dict(os.environ)
    env.pop("NEWSCLEAN_NO_SPEEDUPS", None)
    if not speedups:
        env["NEWSCLEAN_NO_SPEEDUPS"] = "1"
    command = [sys.executable, __file__, "--data", str(data), "--dump", str(out)]
    if limit is not None:
        command += ["--limit", str(limit)]
    subprocess.run(command, env=env, check=True)


def load(path: Path) -> tuple[dict[str, object], dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[0])
    return head, {row["id"]: row["record"] for row in map(json.loads, lines[1:])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--dump", type=Path, help="one run into this file (no comparison)")
    args = parser.parse_args()
    if not (args.data / "ground-truth").is_dir():
        print(f"no WCXB data at {args.data}", file=sys.stderr)
        return 2
    if args.dump is not None:
        dump(args.data, args.dump, args.limit)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        python_out, fast_out = Path(tmp) / "python.jsonl", Path(tmp) / "fast.jsonl"
        run(args.data, python_out, args.limit, speedups=False)
        run(args.data, fast_out, args.limit, speedups=True)
        python_head, reference = load(python_out)
        fast_head, fast = load(fast_out)
    differing = sorted(
        key for key in reference.keys() | fast.keys() if reference.get(key) != fast.get(key)
    )
    for key in differing:
        print(f"differs: {key}")
    print(
        f"speedups active: reference run {python_head['speedups']}, "
        f"fast run {fast_head['speedups']}"
    )
    print(f"pages: {len(reference)}; differing: {len(differing)}")
    return 1 if differing or not fast_head["speedups"] or python_head["speedups"] else 0


if __name__ == "__main__":
    sys.exit(main())
