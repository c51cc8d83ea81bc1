#!/usr/bin/env bash
# Starts, stops or checks a throw-away RabbitMQ broker for the integration tests.
#
#   scripts/rabbitmq-test-broker.sh start|stop|status|ctl <rabbitmqctl args>
#
# start: when a broker already answers (SPRING_RABBITMQ_HOST/PORT, default 127.0.0.1:5672) it is
#        used as it is and nothing is started. Otherwise Debian's rabbitmq-server is installed when
#        missing (without starting the system service) and a private node is started: node name
#        context-starter-test@localhost, data and logs under .rabbitmq/, listening on 127.0.0.1
#        only. Waits (bounded) until the broker accepts AMQP connections.
# stop:  stops the node only if this script started it (and epmd only if it started epmd).
# ctl:   runs rabbitmqctl against the broker in use, e.g. `ctl close_all_connections "test"`: the node
#        this script started, else $RABBITMQ_NODENAME, else the system service's node.
# Idempotent: start twice or stop twice is harmless.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${CONTEXT_STARTER_RABBITMQ_DIR:-$ROOT/.rabbitmq}"
NODE="${RABBITMQ_NODENAME:-context-starter-test@localhost}"
HOST="${SPRING_RABBITMQ_HOST:-127.0.0.1}"
PORT="${SPRING_RABBITMQ_PORT:-5672}"
START_TIMEOUT="${CONTEXT_STARTER_RABBITMQ_START_TIMEOUT:-90}"
STARTED_MARKER="$BASE/started-by-script"
EPMD_MARKER="$BASE/epmd-started-by-script"

log() { echo "[rabbitmq-test-broker] $*" >&2; }

answers() {
	# A TCP connect plus the AMQP protocol header answered by the broker.
	timeout 3 bash -c "exec 3<>/dev/tcp/$HOST/$PORT && printf 'AMQP\x00\x00\x09\x01' >&3 && head -c 8 <&3 >/dev/null" 2>/dev/null
}

node_env() {
	export RABBITMQ_NODENAME="$NODE"
	export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
	export RABBITMQ_NODE_PORT="$PORT"
	export RABBITMQ_MNESIA_BASE="$BASE/mnesia"
	export RABBITMQ_LOG_BASE="$BASE/log"
	export RABBITMQ_CONFIG_FILE="$BASE/rabbitmq.conf"
	export RABBITMQ_ENABLED_PLUGINS_FILE="$BASE/enabled_plugins"
	export RABBITMQ_PID_FILE="$BASE/rabbitmq.pid"
	export RABBITMQ_USE_LONGNAME=false
	# epmd and Erlang distribution on loopback only.
	export ERL_EPMD_ADDRESS=127.0.0.1
	export RABBITMQ_DIST_PORT="${RABBITMQ_DIST_PORT:-25672}"
	export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
	export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
	# The Debian wrappers in /usr/sbin switch to the rabbitmq user, which cannot write .rabbitmq/;
	# the real scripts run the node as the calling user.
	export PATH="/usr/lib/rabbitmq/bin:$PATH:/usr/sbin"
}

install_broker() {
	if [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
		return
	fi
	if [ "$(id -u)" != 0 ]; then
		log "rabbitmq-server is not installed and this is not root: install it with 'apt-get install -y rabbitmq-server'"
		exit 1
	fi
	log "installing Debian's rabbitmq-server"
	# Keep the package from starting its own system service: we start a private node instead.
	local policy_created=false
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		policy_created=true
	fi
	local status=0
	{ DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server >"$BASE/apt.log" 2>&1 \
		|| { apt-get update -q >>"$BASE/apt.log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server >>"$BASE/apt.log" 2>&1; }; } || status=$?
	if [ "$policy_created" = true ]; then
		rm -f /usr/sbin/policy-rc.d
	fi
	if [ "$status" != 0 ]; then
		log "apt-get install rabbitmq-server failed, see $BASE/apt.log"
		exit 1
	fi
}

start() {
	mkdir -p "$BASE"
	if answers; then
		log "a broker already answers on $HOST:$PORT; using it"
		return
	fi
	if [ -n "${SPRING_RABBITMQ_HOST:-}" ] && [ "$HOST" != 127.0.0.1 ] && [ "$HOST" != localhost ]; then
		log "SPRING_RABBITMQ_HOST=$HOST does not answer on port $PORT; not starting a local broker for a remote host"
		exit 1
	fi
	install_broker
	node_env
	mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
	cat > "$RABBITMQ_CONFIG_FILE" <<CONF
listeners.tcp.1 = 127.0.0.1:$PORT
loopback_users.guest = true
log.console = false
log.file.level = warning
CONF
	echo '[].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
	if ! epmd -names >/dev/null 2>&1; then
		touch "$EPMD_MARKER"
	fi
	log "starting node $NODE on 127.0.0.1:$PORT (data in $BASE)"
	nohup rabbitmq-server >"$BASE/server.out" 2>&1 &
	echo $! > "$STARTED_MARKER"
	local deadline=$((SECONDS + START_TIMEOUT))
	until answers; do
		if [ $SECONDS -ge $deadline ]; then
			log "broker did not accept AMQP connections on 127.0.0.1:$PORT within ${START_TIMEOUT}s; see $BASE/server.out and $BASE/log"
			tail -n 30 "$BASE/server.out" >&2 || true
			exit 1
		fi
		if ! kill -0 "$(cat "$STARTED_MARKER")" 2>/dev/null; then
			log "rabbitmq-server exited during start-up; see $BASE/server.out and $BASE/log"
			tail -n 30 "$BASE/server.out" >&2 || true
			rm -f "$STARTED_MARKER"
			exit 1
		fi
		sleep 1
	done
	rabbitmqctl -q -n "$NODE" await_startup >/dev/null 2>&1 || true
	log "broker ready on 127.0.0.1:$PORT"
}

stop() {
	if [ ! -f "$STARTED_MARKER" ]; then
		log "no broker started by this script; nothing to stop"
		return
	fi
	node_env
	log "stopping node $NODE"
	rabbitmqctl -q -n "$NODE" stop >/dev/null 2>&1 || true
	local pid
	pid="$(cat "$STARTED_MARKER")"
	local deadline=$((SECONDS + 30))
	while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
		sleep 1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
	fi
	rm -f "$STARTED_MARKER"
	if [ -f "$EPMD_MARKER" ]; then
		epmd -kill >/dev/null 2>&1 || true
		rm -f "$EPMD_MARKER"
	fi
}

status() {
	if answers; then
		echo "running on $HOST:$PORT$( [ -f "$STARTED_MARKER" ] && echo " (node $NODE, started by this script)")"
	else
		echo "not running on $HOST:$PORT"
		return 3
	fi
}

case "${1:-}" in
	start) start ;;
	stop) stop ;;
	status) status ;;
	ctl)
		shift
		if [ -f "$STARTED_MARKER" ]; then
			node_env
			exec rabbitmqctl -n "$NODE" "$@"
		elif [ -n "${RABBITMQ_NODENAME:-}" ]; then
			exec rabbitmqctl -n "$RABBITMQ_NODENAME" "$@"
		else
			# A broker this script did not start: assume Debian's system service and its wrapper.
			exec /usr/sbin/rabbitmqctl "$@"
		fi
		;;
	*) echo "usage: $0 start|stop|status|ctl <rabbitmqctl args>" >&2; exit 2 ;;
esac
