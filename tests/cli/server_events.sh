#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm server: failures that reach no decision still leave an audit record
# (docs/audit-events.md 9100-9105): a malformed NEGOTIATE, a frame over the
# limit, a handshake abandoned after the CHALLENGE, a handshake past its
# deadline; each names the peer and why.
set -u
source "$(dirname "$0")/lib.bash"
PY=/usr/bin/python3

SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill -KILL "$SERVER_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
# send HEX...: one connection; each argument is sent as one frame (raw:HEX:
# those bytes as they are), then an
# answer frame is read (the CHALLENGE or FAIL); then the connection closes.
send() {
	$PY - "$PORT" "$@" <<'PYEOF'
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
for h in sys.argv[2:]:
    if h.startswith("raw:"):
        s.sendall(bytes.fromhex(h[4:]))
    else:
        b = bytes.fromhex(h)
        s.sendall(struct.pack(">I", len(b)) + b)
    hdr = s.recv(4)
    if len(hdr) == 4:
        n = struct.unpack(">I", hdr)[0]
        got = b""
        while len(got) < n:
            c = s.recv(n - len(got))
            if not c:
                break
            got += c
        print(got[:40])
s.close()
PYEOF
}

printf 'CORP:alice:%s\n' "$(printf 'pw' | "$NTLM" hash)" >"$TMP/accounts"
"$NTLM" server --listen 127.0.0.1:0 --accounts "$TMP/accounts" --audit "$TMP/audit" \
	--handshake-timeout 1 >"$TMP/server.out" 2>"$TMP/server.err" &
SERVER_PID=$!
wait_for "$TMP/server.out" '^listening on 127\.0\.0\.1:[0-9]+$' 60 || {
	echo "the server did not start: $(cat "$TMP/server.err")"
	exit 1
}
PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/server.out")
ev() { grep "^{\"event\":$1," "$TMP/audit" | tail -n 1; }
has() { # NAME EVENT REGEX
	CHECKS=$((CHECKS + 1))
	wait_for "$TMP/audit" "^\\{\"event\":$2," 5 || { fail "$1: no event $2"; return; }
	ev "$2" | grep -Eq -- "$3" || fail "$1: event $2 does not match /$3/: $(ev "$2")"
}

# A NEGOTIATE of 14 bytes: shorter than its fixed header.
send 4e544c4d5353500001000000078208a2 >/dev/null
has "malformed NEGOTIATE" 9104 'NEGOTIATE refused as malformed: NTLM_E_TRUNCATED'
has "malformed NEGOTIATE: peer" 9104 '"peer":"127\.0\.0\.1:[0-9]+"'

# A length over the limit.
send raw:7fffffff >/dev/null
has "frame over the limit" 9104 'NEGOTIATE: frame of 2147483647 bytes'

# A NEGOTIATE, its CHALLENGE, and the client goes away.
send 4e544c4d5353500001000000078208a2000000000000000000000000000000000a00614a0000000f >/dev/null
has "abandoned handshake" 9103 'after the CHALLENGE, without an AUTHENTICATE'

# Silence past the handshake deadline (1 s).
$PY -c 'import socket,sys,time; s=socket.create_connection(("127.0.0.1",int(sys.argv[1]))); s.send(b"\0"); time.sleep(3)' "$PORT"
has "handshake timeout" 9102 'within the handshake deadline \(1 s; --handshake-timeout\)'

kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
eq "exit after SIGTERM" 0 "$?"
SERVER_PID=
finish
