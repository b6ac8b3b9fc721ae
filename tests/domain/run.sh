#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The domain-account suite (ctest `domain`, docs/domain.md): provisions one
# Samba AD domain (tests/domain/domain.sh), runs every tests/domain/check_*.sh
# against it (check_faults.sh last), and stops every process it started, by pid, even on failure.
#
#   run.sh NTLM_BINARY BUILD_DIR
#
# Exit 77 (ctest SKIP) only when this machine cannot create a network
# namespace; that is said loudly. Set NTLM_DOMAIN_KEEP=1 to keep the state
# directory (logs) after the run.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
export NTLM=${1:?usage: run.sh NTLM_BINARY BUILD_DIR}
export BUILD=${2:?usage: run.sh NTLM_BINARY BUILD_DIR}
DOM="$HERE/domain.sh"

if ! bash "$DOM" check; then
	rc=$?
	if [ $rc -eq 77 ]; then
		printf '%s\n' '' \
			'************************************************************' \
			'* SKIPPED: the domain-account tests need a network namespace' \
			'* (root, ip netns). Nothing about winbind was tested here.' \
			'************************************************************' >&2
	fi
	exit $rc
fi

export D NS
D=$(mktemp -d /tmp/ntlmdom.XXXXXX)
NS="ntlmdom-$$"
t0=$(date +%s%3N)
cleanup() {
	local t
	bash "$DOM" down "$D" "$NS"
	t=$(date +%s%3N)
	echo "domain: stopped; whole run $((t - t0)) ms"
	if [ "${NTLM_DOMAIN_KEEP:-0}" = 1 ]; then
		echo "domain: state kept in $D"
	else
		rm -rf "$D"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! bash "$DOM" up "$D" "$NS"; then
	for f in "$D"/dc/log/samba.log "$D"/mem/log/winbindd.log; do
		[ -f "$f" ] && { echo "--- tail $f"; tail -30 "$f"; }
	done
	echo "FAIL: the domain did not come up"
	exit 1
fi
cat "$D/timings"

passed=0
failed=0
# check_faults.sh stops and restarts the daemons: it runs last.
for t in $(ls "$HERE"/check_*.sh | grep -v '/check_faults\.sh$') "$HERE/check_faults.sh"; do
	name=$(basename "$t" .sh)
	s=$(date +%s%3N)
	if bash "$t"; then
		passed=$((passed + 1))
		r=ok
	else
		failed=$((failed + 1))
		r=FAILED
	fi
	echo "domain: $name: $r ($(($(date +%s%3N) - s)) ms)"
done
echo "domain: $passed passed, $failed failed"
[ $failed -eq 0 ]
