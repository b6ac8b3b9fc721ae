#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A small run of the load program (bench/run.sh, `make bench`): 8 connections
# x 20 requests; fails if a request is lost or an audit event is missing.
set -u
NTLM=${1:?usage: bash $0 /path/to/ntlm}
build=$(dirname "$NTLM")
[ -x "$build/bench_httpd" ] || { echo "no $build/bench_httpd"; exit 1; }
# bench_ntlm first, one short repetition: it checks that every row runs (our
# leaks count; those inside gss-ntlmssp and OpenSSL are suppressed, as in the
# interop tests).
export LSAN_OPTIONS="suppressions=$(dirname "$0")/../interop/lsan.supp:print_suppressions=0"
BENCH_REPS=1 BENCH_MS=20 BENCH_CONNECTIONS=8 BENCH_REQUESTS=20 BENCH_CLIENTS=4 \
	BENCH_HANDSHAKES=3 BENCH_DOMAIN=0 BENCH_LOGON_CLIENTS=2 BENCH_LOGONS=3 BENCH_HOLD=50 \
	BENCH_ATTACK_ROUNDS=1 BENCH_ATTACK_REQUESTS=20 BENCH_ATTACK_LOGONS=3 BENCH_ATTACK_PER_ADDR=4 \
	BENCH_AUDIT_RECORDS=20000 BENCH_AUDIT_TOTAL=40000 BENCH_AUDIT_ROUNDS=1 bash "$(dirname "$0")/../../bench/run.sh" "$build"
