"""Extraction stages: DOM cleaning, body, metadata, wire (agency and dateline)."""
