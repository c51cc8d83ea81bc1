#!/usr/bin/env bash
# Runs every test of the project on a fresh machine that has only a JDK:
#   - installs the Debian packages the tests need when they are missing (as root): faketime for the
#     clock test that steps a real process's wall clock, rabbitmq-server for the AMQP tests;
#   - starts a throw-away RabbitMQ on 127.0.0.1 (or uses one that already answers, see
#     scripts/rabbitmq-test-broker.sh) and stops it afterwards;
#   - runs `./mvnw verify` over all modules. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { echo "[test] $*" >&2; }

apt_updated=false
# ensure_package PACKAGE PROBE...: installs PACKAGE unless the command PROBE succeeds
ensure_package() {
	local package="$1"
	shift
	if "$@" >/dev/null 2>&1; then
		return
	fi
	if [ "$(id -u)" != 0 ]; then
		log "Debian package '$package' is missing and this is not root: install it with 'apt-get install -y $package'"
		exit 1
	fi
	if [ "$apt_updated" = false ]; then
		log "apt-get update"
		apt-get update -qq
		apt_updated=true
	fi
	log "installing $package"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
}

ensure_package faketime scripts/libfaketime-path.sh
# the clock test finds the library the same way; exported so that it need not look again
if ! LIBFAKETIME="$(scripts/libfaketime-path.sh)"; then
	log "libfaketime.so.1 not found even with the package 'faketime' installed: set LIBFAKETIME to its path"
	exit 1
fi
export LIBFAKETIME

if [ -x scripts/rabbitmq-test-broker.sh ]; then
	scripts/rabbitmq-test-broker.sh start
	trap 'scripts/rabbitmq-test-broker.sh stop || true' EXIT
fi

./mvnw -B -ntp verify "$@"
