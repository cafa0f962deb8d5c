"""`make bench`: the million-statement benchmark (see bench/run.py and docs/performance.md)."""
