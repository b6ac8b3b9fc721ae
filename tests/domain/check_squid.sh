#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A real Squid (auth_param ntlm) in front of the test backend, with
# `ntlm helper --protocol squid-2.5-ntlmssp --accounts winbind` as its NTLM
# helper, and curl --proxy-ntlm as the browser: a domain user gets through
# (the access log names her canonically), a wrong password and a disabled
# account get 407, each audited; the same Squid's `auth_param negotiate` with
# `ntlm helper --protocol gss-spnego` and curl --proxy-negotiate (SPNEGO over
# gss-ntlmssp). Squid runs its helpers as user proxy with
# group winbindd_priv (the documented setup: docs/domain.md).
set -u
source "$(dirname "$0")/lib.bash"

SQUID=$(command -v squid || echo /usr/sbin/squid)
if [ ! -x "$SQUID" ]; then
	fail "squid is not installed (scripts/install-deps.sh installs it)"
	finish
	exit
fi
getent group winbindd_priv >/dev/null || { fail "no group winbindd_priv (winbind package)"; finish; exit; }
getent passwd proxy >/dev/null || { fail "no user proxy (squid package)"; finish; exit; }

# The privileged pipe for group winbindd_priv; the path to it traversable.
chgrp winbindd_priv "$D/mem/state/winbindd_privileged"
chmod 0750 "$D/mem/state/winbindd_privileged"
chmod o+x "$D" "$D/mem" "$D/mem/state" "$TMP"
# Squid runs the helper as user proxy, who may not reach the build tree:
# a copy of the binary and its library in a directory proxy can read.
mkdir -p "$TMP/bin"
cp "$NTLM" "$TMP/bin/ntlm"
cp -P "$(dirname "$NTLM")"/libntlmssp.so* "$TMP/bin/"
chmod -R a+rX "$TMP/bin"
HELPER=$TMP/bin/ntlm
export LD_LIBRARY_PATH=$TMP/bin
if ! setpriv --reuid=proxy --regid=winbindd_priv --clear-groups "$HELPER" --version >/dev/null; then
	fail "user proxy cannot run $HELPER"
	finish
	exit
fi

$PY "$DHERE/../http/backend.py" "$TMP/backend.port" >"$TMP/backend.log" 2>&1 &
DAEMON_PIDS+=($!)
for ((i = 0; i < 200; i++)); do
	[ -s "$TMP/backend.port" ] && break
	sleep 0.05
done
BPORT=$(cat "$TMP/backend.port")
SPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$TMP/squid"
: >"$TMP/helper.audit"
: >"$TMP/spnego.audit"
chown proxy "$TMP/squid" "$TMP/helper.audit" "$TMP/spnego.audit"
cat >"$TMP/squid.conf" <<CONF
http_port 127.0.0.1:$SPORT
visible_hostname ntlm-test
pid_filename $TMP/squid/squid.pid
cache_log $TMP/squid/cache.log
access_log stdio:$TMP/squid/access.log squid
cache deny all
coredump_dir $TMP/squid
cache_effective_user proxy
cache_effective_group winbindd_priv
shutdown_lifetime 1 seconds
pinger_enable off
dns_v4_first on
auth_param ntlm program $HELPER helper --protocol squid-2.5-ntlmssp --accounts winbind --audit $TMP/helper.audit
auth_param ntlm children 2 startup=1 idle=1
auth_param ntlm keep_alive on
auth_param negotiate program $HELPER helper --protocol gss-spnego --accounts winbind --audit $TMP/spnego.audit
auth_param negotiate children 2 startup=1 idle=1
auth_param negotiate keep_alive on
acl authed proxy_auth REQUIRED
http_access allow authed
http_access deny all
CONF
chmod 0644 "$TMP/squid.conf"
bash "$DHERE/domain.sh" wb "$D" member "$SQUID" -N -f "$TMP/squid.conf" \
	>"$TMP/squid.out" 2>&1 &
SQPID=$!
DAEMON_PIDS+=($SQPID)
for ((i = 0; i < 600; i++)); do
	(exec 3<>"/dev/tcp/127.0.0.1/$SPORT") 2>/dev/null && break
	kill -0 "$SQPID" 2>/dev/null || break
	sleep 0.1
done

proxy() { # USER:PASS -> HTTP status through Squid
	curl -sS --max-time 60 -o "$TMP/body" -w '%{http_code}' --proxy "http://127.0.0.1:$SPORT" \
		--proxy-ntlm --proxy-user "$1" "http://127.0.0.1:$BPORT/through-squid"
}
eq "squid: alice through the proxy" 200 "$(proxy 'TESTDOM\alice:Passw0rd1')"
eq "squid: wrong password" 407 "$(proxy 'TESTDOM\alice:WrongPass9')"
eq "squid: disabled account" 407 "$(proxy 'TESTDOM\carol:Carol-Passw0rd')"
eq "squid: backend saw one request" 1 "$(grep -c 'GET /through-squid' "$TMP/backend.log" || true)"
ev=$(events "$TMP/helper.audit")
contains "squid: success audited" '9005 success TESTDOM\alice' "$ev"
contains "squid: wrong password audited" 'NT_STATUS_WRONG_PASSWORD' "$ev"
contains "squid: disabled audited" 'NT_STATUS_ACCOUNT_DISABLED' "$ev"
# The negotiate scheme: `ntlm helper --protocol gss-spnego`, and curl
# --proxy-negotiate as the browser (SPNEGO through MIT krb5's GSSAPI, NTLM
# from gss-ntlmssp, the password from its NTLM_USER_FILE).
so=$(ls /usr/lib/*/gssntlmssp/gssntlmssp.so 2>/dev/null | head -1)
if [ -n "$so" ]; then
	printf 'ntlm_test 1.3.6.1.4.1.311.2.2.10 %s\n' "$so" >"$TMP/mech.conf"
	negotiate() { # USERS-FILE -> HTTP status through Squid
		GSS_MECH_CONFIG=$TMP/mech.conf NTLM_USER_FILE=$1 KRB5CCNAME=FILE:$TMP/no-ccache \
			curl -sS --max-time 60 -o "$TMP/body" -w '%{http_code}' \
			--proxy "http://127.0.0.1:$SPORT" --proxy-negotiate --proxy-user : \
			"http://127.0.0.1:$BPORT/through-squid-negotiate"
	}
	printf 'TESTDOM:alice:Passw0rd1\n' >"$TMP/users"
	printf 'TESTDOM:alice:WrongPass9\n' >"$TMP/users.wrong"
	eq "squid negotiate: alice through the proxy" 200 "$(negotiate "$TMP/users")"
	eq "squid negotiate: wrong password" 407 "$(negotiate "$TMP/users.wrong")"
	ev=$(events "$TMP/spnego.audit")
	contains "squid negotiate: success audited" '9005 success TESTDOM\alice' "$ev"
	contains "squid negotiate: wrong password audited" 'NT_STATUS_WRONG_PASSWORD' "$ev"
else
	echo "SKIP (loudly): gss-ntlmssp is not installed: no negotiate client for Squid" >&2
fi
kill -TERM "$SQPID" 2>/dev/null
for ((i = 0; i < 100; i++)); do
	kill -0 "$SQPID" 2>/dev/null || break
	sleep 0.1
done
# Squid's access log writes the backslash doubled.
contains "squid: access log names the user" 'TESTDOM\\alice' "$(cat "$TMP/squid/access.log" 2>/dev/null)"
[ "$FAILS" -eq 0 ] || { echo "--- squid cache.log"; tail -30 "$TMP/squid/cache.log"; } >&2
finish
