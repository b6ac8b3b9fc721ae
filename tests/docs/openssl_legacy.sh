#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The OpenSSL 3 legacy-provider one-liner of docs/httpd.md, run as written
# (with HOME in a temporary directory): Python's hashlib then has MD4 and
# gives the NT-hash MD4 of the empty string.
# usage: openssl_legacy.sh DOCS_HTTPD_MD
set -euo pipefail
doc=$1
line=$(awk '/<!-- openssl-legacy-oneliner -->/ {f=1; next} f && /^```sh/ {g=1; next} g {print; exit}' "$doc")
[ -n "$line" ] || { echo "FAIL: no one-liner after the marker in $doc" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$(env -u OPENSSL_CONF HOME="$tmp" bash -c "$line"'
python3 -c "import hashlib; print(hashlib.new(\"md4\", b\"\").hexdigest())"')
[ "$out" = 31d6cfe0d16ae931b73c59d7e0c089c0 ] || { echo "FAIL: MD4 after the one-liner: $out" >&2; exit 1; }
echo "openssl_legacy: the docs/httpd.md one-liner gives Python MD4"
