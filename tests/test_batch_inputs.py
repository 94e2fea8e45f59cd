"""Batch inputs: folders, globs, URL maps, WARC and JSON Lines containers, stdin."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from _corpus import FIXTURES, page_html, write_corpus, write_warc
from newsclean._batch.inputs import (
    Failed,
    InputStats,
    Task,
    Unit,
    discover_units,
    iter_stdin_items,
    iter_unit_items,
    load_url_map,
)


def test_folders_are_walked_recursively_in_sorted_order(tmp_path):
    write_corpus(tmp_path / "pages", 12)
    (tmp_path / "pages" / "notes.txt").write_text("not a page")
    (tmp_path / "pages" / "UPPER.HTML").write_text("<p>x</p>")
    units = list(discover_units([tmp_path / "pages"]))
    names = [Path(u.path).name for u in units]
    assert len(units) == 13
    assert "notes.txt" not in names
    assert "UPPER.HTML" in names  # default suffixes match in any case
    assert [u.path for u in units] == sorted(u.path for u in units)
    assert all(u.kind == "html" for u in units)


def test_include_and_exclude_globs(tmp_path):
    write_corpus(tmp_path, 20, gzip_every=4)
    gz_only = list(discover_units([tmp_path], include=["*.html.gz"]))
    assert len(gz_only) == 5
    assert all(u.path.endswith(".html.gz") for u in gz_only)
    no_section_1 = list(discover_units([tmp_path], exclude=["section-1/*"]))
    assert len(no_section_1) == 18
    assert not any("section-1/" in u.path for u in no_section_1)


def test_explicit_files_are_taken_whatever_their_suffix(tmp_path):
    odd = tmp_path / "page.dat"
    odd.write_text("<p>x</p>")
    (unit,) = discover_units([odd])
    assert unit == Unit(kind="html", path=str(odd), name="page.dat")


def test_kinds_and_output_names(tmp_path):
    for name in ("a.html", "b.htm.gz", "c.warc.gz", "d.jsonl", "e.ndjson.gz"):
        (tmp_path / name).write_bytes(b"")
    units = {Path(u.path).name: u for u in discover_units([tmp_path])}
    assert {n: u.kind for n, u in units.items()} == {
        "a.html": "html",
        "b.htm.gz": "html",
        "c.warc.gz": "warc",
        "d.jsonl": "jsonl",
        "e.ndjson.gz": "jsonl",
    }
    assert units["b.htm.gz"].name == "b"
    assert units["c.warc.gz"].name == "c"


@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("map.json", json.dumps({"section-0/page-00000.html.gz": "https://n.example/0"})),
        ("map.csv", "path,url\nsection-0/page-00000.html.gz,https://n.example/0\n"),
        ("map.tsv", "# path url\nsection-0/page-00000.html.gz\thttps://n.example/0\n"),
    ],
)
def test_url_map_formats(tmp_path, file_name, content):
    write_corpus(tmp_path / "pages", 3)
    (tmp_path / file_name).write_text(content)
    url_map = load_url_map(tmp_path / file_name)
    assert url_map == {"section-0/page-00000.html.gz": "https://n.example/0"}
    units = list(discover_units([tmp_path / "pages"], url_map=url_map))
    assert [u.url for u in units] == ["https://n.example/0", None, None]


def test_url_map_by_file_name(tmp_path):
    page = tmp_path / "story.html"
    page.write_text("<p>x</p>")
    (unit,) = discover_units([page], url_map={"story.html": "https://n.example/s"})
    (task,) = iter_unit_items(unit)
    assert isinstance(task, Task)
    assert task.url == "https://n.example/s"


def test_url_map_rejects_a_json_list(tmp_path):
    (tmp_path / "map.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="object"):
        load_url_map(tmp_path / "map.json")


@pytest.mark.parametrize("gzip_records", [True, False])
def test_warc_yields_html_responses_only(tmp_path, gzip_records):
    pages = [(f"https://news.example/{i}", page_html(i)) for i in range(3)]
    warc = tmp_path / ("crawl.warc.gz" if gzip_records else "crawl.warc")
    write_warc(warc, pages, gzip_records=gzip_records)
    stats = InputStats()
    (unit,) = discover_units([warc])
    items = list(iter_unit_items(unit, stats))
    assert all(isinstance(i, Task) for i in items)
    tasks = [i for i in items if isinstance(i, Task)]
    assert [t.url for t in tasks] == [u for u, _ in pages]
    assert [t.data for t in tasks] == [h.encode() for _, h in pages]
    assert {t.content_type for t in tasks} == {"text/html; charset=utf-8"}
    assert len({t.source for t in tasks}) == 3
    assert all(t.source.startswith(f"{warc}#") for t in tasks)
    assert stats.skipped == {
        "warc warcinfo record": 1,
        "warc request record": 3,
        "warc response that is not HTML": 1,
        "warc response with status 4xx": 1,
        "warc response with status 3xx": 1,
        "warc metadata record": 1,
    }


def test_warc_sources_are_stable_across_reads(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, [(f"https://news.example/{i}", page_html(i)) for i in range(4)])
    (unit,) = discover_units([warc])
    first = [i.source for i in iter_unit_items(unit)]
    assert first == [i.source for i in iter_unit_items(unit)]


def test_truncated_warc_gives_the_pages_before_and_one_failure(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    write_warc(warc, [(f"https://news.example/{i}", page_html(i)) for i in range(6)])
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) * 2 // 3])
    (unit,) = discover_units([warc])
    items = list(iter_unit_items(unit))
    assert isinstance(items[-1], Failed)
    assert items[-1].error.stage == "input"
    assert all(isinstance(i, Task) for i in items[:-1])
    assert 1 <= len(items) - 1 < 6


def test_missing_files_become_read_failures_later(tmp_path):
    (unit,) = discover_units([tmp_path / "gone.html"])
    (task,) = iter_unit_items(unit)
    assert isinstance(task, Task)  # the worker reads it and reports the error
    (unit,) = discover_units([tmp_path / "gone.warc.gz"])
    (failed,) = iter_unit_items(unit)
    assert isinstance(failed, Failed)
    assert failed.error.kind == "FileNotFoundError"


def test_jsonl_lines_become_tasks_or_failures():
    (unit,) = discover_units([FIXTURES / "pages.jsonl"])
    items = list(iter_unit_items(unit))
    assert [type(i) for i in items] == [Task, Task, Failed, Failed]
    first, second, broken, no_html = items
    assert isinstance(first, Task)
    assert first.url == "https://wire.example/a"
    assert isinstance(second, Task)
    assert second.url is None
    assert first.source.endswith("pages.jsonl#L1")
    assert isinstance(broken, Failed)
    assert broken.error.kind == "InvalidJSON"
    assert isinstance(no_html, Failed)
    assert no_html.error.kind == "MissingHTML"
    assert no_html.source.endswith("#L4")


def test_truncated_gzip_jsonl_fails_once_after_the_good_lines(tmp_path):
    lines = "".join(json.dumps({"html": page_html(i)}) + "\n" for i in range(200))
    data = gzip.compress(lines.encode())
    path = tmp_path / "pages.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    (unit,) = discover_units([path])
    items = list(iter_unit_items(unit))
    assert isinstance(items[-1], Failed)
    assert items[-1].error.stage == "input"
    assert all(isinstance(i, Task) for i in items[:-1])


def test_stdin_formats(tmp_path):
    (html,) = iter_stdin_items(io.BytesIO(b"<p>hello</p>"), fmt="html")
    assert html == Task(source="<stdin>", name="stdin", data=b"<p>hello</p>")
    lines = io.BytesIO(b'{"html": "<p>a</p>", "url": "https://x.example/"}\n\n')
    (line,) = iter_stdin_items(lines, fmt="jsonl")
    assert isinstance(line, Task)
    assert line.url == "https://x.example/"
    write_corpus(tmp_path, 3)
    listing = io.BytesIO(f"{tmp_path}/section-1\n\n{tmp_path}/section-2\n".encode())
    assert len(list(iter_stdin_items(listing, fmt="paths"))) == 2
