"""Benchmarks run by ``make bench`` (``python -m bench``); results go in docs/benchmarks.md.

Machines running them are shared and noisy, so every figure is a median over repeated runs and,
where it is a comparison, a ratio against a baseline measured in the same run.
"""
