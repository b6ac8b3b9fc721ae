#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make run`: the NTLM-protected HTTP endpoint (`ntlm httpd`, docs/httpd.md)
# on 127.0.0.1:8080, with the cis policy (etc/ntlmssp.conf) and the audit
# log in ./audit.jsonl. `make build` has installed the packages and built.
#
# The first run creates demo/accounts with one account, DEMO\demo, whose
# password is $DEMO_PASSWORD (default "Demo-Pass-1"; the file holds only
# its NT hash). To change it: rm demo/accounts; DEMO_PASSWORD='...' make run.
#
# Try it (README): curl --ntlm -u 'DEMO\demo:Demo-Pass-1' http://127.0.0.1:8080/
# LISTEN=HOST:PORT overrides the address. Ctrl-C stops the server.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
listen=${LISTEN:-127.0.0.1:8080}

if [ ! -f demo/accounts ]; then
	pw=${DEMO_PASSWORD:-Demo-Pass-1}
	mkdir -p demo
	hash=$(printf '%s' "$pw" | "$build/ntlm" hash)
	umask 077
	{
		echo "# ntlm httpd demo accounts (DOMAIN:USER:NTHASH; docs/accounts.md)"
		echo "DEMO:demo:$hash"
	} >demo/accounts
	echo "run: created demo/accounts with DEMO\\demo (password from DEMO_PASSWORD," \
		"default Demo-Pass-1)"
fi

echo "run: ntlm httpd on http://$listen/ (cis policy: etc/ntlmssp.conf;" \
	"audit log: $PWD/audit.jsonl)"
echo "run: try   curl --ntlm -u 'DEMO\\demo:Demo-Pass-1' http://$listen/" \
	"(or the DEMO_PASSWORD demo/accounts was made with)"
echo "run: Ctrl-C stops it"
exec "$build/ntlm" httpd --listen "$listen" --config etc/ntlmssp.conf \
	--accounts demo/accounts --audit audit.jsonl
