#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# GET /healthz (docs/httpd.md "Health"): answered without authentication,
# with exact counters after good and bad logons of every kind (handshakes
# started / succeeded / failed; authentication failures as one count; policy
# denials and malformed tokens by status; the front end's own refusals;
# audit records lost), and nothing in it or its headers that names an
# account, a domain, a path, an address or a version. It is never a file
# (--root) nor forwarded (--proxy), and leaves a handshake in progress alone.
set -u
source "$(dirname "$0")/lib.bash"

b64() { $PY -c 'import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())' "$1"; }
code() { curl -sS --max-time 30 -o /dev/null -w '%{http_code}' "$@"; }
jget() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
health() { curl -sS --max-time 30 "$BASE/healthz"; }

zero='{"status":"ok","handshakes":{"started":0,"succeeded":0,"failed":0},"failures":{"auth_failed":0,"policy_denied":{},"malformed":{},"other":{},"frontend":{"no_handshake":0,"handshake_timeout":0,"too_many_handshakes":0,"malformed_request":0,"abandoned":0}},"audit_records_lost":0}'

start_server health --profile cis --quiet --netbios-name HEALTHBOX --dns-domain corp.example

# No credentials at all: 200, JSON, not cached, every counter 0.
hdrs=$(curl -sS --max-time 30 -D - -o "$TMP/h0" "$BASE/healthz")
contains "no auth: 200" "HTTP/1.1 200" "$hdrs"
contains "JSON" "Content-Type: application/json" "$hdrs"
contains "not cached" "Cache-Control: no-store" "$hdrs"
eq "fresh counters" "$zero" "$(cat "$TMP/h0")"
eq "HEAD: 200" 200 "$(code -I "$BASE/healthz")"
eq "POST: 405" 405 "$(code -X POST -d x "$BASE/healthz")"
eq "the rest still needs NTLM" 401 "$(code "$BASE/")"

# Two good logons (two handshakes, two accounts).
eq "demo: 200" 200 "$(curl_ntlm "DEMO\\demo:$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/")"
eq "alice: 200" 200 "$(curl_ntlm "CORP\\alice:$ALICE_PW" -o /dev/null -w '%{http_code}' "$BASE/")"
# Authentication failures: a wrong password, an unknown user (one count).
eq "wrong password: 401" 401 "$(curl_ntlm 'DEMO\demo:wrong' -o /dev/null -w '%{http_code}' "$BASE/")"
eq "unknown user: 401" 401 "$(curl_ntlm 'DEMO\nobody:wrong' -o /dev/null -w '%{http_code}' "$BASE/")"
# A policy denial: NTLMv1 under cis (LmCompatibilityLevel 5).
out=$($PY "$HERE/ntlmclient.py" "$PORT" handshake --compat 1)
eq "NTLMv1: 403" 403 "$(jget "$out" auth_status)"
# A malformed NEGOTIATE (shorter than its fixed header): the library's status.
eq "malformed NEGOTIATE: 400" 400 \
	"$(code -H "Authorization: NTLM $(b64 4e544c4d5353500001000000078208a2)" "$BASE/")"
# The front end's refusals: not base64, an abandoned handshake, an
# AUTHENTICATE on a connection that holds no handshake.
eq "not base64: 400" 400 "$(code -H 'Authorization: NTLM %%%%' "$BASE/")"
neg=$(b64 4e544c4d5353500001000000078208a2000000000000000000000000000000000a00614a0000000f)
out=$($PY "$HERE/ntlmclient.py" "$PORT" raw --auth "NTLM $neg" --auth "")
contains "abandoned: 401 then 401" '[401, 401]' "$out"
out=$($PY "$HERE/ntlmclient.py" "$PORT" handshake --split)
eq "split: 401" 401 "$(jget "$out" auth_status)"

# started: 2 good + 2 bad + NTLMv1 + malformed NEGOTIATE + abandoned + split's
# NEGOTIATE = 8; failed: 2 auth + 1 policy + 1 malformed = 4.
h=$(health)
want=$(
	$PY - "$h" <<'EOF'
import json, sys
h = json.loads(sys.argv[1])
print(json.dumps({k: h[k] for k in ("handshakes",)}, sort_keys=True))
print(h["failures"]["auth_failed"], sorted(h["failures"]["policy_denied"].items()),
      sorted(h["failures"]["malformed"].items()), h["failures"]["other"])
print(json.dumps(h["failures"]["frontend"], sort_keys=True), h["audit_records_lost"])
EOF
)
eq "handshakes" '{"handshakes": {"failed": 4, "started": 8, "succeeded": 2}}' "$(sed -n 1p <<<"$want")"
eq "failures by kind and status" \
	"2 [('NTLM_E_POLICY_RESPONSE_REFUSED', 1)] [('NTLM_E_TRUNCATED', 1)] {}" \
	"$(sed -n 2p <<<"$want")"
eq "front-end refusals and audit losses" \
	'{"abandoned": 1, "handshake_timeout": 0, "malformed_request": 1, "no_handshake": 1, "too_many_handshakes": 0} 0' \
	"$(sed -n 3p <<<"$want")"
# The audit file agrees: two successes, two failed logons.
eq "audit: 9005 successes" 2 "$(count_events 9005)"

# Nothing sensitive: no account, domain, host name, path, address or version.
all=$(curl -sS --max-time 30 -D - "$BASE/healthz")
version=$("$NTLM" --version | sed 's/.* //')
for secret in demo alice nobody DEMO CORP HEALTHBOX corp.example "$TMP" 127.0.0.1 "$PORT" \
	"$version" ntlmssp libmicrohttpd Server: "$(hostname)"; do
	lacks "healthz does not show '$secret'" "$secret" "$all"
done

# /healthz leaves a handshake in progress alone: NEGOTIATE, /healthz, then
# the AUTHENTICATE on the same connection still succeeds.
before=$(count_events 9005)
out=$($PY "$HERE/ntlmclient.py" "$PORT" handshake --user 'DEMO\demo' --password "$DEMO_PW" \
	--between /healthz)
eq "handshake across /healthz: 200" 200 "$(jget "$out" auth_status)"
eq "handshake across /healthz: the health answer" 200 "$(jget "$out" between_status)"
eq "handshake across /healthz: one more success" $((before + 1)) "$(count_events 9005)"
stop_server

# Audit records lost: the audit file sits at the file size limit
# (RLIMIT_FSIZE), so every record is lost (and counted); the count spans a
# SIGHUP reload, which opens a new audit object.
REAL_NTLM=$NTLM
printf '#!/bin/bash\nexec > >(exec cat) 2> >(exec cat >&2)\nulimit -f 2\nexec "%s" "$@"\n' \
	"$REAL_NTLM" >"$TMP/ntlm-fsize"
chmod +x "$TMP/ntlm-fsize"
NTLM=$TMP/ntlm-fsize
$PY -c 'import sys; sys.stdout.write("{\"pad\":\"" + "x" * 2037 + "\"}\n")' >"$TMP/health-fsize.audit"
start_server health-fsize --profile cis --quiet
NTLM=$REAL_NTLM
lost() { sleep "${AUDIT_SETTLE:-0.3}"; $PY -c 'import json,sys; print(json.loads(sys.argv[1])["audit_records_lost"])' "$(health)"; }
eq "nothing lost yet" 0 "$(lost)"
ok() { curl_ntlm "DEMO\\demo:$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/"; }
eq "logon 1 at the size limit" 200 "$(ok)"
eq "logon 2 at the size limit" 200 "$(ok)"
# each logon: 8002 (incoming NTLM audited, cis) and 9005 (success)
eq "two logons: four records lost" 4 "$(lost)"
kill -HUP "$SERVER_PID"
for ((i = 0; i < 100; i++)); do
	grep -q 'SIGHUP: policy, accounts and audit file reloaded' "$TMP/health-fsize.err" && break
	sleep 0.05
done
eq "logon 3, after the reload" 200 "$(ok)"
eq "the count spans the reload" 6 "$(lost)"
stop_server

# --root: a file named healthz is not what /healthz serves.
mkdir -p "$TMP/www"
echo 'a file' >"$TMP/www/healthz"
start_server health-root --root "$TMP/www" --quiet
eq "--root: /healthz is the counters" "$zero" "$(health)"
finish
