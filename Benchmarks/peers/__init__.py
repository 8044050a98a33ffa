"""Helpers of Benchmarks/peers.py: workloads, peer timers, our CLI, and the report."""
