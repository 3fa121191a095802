"""Benchmarks run by `make bench`; each figure stands next to a baseline of the same run."""
