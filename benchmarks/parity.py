"""Parity: both facts readers must give the same records, and a change must say what it changes.

    python benchmarks/parity.py --data ../shared/wcxb-dev             # both readers, compared
    python benchmarks/parity.py --data ../shared/traf-eval-dev        # the second dev set
    python benchmarks/parity.py --data ../shared/wcxb-dev --dump a.jsonl   # one run, stored
    python benchmarks/parity.py --diff a.jsonl b.jsonl                # two stored runs

Each reader's run is a subprocess (``NEWSCLEAN_NO_SPEEDUPS=1`` for the Python reader), so
each imports newsclean afresh; the full records (``Article.to_dict()``) are compared page by
page. ``--dump`` with another checkout's interpreter (``/path/to/main/.venv/bin/python
benchmarks/parity.py --dump ...``) stores that checkout's records, and ``--diff`` names every
page and field where two stored runs differ. Exit status 1 when any page differs (or, when
comparing the readers, the compiled run did not have its reader).

Data: a WCXB folder (``ground-truth/*.json``, ``html/*.html.gz``, pages given as text, as
``benchmarks/quality.py`` reads them) or a traf-eval folder (``ground-truth.json``,
``html/*.html.gz``, pages given as bytes, decoded by newsclean).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "wcxb-dev"


def pages(data: Path, limit: int | None) -> Iterator[tuple[str, str | None, str | bytes]]:
    """(file id, url, page) for every page of a WCXB or traf-eval folder, in file order."""
    if (data / "ground-truth").is_dir():
        from wcxb import iter_pages

        for page in iter_pages(data, limit=limit):
            yield page.file_id, page.url, page.html
        return
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    for count, file_id in enumerate(sorted(truth)):
        if limit is not None and count >= limit:
            return
        raw = gzip.decompress((data / "html" / f"{file_id}.html.gz").read_bytes())
        yield file_id, truth[file_id].get("url"), raw


def dump(data: Path, out: Path, limit: int | None) -> None:
    """Clean every page and write one JSON line per page: file id, record or error."""
    import newsclean
    from newsclean._extract import native

    with out.open("w", encoding="utf-8") as sink:
        sink.write(json.dumps({"speedups": native.speedups_active()}) + "\n")
        for file_id, url, html in pages(data, limit):
            try:
                record = newsclean.clean_html(html, url=url).to_dict()
            except Exception as exc:  # a page that fails must fail the same way in both runs
                record = {"error": f"{type(exc).__name__}: {exc}"}
            sink.write(json.dumps({"id": file_id, "record": record}, sort_keys=True) + "\n")


def run(data: Path, out: Path, limit: int | None, *, speedups: bool) -> None:
    env = dict(os.environ)
    env.pop("NEWSCLEAN_NO_SPEEDUPS", None)
    if not speedups:
        env["NEWSCLEAN_NO_SPEEDUPS"] = "1"
    command = [sys.executable, __file__, "--data", str(data), "--dump", str(out)]
    if limit is not None:
        command += ["--limit", str(limit)]
    subprocess.run(command, env=env, check=True)


def load(path: Path) -> tuple[dict[str, object], dict[str, dict[str, object]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[0])
    return head, {row["id"]: row["record"] for row in map(json.loads, lines[1:])}


def diff(first: Path, second: Path) -> int:
    """Print every page and field where two stored runs differ; the number of pages."""
    _, a = load(first)
    _, b = load(second)
    differing = 0
    for key in sorted(a.keys() | b.keys()):
        left, right = a.get(key), b.get(key)
        if left == right:
            continue
        differing += 1
        if left is None or right is None:
            print(f"{key}: only in {'second' if left is None else 'first'}")
            continue
        for field in sorted(left.keys() | right.keys()):
            if left.get(field) != right.get(field):
                print(
                    f"{key} {field}: {str(left.get(field))[:160]!r} -> "
                    f"{str(right.get(field))[:160]!r}"
                )
    print(f"pages: {len(a.keys() | b.keys())}; differing: {differing}")
    return differing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--dump", type=Path, help="one run into this file (no comparison)")
    parser.add_argument("--diff", type=Path, nargs=2, metavar=("FIRST", "SECOND"))
    args = parser.parse_args()
    if args.diff is not None:
        return 1 if diff(*args.diff) else 0
    if not ((args.data / "ground-truth").is_dir() or (args.data / "ground-truth.json").is_file()):
        print(f"no WCXB or traf-eval data at {args.data}", file=sys.stderr)
        return 2
    if args.dump is not None:
        dump(args.data, args.dump, args.limit)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        python_out, fast_out = Path(tmp) / "python.jsonl", Path(tmp) / "fast.jsonl"
        run(args.data, python_out, args.limit, speedups=False)
        run(args.data, fast_out, args.limit, speedups=True)
        python_head, _ = load(python_out)
        fast_head, _ = load(fast_out)
        differing = diff(python_out, fast_out)
    print(
        f"compiled reader active: Python run {python_head['speedups']}, "
        f"compiled run {fast_head['speedups']}"
    )
    return 1 if differing or not fast_head["speedups"] or python_head["speedups"] else 0


if __name__ == "__main__":
    sys.exit(main())
