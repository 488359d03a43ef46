# `make bench` runs every benchmark scenario for us and the peers and writes Benchmarks/results/latest.md.
.PHONY: bench test run

bench:
	Benchmarks/run.sh

test:
	scripts/test

run:
	scripts/run
