#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make bench`, in two parts (docs/performance.md):
#  1. bench_ntlm: ntlmssp against gss-ntlmssp and the raw nettle limit, in
#     one run, one process per measurement, printed as one table
#     (BENCH_REPS repetitions of BENCH_MS ms each; BENCH_NTLM=0 skips it);
#  2. starts `ntlm httpd` (cis profile, built-in page, audit log in a
#     temporary directory) on a free port, runs bench_httpd against it, and
#     stops it. BENCH_CONNECTIONS (N) and BENCH_REQUESTS (M) set the load.
# Exit status: 1 when bench_ntlm fails, or bench_httpd's (1 when a request
# or an audit event is missing).
set -euo pipefail
build=${1:-build}
N=${BENCH_CONNECTIONS:-64}
M=${BENCH_REQUESTS:-200}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "== machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
if [ "${BENCH_NTLM:-1}" != 0 ]; then
	if [ -x "$build/bench_ntlm" ]; then
		"$build/bench_ntlm"
	else
		echo "bench: $build/bench_ntlm was not built (needs gss-ntlmssp-dev, libkrb5-dev)" >&2
		exit 1
	fi
fi

pw='Bench-Passw0rd!'
printf 'BENCH:user:%s\n' "$(printf '%s' "$pw" | "$build/ntlm" hash)" >"$tmp/accounts"
"$build/ntlm" httpd --listen 127.0.0.1:0 --accounts "$tmp/accounts" --profile cis \
	--audit "$tmp/audit.jsonl" --max-connections $((N + 16)) --max-per-ip 0 --quiet \
	>"$tmp/out" 2>"$tmp/err" &
pid=$!
port=
for ((i = 0; i < 600; i++)); do
	port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/out")
	[ -n "$port" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
[ -n "$port" ] || { echo "bench: the server did not start" >&2; cat "$tmp/err" >&2; exit 1; }

echo "== bench_httpd --connections $N --requests $M (ntlm httpd, cis profile, built-in page)"
rc=0
"$build/bench_httpd" --url "http://127.0.0.1:$port/" --user 'BENCH\user' --password "$pw" \
	--connections "$N" --requests "$M" --audit "$tmp/audit.jsonl" || rc=$?
kill -TERM "$pid"
wait "$pid" || { echo "bench: the server did not stop cleanly" >&2; rc=1; }
pid=
exit $rc
