"""Hostile pages and careless callers against clean_html and the batch (issue 16).

Batch cases run the real command (``python -m newsclean clean``) on real files in a temporary
folder: gzip bombs, lone surrogates, corrupt JSON Lines, symbolic link loops, FIFOs and
outputs that cannot be written.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

import newsclean
from newsclean._batch.worker import TEST_HOOKS_ENV

STORY = "<p>The council approved a budget that raises spending on schools and roads.</p>" * 6
PAGE = f"<html><head><title>Budget</title></head><body><article>{STORY}</article></body></html>"
SURROGATE_PAGE = (
    '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
    '"headline": "Big \\ud800 news", "author": {"name": "Ann \\udc00 Lee"}}</script></head>'
    f"<body><article>{STORY}</article></body></html>"
)


def run_cli(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newsclean", "clean", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **(env or {})},
    )


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def bomb(path: Path, inflated: int) -> Path:
    """A gzip file of ``inflated`` bytes of HTML-ish text, written in steps."""
    block = b"<p>" + b"a" * (1 << 20) + b"</p>"
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b"<html><body><article>")
        for _ in range(inflated // len(block)):
            out.write(block)
    return path


# -- 2. gzip bombs --------------------------------------------------------------------------


def test_clean_html_inflates_a_gzip_bomb_only_to_the_limit(tmp_path: Path) -> None:
    # htmldate and trafilatura load on first use: imported now, so that the peak traced below
    # is the page's and not the modules'
    import htmldate
    import trafilatura

    assert htmldate.find_date is not None
    assert trafilatura.bare_extraction is not None
    newsclean.clean_html(PAGE)  # and every cache a first page fills (vocabularies, dates)
    data = bomb(tmp_path / "bomb.html.gz", 256 * 2**20).read_bytes()
    limit = 2_000_000
    tracemalloc.start()
    try:
        article = newsclean.clean_html(data, options=newsclean.Options(max_html_chars=limit))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert any("gzip input cut" in w for w in article.warnings)
    assert peak < len(data) + 10 * limit  # not the 256 MB the bomb inflates to


def test_a_batch_worker_inflates_a_gzip_bomb_only_to_the_limit(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    bomb(pages / "bomb.html.gz", 768 * 2**20)
    (pages / "fine.html").write_text(PAGE, encoding="utf-8")
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    done = run_cli(pages, "-o", out, "-w", "1", "--summary-json", summary)
    assert done.returncode == 0, done.stderr
    by_source = {Path(str(r["source"])).name: r for r in rows(out)}
    assert set(by_source) == {"bomb.html.gz", "fine.html"}
    warnings = by_source["bomb.html.gz"]["article"]["warnings"]  # type: ignore[index]
    assert any("gzip input cut" in w for w in warnings)
    peak_mb = json.loads(summary.read_text())["worker_peak_rss_mb"]
    assert peak_mb is not None
    assert peak_mb < 500  # the default limit is 25 MB; the bomb inflates to 768 MB


# -- 3. lone surrogates ---------------------------------------------------------------------


def test_a_lone_surrogate_in_json_ld_breaks_no_output(tmp_path: Path) -> None:
    article = newsclean.clean_html(SURROGATE_PAGE)
    assert article.title == "Big \ufffd news"
    assert any("surrogate" in w for w in article.warnings)
    json.loads(article.to_json())
    article.to_markdown().encode("utf-8")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "surrogate.html").write_text(SURROGATE_PAGE, encoding="utf-8")
    (pages / "fine.html").write_text(PAGE, encoding="utf-8")
    for workers in ("0", "1"):
        out = tmp_path / f"out-{workers}.jsonl"
        done = run_cli(pages, "-o", out, "-w", workers)
        assert done.returncode == 0, done.stderr
        assert all(r["error"] is None for r in rows(out))
    md = tmp_path / "md"
    done = run_cli(pages, "-o", md, "--format", "md", "-w", "1")
    assert done.returncode == 0, done.stderr
    assert "Big \ufffd news" in (md / "surrogate.md").read_text(encoding="utf-8")
    again = run_cli(pages, "-o", md, "--format", "md", "-w", "1", "--resume")
    assert again.returncode == 0, again.stderr


def test_a_lone_surrogate_in_a_str_input_is_replaced() -> None:
    article = newsclean.clean_html(PAGE.replace("Budget", "Bud\ud800get"))
    assert article.title == "Bud\ufffdget"
    article.to_json()
    text = newsclean.clean_text("Bud\udfffget\n\nThe council approved a budget on Monday.")
    text.to_json()


# -- 4. charsets that are no document codec -------------------------------------------------


@pytest.mark.parametrize("charset", ["idna", "undefined"])
def test_clean_html_reads_an_idna_charset_as_utf8(charset: str) -> None:
    data = PAGE.replace("Budget", "Caf\u00e9").encode("utf-8")
    article = newsclean.clean_html(data, content_type=f"text/html; charset={charset}")
    assert article.title == "Caf\u00e9"
    meta = f'<meta charset="{charset}">'.encode() + data
    assert newsclean.clean_html(meta).title == "Caf\u00e9"


# -- 7. one bad JSON Lines line -------------------------------------------------------------


def test_one_bad_jsonl_line_costs_only_itself(tmp_path: Path) -> None:
    lines = [
        '{"html": "<article>'
        + STORY.replace('"', "'")
        + ' \\ud800</article>", "url": "https://a.example/1"}',
        "{not json",
        json.dumps({"html": PAGE, "url": "https://a.example/3"}),
        json.dumps({"html": PAGE, "url": "https://a.example/4"}),
    ]
    source = tmp_path / "pages.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = run_cli(source, "-o", out, "-w", "1")
    assert done.returncode == 1, done.stderr  # the bad line is an error row
    got = {str(r["source"]).rsplit("#", 1)[1]: r for r in rows(out)}
    assert sorted(got) == ["L1", "L2", "L3", "L4"]
    assert got["L1"]["error"] is None
    assert got["L2"]["error"]["kind"] == "InvalidJSON"  # type: ignore[index]
    assert got["L3"]["error"] is None
    assert got["L4"]["error"] is None


# -- 8. inputs that share the output's name -------------------------------------------------


def test_inputs_named_like_the_output_are_not_skipped(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "deep").mkdir(parents=True)
    (site / "news.html").write_text(PAGE, encoding="utf-8")
    (site / "deep" / "news.jsonl.html").write_text(PAGE, encoding="utf-8")
    (site / "other.html").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out" / "news"
    done = run_cli(site, "-o", out, "--format", "jsonl", "-w", "1")
    assert done.returncode == 0, done.stderr
    names = sorted(Path(str(r["source"])).name for r in rows(out))
    assert names == ["news.html", "news.jsonl.html", "other.html"]


def test_the_outputs_own_files_are_still_left_out(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.partial").write_text("", encoding="utf-8")
    done = run_cli(tmp_path, "-o", out, "-w", "1")
    assert done.returncode == 0, done.stderr
    assert [Path(str(r["source"])).name for r in rows(out)] == ["a.html"]


# -- 9. outputs that cannot be written ------------------------------------------------------


def _one_clear_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 3, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, done.stderr
    return errors[0]


@pytest.mark.parametrize(
    "where",
    ["under-a-file", "proc", "dev-full", "md-under-a-file"],
)
def test_an_unwritable_output_is_one_line_and_exit_3(tmp_path: Path, where: str) -> None:
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    if where == "under-a-file":
        args: list[str | Path] = ["-o", blocker / "out.jsonl"]
    elif where == "md-under-a-file":
        args = ["-o", blocker / "pages", "--format", "md"]
    elif where == "proc":
        args = ["-o", "/proc/newsclean-out.jsonl"]
    else:
        if not Path("/dev/full").exists():
            pytest.skip("no /dev/full here")
        args = ["--format", "jsonl"]
    if where == "dev-full":
        with Path("/dev/full").open("w") as full:
            done = subprocess.run(
                [sys.executable, "-m", "newsclean", "clean", str(tmp_path / "a.html"), "-w", "0"],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
                check=False,
            )
    else:
        done = run_cli(tmp_path / "a.html", *args, "-w", "0")
    line = _one_clear_line(done)
    assert "cannot write" in line


def test_an_unwritable_summary_json_is_exit_3(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = run_cli(tmp_path / "a.html", "-o", out, "--summary-json", blocker / "s.json", "-w", "0")
    assert "summary-json" in _one_clear_line(done)
    assert len(rows(out)) == 1  # the output itself was committed


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_exit_3(tmp_path: Path) -> None:  # pragma: no cover
    (tmp_path / "a.html").write_text(PAGE, encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        done = run_cli(tmp_path / "a.html", "-o", locked / "out.jsonl", "-w", "0")
    finally:
        locked.chmod(0o755)
    _one_clear_line(done)


def test_a_disk_full_mid_run_keeps_the_journal_resumable(tmp_path: Path) -> None:
    """A journal that cannot grow (RLIMIT_FSIZE, as a full disk would) stops the run with exit
    3; ``--resume`` with room again finishes it with every page exactly once."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(40):
        (pages / f"p{i:02d}.html").write_text(PAGE.replace("Budget", f"Budget {i}"), "utf-8")
    out = tmp_path / "out.jsonl"
    limit = (
        "import resource, signal, sys, runpy; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        "resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000)); "
        "sys.argv = ['newsclean', 'clean', *sys.argv[1:]]; "
        "runpy.run_module('newsclean', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", limit, str(pages), "-o", str(out), "-w", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = _one_clear_line(done)
    assert "File too large" in line or "No space" in line
    assert not out.exists()
    again = run_cli(pages, "-o", out, "-w", "0", "--resume")
    assert again.returncode == 0, again.stderr
    sources = [str(r["source"]) for r in rows(out)]
    assert len(sources) == len(set(sources)) == 40


# -- 13. links, loops and FIFOs -------------------------------------------------------------


def test_links_loops_and_fifos_get_a_row_or_a_counted_skip(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.html").write_text(PAGE, encoding="utf-8")
    (pages / "dangling.html").symlink_to(pages / "missing.html")
    (pages / "loop.html").symlink_to(pages / "loop.html")
    (pages / "again").symlink_to(pages, target_is_directory=True)
    os.mkfifo(pages / "pipe.html")
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    done = run_cli(pages, "-o", out, "-w", "1", "--summary-json", summary, "--timeout", "20")
    assert done.returncode == 1, done.stderr
    got = {Path(str(r["source"])).name: r for r in rows(out)}
    assert sorted(got) == ["dangling.html", "good.html", "loop.html"]
    assert got["good.html"]["error"] is None
    assert got["dangling.html"]["error"]["stage"] == "read"  # type: ignore[index]
    assert "symbolic links" in got["loop.html"]["error"]["message"]  # type: ignore[index]
    skipped = json.loads(summary.read_text())["skipped_records"]
    assert skipped == {
        "not a regular file (FIFO, socket or device)": 1,
        "symbolic link to a folder, not followed": 1,
    }


# -- 14. wrong argument types ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"html": 5}, "html must be str or bytes-like"),
        ({"html": None}, "html must be str or bytes-like"),
        ({"html": PAGE, "url": 5}, "url must be a str"),
        ({"html": PAGE, "url": Path("page.html")}, "url must be a str"),
        ({"html": PAGE.encode(), "content_type": 5}, "content_type must be a str"),
        ({"html": PAGE, "options": {"extractor": "native"}}, "options must be"),
    ],
)
def test_clean_html_argument_types(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(TypeError, match=match):
        newsclean.clean_html(**kwargs)  # type: ignore[arg-type]


def test_clean_html_takes_bytes_like_input() -> None:
    expected = newsclean.clean_html(PAGE.encode()).text
    assert expected
    assert newsclean.clean_html(bytearray(PAGE.encode())).text == expected
    assert newsclean.clean_html(memoryview(PAGE.encode())).text == expected


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"max_html_chars": 1.5}, TypeError),
        ({"max_depth": True}, TypeError),
        ({"boilerplate_phrases": (5,)}, TypeError),
        ({"boilerplate_phrases": "subscribe"}, TypeError),
        ({"include_tables": "no"}, TypeError),
        ({"extractor": 5}, TypeError),
        ({"vocabulary_files": (5,)}, TypeError),
        ({"max_html_chars": 0}, newsclean.OptionsError),
    ],
)
def test_options_are_checked_when_made(kwargs: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        newsclean.Options(**kwargs)  # type: ignore[arg-type]


def test_clean_text_argument_types() -> None:
    with pytest.raises(TypeError, match="text must be a str"):
        newsclean.clean_text(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="url must be a str"):
        newsclean.clean_text("Title\n\nBody text.", url=5)  # type: ignore[arg-type]


# -- 16. peak memory of crashed workers -----------------------------------------------------


def test_peak_worker_memory_counts_crashed_workers(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "fine.html").write_text(PAGE, encoding="utf-8")
    (pages / "bloat.html").write_text(PAGE + "<!-- newsclean-test:bloat-crash -->", "utf-8")
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    done = run_cli(
        pages, "-o", out, "-w", "1", "--summary-json", summary, env={TEST_HOOKS_ENV: "1"}
    )
    assert done.returncode == 1, done.stderr
    kinds = {Path(str(r["source"])).name: r["error"] and r["error"]["kind"] for r in rows(out)}  # type: ignore[index]
    assert kinds == {"fine.html": None, "bloat.html": "WorkerCrashed"}
    assert json.loads(summary.read_text())["worker_peak_rss_mb"] >= 200


def test_a_warc_record_that_is_a_gzip_bomb_is_bounded(tmp_path: Path) -> None:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    payload = bomb(tmp_path / "payload.gz", 512 * 2**20).read_bytes()
    warc = tmp_path / "crawl.warc.gz"
    with warc.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, body, encoding in (
            ("https://news.example/bomb", payload, "gzip"),
            ("https://news.example/fine", PAGE.encode(), None),
        ):
            fields = [("Content-Type", "text/html; charset=utf-8")]
            if encoding:
                fields.append(("Content-Encoding", encoding))
            headers = StatusAndHeaders("200 OK", fields, protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), length=len(body),
                    http_headers=headers,
                )
            )  # fmt: skip
    out, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    done = run_cli(warc, "-o", out, "-w", "1", "--summary-json", summary)
    assert done.returncode == 0, done.stderr
    assert len(rows(out)) == 2
    assert json.loads(summary.read_text())["worker_peak_rss_mb"] < 600


def test_an_overlong_jsonl_line_is_one_row_and_the_rest_are_read(tmp_path: Path) -> None:
    from newsclean._batch.inputs import MAX_LINE_BYTES

    source = tmp_path / "pages.jsonl.gz"
    with gzip.open(source, "wb", compresslevel=1) as out:
        out.write(json.dumps({"html": PAGE, "url": "https://a.example/1"}).encode() + b"\n")
        out.write(b'{"html": "' + b"a" * (MAX_LINE_BYTES + 10) + b'"}\n')
        out.write(json.dumps({"html": PAGE, "url": "https://a.example/3"}).encode() + b"\n")
    out_path = tmp_path / "out.jsonl"
    done = run_cli(source, "-o", out_path, "-w", "1")
    assert done.returncode == 1, done.stderr
    got = {str(r["source"]).rsplit("#", 1)[1]: r for r in rows(out_path)}
    assert sorted(got) == ["L1", "L2", "L3"]
    assert got["L2"]["error"]["kind"] == "LineTooLong"  # type: ignore[index]
    assert got["L1"]["error"] is None
    assert got["L3"]["error"] is None


@pytest.mark.parametrize("where", ["proc", "under-a-file"])
def test_dedupe_with_an_unwritable_output_is_one_line_and_exit_3(
    tmp_path: Path, where: str
) -> None:
    source = tmp_path / "records.jsonl"
    source.write_text(json.dumps({"source": "a", "article": {"text": STORY}}) + "\n", "utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    target = "/proc/newsclean-dedupe.jsonl" if where == "proc" else str(blocker / "out.jsonl")
    done = subprocess.run(
        [sys.executable, "-m", "newsclean", "dedupe", str(source), "-o", target],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = _one_clear_line(done)
    assert "cannot read or write" in line
