#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# AuditLog (issue 12 item 4): under cis, with no --audit, the client's and
# the server's events are not dropped: they go to syslog (facility
# authpriv), or to the journal, or to a file, as [ntlmssp] AuditLog says.
# Receivers are datagram sockets this test binds in its own directory
# (AuditLog = syslog:SOCKET / journal:SOCKET); no syslog daemon or journald
# is needed. As root, with mount namespaces, the default itself (AuditLog
# unset: /dev/log) is checked with a /dev of the test's own.
set -u
source "$(dirname "$0")/lib.bash"
KIDS=()
cleanup() {
	for pid in "${KIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

# receiver SOCKET OUT: binds a datagram socket, appends each datagram to OUT
# as one line (newlines shown as \n), until killed.
receiver() {
	python3 - "$1" "$2" <<'EOF' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[2], "ab", buffering=0) as out:
    while True:
        d = s.recv(65536)
        out.write(d.replace(b"\n", b"\\n") + b"\n")
EOF
	KIDS+=($!)
	local i
	for ((i = 0; i < 300; i++)); do
		[ -e "$1.ready" ] && return 0
		sleep 0.1
	done
	fail "receiver $1 did not start"
}

# pair NAME [server args] -- [client args]: ntlm client and ntlm server over
# stdio; CRC and SRC are their exit codes.
pair() {
	local name=$1 sargs=() cargs=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		sargs+=("$1")
		shift
	done
	shift
	cargs=("$@")
	rm -f "$TMP/c2s" "$TMP/s2c"
	mkfifo "$TMP/c2s" "$TMP/s2c"
	timeout 120 "$NTLM" server --stdio "${sargs[@]}" <"$TMP/c2s" >"$TMP/s2c" \
		2>"$TMP/$name.server.err" &
	local spid=$!
	timeout 120 "$NTLM" client --stdio "${cargs[@]}" >"$TMP/c2s" <"$TMP/s2c" \
		2>"$TMP/$name.client.err"
	CRC=$?
	wait "$spid"
	SRC=$?
}

# has NAME FILE REGEX
has() {
	CHECKS=$((CHECKS + 1))
	grep -Eq -- "$3" "$2" || fail "$1: no /$3/ in: $(head -c 3000 "$2")"
}

PW='S3cret!pw'
printf 'CORP:alice:%s\n' "$(printf '%s' "$PW" | "$NTLM" hash)" >"$TMP/accounts"
printf '%s\n' "$PW" >"$TMP/pw"
chmod 600 "$TMP/pw"
ALICE=(--user 'CORP\alice' --password-file "$TMP/pw" --data 1)

# ---- syslog --------------------------------------------------------------------
# cis (RestrictSendingNTLMTraffic = 1, AuditReceivingNTLMTraffic = 2): the
# client audits 8001, the server 8002 and its success 9005.
receiver "$TMP/log" "$TMP/syslog.txt"
printf '[ntlmssp]\nAuditLog = syslog:%s\n' "$TMP/log" >"$TMP/syslog.conf"
pair syslog --config "$TMP/syslog.conf" --accounts "$TMP/accounts" -- \
	--config "$TMP/syslog.conf" "${ALICE[@]}"
eq "syslog: client exit" 0 "$CRC"
eq "syslog: server exit" 0 "$SRC"
sleep 0.2
# <84> = authpriv (10 << 3) | warning (4); <85> notice; <86> info.
has "client 8001 to syslog" "$TMP/syslog.txt" \
	'^<8[456]>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]{8} ntlm-client\[[0-9]+\]: \{"event":8001,'
has "server 8002 to syslog" "$TMP/syslog.txt" '^<85>.* ntlm-server\[[0-9]+\]: \{"event":8002,'
has "server 9005 to syslog" "$TMP/syslog.txt" '^<86>.* ntlm-server\[[0-9]+\]: \{"event":9005,'
CHECKS=$((CHECKS + 1))
grep -q 'records\{0,1\} lost' "$TMP/syslog.server.err" &&
	fail "syslog: a loss was reported: $(cat "$TMP/syslog.server.err")"

# --audit FILE replaces AuditLog: nothing more to syslog, all to the file.
n=$(wc -l <"$TMP/syslog.txt")
pair file --config "$TMP/syslog.conf" --accounts "$TMP/accounts" --audit "$TMP/server.jsonl" \
	-- --config "$TMP/syslog.conf" --audit "$TMP/client.jsonl" "${ALICE[@]}"
eq "--audit: exit" 00 "$CRC$SRC"
sleep 0.2
eq "--audit: nothing to syslog" "$n" "$(wc -l <"$TMP/syslog.txt")"
has "--audit: client file" "$TMP/client.jsonl" '^\{"event":8001,'
has "--audit: server file" "$TMP/server.jsonl" '^\{"event":9005,'

# ---- the journal, and a file, both from AuditLog -----------------------------
receiver "$TMP/journal" "$TMP/journal.txt"
printf '[ntlmssp]\nAuditLog = journal:%s, file:%s\n' "$TMP/journal" "$TMP/both.jsonl" \
	>"$TMP/journal.conf"
pair journal --config "$TMP/journal.conf" --accounts "$TMP/accounts" -- \
	--config "$TMP/journal.conf" "${ALICE[@]}"
eq "journal: exit" 00 "$CRC$SRC"
sleep 0.2
has "journal: fields" "$TMP/journal.txt" \
	'^MESSAGE=\{"event":9005,.*\\nPRIORITY=6\\nSYSLOG_FACILITY=10\\nSYSLOG_IDENTIFIER=ntlm-server\\nSYSLOG_PID=[0-9]+\\nNTLM_EVENT_ID=9005\\nNTLM_EVENT=[a-z-]+\\nNTLM_OUTCOME=success\\n$'
has "journal: the client's 8001" "$TMP/journal.txt" 'SYSLOG_IDENTIFIER=ntlm-client\\n.*NTLM_EVENT_ID=8001'
has "journal + file: the file too" "$TMP/both.jsonl" '^\{"event":9005,'

# ---- a destination that is gone: lost records, reported; AuditFailure ---------
printf '[ntlmssp]\nAuditLog = syslog:%s/nobody-listens\n' "$TMP" >"$TMP/gone.conf"
pair gone --config "$TMP/gone.conf" --accounts "$TMP/accounts" -- "${ALICE[@]}" \
	--config "$TMP/gone.conf"
eq "gone: exit (AuditFailure = Continue)" 00 "$CRC$SRC"
has "gone: the loss is reported" "$TMP/gone.server.err" \
	'ntlm server: audit: [0-9]+ records? lost so far; the last: audit syslog .*/nobody-listens: No such file or directory; the record is lost'
printf '[ntlmssp]\nAuditLog = syslog:%s/nobody-listens\nAuditFailure = Deny\n' "$TMP" \
	>"$TMP/gone-deny.conf"
pair gonedeny --config "$TMP/gone-deny.conf" --accounts "$TMP/accounts" -- "${ALICE[@]}"
eq "gone + Deny: the server refuses" 1 "$SRC"
has "gone + Deny: why" "$TMP/gonedeny.server.err" 'NTLM_E_POLICY_AUDIT_FAILED'

# ---- AuditLog = none: nothing, and nothing reported lost ------------------------
printf '[ntlmssp]\nAuditLog = none\n' >"$TMP/none.conf"
pair none --config "$TMP/none.conf" --accounts "$TMP/accounts" -- "${ALICE[@]}"
eq "none: exit" 00 "$CRC$SRC"
CHECKS=$((CHECKS + 1))
grep -q 'lost' "$TMP/none.server.err" && fail "none: $(cat "$TMP/none.server.err")"

# ---- the default itself: /dev/log ----------------------------------------------
# In a mount namespace of its own, /dev is a tmpfs holding null, zero,
# urandom and full (bound from the real /dev) and log, a symbolic link to
# this test's receiver; nothing is changed outside the namespace.
receiver "$TMP/devlog" "$TMP/default.txt"
if [ "$(id -u)" -eq 0 ] && unshare -m --propagation private true 2>/dev/null; then
	cat >"$TMP/ns.sh" <<EOF
set -e
mkdir -p "$TMP/realdev"
mount --bind /dev "$TMP/realdev"
mount -t tmpfs tmpfs /dev
for d in null zero urandom random full; do
	touch /dev/\$d
	mount --bind "$TMP/realdev/\$d" /dev/\$d
done
ln -s "$TMP/devlog" /dev/log
rm -f "$TMP/c2s" "$TMP/s2c"
mkfifo "$TMP/c2s" "$TMP/s2c"
"$NTLM" server --stdio --profile cis --accounts "$TMP/accounts" <"$TMP/c2s" >"$TMP/s2c" \
	2>"$TMP/default.server.err" &
"$NTLM" client --stdio --profile cis ${ALICE[*]@Q} >"$TMP/c2s" <"$TMP/s2c" \
	2>"$TMP/default.client.err"
wait \$!
EOF
	unshare -m --propagation private bash "$TMP/ns.sh"
	eq "default (/dev/log): exit" 0 "$?"
	sleep 0.2
	has "default: the client's 8001 to /dev/log" "$TMP/default.txt" \
		'^<8[456]>.* ntlm-client\[[0-9]+\]: \{"event":8001,'
	has "default: the server's 9005 to /dev/log" "$TMP/default.txt" \
		'^<86>.* ntlm-server\[[0-9]+\]: \{"event":9005,'
else
	echo "SKIP: the default /dev/log check needs root and mount namespaces (unshare -m)"
fi

finish
