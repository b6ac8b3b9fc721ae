#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Failures that reach no context still leave a record (docs/httpd.md
# "Audit"): a malformed NEGOTIATE, a token that is not base64, not NTLMSSP,
# or of the wrong type, an abandoned handshake (a request without a token
# after the CHALLENGE), each an audit event through the library's sinks.
set -u
source "$(dirname "$0")/lib.bash"

b64() { $PY -c 'import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())' "$1"; }
code() { curl -sS --max-time 30 -o /dev/null -w '%{http_code}' "$@" "$BASE/"; }
last() { sleep "${AUDIT_SETTLE:-0.3}"; grep "^{\"event\":$1," "$AUDIT" | tail -n 1; } # audit written every 100 ms

start_server events --profile cis --quiet

# "NTLMSSP\0", type 1, then 6 bytes: shorter than a NEGOTIATE's fixed header.
eq "malformed NEGOTIATE: 400" 400 "$(code -H "Authorization: NTLM $(b64 4e544c4d5353500001000000078208a2)")"
e=$(last 9104)
contains "malformed NEGOTIATE: event" '"name":"malformed-request"' "$e"
contains "malformed NEGOTIATE: why" 'malformed NEGOTIATE (NTLM_E_' "$e"
contains "malformed NEGOTIATE: peer" '"peer":"127.0.0.1:' "$e"

eq "not base64: 400" 400 "$(code -H 'Authorization: NTLM %%%%')"
contains "not base64: event" 'the NTLM token is not base64' "$(last 9104)"
eq "not NTLMSSP: 400" 400 "$(code -H "Authorization: NTLM $(b64 00112233445566778899aabb)")"
contains "not NTLMSSP: event" 'not an NTLMSSP message' "$(last 9104)"
eq "wrong type: 400" 400 "$(code -H "Authorization: NTLM $(b64 4e544c4d5353500002000000)")"
contains "wrong type: event" 'NTLM message type 2' "$(last 9104)"
eq "no token: 400" 400 "$(code -H 'Authorization: NTLM')"
contains "no token: event" 'Authorization without a token' "$(last 9104)"

# A CHALLENGE, then the next request on the connection carries no token.
neg=$(b64 4e544c4d5353500001000000078208a2000000000000000000000000000000000a00614a0000000f)
out=$($PY "$HERE/ntlmclient.py" "$PORT" raw --auth "NTLM $neg" --auth "")
contains "abandoned: 401 then 401" '[401, 401]' "$out"
e=$(last 9103)
contains "abandoned: event" '"name":"handshake-abandoned"' "$e"
contains "abandoned: why" 'handshake was dropped' "$e"
finish
