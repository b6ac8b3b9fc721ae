#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm httpd with curl --ntlm, under the cis profile: 200 and the built-in
# page (user, NTLMv2, flags), wrong password and unknown user 401 with the
# audit saying why, the 401 invitation (Negotiate and NTLM), and keep-alive:
# N requests on one connection make exactly one handshake (one 9005).
set -u
source "$(dirname "$0")/lib.bash"

start_server curl --profile cis --netbios-name WEBSRV --netbios-domain WEBSRV

# The invitation: both schemes, as IIS sends them.
hdrs=$(curl -sS --max-time 60 -D - -o "$TMP/body" "$BASE/")
contains "401 status" "HTTP/1.1 401" "$hdrs"
contains "Negotiate offered" "WWW-Authenticate: Negotiate" "$hdrs"
contains "NTLM offered" "WWW-Authenticate: NTLM" "$hdrs"

# The right password: 200 and the built-in page.
out=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -w '\n%{http_code}' "$BASE/?format=json")
eq "curl DEMO\\demo status" 200 "$(tail -n1 <<<"$out")"
json=$(head -n -1 <<<"$out")
field() { $PY -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print(v if not isinstance(v,list) else " ".join(v))' "$json" "$1"; }
eq "page user" demo "$(field user)"
eq "page domain" DEMO "$(field domain)"
eq "page response type" NTLMv2 "$(field response_type)"
contains "page flags" NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY "$(field flag_names)"
contains "page flags" NTLMSSP_NEGOTIATE_NTLM "$(field flag_names)"
eq "page key strength (curl signs nothing)" 0 "$(field key_strength)"
eq "9005 after one login" 1 "$(count_events 9005)"

# The HTML page shows the same.
html=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" "$BASE/")
contains "html user" 'DEMO\demo' "$html"
contains "html response type" NTLMv2 "$html"
contains "html flag" NTLMSSP_NEGOTIATE_TARGET_INFO "$html"
contains "html key strength" "Key strength" "$html"

# Wrong password: 401, event 9004 that names the failure.
before=$(count_events 9004)
code=$(curl_ntlm 'DEMO\demo:wrong' -o /dev/null -w '%{http_code}' "$BASE/")
eq "wrong password" 401 "$code"
eq "9004 for the wrong password" $((before + 1)) "$(count_events 9004)"
contains "9004 reason" "does not match the password" "$(grep '"event":9004' "$AUDIT" | tail -n1)"

# Unknown user: 401, 9004.
code=$(curl_ntlm 'DEMO\mallory:whatever' -o /dev/null -w '%{http_code}' "$BASE/")
eq "unknown user" 401 "$code"
eq "9004 for the unknown user" $((before + 2)) "$(count_events 9004)"

# Keep-alive: 5 URLs in one curl run share one connection and one handshake.
before=$(count_events 9005)
out=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
	-w '%{http_code} %{num_connects}\n' \
	"$BASE/a" "$BASE/b" "$BASE/c" "$BASE/d" "$BASE/e?format=json")
eq "keep-alive statuses" "200 200 200 200 200" "$(awk '{print $1}' <<<"$out" | xargs)"
eq "keep-alive connections" "1 0 0 0 0" "$(awk '{print $2}' <<<"$out" | xargs)"
eq "one handshake for 5 requests" $((before + 1)) "$(count_events 9005)"
contains "the fifth request counted on the connection" '"connection_requests":5' \
	"$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" "$BASE/1" "$BASE/2" "$BASE/3" "$BASE/4" "$BASE/5?format=json" | tail -n1)"

# Every audit line is one JSON object, and each carries the peer address.
CHECKS=$((CHECKS + 1))
$PY - "$AUDIT" <<'EOF' || fail "audit file is not JSON Lines with peers"
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    assert e["peer"].startswith("127.0.0.1:"), e
    assert e["target"] == "WEBSRV", e
EOF

# HEAD works; other methods on the built-in page: 405.
code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -I -o /dev/null -w '%{http_code}' "$BASE/")
eq "HEAD" 200 "$code"
code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -X DELETE -o /dev/null -w '%{http_code}' "$BASE/")
eq "DELETE on the built-in page" 405 "$code"
server_alive "after the curl runs"

finish
