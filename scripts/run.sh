#!/usr/bin/env bash
# `make run`: until the HTTP endpoint exists (issue "Main job: ntlm httpd"),
# this decodes a sample token: the MS-NLMP 4.2.4 NTLMv2 AUTHENTICATE_MESSAGE.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
echo "== ntlm decode etc/sample-authenticate.b64 (MS-NLMP 4.2.4 NTLMv2 AUTHENTICATE)"
"$build/ntlm" decode < etc/sample-authenticate.b64
echo
echo "== the NT hash of \"Password\" (ntlm hash reads the password from stdin)"
printf 'Password' | "$build/ntlm" hash
