#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm httpd --proxy: authenticated requests reach the backend with
# X-Remote-User: DOMAIN\user; every X-Remote-User the client sent (any case,
# '_' for '-') and its Authorization are removed; method, target, body and
# the backend's status and headers pass; unauthenticated requests never
# reach the backend; a dead backend gives 502.
set -u
source "$(dirname "$0")/lib.bash"

$PY "$HERE/backend.py" "$TMP/backend.port" >"$TMP/backend.log" 2>&1 &
EXTRA_PIDS+=($!)
for ((i = 0; i < START_TIMEOUT * 20; i++)); do
	[ -s "$TMP/backend.port" ] && break
	sleep 0.05
done
BPORT=$(cat "$TMP/backend.port" 2>/dev/null)
[ -n "$BPORT" ] || { echo "FAIL: backend did not start" >&2; cat "$TMP/backend.log" >&2; exit 1; }

start_server proxy --profile cis --proxy "http://127.0.0.1:$BPORT/" --max-body-size 100000

# Unauthenticated: 401 here, nothing at the backend.
code=$(curl -sS --max-time 60 -o /dev/null -w '%{http_code}' -H 'X-Remote-User: DEMO\admin' \
	"$BASE/secret")
eq "unauthenticated" 401 "$code"
code=$(curl_ntlm 'DEMO\demo:wrong' -o /dev/null -w '%{http_code}' "$BASE/secret")
eq "wrong password" 401 "$code"
eq "backend saw nothing" 0 "$(grep -c '^request' "$TMP/backend.log")"

hdr() { # hdr JSON NAME: the values of header NAME (case-insensitive), one per line
	$PY -c '
import json, sys
for k, v in json.loads(sys.argv[1])["headers"]:
    if k.lower() == sys.argv[2].lower():
        print(v)' "$1" "$2"
}
jget() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# Authenticated, with forged X-Remote-User headers in several spellings.
out=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -H 'X-Remote-User: DEMO\admin' \
	-H 'x-remote-user: root' -H 'X_REMOTE_USER: root' -H 'X-Forwarded-For: 10.9.9.9' \
	-H 'X-Custom: kept' "$BASE/some/path?q=1&r=%20x")
eq "X-Remote-User is the authenticated user" 'DEMO\demo' "$(hdr "$out" X-Remote-User)"
eq "X_REMOTE_USER removed" "" "$(hdr "$out" X_Remote_User)"
eq "no Authorization forwarded" "" "$(hdr "$out" Authorization)"
eq "X-Forwarded-For is the client's address" 127.0.0.1 "$(hdr "$out" X-Forwarded-For)"
eq "other headers kept" kept "$(hdr "$out" X-Custom)"
eq "target passed as sent" '/some/path?q=1&r=%20x' "$(jget "$out" path)"
eq "method" GET "$(jget "$out" method)"

# POST with a body; the backend's status and headers come back.
out=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -D "$TMP/h" --data-binary 'hello=world' \
	"$BASE/status/201")
eq "POST body forwarded" 'hello=world' "$(jget "$out" body)"
eq "POST method" POST "$(jget "$out" method)"
contains "backend status" "HTTP/1.1 201" "$(cat "$TMP/h")"
contains "backend header" "X-Backend: echo" "$(cat "$TMP/h")"

# Keep-alive through the proxy: one handshake, three requests forwarded.
before=$(count_events 9005)
n0=$(grep -c '^request' "$TMP/backend.log")
codes=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -o /dev/null -o /dev/null \
	-w '%{http_code}\n' "$BASE/1" "$BASE/2" "$BASE/3" | xargs)
eq "three proxied requests" "200 200 200" "$codes"
eq "one handshake" $((before + 1)) "$(count_events 9005)"
eq "backend saw three" $((n0 + 3)) "$(grep -c '^request' "$TMP/backend.log")"

# Another user's name reaches the backend as sent.
out=$(curl_ntlm 'CORP\alice:'"$ALICE_PW" "$BASE/who")
eq "alice" 'CORP\alice' "$(hdr "$out" X-Remote-User)"

# Bodies up to --max-body-size are forwarded; larger ones get 413.
head -c 60000 /dev/zero | tr '\0' b >"$TMP/ok.body"
head -c 150000 /dev/zero | tr '\0' c >"$TMP/big.body"
out=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" --data-binary @"$TMP/ok.body" "$BASE/upload")
eq "60000-byte body forwarded" 60000 "$($PY -c 'import json,sys; print(len(json.loads(sys.argv[1])["body"]))' "$out")"
code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" --data-binary @"$TMP/big.body" -o /dev/null \
	-w '%{http_code}' "$BASE/upload" 2>/dev/null)
CHECKS=$((CHECKS + 1))
case "$code" in 413 | 000) ;; *) fail "body over --max-body-size: $code" ;; esac

# The backend goes away: 502, and the server stays up.
kill -TERM "${EXTRA_PIDS[0]}"
wait "${EXTRA_PIDS[0]}" 2>/dev/null
EXTRA_PIDS=()
code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/")
eq "backend down" 502 "$code"
server_alive "after the backend went away"

finish
