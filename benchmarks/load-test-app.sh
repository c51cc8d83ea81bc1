# Shared by http-load.sh and http-pair.sh, which source it from the repository root: their
# settings from the environment, the tools they need, the build, each configuration's classpath,
# starting the load-test application and reading its CPU time.

app_cpu="${APP_CPU:-0}"
load_cpu="${LOAD_CPU:-1}"
java_opts="${JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseSerialGC}"
# Sent by wrk under both headers: the starter's and the tracing run's baggage field.
request_id="load-test-0123456789abcdef"

# taskset and curl are required; wrk is installed from Debian's packages when missing.
require_load_tools() {
	if ! command -v wrk > /dev/null; then
		echo "Installing wrk..." >&2
		if [[ $(id -u) -eq 0 ]]; then
			apt-get install -y -qq wrk > /dev/null || { apt-get update -qq && apt-get install -y -qq wrk > /dev/null; }
		else
			sudo apt-get install -y -qq wrk > /dev/null
		fi
	fi
	local tool
	for tool in taskset curl; do
		command -v "$tool" > /dev/null || { echo "$tool is required" >&2; exit 1; }
	done
}

# prepare_load_test BUILD: the tools, then the module unless BUILD is false.
prepare_load_test() {
	require_load_tools
	if [[ "$1" != false ]]; then
		./mvnw -B -q -pl benchmarks -am package -DskipTests
	fi
}

# One classpath per configuration: tracing jars only in the tracing run, the starter not in it.
classpath_for() {
	local drop
	case "$1" in
		tracing) drop='/context-starter[^/]*\.jar$' ;;
		*) drop='/(brave[^/]*|micrometer-tracing[^/]*|spring-boot-micrometer-tracing[^/]*|spring-boot-micrometer-observation[^/]*)\.jar$' ;;
	esac
	tr ':' '\n' <<< "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" | grep -Ev "$drop" | paste -sd: -
}

# start_load_test_app CONFIGURATION PORT LOG_FILE OUTPUT_FILE [APP-ARGUMENT...]
# Starts the app on the app core, sets app_pid and returns once it answers; exits if it does not.
start_load_test_app() {
	local configuration="$1" port="$2" log_file="$3" output="$4"
	shift 4
	# Another process answering on the port would be measured instead of ours.
	if (echo > "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
		echo "Port $port is already in use; pass --port" >&2
		exit 1
	fi
	# shellcheck disable=SC2086
	taskset -c "$app_cpu" java $java_opts -cp "$(classpath_for "$configuration")" \
		dev.contextstarter.benchmarks.app.LoadTestApplication \
		--spring.profiles.active="$configuration" --server.port="$port" --logging.file.name="$log_file" "$@" \
		> "$output" 2>&1 &
	app_pid=$!
	for _ in $(seq 1 120); do
		if curl -sf -o /dev/null "http://127.0.0.1:$port/hello"; then
			return 0
		fi
		if ! kill -0 "$app_pid" 2> /dev/null; then
			break
		fi
		sleep 0.5
	done
	echo "The $configuration application did not start; its output:" >&2
	tail -50 "$output" "$log_file" >&2 || true
	exit 1
}

# User + system CPU time of a process, in clock ticks.
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# The same for its JIT compiler threads only ("C1 CompilerThre", "C2 CompilerThre").
jit_ticks() {
	local total=0 task
	for task in /proc/"$1"/task/*; do
		if [[ "$(cat "$task/comm" 2> /dev/null)" == C[12]\ Compiler* ]]; then
			total=$(( total + $(awk '{ print $14 + $15 }' "$task/stat") ))
		fi
	done
	echo "$total"
}
