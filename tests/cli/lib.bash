# SPDX-License-Identifier: MIT
# Shared helpers for tests/cli/*.sh (sourced, not run by ctest: not *.sh).
# Each script takes the ntlm binary as $1 and exits nonzero on any failure.

NTLM=${1:?usage: bash $0 /path/to/ntlm}
[ -x "$NTLM" ] || { echo "not executable: $NTLM"; exit 1; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VECTORS=$HERE/../vectors
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
CHECKS=0

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}

# eq NAME WANT GOT
eq() {
	CHECKS=$((CHECKS + 1))
	[ "$2" == "$3" ] || fail "$1: got '$3', want '$2'"
}

# run [ARGS...]: runs ntlm with stdin from $IN (default: empty), capturing
# $OUT, $ERR and $RC.
run() {
	printf '%s' "${IN-}" | "$NTLM" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

# run_file FILE [ARGS...]: as run, with stdin from FILE (binary-safe).
run_file() {
	local f=$1
	shift
	"$NTLM" "$@" <"$f" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

# wait_for FILE REGEX [SECONDS]: polls (default 60 s) until a line of FILE
# matches; false if none did in time.
wait_for() {
	local i
	for ((i = 0; i < ${3:-60} * 10; i++)); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# expect_ok NAME: the last run exited 0.
expect_ok() {
	CHECKS=$((CHECKS + 1))
	[ "$RC" -eq 0 ] || fail "$1: exit $RC, want 0; stderr: $ERR"
}

# expect_usage NAME [STDERR_REGEX]: the last run exited exactly 2 (not a
# crash: >128 is a signal) and stderr matched.
expect_usage() {
	CHECKS=$((CHECKS + 1))
	if [ "$RC" -ne 2 ]; then
		fail "$1: exit $RC, want 2; stderr: $ERR"
		return
	fi
	if [ $# -ge 2 ] && ! grep -Eq -- "$2" <<<"$ERR"; then
		fail "$1: stderr does not match /$2/: $ERR"
	fi
}

# has_line NAME LINE: stdout of the last run has this exact line.
has_line() {
	CHECKS=$((CHECKS + 1))
	grep -Fxq -- "$2" <<<"$OUT" || fail "$1: no line '$2' in output:
$OUT"
}

# vec FILE NAME: a value of tests/vectors/FILE.vec as one hex string.
vec() {
	awk -v k="$2" '
		{ sub(/#.*/, "") }
		/^[^ \t]/ { f = 0 }
		$0 ~ "^" k "[ \t]*=" { f = 1; sub(/^[^=]*=/, "") }
		f { gsub(/[ \t]/, ""); printf "%s", $0 }' "$VECTORS/$1.vec"
}

hex2b64() {
	python3 -c '
import base64, sys
print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())
' "$1"
}

finish() {
	if [ "$FAILS" -ne 0 ]; then
		echo "$FAILS of $CHECKS checks failed" >&2
		exit 1
	fi
	echo "all $CHECKS checks passed"
	exit 0
}
