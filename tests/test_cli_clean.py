"""``newsclean clean``: formats, exit codes, stdin, summaries, and resume after kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from _corpus import FIXTURES, page_html, read_rows, rows_by_source, write_corpus
from newsclean._batch.worker import TEST_HOOKS_ENV, Outcome
from newsclean._cli.common import Progress
from newsclean._cli.main import main
from newsclean._record import ErrorInfo


def run_cli(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "newsclean", "clean", *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_folder_to_jsonl_with_summary(tmp_path, capsys):
    write_corpus(tmp_path / "pages", 30)
    out, summary_path = tmp_path / "out.jsonl", tmp_path / "summary.json"
    code = main(["clean", str(tmp_path / "pages"), "-o", str(out), "-w", "2",
                 "--summary-json", str(summary_path)])  # fmt: skip
    assert code == 0
    assert len(read_rows(out)) == 30
    summary = json.loads(summary_path.read_text())
    assert summary["inputs"] == summary["records"] == 30
    assert summary["errors"] == 0
    assert summary["exit_code"] == 0
    assert summary["pages_per_s"] > 0
    assert summary["wall_time_s"] > 0
    assert summary["workers"] == 2
    stderr = capsys.readouterr().err
    assert "inputs 30, records 30, errors 0" in stderr
    assert "pages/s" in stderr


TABLE_PAGE = (
    "<html><body><article><h1>Harbour tides this week</h1>"
    + "<p>The harbour master published the tide table for the week, with the highest tide "
    "expected on Saturday morning, and warned walkers to keep off the causeway.</p>"
    * 3
    + "<table><tr><th>Day</th><th>High tide</th></tr><tr><td>Friday</td><td>07:12</td></tr>"
    "<tr><td>Saturday</td><td>07:58</td></tr></table></article></body></html>"
)


def test_cleaning_options_reach_the_workers(tmp_path):
    pages = tmp_path / "pages"
    write_corpus(pages, 3)
    (pages / "tides.html").write_text(TABLE_PAGE, encoding="utf-8")
    rows = {}
    for name, flags in {
        "native": ["--extractor", "native"],
        "trafilatura": ["--extractor", "trafilatura", "--no-tables"],
    }.items():
        out = tmp_path / f"{name}.jsonl"
        code = main(["clean", str(pages), "-o", str(out), "-w", "1", "-q", *flags])
        assert code == 0
        rows[name] = read_rows(out)
    assert {r["article"]["extractor"] for r in rows["native"]} == {"native"}
    assert all(r["article"]["extractor"].startswith("trafilatura") for r in rows["trafilatura"])

    def table_blocks(name: str) -> list[str]:
        return [
            block["text"]
            for row in rows[name]
            for block in row["article"]["blocks"]
            if block["kind"] == "table"
        ]

    assert table_blocks("native") == ["Day | High tide\nFriday | 07:12\nSaturday | 07:58"]
    assert table_blocks("trafilatura") == []


def test_error_rows_make_the_exit_status_1(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    code = main(["clean", str(FIXTURES), "-o", str(out), "-w", "2", "--summary-json",
                 str(tmp_path / "s.json")])  # fmt: skip
    assert code == 1
    rows = rows_by_source(read_rows(out))
    assert len(rows) == 9
    errors = [r for r in rows.values() if r["error"]]
    assert all(set(r["error"]) == {"stage", "kind", "message"} for r in errors)
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["errors_by_kind"]["DecodeError"] == 1
    assert summary["errors_by_kind"]["EmptyInput"] == 1
    assert summary["exit_code"] == 1
    assert "errors by kind" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ["does-not-exist.html"],
        [str(FIXTURES), "--format", "parquet"],
        [str(FIXTURES), "--resume"],
        [str(FIXTURES), "--scheduler", "tcp://127.0.0.1:1"],
        [str(FIXTURES), "--engine", "dask"],
        [str(FIXTURES), "--url-map", "no-such-map.json"],
        [str(FIXTURES), "--workers", "-1"],
        [str(FIXTURES), "--format", "jsonl", "--bogus"],
    ],
)
def test_usage_errors_exit_2(args, capsys):
    with pytest.raises(SystemExit) if "--bogus" in args else _nothing():
        assert main(["clean", *args]) == 2
    assert "error" in capsys.readouterr().err


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is SystemExit:
            assert exc[1].code == 2
            return True
        return False


def test_jsonl_to_stdout_by_default(tmp_path, capsys):
    page = tmp_path / "a.html"
    page.write_text(page_html(1))
    assert main(["clean", str(page), "-w", "0", "-q"]) == 0
    captured = capsys.readouterr()
    (row,) = [json.loads(line) for line in captured.out.splitlines()]
    assert row["source"] == str(page)
    assert row["article"]["title"].startswith("Story 1")
    assert captured.err == ""  # --quiet


def test_markdown_files_into_a_directory(tmp_path):
    write_corpus(tmp_path / "pages", 4, gzip_every=2)
    out = tmp_path / "md"
    assert main(["clean", str(tmp_path / "pages"), "--format", "md", "-o", str(out), "-q"]) == 0
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert files == [
        "section-0/page-00000.md",
        "section-1/page-00001.md",
        "section-2/page-00002.md",
        "section-3/page-00003.md",
    ]
    assert (out / "section-0/page-00000.md").read_text().startswith("# Story 0")
    index = read_rows(out / "_index.jsonl")
    assert len(index) == 4
    # the index carries each body's fingerprint, as every other output format does
    assert all(row["fingerprint"].startswith("mh1:") for row in index)


def test_one_text_file_and_text_to_stdout(tmp_path, capsys):
    page = tmp_path / "a.html"
    page.write_text(page_html(2))
    out = tmp_path / "all.txt"
    assert main(["clean", str(page), str(FIXTURES / "empty.html"), "-o", str(out), "-q"]) == 1
    assert out.read_text().startswith("Story 2")
    assert main(["clean", str(page), "--format", "txt", "-q"]) == 0
    assert capsys.readouterr().out.startswith("Story 2")


def test_parquet_output(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out.parquet"
    assert main(["clean", str(FIXTURES), "-o", str(out), "-q"]) == 1
    table = pq.read_table(out)
    assert table.num_rows == 9
    assert sum(table["ok"].to_pylist()) == 5  # a, b, junk (empty, with warnings), 2 lines


def test_stdin_html_and_jsonl():
    done = run_cli("-", "-w", "0", "-q", stdin=page_html(3).encode())
    assert done.returncode == 0, done.stderr
    (row,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert row["source"] == "<stdin>"
    lines = (FIXTURES / "pages.jsonl").read_bytes()
    done = run_cli("-", "--stdin-format", "jsonl", "-w", "1", "-q", stdin=lines)
    assert done.returncode == 1
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["source"] for r in rows] == [f"<stdin>#L{n}" for n in (1, 2, 3, 4)] or sorted(
        r["source"] for r in rows
    ) == [f"<stdin>#L{n}" for n in (1, 2, 3, 4)]


def test_url_map_sets_the_record_url(tmp_path):
    write_corpus(tmp_path / "pages", 2)
    url_map = tmp_path / "urls.tsv"
    url_map.write_text("section-1/page-00001.html https://news.example/one\n")
    out = tmp_path / "out.jsonl"
    args = ["clean", str(tmp_path / "pages"), "--url-map", str(url_map), "-o", str(out), "-q"]
    assert main(args) == 0
    urls = {Path(r["source"]).name: r["article"]["url"] for r in read_rows(out)}
    assert urls == {"page-00000.html.gz": None, "page-00001.html": "https://news.example/one"}


def test_progress_bar_has_a_total_and_counts_errors(capsys):
    progress = Progress(enabled=True, total=2)
    progress.update(Outcome(source="a", name="a", error=None, payload=""))
    error = ErrorInfo(stage="read", kind="EmptyInput", message="the input is empty")
    progress.update(Outcome(source="b", name="b", error=error, payload=""))
    progress.close()
    err = capsys.readouterr().err
    assert "2/2" in err
    assert "1 errors" in err
    assert "page/s" in err


def test_progress_bar_is_silent_when_disabled(capsys):
    progress = Progress(enabled=False, total=1)
    progress.update(Outcome(source="a", name="a", error=None, payload=""))
    progress.close()
    assert capsys.readouterr().err == ""


def wait_for_rows(path: Path, rows: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= rows:
            return
        assert process.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.01)
    raise AssertionError("no progress")


def start(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsclean", "clean", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )


def test_resume_after_kill_9_gives_the_same_rows(tmp_path):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 2000)
    baseline = tmp_path / "baseline.jsonl"
    assert main(["clean", str(corpus), "-o", str(baseline), "-w", "2", "-q"]) == 0
    expected = rows_by_source(read_rows(baseline))
    assert len(expected) == 2000

    out = tmp_path / "out.jsonl"
    partial = tmp_path / "out.jsonl.partial"
    process = start(corpus, "-o", out, "-w", "2", "--chunk-size", "2", "-q")
    wait_for_rows(partial, 300, process)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()  # type: ignore[union-attr]
    assert not out.exists()  # no half-written output under the final name
    assert partial.exists()
    done_before = partial.read_bytes().count(b"\n")
    assert 300 <= done_before < 2000
    with partial.open("ab") as stream:  # a write torn by the kill
        stream.write(b'{"source": "' + str(corpus).encode() + b"/section-9/page-0")

    summary_path = tmp_path / "summary.json"
    resumed = run_cli(corpus, "-o", out, "-w", "2", "--resume", "--summary-json", summary_path)
    assert resumed.returncode == 0, resumed.stderr
    assert not partial.exists()
    rows = rows_by_source(read_rows(out))  # fails on a duplicate
    assert len(rows) == 2000
    assert rows == expected
    summary = json.loads(summary_path.read_text())
    assert summary["resumed"] >= done_before
    assert summary["inputs"] == 2000


def test_ctrl_c_stops_cleanly_and_resume_finishes(tmp_path):
    # every page takes 10 ms more in the interrupted run (a test hook), so that it lasts
    # seconds and the signal reaches it mid-run even on a loaded machine (without the hook
    # the run of small pages once ended, status 0, before Ctrl-C arrived); the resumed run
    # has no hooks
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 800, marker="newsclean-test:slow")
    out = tmp_path / "out.jsonl"
    process = start(corpus, "-o", out, "-w", "2", "--chunk-size", "2", env={TEST_HOOKS_ENV: "1"})
    wait_for_rows(tmp_path / "out.jsonl.partial", 20, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert b"--resume" in stderr
    assert not out.exists()
    resumed = run_cli(corpus, "-o", out, "-w", "2", "--resume", "-q")
    assert resumed.returncode == 0, resumed.stderr
    assert len(rows_by_source(read_rows(out))) == 800


def test_a_rerun_into_the_input_folder_does_not_read_its_own_output(tmp_path):
    write_corpus(tmp_path / "jsonl", 5)
    out = tmp_path / "jsonl" / "out.jsonl"
    assert main(["clean", str(out.parent), "-o", str(out), "-q"]) == 0
    (out.parent / "out.jsonl.partial").write_text("{}\n")  # a stale journal
    assert main(["clean", str(out.parent), "-o", str(out), "-q"]) == 0
    assert len(read_rows(out)) == 5
    write_corpus(tmp_path / "md", 5)
    md = tmp_path / "md" / "md"
    assert main(["clean", str(md.parent), "--format", "md", "-o", str(md), "-q"]) == 0
    assert main(["clean", str(md.parent), "--format", "md", "-o", str(md), "-q"]) == 0
    assert len(read_rows(md / "_index.jsonl")) == 5


def test_one_page_is_cleaned_in_this_process(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(page_html(3), encoding="utf-8")
    summary_path = tmp_path / "summary.json"
    assert main(["clean", str(page), "--summary-json", str(summary_path)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["article"]["title"] == "Story 3: budget news update"
    assert "in this process" in captured.err
    assert json.loads(summary_path.read_text())["workers"] == 0
    # asked for workers, the user gets them
    assert main(["clean", str(page), "-w", "1", "--summary-json", str(summary_path)]) == 0
    assert json.loads(summary_path.read_text())["workers"] == 1


@pytest.mark.parametrize("command", ["clean", "fetch", "dedupe", "schema", None])
def test_help_has_no_markup(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"] if command else ["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for markup in ("``", ":class:", ":func:", ":mod:", ":meth:"):
        assert markup not in text


def test_clean_and_fetch_share_the_output_and_cleaning_flags(capsys):
    flags = {}
    for command in ("clean", "fetch"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        flags[command] = capsys.readouterr().out
    shared = ("--output", "--format", "--resume", "--summary-json", "--quiet", "--progress",
              "--extractor", "--no-tables", "--comments")  # fmt: skip
    for flag in shared:
        assert flag in flags["clean"]
        assert flag in flags["fetch"]
    assert "exit status: 0" in flags["clean"]
    assert "exit status: 0" in flags["fetch"]


def test_clean_without_inputs_is_a_usage_error(capsys):
    assert main(["clean"]) == 2
    assert "no inputs" in capsys.readouterr().err
