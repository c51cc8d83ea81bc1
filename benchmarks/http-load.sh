#!/usr/bin/env bash
# HTTP load test of one WebFlux application in three configurations, on loopback:
#   baseline  context-starter on the classpath, context.enabled=false; no tracing
#   starter   context-starter with every feature on (its defaults); no tracing
#   tracing   no context-starter; Micrometer Tracing + Brave, spring.reactor.context-propagation=auto,
#             the request ID as a remote baggage field correlated to the MDC
#   no-watchdog  (with --with-no-watchdog) the starter with context.watchdog.enabled=false, for the
#             watchdog's own cost: "ratio starter/no-watchdog" is printed before the last two lines
# The configurations alternate over several rounds; each run starts a fresh JVM pinned to one core,
# warms it up with wrk, then measures with wrk pinned to the other core. Medians are reported; the
# last two lines printed are "ratio starter/baseline <x>" and "ratio starter/tracing <x>" (throughput).
# The app's CPU time per request is reported too: on a shared machine it is steadier than req/s.
# Then, the headline: the paired CPU per request (http-pair.sh, both configurations at once on one
# core) of starter/baseline (target 1.03) and starter/tracing (target 0.90), by round, with median,
# spread and verdict, printed last and added to http-load.md (--no-pair skips it).
# Results: benchmarks/results/http-load.md, http-load-throughput.png, http-load-latency.png.
#
# Usage: benchmarks/http-load.sh [--duration SECONDS] [--warmup SECONDS] [--rounds N]
#                                [--connections N] [--skip-build] [--with-no-watchdog] [--no-pair]
# Environment: JAVA_OPTS (app JVM options), TRACING_SAMPLING (management.tracing.sampling.probability
# for the tracing run; Boot's default when unset), APP_CPU / LOAD_CPU (cores, default 0 and 1).
set -euo pipefail

duration=30
warmup=120
rounds=3
connections=32
wrk_threads=1
build=true
port=18080
configurations=(baseline starter tracing)
pair=true
while [[ $# -gt 0 ]]; do
	case "$1" in
		--duration) duration="$2"; shift 2 ;;
		--warmup) warmup="$2"; shift 2 ;;
		--rounds) rounds="$2"; shift 2 ;;
		--connections) connections="$2"; shift 2 ;;
		--port) port="$2"; shift 2 ;;
		--skip-build) build=false; shift ;;
		--with-no-watchdog) configurations+=(no-watchdog); shift ;;
		--no-pair) pair=false; shift ;;
		-h|--help) sed -n '2,21p' "$0"; exit 0 ;;
		*) echo "Unknown option: $1" >&2; exit 2 ;;
	esac
done
if (( rounds < 3 )); then
	echo "--rounds must be at least 3" >&2
	exit 2
fi

cd "$(dirname "$0")/.."
# shellcheck source=benchmarks/load-test-app.sh
. benchmarks/load-test-app.sh
prepare_load_test "$build"

work=$(mktemp -d -t http-load.XXXXXX)
raw="$work/raw"
mkdir -p "$raw"
app_pid=""
stop_app() {
	if [[ -n "$app_pid" ]] && kill -0 "$app_pid" 2> /dev/null; then
		kill "$app_pid"
		wait "$app_pid" 2> /dev/null || true
	fi
	app_pid=""
}
trap 'stop_app' EXIT

start_app() {
	local configuration="$1" log_file="$2"
	local extra=()
	if [[ "$configuration" == tracing && -n "${TRACING_SAMPLING:-}" ]]; then
		extra+=("--management.tracing.sampling.probability=$TRACING_SAMPLING")
	fi
	start_load_test_app "$configuration" "$port" "$log_file" "$work/$configuration-stdout.txt" "${extra[@]}"
}

load() {
	local seconds="$1"
	taskset -c "$load_cpu" wrk --latency -t "$wrk_threads" -c "$connections" -d "${seconds}s" \
		-H "X-Request-ID: $request_id" -H "requestId: $request_id" "http://127.0.0.1:$port/hello"
}

# Each configuration must do what it claims: the starter and tracing runs log the request ID.
check_log() {
	local configuration="$1" log_file="$2" line
	# The last line: it came from wrk, which sends the ID (the readiness probe does not).
	line=$(grep 'Said hello' "$log_file" | tail -1 || true)
	if [[ -z "$line" ]]; then
		echo "$configuration: no log line from the endpoint in $log_file" >&2
		exit 1
	fi
	if [[ "$configuration" == baseline ]]; then
		[[ "$line" != *"$request_id"* ]] || { echo "baseline logged the request ID: $line" >&2; exit 1; }
	else
		[[ "$line" == *"[$request_id]"* ]] || { echo "$configuration did not log the request ID: $line" >&2; exit 1; }
	fi
}

echo "http-load: ${rounds} rounds x ${configurations[*]}; warm-up ${warmup}s, measured ${duration}s;" \
	"wrk -t${wrk_threads} -c${connections} on CPU ${load_cpu}, app on CPU ${app_cpu}; work dir $work" >&2
for round in $(seq 1 "$rounds"); do
	# Rotate the order each round so no configuration always runs first or last.
	for index in "${!configurations[@]}"; do
		configuration="${configurations[$(( (index + round - 1) % ${#configurations[@]} ))]}"
		log_file="$work/$configuration-$round.log"
		start_app "$configuration" "$log_file"
		load "$warmup" > "$work/$configuration-$round-warmup.txt"
		cpu_before=$(cpu_ticks "$app_pid")
		jit_before=$(jit_ticks "$app_pid")
		load "$duration" > "$raw/$configuration-$round.txt"
		cpu_after=$(cpu_ticks "$app_pid")
		jit_after=$(jit_ticks "$app_pid")
		# CPU per request holds up better than req/s when other processes share the app's core;
		# the JIT's share of it says whether the warm-up was long enough.
		awk -v ticks=$(( cpu_after - cpu_before )) -v jit=$(( jit_after - jit_before )) -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "App CPU seconds: %.3f\nApp JIT CPU seconds: %.3f\n", ticks / hz, jit / hz }' \
			>> "$raw/$configuration-$round.txt"
		stop_app
		check_log "$configuration" "$log_file"
		echo "round $round $configuration: $(grep 'Requests/sec' "$raw/$configuration-$round.txt")" >&2
		rm -f "$log_file"
	done
done

description="$(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')); \
${rounds} rounds, warm-up ${warmup}s, measured ${duration}s, wrk -t${wrk_threads} -c${connections} (CPU ${load_cpu}), \
app JVM \`${java_opts}\` (CPU ${app_cpu}); GET /hello with X-Request-ID and requestId headers."
java -Djava.awt.headless=true -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" dev.contextstarter.benchmarks.report.HttpLoadReport \
	"$raw" benchmarks/results "$description"

if $pair; then
	# The headline: runs one after another drift with the VM by ±30 %, pairs do not (docs/benchmarks.md).
	paired="$work/paired.txt"
	: > "$paired"
	for other in baseline:1.03 tracing:0.90; do
		stop_app
		benchmarks/http-pair.sh --skip-build --warmup "$warmup" --rounds "$rounds" --duration "$duration" \
			--target "${other#*:}" starter "${other%%:*}" | tee "$work/pair-${other%%:*}.txt" >&2
		echo "paired cpu per request starter/${other%%:*} $(grep '^median' "$work/pair-${other%%:*}.txt");" \
			"by round $(sed -n 's/^cpu per request [^:]*: //p' "$work/pair-${other%%:*}.txt");" \
			"$(grep '^verdict' "$work/pair-${other%%:*}.txt")" >> "$paired"
	done
	{
		echo
		echo "### Paired CPU per request (the headline)"
		echo
		sed 's/^/- /' "$paired"
	} >> benchmarks/results/http-load.md
	cat "$paired"
fi
