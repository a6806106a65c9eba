"""Curtois & Qu nurse-rostering benchmark (Instance1..24): data, parser and independent evaluator.

The specification is ``data/README.md`` (a byte-identical copy of the benchmark README);
section numbers quoted in docstrings refer to it.
"""
