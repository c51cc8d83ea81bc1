#!/usr/bin/env bash
# Paired CPU cost of two configurations of the load-test application: both run at the same
# time, pinned to the same core, each under its own wrk (both on the other core), and each
# round prints the CPU time per request of both. A VM whose speed drifts moves both sides
# alike, so their ratio is far steadier than that of runs one after another (http-load.sh);
# an A/A pair (one configuration twice) shows how steady. Two JVMs on one core cost more per
# request than one alone, so only the ratio means anything.
#
# Usage: benchmarks/http-pair.sh [--duration SECONDS] [--warmup SECONDS] [--rounds N] [--skip-build]
#                                [--cold] [--target RATIO]
#                                CONFIGURATION[:APP-ARGUMENTS] CONFIGURATION[:APP-ARGUMENTS]
# CONFIGURATION is baseline, starter, no-watchdog or tracing; APP-ARGUMENTS are added to the
# app's command line, e.g. 'starter:--context.reactor.automatic-propagation=true'.
# The last lines printed are the rounds' ratios with their median and spread, then a verdict
# against --target (first / second): warm (default: 120 s warm-up, 3 rounds of 20 s, target
# 1.03) "met" or "not met" from the median when the rounds agree (all on one side of the target,
# or within the margin, the target's distance from 1, of each other), "inconclusive" otherwise;
# --cold (no warm-up, 8 rounds of 10 s, target 1.10) "met" when every round from the third on is
# within it.
# On a 2-core VM, 120 s of warm-up is not steady state: the baseline keeps compiling into the
# rounds. --warmup 300 --rounds 5 gives a steadier warm figure (docs/benchmarks.md, third pass).
# Environment: JAVA_OPTS (app JVM options), APP_CPU / LOAD_CPU (cores, default 0 and 1).
set -euo pipefail

duration=
warmup=
rounds=
target=
cold=false
build=true
while [[ $# -gt 0 ]]; do
	case "$1" in
		--duration) duration="$2"; shift 2 ;;
		--warmup) warmup="$2"; shift 2 ;;
		--rounds) rounds="$2"; shift 2 ;;
		--skip-build) build=false; shift ;;
		--cold) cold=true; shift ;;
		--target) target="$2"; shift 2 ;;
		-h|--help) sed -n '2,22p' "$0"; exit 0 ;;
		-*) echo "Unknown option: $1" >&2; exit 2 ;;
		*) break ;;
	esac
done
if $cold; then
	: "${duration:=10}" "${warmup:=0}" "${rounds:=8}" "${target:=1.10}"
else
	: "${duration:=20}" "${warmup:=120}" "${rounds:=3}" "${target:=1.03}"
fi
if [[ $# -ne 2 ]]; then
	echo "Give two configurations; --help says how" >&2
	exit 2
fi
cd "$(dirname "$0")/.."
# shellcheck source=benchmarks/load-test-app.sh
. benchmarks/load-test-app.sh
prepare_load_test "$build"

work=$(mktemp -d -t http-pair.XXXXXX)
names=() pids=() ports=()
trap 'kill "${pids[@]}" ${app_pid:-} 2> /dev/null || true; wait 2> /dev/null || true' EXIT
for side in 0 1; do
	spec=$([[ $side == 0 ]] && echo "$1" || echo "$2")
	arguments=()
	if [[ "$spec" == *:* ]]; then
		read -r -a arguments <<< "${spec#*:}"
	fi
	start_load_test_app "${spec%%:*}" $((18080 + side)) "$work/side-$side.log" "$work/side-$side-stdout.txt" \
		"${arguments[@]}"
	pids+=("$app_pid") ports+=($((18080 + side))) names+=("$spec")
done

load_both() {
	local seconds="$1" side
	local loads=()
	for side in 0 1; do
		taskset -c "$load_cpu" wrk -t1 -c16 -d"${seconds}s" -H "X-Request-ID: $request_id" \
			-H "requestId: $request_id" "http://127.0.0.1:${ports[$side]}/hello" > "$work/wrk-$side.txt" &
		loads+=($!)
	done
	wait "${loads[@]}"
}
echo "http-pair: ${names[0]} vs ${names[1]} on CPU $app_cpu; warm-up ${warmup}s, ${rounds} rounds of ${duration}s" >&2
if (( warmup > 0 )); then
	load_both "$warmup"
fi
ratios=()
for round in $(seq 1 "$rounds"); do
	before=("$(cpu_ticks "${pids[0]}")" "$(cpu_ticks "${pids[1]}")")
	load_both "$duration"
	line="round $round:"
	micros=()
	for side in 0 1; do
		requests=$(awk '/ requests in / { print $1 }' "$work/wrk-$side.txt")
		micros+=("$(awk -v ticks=$(( $(cpu_ticks "${pids[$side]}") - before[side] )) -v hz="$(getconf CLK_TCK)" \
			-v requests="$requests" 'BEGIN { printf "%.1f", ticks / hz * 1e6 / requests }')")
		line+=" ${names[$side]} ${micros[$side]} us/req ($requests requests);"
	done
	ratios+=("$(awk -v a="${micros[0]}" -v b="${micros[1]}" 'BEGIN { printf "%.3f", a / b }')")
	# The machine may be shared: its load says how far to trust the round.
	echo "$line ratio ${ratios[-1]}; load average $(cut -d' ' -f1 /proc/loadavg)"
done
echo "cpu per request ${names[0]}/${names[1]} by round: ${ratios[*]}"
printf '%s\n' "${ratios[@]}" | sort -n | awk -v target="$target" -v cold="$cold" -v all="${ratios[*]}" '
	{ sorted[NR] = $1 }
	END {
		n = NR
		median = (n % 2) ? sorted[(n + 1) / 2] : (sorted[n / 2] + sorted[n / 2 + 1]) / 2
		spread = sorted[n] - sorted[1]
		margin = (target > 1) ? target - 1 : 1 - target
		printf "median %.3f, spread %.3f (%.3f to %.3f), %d rounds\n", median, spread, sorted[1], sorted[n], n
		if (cold == "true") {
			split(all, byRound, " ")
			over = 0
			for (i = 3; i <= n; i++) if (byRound[i] > target) over++
			if (n < 3) verdict = "inconclusive (fewer than 3 rounds)"
			else if (over == 0) verdict = sprintf("met (every round from the third <= %.2f)", target)
			else verdict = sprintf("not met (%d of %d rounds from the third above %.2f)", over, n - 2, target)
		}
		else if (sorted[n] <= target || (median <= target && spread <= margin)) {
			verdict = sprintf("met (median %.3f <= %.2f)", median, target)
		}
		else if (sorted[1] > target || (median > target && spread <= margin)) {
			verdict = sprintf("not met (median %.3f > %.2f, over by %.3f)", median, target, median - target)
		}
		else {
			verdict = sprintf("inconclusive (rounds straddle %.2f and differ by %.3f, more than the %.2f margin)", target, spread, margin)
		}
		print "verdict: " verdict
	}'

