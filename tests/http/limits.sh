#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Limits: an idle unauthenticated connection is closed after
# --handshake-timeout; an authenticated one lives on (--idle-timeout);
# --max-per-ip and --max-connections refuse connections beyond them, and the
# server serves again once they are gone; SIGTERM stops it cleanly.
set -u
source "$(dirname "$0")/lib.bash"

jget() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

start_server limits --profile cis --handshake-timeout 2 --idle-timeout 60 --max-per-ip 3 \
	--max-connections 8

# A connection that says nothing is dropped after about 2 s.
out=$($PY "$HERE/ntlmclient.py" "$PORT" idle)
CHECKS=$((CHECKS + 1))
$PY -c 'import json,sys; t=json.loads(sys.argv[1])["closed_after"]; sys.exit(0 if 1.0 <= t <= 40 else 1)' \
	"$out" || fail "idle connection: $out"
eq "nothing sent to an idle connection" "" "$(jget "$out" data)"

# Authenticated, the connection outlives the handshake timeout.
out=$($PY "$HERE/ntlmclient.py" "$PORT" handshake --then 1 --pause 3)
eq "authenticated" 200 "$(jget "$out" auth_status)"
eq "served after 3 s idle" "[200]" "$(jget "$out" then)"

# Per-address limit: 3 connections held, the 4th is refused.
out=$($PY "$HERE/ntlmclient.py" "$PORT" hold 3)
eq "3 connections held, each answered" "[401, 401, 401]" "$(jget "$out" held)"
contains "4th connection refused" '"error"' "$out"
# A client that reconnects the moment it is refused: each refusal is held
# until the guard's next tick (100 ms) before it is closed, never answered,
# so the retries come at most about 10 a second (at once, a refusal took a
# millisecond and such a loop hundreds a second); each is still refused.
out=$($PY "$HERE/ntlmclient.py" "$PORT" retry 3 --secs 1)
echo "retry at once after a refusal: $out"
eq "refused connections get nothing" 0 "$(jget "$out" answered)"
CHECKS=$((CHECKS + 1))
$PY -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if 2 <= d["opened"] <= 40 and d["longest"] < 1.5 else 1)' \
	"$out" || fail "refusals not held until the next tick, or held too long: $out"
# Once they are closed, clients are served again (the server notices the
# closed sockets on its own schedule: poll).
code=000
for ((i = 0; i < 200; i++)); do
	code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/" 2>/dev/null)
	[ "$code" = 200 ] && break
	sleep 0.1
done
eq "served again after the limit" 200 "$code"
server_alive "after the limits"

# Fair shares at --max-connections: 3 + 3 + 2 idle connections from three
# addresses fill 8 slots. A newcomer from the address that holds 2 is
# refused: the addresses holding 3 would be left with no more than it, so
# none gives way (else two addresses at par would evict each other in turn,
# each eviction bringing a reconnection). A newcomer from a fourth address
# evicts one connection of an address holding 3.
stop_server
start_server fair --profile cis --handshake-timeout 30 --max-per-ip 4 --max-connections 8 \
	--quiet
out=$($PY "$HERE/ntlmclient.py" "$PORT" fair --hold 127.0.0.2:3,127.0.0.3:3,127.0.0.4:2 \
	--new 127.0.0.4 --new 127.0.0.5)
echo "fair shares: $out"
eq "newcomer from an address at par refused" True "$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["new"][0]["refused"])' "$out")"
eq "no eviction for it" "[]" "$($PY -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])["new"][0]["evicted"]))' "$out")"
eq "newcomer from a fourth address let in" False "$($PY -c 'import json,sys; print(json.loads(sys.argv[1])["new"][1]["refused"])' "$out")"
ev=$($PY -c 'import json,sys; print(",".join(json.loads(sys.argv[1])["new"][1]["evicted"]))' "$out")
# The evicted connection is reset (one RST), not shut down (FIN, then RST).
eq "the eviction is a reset" reset "$($PY -c 'import json,sys; print(",".join(json.loads(sys.argv[1])["new"][1]["how"]))' "$out")"
CHECKS=$((CHECKS + 1))
[[ "$ev" == 127.0.0.2 || "$ev" == 127.0.0.3 ]] || fail "the fourth address evicted '$ev', want one of 127.0.0.2/3"
server_alive "after the fair shares"
finish
