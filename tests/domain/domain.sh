#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A real Active Directory domain on one machine, for the domain-account tests
# (docs/domain.md): a Samba AD DC (DC1, 127.0.0.10) and a joined member running
# winbindd (MEM1, 127.0.0.11), in a network namespace of their own on
# loopback-only addresses, with every file under one state directory.
#
#   domain.sh check                 exit 0 if a network namespace can be made, else 77
#   domain.sh up   DIR NETNS        namespace, provision, accounts, start DC, join, member winbindd
#   domain.sh down DIR NETNS        stop every process by pid, remove the namespace
#   domain.sh stop-member|start-member|stop-dc|start-dc DIR NETNS   (fault tests)
#   domain.sh wb   DIR dc|member CMD...   run CMD with that winbindd's socket as the
#                                   compiled-in /run/samba/winbindd (private mount namespace)
#
# Needs root (namespaces, bind mounts, winbindd's privileged pipe).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REALM=TESTDOM.EXAMPLE
NBDOM=TESTDOM
ADMINPASS='Adm1n-Passw0rd'
DC_IP=127.0.0.10
MEM_IP=127.0.0.11
PY=/usr/bin/python3 # samba's python bindings are Debian's, not a pyenv's
# How the DC stores its directory and runs, and how many connections the
# member's winbindd opens to it (docs/domain.md, "Throughput and latency").
STORE=${NTLM_DOMAIN_STORE:-tdb}
MODEL=${NTLM_DOMAIN_MODEL:-prefork}
WB_CONNS=${NTLM_DOMAIN_WB_CONNS:-4}

log() { printf 'domain: %s\n' "$*" >&2; }
die() {
	log "FAILED: $*"
	exit 1
}
now_ms() { date +%s%3N; }

# Runs a command inside the namespace with DIR's socket directory bound over
# the compiled-in winbindd socket path: libwbclient, and every Samba daemon
# acting as a winbind client, only connect to /run/samba/winbindd/pipe.
in_ns() { # NETNS SOCKDIR CMD...
	local ns=$1 sock=$2
	shift 2
	ip netns exec "$ns" sh -c 'mount --bind "$0" /run/samba/winbindd && exec "$@"' "$sock" "$@"
}

cmd_check() {
	local probe="ntlmprobe$$"
	if [ "$(id -u)" -ne 0 ]; then
		log "not root: cannot create a network namespace"
		exit 77
	fi
	if ! ip netns add "$probe" 2>/dev/null; then
		log "cannot create a network namespace (ip netns add failed)"
		exit 77
	fi
	ip netns del "$probe"
	for b in samba samba-tool net winbindd wbinfo; do
		command -v "$b" >/dev/null || PATH=$PATH:/usr/sbin command -v "$b" >/dev/null ||
			die "$b is not installed (scripts/install-deps.sh installs samba and winbind)"
	done
}

wait_for() { # WHAT TIMEOUT_S CMD...
	local what=$1 t=$2 end
	shift 2
	end=$(($(now_ms) + t * 1000))
	until "$@" >/dev/null 2>&1; do
		[ "$(now_ms)" -lt "$end" ] || die "$what: not ready after ${t}s"
		sleep 0.1
	done
}

dc_ports_open() { # NETNS
	ip netns exec "$1" bash -c "for p in 88 135 389 445; do exec 3<>/dev/tcp/$DC_IP/\$p || exit 1; exec 3>&-; done"
}

start_dc() { # DIR NETNS
	in_ns "$2" "$1/dc/wbsock" samba -D -M "$MODEL" -s "$1/dc/etc/smb.conf"
	wait_for "DC ports 88/135/389/445" 60 dc_ports_open "$2"
	wait_for "DC winbindd" 60 "$0" wb "$1" dc wbinfo --ping
}

start_member() { # DIR NETNS: the member's winbindd, until it reaches the DC
	in_ns "$2" "$1/mem/wbsock" winbindd -D -s "$1/mem/smb.conf"
	wait_for "member winbindd" 60 "$0" wb "$1" member wbinfo --ping-dc
}

# Stops a daemon by its pid file and waits until it is gone.
stop_pidfile() { # FILE
	local p i
	[ -s "$1" ] || die "$1: no pid file"
	p=$(tr -dc '0-9' <"$1")
	kill -TERM "$p" 2>/dev/null || true
	for i in $(seq 1 100); do
		kill -0 "$p" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$p" 2>/dev/null || true
}

cmd_up() {
	local D=$1 NS=$2 t0 t1
	[ -d "$D" ] || die "$D: no such directory"
	t0=$(now_ms)
	# 1. the namespace: its own loopback, names resolved by its own files.
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" addr add $DC_IP/8 dev lo
	ip -n "$NS" addr add $MEM_IP/8 dev lo
	mkdir -p "/etc/netns/$NS"
	printf 'nameserver %s\nsearch testdom.example\n' $DC_IP >"/etc/netns/$NS/resolv.conf"
	printf '127.0.0.1 localhost\n%s dc1.testdom.example dc1\n%s mem1.testdom.example mem1\n' \
		$DC_IP $MEM_IP >"/etc/netns/$NS/hosts"
	mkdir -p /run/samba/winbindd # the mount point (the winbind package makes it too)

	# 2. provision the DC. An empty --configfile: inherit nothing from /etc/samba.
	mkdir -p "$D"/dc/log "$D"/dc/run "$D"/dc/wbsock \
		"$D"/mem/log "$D"/mem/run "$D"/mem/wbsock "$D"/mem/private "$D"/mem/state \
		"$D"/mem/cache "$D"/mem/lock
	chmod 0755 "$D"/dc/wbsock "$D"/mem/wbsock
	: >"$D/empty.conf"
	ip netns exec "$NS" samba-tool domain provision --configfile="$D/empty.conf" \
		--targetdir="$D/dc" --realm=$REALM --domain=$NBDOM --server-role=dc \
		--dns-backend=SAMBA_INTERNAL --use-rfc2307 --host-name=dc1 --host-ip=$DC_IP \
		--backend-store="$STORE" \
		--adminpass="$ADMINPASS" \
		--option="interfaces=$DC_IP" --option="bind interfaces only=yes" \
		--option="log file=$D/dc/log/samba.log" --option="pid directory=$D/dc/run" \
		--option="ncalrpc dir=$D/dc/ncalrpc" \
		--option="winbindd socket directory=$D/dc/wbsock" \
		--option="ntp signd socket directory=$D/dc/ntp_signd" \
		--option="ntlm auth = yes" \
		>"$D/dc/provision.log" 2>&1 || {
		tail -20 "$D/dc/provision.log" >&2
		die "samba-tool domain provision"
	}
	# Never forward DNS anywhere; one process model keeps the DC small.
	sed -i '/^\s*dns forwarder\s*=/d' "$D/dc/etc/smb.conf"
	$PY "$HERE/accounts.py" "$D/dc/etc/smb.conf" >"$D/dc/accounts.log" 2>&1 || {
		cat "$D/dc/accounts.log" >&2
		die "creating the test accounts"
	}
	cat >"$D/mem/smb.conf" <<CONF
[global]
	workgroup = $NBDOM
	realm = $REALM
	security = ads
	netbios name = MEM1
	interfaces = $MEM_IP
	bind interfaces only = yes
	password server = dc1.testdom.example
	private dir = $D/mem/private
	state directory = $D/mem/state
	cache directory = $D/mem/cache
	lock directory = $D/mem/lock
	pid directory = $D/mem/run
	ncalrpc dir = $D/mem/ncalrpc
	winbindd socket directory = $D/mem/wbsock
	log file = $D/mem/log/winbindd.log
	idmap config * : backend = tdb
	idmap config * : range = 3000-7999
	idmap config $NBDOM : backend = rid
	idmap config $NBDOM : range = 10000-999999
	winbind max domain connections = $WB_CONNS
CONF
	printf '[libdefaults]\n\tdefault_realm = %s\n\tdns_lookup_kdc = false\n[realms]\n\t%s = { kdc = %s }\n' \
		$REALM $REALM $DC_IP >"$D/krb5.conf"
	t1=$(now_ms)
	log "provisioned in $((t1 - t0)) ms"
	echo "provision_ms=$((t1 - t0))" >"$D/timings"

	# 3. the DC (samba starts its own smbd and winbindd).
	start_dc "$D" "$NS"
	local t2
	t2=$(now_ms)
	log "DC up in $((t2 - t1)) ms"

	# 4. join the member, start its winbindd.
	in_ns "$NS" "$D/mem/wbsock" net ads join -s "$D/mem/smb.conf" \
		-U "Administrator%$ADMINPASS" --no-dns-updates >"$D/mem/join.log" 2>&1 || {
		cat "$D/mem/join.log" >&2
		die "net ads join"
	}
	start_member "$D" "$NS"
	local t3
	t3=$(now_ms)
	log "member joined and winbindd up in $((t3 - t2)) ms"
	echo "start_ms=$((t3 - t1))" >>"$D/timings"
}

# Sends sig to the pid in each pid file that still names a live process.
kill_pidfiles() { # SIG FILE...
	local sig=$1 f p
	shift
	for f in "$@"; do
		[ -s "$f" ] || continue
		p=$(tr -dc '0-9' <"$f")
		[ -n "$p" ] && kill "-$sig" "$p" 2>/dev/null || true
	done
}

cmd_down() {
	local D=$1 NS=$2 i pids
	local files=("$D/mem/run/winbindd.pid" "$D/mem/run/samba-dcerpcd.pid" "$D/dc/run/samba.pid")
	kill_pidfiles TERM "${files[@]}"
	if ip netns list 2>/dev/null | grep -qw "^$NS"; then
		# What outlives its parent (samba-dcerpcd and its rpcd_* workers,
		# started on demand) is still in the namespace: stop those by pid.
		for i in $(seq 1 50); do
			pids=$(ip netns pids "$NS" 2>/dev/null || true)
			[ -z "$pids" ] && break
			[ "$i" -eq 1 ] || [ "$i" -eq 30 ] && kill -TERM $pids 2>/dev/null || true
			sleep 0.1
		done
		pids=$(ip netns pids "$NS" 2>/dev/null || true)
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null || true
		ip netns del "$NS" || true
	fi
	rm -rf "/etc/netns/$NS"
}

cmd_wb() {
	local D=$1 which=$2
	shift 2
	case $which in
	dc) ;;
	member) which=mem ;;
	*) die "wb: dc or member, not '$which'" ;;
	esac
	exec unshare --mount sh -c 'mount --bind "$0" /run/samba/winbindd && exec "$@"' \
		"$D/$which/wbsock" "$@"
}

case ${1:-} in
check) cmd_check ;;
up) cmd_up "$2" "$3" ;;
down) cmd_down "$2" "$3" ;;
stop-member) stop_pidfile "$2/mem/run/winbindd.pid" ;;
start-member) start_member "$2" "$3" ;;
stop-dc) stop_pidfile "$2/dc/run/samba.pid" ;;
start-dc) start_dc "$2" "$3" ;;
wb)
	shift
	cmd_wb "$@"
	;;
*)
	echo "usage: $0 check | up|down|start-dc|stop-dc|start-member|stop-member DIR NETNS |" \
		"wb DIR dc|member CMD..." >&2
	exit 2
	;;
esac
