#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench_validate (handshakes in one process, no HTTP; docs/domain.md, "The
# winbind path alone") against a local account file: 4 threads x 20
# handshakes all succeed, closed loop and open loop (--rate), with one audit
# success event each (and one for each of the 5 warm-ups); --self-check's wrong
# password is refused (one failure event); a wrong password and an unknown
# user make every handshake fail, say why and exit 1; a bad option or
# account store exits 2.
set -u
source "$(dirname "$0")/lib.bash"
build=$(dirname "$NTLM")
BV=$build/bench_validate
[ -x "$BV" ] || { echo "no $BV"; exit 1; }

out=$("$BV" --accounts "file:$TMP/accounts" --user 'DEMO\demo' --password "$DEMO_PW" \
	--threads 4 --handshakes 20 --audit "$TMP/v.audit" --self-check 2>&1)
rc=$?
echo "$out"
eq "closed loop: exit status" 0 "$rc"
contains "closed loop: the warm-up passes" "warm-up: the password: ok" "$out"
contains "closed loop: the self-check refuses a wrong password" \
	"self-check: a wrong password: refused, NTLM_E_LOGON_FAILURE" "$out"
contains "closed loop: the count" "threads 4, handshakes 80 (0 failed)" "$out"
contains "closed loop: 80 successes" "ok 80 of 80 (warm-up: 4 of 4 threads ok)" "$out"
contains "closed loop: the rate and latency" "handshakes/s, latency p50 " "$out"
contains "closed loop: p90" " p90 " "$out"
contains "closed loop: CPU per handshake" "cpu per handshake: process " "$out"
contains "closed loop: its audit count" "audit 9005 events 85 (want 85)" "$out"
eq "closed loop: 85 success events in the file (and the warm-ups')" 85 \
	"$(grep -c '^{"event":9005,' "$TMP/v.audit")"
eq "closed loop: one failure event (the self-check's wrong password)" 1 \
	"$(grep -c '^{"event":9004,' "$TMP/v.audit")"

out=$("$BV" --accounts "file:$TMP/accounts" --user 'DEMO\demo' --password "$DEMO_PW" \
	--threads 4 --handshakes 20 --rate 400 2>&1)
rc=$?
echo "$out"
eq "open loop: exit status" 0 "$rc"
lacks "open loop: no self-check unless asked" "self-check:" "$out"
contains "open loop: the schedule" "threads 4, offered 400.0/s, handshakes 80 (0 failed, " "$out"
contains "open loop: 80 successes" "ok 80 of 80" "$out"
contains "open loop: the service time" "(service alone: p50 " "$out"
# 80 handshakes at 400/s: the last one starts 0.1975 s after the first
took "open loop: the schedule" "$out" 0.1975 5

out=$("$BV" --accounts "file:$TMP/accounts" --user 'DEMO\demo' --password 'Wrong-Passw0rd!' \
	--threads 4 --handshakes 20 2>&1)
rc=$?
echo "$out"
eq "wrong password: exit status" 1 "$rc"
contains "wrong password: the warm-up says so" \
	"warm-up: the password: FAILED (validation: NTLM_E_LOGON_FAILURE" "$out"
contains "wrong password: every handshake fails" "handshakes 80 (80 failed)" "$out"
contains "wrong password: no success" "ok 0 of 80" "$out"
contains "wrong password: why" "first failure: validation: NTLM_E_LOGON_FAILURE" "$out"
contains "wrong password: the verdict" "FAIL: 80 of 80 handshakes failed" "$out"

out=$("$BV" --accounts "file:$TMP/accounts" --user 'DEMO\nobody' --password "$DEMO_PW" \
	--threads 2 --handshakes 3 --rate 1000 2>&1)
rc=$?
eq "unknown user: exit status" 1 "$rc"
contains "unknown user: every handshake fails" "handshakes 6 (6 failed, " "$out"
contains "unknown user: why" "first failure: validation: NTLM_E_NO_SUCH_USER" "$out"

out=$("$BV" --accounts "file:$TMP/no-such-file" --user 'DEMO\demo' --password x 2>&1)
eq "missing account file: exit status" 2 "$?"
contains "missing account file: why" "bench_validate: --accounts: " "$out"
out=$("$BV" --accounts "file:$TMP/accounts" --user demo --password x 2>&1)
eq "user without a domain: exit status" 2 "$?"
contains "user without a domain: usage" "usage: bench_validate" "$out"
out=$("$BV" --accounts "file:$TMP/accounts" --user 'DEMO\demo' --password x --threads 0 2>&1)
eq "zero threads: exit status" 2 "$?"
out=$("$BV" --accounts "file:$TMP/accounts" --user 'DEMO\demo' --password x --rate -1 2>&1)
eq "negative rate: exit status" 2 "$?"
finish
