#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# curl --negotiate (MIT SPNEGO) and curl --ntlm against Apache 2.4 +
# mod_auth_gssapi, both loading ntlmssp's mechanism (GSS_MECH_CONFIG), on a
# free loopback port: a started Apache, not a mock.
#   apache.sh BUILD_DIR      exit 0 pass, 1 fail, 77 skipped (no Apache module)
set -u
build=$(cd "${1:?usage: apache.sh BUILD_DIR}" && pwd)
httpd=/usr/sbin/apache2
mods=/usr/lib/apache2/modules
[ -x "$httpd" ] && [ -f "$mods/mod_auth_gssapi.so" ] || {
	echo "skip: apache2 / libapache2-mod-auth-gssapi not installed"; exit 77; }
command -v curl >/dev/null || { echo "skip: no curl"; exit 77; }

tmp=$(mktemp -d)
chmod 755 "$tmp"
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
check() { # check WHAT CONDITION...
	local what=$1; shift
	if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi
}

pw='Alice-Pass-1'
printf 'CORP:alice:%s\n' "$(printf '%s' "$pw" | "$build/ntlm" hash)" >"$tmp/accounts"
printf 'CORP:alice:%s\n' "$pw" >"$tmp/users"
printf 'CORP:alice:wrong-password\n' >"$tmp/wrong"
mkdir "$tmp/www" "$tmp/www/private"
echo "hello" >"$tmp/www/private/index.html"
touch "$tmp/audit.jsonl"
chmod 644 "$tmp/accounts" "$tmp/www/private/index.html"
chmod 666 "$tmp/audit.jsonl"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

run_as=()
if [ "$(id -u)" -eq 0 ]; then
	# Apache refuses to serve as root: it runs as www-data, which owns the
	# test directory (its logs and the audit file go there)
	run_as=(setpriv --reuid=www-data --regid=www-data --clear-groups)
	chown -R www-data:www-data "$tmp"
fi
cat >"$tmp/httpd.conf" <<CONF
ServerRoot "$tmp"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$tmp/httpd.pid"
ErrorLog "$tmp/error.log"
LogLevel warn auth_gssapi:debug
LoadModule mpm_prefork_module $mods/mod_mpm_prefork.so
LoadModule authn_core_module $mods/mod_authn_core.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule authz_user_module $mods/mod_authz_user.so
LoadModule auth_gssapi_module $mods/mod_auth_gssapi.so
StartServers 1
MinSpareServers 1
MaxSpareServers 2
DocumentRoot "$tmp/www"
<Location "/private">
    AuthType GSSAPI
    AuthName "ntlmssp"
    GssapiCredStore accounts:$tmp/accounts
    GssapiConnectionBound On
    GssapiBasicAuth Off
    Require valid-user
</Location>
CONF

GSS_MECH_CONFIG="$build/gss-mech.conf" NTLMSSP_AUDIT_LOG="$tmp/audit.jsonl" \
	"${run_as[@]}" "$httpd" -f "$tmp/httpd.conf" -DFOREGROUND &
pid=$!
for _ in $(seq 50); do
	curl -s -o /dev/null "http://127.0.0.1:$port/" && break
	sleep 0.1
done

url="http://127.0.0.1:$port/private/index.html"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url")
check "no credentials: 401 ($code)" [ "$code" = 401 ]

out=$(GSS_MECH_CONFIG="$build/gss-mech.conf" NTLM_USER_FILE="$tmp/users" NTLMSSP_AUDIT_LOG=none \
	curl -s -w '\n%{http_code}' --negotiate -u : "$url")
check "curl --negotiate (SPNEGO over ntlmssp_gss.so): 200 ($(tail -n1 <<<"$out"))" \
	[ "$(tail -n1 <<<"$out")" = 200 ]
check "curl --negotiate: the page" grep -q hello <<<"$out"
check "audit: our acceptor logged the success (9005) for CORP\\alice" \
	grep -q '"event":9005.*"user":"alice","domain":"CORP"' "$tmp/audit.jsonl"

code=$(GSS_MECH_CONFIG="$build/gss-mech.conf" NTLM_USER_FILE="$tmp/wrong" NTLMSSP_AUDIT_LOG=none \
	curl -s -o /dev/null -w '%{http_code}' --negotiate -u : "$url")
check "curl --negotiate, wrong password: 401 ($code)" [ "$code" = 401 ]
check "audit: logon failure (9004)" grep -q '"event":9004' "$tmp/audit.jsonl"
check "the error log has our reason (gss_display_status)" \
	grep -q 'NTLM_E_LOGON_FAILURE: NTProofStr does not match the password of CORP.*alice)\]' "$tmp/error.log"

out=$(curl -s -w '\n%{http_code}' --ntlm -u "CORP\\alice:$pw" "$url")
check "curl --ntlm (curl's own NTLM, raw NTLMSSP): 200 ($(tail -n1 <<<"$out"))" \
	[ "$(tail -n1 <<<"$out")" = 200 ]

[ $fail -eq 0 ] || { echo "--- error.log"; tail -30 "$tmp/error.log"; }
exit $fail
