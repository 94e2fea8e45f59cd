"""The Dask engine on a real two-process LocalCluster gives the same records as the local pool."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import newsclean
from _corpus import FIXTURES, page_html, read_rows, rows_by_source, write_corpus, write_warc
from newsclean._batch.engine import run_batch, run_dask_batch
from newsclean._batch.inputs import discover_units, iter_unit_items
from newsclean._batch.sinks import JsonlSink
from newsclean._cli.main import main

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port, not 8787
            silence_logs=50,
        ) as local_cluster,
        distributed.Client(local_cluster) as client,
    ):
        client.wait_for_workers(2, timeout=60)
        yield local_cluster


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("dask") / "corpus"
    write_corpus(root, 300)
    write_warc(root / "crawl.warc.gz", [(f"https://news.example/w{i}", page_html(900 + i))
                                        for i in range(10)])  # fmt: skip
    for name in ("corrupt.html.gz", "empty.html", "pages.jsonl"):
        shutil.copy(FIXTURES / name, root / name)
    return root


def local_rows(corpus: Path, tmp_path: Path) -> dict[str, dict]:
    out = tmp_path / "local.jsonl"
    items = (i for u in discover_units([corpus]) for i in iter_unit_items(u))
    run_batch(items, JsonlSink(out, resume=False), workers=2)
    return rows_by_source(read_rows(out))


def part_rows(out_dir: Path) -> dict[str, dict]:
    rows = []
    for part in sorted(out_dir.glob("part-*.jsonl")):
        rows += read_rows(part)
    return rows_by_source(rows)


def test_dask_gives_the_same_records_as_the_local_pool(cluster, corpus, tmp_path):
    expected = local_rows(corpus, tmp_path)
    assert len(expected) == 300 + 10 + 2 + 4
    out_dir = tmp_path / "parts"
    summary = run_dask_batch(
        discover_units([corpus]),
        out_dir,
        scheduler=cluster.scheduler_address,
        partition_size=64,
    )
    assert summary.completed
    assert (out_dir / "_SUCCESS").exists()
    assert summary.inputs == len(expected)
    assert summary.errors == sum(1 for r in expected.values() if r["error"])
    assert summary.skipped_records["warc request record"] == 10
    assert len(list(out_dir.glob("part-*.jsonl"))) == 5 + 1 + 3  # html files, warc, jsonl
    assert part_rows(out_dir) == expected


def test_dask_resume_skips_finished_parts(cluster, corpus, tmp_path):
    out_dir = tmp_path / "parts"
    first = run_dask_batch(
        discover_units([corpus]), out_dir, scheduler=cluster.scheduler_address, partition_size=64
    )
    removed = sorted(out_dir.glob("part-*.jsonl"))[1]
    lost = len(read_rows(removed))
    removed.unlink()
    (out_dir / "_SUCCESS").unlink()
    again = run_dask_batch(
        discover_units([corpus]),
        out_dir,
        scheduler=cluster.scheduler_address,
        partition_size=64,
        resume=True,
    )
    assert again.resumed == first.inputs - lost
    assert again.inputs == first.inputs
    assert again.errors == first.errors
    assert len(part_rows(out_dir)) == first.inputs
    with pytest.raises(newsclean.OptionsError, match="other inputs"):
        run_dask_batch(
            discover_units([corpus]),
            out_dir,
            scheduler=cluster.scheduler_address,
            partition_size=10,
            resume=True,
        )


def test_clean_files_on_dask(cluster, corpus):
    results = list(
        newsclean.clean_files(
            corpus / "section-3", engine="dask", scheduler=cluster.scheduler_address
        )
    )
    assert len(results) == 30
    assert all(r.ok for r in results)


def test_cli_dask_parquet_parts(cluster, corpus, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out_dir = tmp_path / "parquet-parts"
    summary_path = tmp_path / "summary.json"
    code = main(["clean", str(corpus / "section-1"), str(corpus / "section-2"), "-o",
                 str(out_dir), "--format", "parquet", "--engine", "dask", "--scheduler",
                 cluster.scheduler_address, "--partition-size", "25", "-q",
                 "--summary-json", str(summary_path)])  # fmt: skip
    assert code == 0
    parts = sorted(out_dir.glob("part-*.parquet"))
    assert len(parts) == 3
    assert sum(pq.read_table(p).num_rows for p in parts) == 60
    summary = json.loads(summary_path.read_text())
    assert summary["engine"] == "dask"
    assert summary["records"] == 60


def test_cli_dask_without_an_address_starts_a_local_cluster(corpus, tmp_path):
    import subprocess
    import sys

    out_dir = tmp_path / "parts"
    done = subprocess.run(
        [sys.executable, "-m", "newsclean", "clean", str(corpus / "section-4"), "-o",
         str(out_dir), "--engine", "dask", "--workers", "2", "-q"],
        capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(part_rows(out_dir)) == 30
