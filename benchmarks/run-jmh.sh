#!/usr/bin/env bash
# Runs the JMH benchmarks of the benchmarks module with the GC profiler (bytes allocated per
# operation) and CpuTimeProfiler (the JVM's CPU time per operation, steadier than wall time on a
# shared machine), and writes benchmarks/results/jmh.json and jmh.md.
#
# Usage: benchmarks/run-jmh.sh [--skip-build] [JMH options and benchmark regexps...]
#   benchmarks/run-jmh.sh                                    # everything, with each benchmark's own settings
#   benchmarks/run-jmh.sh -f 1 -wi 1 -i 1 -w 1s -r 1s        # a quick check of the tooling
#   benchmarks/run-jmh.sh PropagationBenchmark -p mode=starter
# Every benchmark fixes its own forks, warm-up and measurement; options given here override them.
set -euo pipefail

cd "$(dirname "$0")/.."
build=true
if [[ "${1:-}" == "--skip-build" ]]; then
	build=false
	shift
fi
if $build; then
	./mvnw -B -q -pl benchmarks -am package -DskipTests
fi

results=benchmarks/results
mkdir -p "$results"
classpath="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"

# Our benchmarks only, unless a regexp is given.
has_pattern=false
for arg in "$@"; do
	if [[ "$arg" != -* && "$arg" == *Benchmark* ]]; then
		has_pattern=true
	fi
done
patterns=()
if ! $has_pattern; then
	patterns=('dev\.contextstarter\.benchmarks\..*')
fi

java -cp "$classpath" org.openjdk.jmh.Main -prof gc -prof dev.contextstarter.benchmarks.CpuTimeProfiler -rf json -rff "$results/jmh.json" "$@" "${patterns[@]}"
java -cp "$classpath" dev.contextstarter.benchmarks.report.JmhReport "$results/jmh.json" "$results/jmh.md"
