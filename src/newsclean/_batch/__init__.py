"""Batch cleaning: many pages, all cores or a Dask cluster, every input accounted for.

- :mod:`.engine`: :func:`clean_many`, :func:`clean_files`, :func:`run_batch` and the
  :class:`BatchSummary`; the job's bookkeeping (one row per input, resume).
- :mod:`.inputs`: listing inputs (folders, ``.gz``, WARC, JSON Lines) into work items.
- :mod:`.pool` and :mod:`.worker`: the local process pool (timeouts, crashed workers) and
  what runs in each worker.
- :mod:`.sinks`: the outputs (JSON Lines, text, Markdown, Parquet), written atomically.
- :mod:`.dask_engine`: the same job as Dask futures over partitions of the inputs.
"""
