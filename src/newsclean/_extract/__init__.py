"""Extraction stages: DOM cleaning, body, metadata, dates, wire (agency and dateline).

The native body extractor (``native.py``) decides over a facts table (``facts.py``) that one
walk reads off lexbor's tree: the compiled reader (``_speedups.c``, loaded and self-tested by
``speedups.py``) or the pure-Python one, which fill the same table. The readers hold no rule:
every threshold, tag set and word list is written once, in the Python of its stage.
"""
