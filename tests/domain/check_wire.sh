#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What one domain validation costs on the wire between the member and the DC
# (docs/domain.md, "Throughput and latency"): ntlm httpd --accounts winbind,
# N logons one after the other, captured on the namespace's loopback. Each
# logon, accepted or refused, must be exactly one NETLOGON SamLogonEx
# (opnum 39, sealed with schannel) and its answer on the connection winbindd
# already holds: no new connection, no LDAP, CLDAP, DNS, Kerberos, SMB or
# endpoint-mapper traffic, no LSA/SAMR lookup, no second call.
set -u
source "$(dirname "$0")/lib.bash"

command -v tshark >/dev/null || {
	fail "tshark is not installed (scripts/install-deps.sh test installs it)"
	finish
	exit
}
start_daemon wire httpd --listen 127.0.0.1:0 --accounts winbind --audit "$TMP/w.audit" ||
	{ finish; exit; }
WPID=$LAST_PID
BASE=http://127.0.0.1:$PORT

# Warm up: winbindd's connection to the DC exists before the capture.
eq "warm-up logon" 200 "$(curl_ntlm 'TESTDOM\alice:Passw0rd1' -o /dev/null -w '%{http_code}' "$BASE/")"

# The member's traffic only: the DC's own services also talk to themselves
# on 127.0.0.10 (DNS updates, replication timers).
PCAP=$TMP/wire.pcapng
ip netns exec "$NS" tshark -i lo -w "$PCAP" -f 'not (src host 127.0.0.10 and dst host 127.0.0.10)' \
	>"$TMP/tshark.out" 2>"$TMP/tshark.err" &
TPID=$!
for ((i = 0; i < 300; i++)); do
	grep -q "Capturing on" "$TMP/tshark.err" && break
	sleep 0.05
done
contains "tshark capturing" "Capturing on" "$(cat "$TMP/tshark.err")"

N_OK=12
N_BAD=4
codes=
for ((i = 0; i < N_OK; i++)); do
	codes+="$(curl_ntlm 'TESTDOM\alice:Passw0rd1' -o /dev/null -w '%{http_code}' "$BASE/") "
done
for ((i = 0; i < N_BAD; i++)); do
	codes+="$(curl_ntlm 'TESTDOM\alice:WrongPass9' -o /dev/null -w '%{http_code}' "$BASE/") "
done
want=$(printf '200 %.0s' $(seq $N_OK))$(printf '401 %.0s' $(seq $N_BAD))
eq "logons answered" "$want" "$codes"
sleep 0.3 # the last answer reaches the capture
kill -INT "$TPID"
wait "$TPID"
eq "audit: successes (and the warm-up)" "$((N_OK + 1))" "$(count_events "$TMP/w.audit" 9005)"
eq "audit: refusals" "$N_BAD" "$(count_events "$TMP/w.audit" 9004)"

N=$((N_OK + N_BAD))
# DCE/RPC requests (type 0) and responses (type 2): opnum, auth type, level.
calls=$(tshark -r "$PCAP" -Y 'dcerpc.pkt_type == 0' -T fields -e dcerpc.opnum \
	-e dcerpc.auth_type -e dcerpc.auth_level 2>/dev/null | sort | uniq -c | awk '{$1 = $1; print}')
eq "one SamLogonEx per logon, schannel, privacy" "$N 39 68 6" "$calls"
eq "one answer per logon" "$N" \
	"$(tshark -r "$PCAP" -Y 'dcerpc.pkt_type == 2' 2>/dev/null | wc -l)"
eq "no new connection (member <-> DC)" 0 \
	"$(tshark -r "$PCAP" -Y 'tcp.flags.syn == 1' 2>/dev/null | wc -l)"
eq "no UDP (CLDAP, DNS, Kerberos)" 0 "$(tshark -r "$PCAP" -Y 'udp' 2>/dev/null | wc -l)"
eq "no TCP payload but DCE/RPC" 0 \
	"$(tshark -r "$PCAP" -Y 'tcp.len > 0 && !dcerpc' 2>/dev/null | wc -l)"
eq "one TCP connection used" 1 \
	"$(tshark -r "$PCAP" -Y 'dcerpc' -T fields -e tcp.stream 2>/dev/null | sort -u | wc -l)"
[ "$FAILS" -eq 0 ] || tshark -r "$PCAP" 2>/dev/null | head -40 >&2

stop_daemon "$WPID"
finish
