#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Hostile Authorization headers get 400 or 401, never a crash, and the
# server goes on serving others: garbage base64, no token, a huge token, the
# wrong message type, truncated and random NTLMSSP messages (also in the
# middle of a handshake), foreign schemes, oversized headers, and a burst of
# random tokens. A connection that keeps failing is closed.
set -u
source "$(dirname "$0")/lib.bash"

start_server hostile --profile cis --max-header-size 8192

jget() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
raw() { $PY "$HERE/ntlmclient.py" "$PORT" raw "$@"; }
b64() { $PY -c 'import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())' "$1"; }

NEG=TlRMTVNTUAABAAAABoIIAAAAAAAAAAAAAAAAAAAAAAA= # curl's NEGOTIATE
SIG=4e544c4d53535000                           # "NTLMSSP\0"

eq "garbage base64" "[400]" "$(jget "$(raw --auth 'NTLM !!!not*base64@@')" statuses)"
eq "bad padding" "[400]" "$(jget "$(raw --auth 'NTLM TlRMTVNTUAABAAAA=')" statuses)"
eq "no token" "[400]" "$(jget "$(raw --auth 'NTLM')" statuses)"
eq "Negotiate, no token" "[400]" "$(jget "$(raw --auth 'Negotiate   ')" statuses)"
eq "Basic" "[401]" "$(jget "$(raw --auth 'Basic ZGVtbzpkZW1v')" statuses)"
eq "unknown scheme" "[401]" "$(jget "$(raw --auth 'Bearer xyz')" statuses)"
big=$($PY -c 'import base64; print(base64.b64encode(b"NTLMSSP\0\1\0\0\0" + b"A" * 4000).decode())')
eq "token over 2888 bytes" "[400]" "$(jget "$(raw --auth "NTLM $big")" statuses)"
eq "not NTLMSSP" "[400]" "$(jget "$(raw --auth "NTLM $(b64 00112233445566778899aabbccddeeff)")" statuses)"
eq "a CHALLENGE sent as Authorization" "[400]" \
	"$(jget "$(raw --auth "NTLM $(b64 ${SIG}02000000000000000000000000000000)")" statuses)"
eq "message type 7" "[400]" "$(jget "$(raw --auth "NTLM $(b64 ${SIG}07000000)")" statuses)"
eq "truncated NEGOTIATE" "[400]" "$(jget "$(raw --auth "NTLM $(b64 ${SIG}01000000)")" statuses)"
eq "only the signature" "[400]" "$(jget "$(raw --auth "NTLM $(b64 ${SIG})")" statuses)"
# A malformed AUTHENTICATE after a real NEGOTIATE on the same connection:
# 400 (the library audits it as 9004), and the connection may start over.
before=$(count_events 9004)
out=$(raw --auth "NTLM $NEG" --auth "NTLM $(b64 ${SIG}03000000ffffffffffffffff)" --auth "NTLM $NEG")
eq "NEGOTIATE, bad AUTHENTICATE, NEGOTIATE" "[401, 400, 401]" "$(jget "$out" statuses)"
eq "the bad AUTHENTICATE audited" $((before + 1)) "$(count_events 9004)"
# A truncated AUTHENTICATE on a fresh connection: 401 (no handshake here).
eq "AUTHENTICATE without a handshake" "[401]" \
	"$(jget "$(raw --auth "NTLM $(b64 ${SIG}03000000)")" statuses)"

# Headers over --max-header-size: refused by libmicrohttpd (431), or the
# connection is closed; the server lives on.
out=$($PY "$HERE/ntlmclient.py" "$PORT" bigheader 30000)
CHECKS=$((CHECKS + 1))
case "$out" in
*'"status": 431'* | *'"status": 413'* | *'"status": 400'* | *'"error"'*) ;;
*) fail "oversized header: $out" ;;
esac

out=$($PY "$HERE/ntlmclient.py" "$PORT" bigheader 5000)
eq "a 5000-byte header is fine" '{"status": 401}' "$out"

# A large body without authentication is not read: 401 and the connection
# closes (the client may see the reset instead of the 401).
head -c 300000 /dev/zero | tr '\0' a >"$TMP/big.body"
code=$(curl -sS --max-time 60 -o /dev/null -w '%{http_code}' --data-binary @"$TMP/big.body" \
	"$BASE/" 2>/dev/null)
CHECKS=$((CHECKS + 1))
case "$code" in 401 | 000) ;; *) fail "large unauthenticated body: $code" ;; esac
# The same, chunked (no length announced): dropped after 64 KiB.
code=$(curl -sS --max-time 60 -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
	--data-binary @"$TMP/big.body" "$BASE/" 2>/dev/null)
CHECKS=$((CHECKS + 1))
case "$code" in 401 | 000) ;; *) fail "large chunked unauthenticated body: $code" ;; esac
# A small one is read and dropped: the 401 keeps the connection.
code=$(curl -sS --max-time 60 -o /dev/null -w '%{http_code}' --data-binary 'x=1' "$BASE/")
eq "small unauthenticated body" 401 "$code"

# A connection that only fails is closed after 32 refusals.
args=()
for ((i = 0; i < 40; i++)); do args+=(--auth 'NTLM @@'); done
out=$(raw "${args[@]}")
contains "closed after repeated refusals" closed "$(jget "$out" statuses)"

# A burst of random and mutated tokens on a few connections.
CHECKS=$((CHECKS + 1))
$PY - "$PORT" "$NEG" <<'EOF' || fail "random token burst"
import base64, http.client, random, sys
port, neg = int(sys.argv[1]), base64.b64decode(sys.argv[2])
rnd = random.Random(1234)
bad = 0
c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
for i in range(400):
    kind = rnd.randrange(4)
    if kind == 0:
        tok = bytes(rnd.randrange(256) for _ in range(rnd.randrange(64)))
    elif kind == 1:
        tok = b"NTLMSSP\0" + bytes([rnd.choice([1, 2, 3])]) + b"\0\0\0" + \
            bytes(rnd.randrange(256) for _ in range(rnd.randrange(200)))
    elif kind == 2:
        t = bytearray(neg)
        t[rnd.randrange(len(t))] ^= 1 << rnd.randrange(8)
        tok = bytes(t)
    else:
        tok = b"NTLMSSP\0\3\0\0\0" + bytes(rnd.randrange(256) for _ in range(rnd.randrange(600)))
    scheme = rnd.choice(["NTLM", "Negotiate", "ntlm"])
    try:
        c.request("GET", "/", headers={"Authorization": scheme + " " + base64.b64encode(tok).decode()})
        r = c.getresponse()
        r.read()
        if r.status not in (400, 401, 403):
            print("unexpected status", r.status, tok.hex(), file=sys.stderr)
            bad += 1
        if r.getheader("Connection", "").lower() == "close":
            c.close()
    except (http.client.HTTPException, OSError):
        c.close()
sys.exit(1 if bad else 0)
EOF

server_alive "after the hostile headers"
code=$(curl_ntlm 'DEMO\demo:'"$DEMO_PW" -o /dev/null -w '%{http_code}' "$BASE/")
eq "a good client still gets in" 200 "$code"

finish
