"""Benchmarks: programs that measure and print, run by hand or by `make bench`; not tests."""
