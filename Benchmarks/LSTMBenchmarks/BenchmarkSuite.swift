// Placeholder replaced by the benchmark suite.
public enum BenchmarkSuite {}
