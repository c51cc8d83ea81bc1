#!/usr/bin/env bash
# Prints the path of libfaketime.so.1 on this machine, whatever its architecture, or exits with 1.
# The one place that knows where libfaketime lives: scripts/test.sh and the tests that step a real
# process's wall clock (LibfaketimeClockJumpTests) both ask it. LIBFAKETIME, when set, wins.
set -uo pipefail

found() {
	[ -n "$1" ] && [ -r "$1" ] && { echo "$1"; exit 0; }
}

found "${LIBFAKETIME:-}"
# Debian and Ubuntu: the library is in package libfaketime (faketime depends on it)
if command -v dpkg >/dev/null 2>&1; then
	found "$(dpkg -L libfaketime 2>/dev/null | grep -m1 '/libfaketime\.so\.1$')"
fi
found "$(ldconfig -p 2>/dev/null | awk '/libfaketime\.so\.1 / { print $NF; exit }')"
for candidate in /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1 \
	/usr/local/lib/faketime/libfaketime.so.1 /usr/lib64/faketime/libfaketime.so.1; do
	found "$candidate"
done
exit 1
