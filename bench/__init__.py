"""Benchmarks and the real-code evaluation (bench/README.md says how to run them)."""
