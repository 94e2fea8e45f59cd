"""Batch outputs: journals that survive a torn write, Parquet with nested blocks, per-page files."""

from __future__ import annotations

import json

import pytest

import newsclean
from _corpus import page_html, read_rows, rows_by_source
from newsclean._batch.sinks import (
    DirSink,
    Journal,
    JsonlSink,
    ParquetSink,
    arrow_schema,
)
from newsclean._batch.worker import Outcome, render_result
from newsclean._record import ErrorInfo, Result


def outcome(index: int, render: str = "json") -> Outcome:
    article = newsclean.clean_html(page_html(index), f"https://news.example/{index}")
    return render_result(Result(source=f"page-{index}", article=article), f"p{index}", render)  # type: ignore[arg-type]


def error_outcome(index: int, render: str = "json") -> Outcome:
    error = ErrorInfo(stage="decode", kind="DecodeError", message="truncated gzip data")
    return render_result(Result(source=f"bad-{index}", error=error), f"b{index}", render)  # type: ignore[arg-type]


def test_journal_cuts_a_torn_last_line(tmp_path):
    path = tmp_path / "out.jsonl.partial"
    good = [outcome(i).payload for i in range(3)]
    bad = error_outcome(0).payload
    assert isinstance(bad, str)
    path.write_text("".join(f"{line}\n" for line in [*good, bad]) + bad[:40])
    resumed = Journal(path).recover()
    assert resumed.sources == {"page-0", "page-1", "page-2", "bad-0"}
    assert resumed.errors_by_kind == {"DecodeError": 1}
    assert path.read_text().endswith("\n")
    assert len(path.read_text().splitlines()) == 4


def test_journal_drops_everything_after_a_garbled_line(tmp_path):
    path = tmp_path / "j.partial"
    lines = [outcome(0).payload, '{"sourc', outcome(1).payload]
    path.write_text("".join(f"{line}\n" for line in lines))
    assert Journal(path).recover().sources == {"page-0"}
    assert len(path.read_text().splitlines()) == 1


def test_jsonl_sink_renames_only_on_commit(tmp_path):
    out = tmp_path / "out.jsonl"
    sink = JsonlSink(out, resume=False)
    assert sink.open().sources == set()
    sink.write(outcome(0))
    sink.close()
    assert not out.exists()
    assert (tmp_path / "out.jsonl.partial").exists()
    sink = JsonlSink(out, resume=True)
    assert sink.open().sources == {"page-0"}
    sink.write(outcome(1))
    sink.commit()
    assert not (tmp_path / "out.jsonl.partial").exists()
    assert [r["source"] for r in read_rows(out)] == ["page-0", "page-1"]


def test_resuming_a_finished_jsonl_extends_it(tmp_path):
    out = tmp_path / "out.jsonl"
    sink = JsonlSink(out, resume=False)
    sink.open()
    sink.write(outcome(0))
    sink.commit()
    sink = JsonlSink(out, resume=True)
    assert sink.open().sources == {"page-0"}
    sink.write(error_outcome(1))
    sink.commit()
    assert set(rows_by_source(read_rows(out))) == {"page-0", "bad-1"}


def test_without_resume_an_old_journal_is_started_afresh(tmp_path):
    out = tmp_path / "out.jsonl"
    (tmp_path / "out.jsonl.partial").write_text(str(outcome(0).payload) + "\n")
    sink = JsonlSink(out, resume=False)
    assert sink.open().sources == set()
    sink.write(outcome(1))
    sink.commit()
    assert [r["source"] for r in read_rows(out)] == ["page-1"]


def test_parquet_keeps_article_fields_and_nested_blocks(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out.parquet"
    sink = ParquetSink(out, resume=False)
    sink.open()
    for i in range(3):
        sink.write(outcome(i))
    sink.write(error_outcome(9))
    sink.commit()
    assert not (tmp_path / "out.parquet.partial.jsonl").exists()
    table = pq.read_table(out)
    assert table.schema == arrow_schema()
    assert table.num_rows == 4
    rows = {r["source"]: r for r in table.to_pylist()}
    first = rows["page-0"]
    assert first["ok"] is True
    assert first["url"] == "https://news.example/0"
    assert first["blocks"]
    assert set(first["blocks"][0]) == {"kind", "text", "level"}
    assert first["published"].startswith("2024-01-01")
    assert isinstance(first["authors"], list)
    bad = rows["bad-9"]
    assert bad["ok"] is False
    assert (bad["error_stage"], bad["error_kind"]) == ("decode", "DecodeError")
    assert bad["title"] is None


def test_parquet_resume_from_a_finished_file_keeps_old_rows(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out.parquet"
    sink = ParquetSink(out, resume=False)
    sink.open()
    sink.write(outcome(0))
    sink.write(error_outcome(1))
    sink.commit()
    before = {r["source"]: r for r in pq.read_table(out).to_pylist()}
    sink = ParquetSink(out, resume=True)
    resumed = sink.open()
    assert resumed.sources == {"page-0", "bad-1"}
    assert resumed.errors_by_kind == {"DecodeError": 1}
    sink.write(outcome(2))
    sink.commit()
    after = {r["source"]: r for r in pq.read_table(out).to_pylist()}
    assert set(after) == {"page-0", "bad-1", "page-2"}
    assert after["page-0"] == before["page-0"]
    assert after["bad-1"] == before["bad-1"]


@pytest.mark.parametrize(("render", "suffix"), [("markdown", ".md"), ("text", ".txt")])
def test_dir_sink_writes_one_file_per_page_and_an_index(tmp_path, render, suffix):
    out = tmp_path / "pages"
    sink = DirSink(out, render=render, resume=False)
    sink.open()
    sink.write(outcome(0, render))
    sink.write(outcome(0, render))  # same name twice: the second gets a suffix
    sink.write(error_outcome(1, render))
    sink.commit()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["_index.jsonl", f"p0{suffix}", f"p0-2{suffix}"]
    )
    text = (out / f"p0{suffix}").read_text()
    assert "Story 0" in text
    index = read_rows(out / "_index.jsonl")
    assert [r["file"] for r in index] == [f"p0{suffix}", f"p0-2{suffix}", None]
    assert index[2]["error"]["kind"] == "DecodeError"
    sink = DirSink(out, render=render, resume=True)
    assert sink.open().sources == {"page-0", "bad-1"}
    sink.write(outcome(0, render))
    sink.close()
    assert (out / f"p0-3{suffix}").exists()


def test_rows_are_valid_results(tmp_path):
    line = outcome(4).payload
    assert isinstance(line, str)
    result = Result.model_validate_json(line)
    assert result.ok
    assert json.loads(line)["source"] == "page-4"
