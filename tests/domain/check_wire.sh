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

N_OK=12
N_BAD=4
N=$((N_OK + N_BAD))
# One round: capture the member's traffic (the DC's own services also talk
# to themselves on 127.0.0.10: DNS updates, replication timers) during
# N_OK logons and N_BAD wrong passwords, and write what went on the wire.
wire_round() { # PCAP: the summary in PCAP.txt
	local pcap=$1 tpid i codes= want
	ip netns exec "$NS" tshark -i lo -w "$pcap" \
		-f 'not (src host 127.0.0.10 and dst host 127.0.0.10)' \
		>"$pcap.out" 2>"$pcap.err" &
	tpid=$!
	for ((i = 0; i < 300; i++)); do
		grep -q "Capturing on" "$pcap.err" && break
		sleep 0.05
	done
	contains "tshark capturing" "Capturing on" "$(cat "$pcap.err")"
	for ((i = 0; i < N_OK; i++)); do
		codes+="$(curl_ntlm 'TESTDOM\alice:Passw0rd1' -o /dev/null -w '%{http_code}' "$BASE/") "
	done
	for ((i = 0; i < N_BAD; i++)); do
		codes+="$(curl_ntlm 'TESTDOM\alice:WrongPass9' -o /dev/null -w '%{http_code}' "$BASE/") "
	done
	want=$(printf '200 %.0s' $(seq $N_OK))$(printf '401 %.0s' $(seq $N_BAD))
	eq "logons answered" "$want" "$codes"
	sleep 0.3 # the last answer reaches the capture
	kill -INT "$tpid"
	wait "$tpid"
	# DCE/RPC requests (type 0): opnum, auth type, level; then the answers
	# (type 2), new connections, UDP, other TCP payload, connections used.
	{
		echo "calls: $(tshark -r "$pcap" -Y 'dcerpc.pkt_type == 0' -T fields -e dcerpc.opnum \
			-e dcerpc.auth_type -e dcerpc.auth_level 2>/dev/null | sort | uniq -c |
			awk '{$1 = $1; print}' | paste -sd ';')"
		echo "answers: $(tshark -r "$pcap" -Y 'dcerpc.pkt_type == 2' 2>/dev/null | wc -l)"
		echo "new connections: $(tshark -r "$pcap" -Y 'tcp.flags.syn == 1' 2>/dev/null | wc -l)"
		echo "udp: $(tshark -r "$pcap" -Y 'udp' 2>/dev/null | wc -l)"
		echo "tcp payload not dcerpc: $(tshark -r "$pcap" -Y 'tcp.len > 0 && !dcerpc' 2>/dev/null | wc -l)"
		echo "connections used: $(tshark -r "$pcap" -Y 'dcerpc' -T fields -e tcp.stream 2>/dev/null |
			sort -u | wc -l)"
	} >"$pcap.txt"
}
# One SamLogonEx (39) per logon, schannel (68) with privacy (6), one answer
# each, on the one connection winbindd holds, and nothing else.
WANT="calls: $N 39 68 6
answers: $N
new connections: 0
udp: 0
tcp payload not dcerpc: 0
connections used: 1"
wire_round "$TMP/wire1.pcapng"
got=$(cat "$TMP/wire1.pcapng.txt")
rounds=1
if [ "$got" != "$WANT" ]; then
	# A timer of winbindd's own (e.g. its periodic rescan of trusted domains)
	# may fall into a capture; a call the logons cause shows in both rounds.
	echo "check_wire: round 1 saw other traffic, measuring again:" >&2
	echo "$got" >&2
	wire_round "$TMP/wire2.pcapng"
	got=$(cat "$TMP/wire2.pcapng.txt")
	rounds=2
fi
eq "member <-> DC traffic of $N logons" "$WANT" "$got"
[ "$got" == "$WANT" ] || tshark -r "$TMP/wire$rounds.pcapng" 2>/dev/null | head -40 >&2
eq "audit: successes (and the warm-up)" "$((rounds * N_OK + 1))" \
	"$(count_events "$TMP/w.audit" 9005)"
eq "audit: refusals" "$((rounds * N_BAD))" "$(count_events "$TMP/w.audit" 9004)"

stop_daemon "$WPID"
finish
