#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make bench's clock around the call into winbindd (bench/wbc_clock.c,
# docs/domain.md "Where a domain logon's time goes"), on the real domain:
# loaded into bench_validate, it writes one line per call (milliseconds and
# libwbclient's result), the wrong password of --self-check as a refusal
# (WBC_ERR_AUTH_ERROR, 10) and every other call a success, and each
# handshake contains its call, so the calls' p50 and p99 are at most the
# handshakes' (and the p50 at least half: the call is most of a domain
# logon). Without NTLM_BENCH_WBC_LOG it writes nothing; a log it cannot
# open is said on stderr, and the run still passes.
set -u
source "$(dirname "$0")/lib.bash"

SHIM=$BUILD/libbench_wbc_clock.so
BV=$BUILD/bench_validate
[ -f "$SHIM" ] || { fail "no $SHIM"; finish; exit; }
[ -x "$BV" ] || { fail "no $BV"; finish; exit; }
# (under ASan the preloaded clock comes before the sanitizer's runtime)
ASAN=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
THREADS=3
K=4
N=$((THREADS * K))

# clocked LOG bench_validate-args...: bench_validate through the member, the
# clock loaded, its calls logged to LOG (none: no log).
clocked() {
	local log=$1
	shift
	wb_member env LD_PRELOAD="$SHIM" ASAN_OPTIONS="$ASAN" ${log:+NTLM_BENCH_WBC_LOG="$log"} \
		"$BV" --accounts winbind --user 'TESTDOM\alice' --password Passw0rd1 \
		--threads $THREADS --handshakes $K "$@" 2>&1
}

out=$(clocked "$TMP/calls" --self-check --rate 40)
eq "clocked run: exit status" 0 "$?"
echo "$out"
contains "clocked run: the wrong password refused" "self-check: a wrong password: refused" "$out"
contains "clocked run: every handshake ok" "ok $N of $N" "$out"
# the self-check, the warm-up, one warm-up per thread, then the N timed
eq "one line per call" $((1 + 1 + THREADS + N)) "$(wc -l <"$TMP/calls")"
eq "the self-check's call: refused (WBC_ERR_AUTH_ERROR)" 10 "$(head -n 1 "$TMP/calls" | cut -d' ' -f2)"
eq "every other call: a success" 0 "$(tail -n +2 "$TMP/calls" | awk '$2 != 0' | wc -l)"
eq "every time a number of ms over 0 and under a minute" 0 \
	"$(awk '!($1 ~ /^[0-9]+\.[0-9][0-9][0-9]$/ && $1 > 0 && $1 < 60000)' "$TMP/calls" | wc -l)"
# The N timed calls (after every warm-up: bench_validate waits for all its
# threads' warm-ups first) against the N handshakes that contain them,
# same nearest rank as bench_validate (bench/bench_util.h).
rank() { sort -g | awk -v p="$1" '{ a[NR] = $1 } END { printf "%.2f", a[int((NR * p + 99) / 100)] }'; }
read -r hs50 hs99 < <(sed -n 's/.*latency p50 \([0-9.]*\) ms, p99 \([0-9.]*\) ms.*/\1 \2/p' <<<"$out")
for p in 50 99; do
	call=$(tail -n $N "$TMP/calls" | cut -d' ' -f1 | rank $p)
	hs=$([ $p = 50 ] && echo "${hs50:-}" || echo "${hs99:-}")
	CHECKS=$((CHECKS + 1))
	awk -v c="$call" -v h="${hs:-0}" 'BEGIN { exit !(c > 0 && c <= h + 0.01) }' ||
		fail "p$p: the calls' $call ms, over the handshakes' ${hs:-?} ms that contain them"
	if [ $p = 50 ]; then
		# and it times the call itself, not some sliver of it: a domain
		# logon is mostly its call (the DC's work; measured 79-92 %)
		CHECKS=$((CHECKS + 1))
		awk -v c="$call" -v h="${hs:-0}" 'BEGIN { exit !(c >= h / 2) }' ||
			fail "p50: the calls' $call ms, under half the handshakes' ${hs:-?} ms"
	fi
	echo "check_bench: p$p call into winbindd $call ms, whole handshake $hs ms"
done

out=$(clocked "")
eq "no log asked: exit status" 0 "$?"
contains "no log asked: every handshake ok" "ok $N of $N" "$out"
lacks "no log asked: nothing said" "wbc_clock" "$out"

out=$(clocked "$TMP/no/such/dir/calls")
eq "a log it cannot open: exit status" 0 "$?"
contains "a log it cannot open: said" "wbc_clock: cannot open $TMP/no/such/dir/calls" "$out"
contains "a log it cannot open: every handshake ok" "ok $N of $N" "$out"
finish
