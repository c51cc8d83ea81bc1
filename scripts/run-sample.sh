#!/usr/bin/env bash
# Builds and runs the sample orders service (sample-app) with only a JDK 17+ on the machine:
# the Maven wrapper downloads Maven, and the sample starts its own AMQP broker in-process.
#
#   scripts/run-sample.sh [Spring Boot arguments...]
#
# Node A (default): HTTP on 8080, embedded broker on 127.0.0.1:5673.
# Node B, consuming from node A's broker (start node A with --sample.orders.processing=false
# so that node B processes every order):
#   scripts/run-sample.sh --server.port=8081 --sample.node-name=node-b \
#       --sample.broker=external --spring.rabbitmq.port=5673
# Against a real RabbitMQ on 127.0.0.1:5672: scripts/run-sample.sh --sample.broker=external
#
# SKIP_BUILD=1 reuses the jar from an earlier run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The executable jar the build made, whatever the version: the newest sample-app-*.jar that is
# not a sources, javadoc, tests or plain jar.
built_jar() {
	ls -t sample-app/target/sample-app-*.jar 2>/dev/null | grep -v -E -- '-(sources|javadoc|tests|plain)\.jar$' | head -n 1
}

jar="$(built_jar)"
if [ "${SKIP_BUILD:-}" != 1 ] || [ -z "$jar" ]; then
	echo "[run-sample] building sample-app (first run downloads Maven and the dependencies)" >&2
	./mvnw -B -q -pl sample-app -am package -DskipTests
	jar="$(built_jar)"
fi
if [ -z "$jar" ]; then
	echo "[run-sample] no sample-app/target/sample-app-*.jar after the build" >&2
	exit 1
fi
exec java ${JAVA_OPTS:-} -jar "$jar" "$@"
