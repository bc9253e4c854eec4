"""Manuscript readers: a file in, the `config.manuscript` schema out."""

from producer.readers.text import read_manuscript

__all__ = ["read_manuscript"]
