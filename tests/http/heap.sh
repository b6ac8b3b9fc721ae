#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm httpd keeps the free top of its malloc arenas (M_TRIM_THRESHOLD, 4 MiB,
# http/main.c): with glibc's default (128 KiB) a worker's heap was given back
# to the system with madvise(2) and grown again every few dozen logons, and
# the page faults of each regrowth cost up to a third of a logon's CPU. Here
# 8 clients x 100 logons, each on a new connection (bench_keepalive --logons),
# against a server run under strace must make no madvise call at all (the
# default threshold made about 20). Not run without strace, or under ASan (its
# allocator is not glibc's), nor where strace may not trace.
set -u
source "$(dirname "$0")/lib.bash"
build=$(dirname "$NTLM")
[ -x "$build/bench_keepalive" ] || { echo "no $build/bench_keepalive"; exit 1; }
if ! command -v strace >/dev/null || ! strace -f -q -e trace=none true 2>/dev/null; then
	echo "not run: strace is not installed or may not trace here"
	exit 0
fi
if ldd "$build/ntlm-httpd" | grep -q 'libasan'; then
	echo "not run: an ASan build (its own allocator)"
	exit 0
fi
mkdir -p "$TMP/www"
printf 'heap page\n' >"$TMP/www/page.html"
strace -f -q -e trace=madvise -o "$TMP/madvise.txt" "$NTLM" httpd --listen 127.0.0.1:0 \
	--accounts "$TMP/accounts" --audit "$TMP/heap.audit" --profile windows-default \
	--root "$TMP/www" --max-per-ip 0 --quiet >"$TMP/heap.out" 2>"$TMP/heap.err" &
tracer=$!
EXTRA_PIDS+=("$tracer")
for ((i = 0; i < START_TIMEOUT * 20; i++)); do
	grep -q 'listening on' "$TMP/heap.out" && break
	sleep 0.05
done
PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/heap.out")
[ -n "$PORT" ] || { cat "$TMP/heap.err"; fail "the server did not start under strace"; finish; }
server=$(pgrep -P "$tracer" | head -n1)
EXTRA_PIDS=("$server" "${EXTRA_PIDS[@]}") # (strace detaches on SIGTERM)
out=$("$build/bench_keepalive" --url "http://127.0.0.1:$PORT/page.html" --user 'DEMO\demo' \
	--password "$DEMO_PW" --connections 8 --logons 100 --body $'heap page\n' \
	--audit "$TMP/heap.audit" 2>&1)
rc=$?
echo "$out"
eq "logons: exit status" 0 "$rc"
contains "logons: every logon answered 200" "logons ok              800 of 800" "$out"
sleep 0.2 # (strace writes each call as it returns)
eq "no madvise during 800 logons" 0 "$(grep -c 'madvise(' "$TMP/madvise.txt")"
# (at the stop, glibc gives the workers' stacks back with madvise: not counted)
kill -TERM "$server"
wait "$tracer"
CHECKS=$((CHECKS + 1))
# (strace pads the pid to a width: a 4-digit pid is followed by two spaces)
grep -qE "^$server +\+\+\+ exited with 0 \+\+\+" "$TMP/madvise.txt" ||
	fail "the server did not exit 0: $(tail -n 3 "$TMP/madvise.txt")"
finish
