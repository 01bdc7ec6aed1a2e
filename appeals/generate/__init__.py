"""A data generator for benchmarks and load tests: `flask generate --appeals N ...`."""
