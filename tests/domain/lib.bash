# SPDX-License-Identifier: MIT
# Helpers for tests/domain/check_*.sh (sourced). run.sh exports NTLM (the
# ntlm binary), BUILD (the build directory), D (the domain's state
# directory) and NS (its network namespace).
: "${D:?run by tests/domain/run.sh}" "${NS:?}" "${NTLM:?}" "${BUILD:?}"
DHERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d "$D/check.XXXXXX")
PY=/usr/bin/python3
FAILS=0
CHECKS=0
REALM=TESTDOM.EXAMPLE
NBDOM=TESTDOM
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

fail() {
	echo "FAIL: $*" >&2
	FAILS=$((FAILS + 1))
}
eq() { # NAME WANT GOT
	CHECKS=$((CHECKS + 1))
	[ "$2" == "$3" ] || fail "$1: got '$3', want '$2'"
}
contains() { # NAME NEEDLE HAYSTACK
	CHECKS=$((CHECKS + 1))
	grep -Fq -- "$2" <<<"$3" || fail "$1: no '$2' in: $(head -c 2000 <<<"$3")"
}
lacks() { # NAME NEEDLE HAYSTACK
	CHECKS=$((CHECKS + 1))
	! grep -Fq -- "$2" <<<"$3" || fail "$1: unexpected '$2' in: $(head -c 2000 <<<"$3")"
}
# Runs a command as a client of the member's (or the DC's) winbindd.
wb_member() { bash "$DHERE/domain.sh" wb "$D" member "$@"; }
wb_dc() { bash "$DHERE/domain.sh" wb "$D" dc "$@"; }

finish() {
	echo "$(basename "$0" .sh): $CHECKS checks, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}
