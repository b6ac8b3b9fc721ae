#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the packages deb_packages built, runs the service's ExecStart line
# as the unit's user (systemd-run when systemd runs, else setpriv with the
# unit's restrictions that setpriv can apply), authenticates through it with
# curl --ntlm, sends SIGHUP, stops it, then purges the packages and checks
# that no file of theirs is left.
#
# This changes the machine (packages, a system user): it runs only as root
# on a throwaway machine, which the caller declares with CI=true (as CI
# services set it) or NTLM_DEB_INSTALL=1; otherwise it is skipped (exit 77).
# usage: install.sh SOURCE_DIR OUT
set -euo pipefail
src=$1 out=$2
if [ "$(id -u)" -ne 0 ] || { [ "${CI:-}" != true ] && [ "${NTLM_DEB_INSTALL:-}" != 1 ]; } ||
	[ ! -w /var/lib/dpkg ]; then
	echo "SKIP: installs packages system-wide; only as root with CI=true or NTLM_DEB_INSTALL=1"
	exit 77
fi
fail() {
	echo "FAIL deb_install: $*" >&2
	[ -n "${pid:-}" ] && kill "$pid" 2>/dev/null
	exit 1
}
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
pkgs=(libntlmssp0 ntlmssp-tools ntlmssp-httpd)
debs=()
for p in "${pkgs[@]}"; do debs+=("$out/${p}_${version}_$arch.deb"); done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends "${debs[@]}" >"$tmp/apt.log" 2>&1 ||
	{ cat "$tmp/apt.log" >&2; fail "apt-get install"; }
for p in "${pkgs[@]}"; do dpkg -L "$p" >>"$tmp/files"; done

# what postinst made
getent passwd ntlmssp >/dev/null || fail "no ntlmssp system user"
[ "$(stat -c '%U:%G %a' /etc/ntlmssp/accounts)" = "root:ntlmssp 640" ] ||
	fail "/etc/ntlmssp/accounts is $(stat -c '%U:%G %a' /etc/ntlmssp/accounts)"
grep -qx "ntlm (ntlmssp) $version" <<<"$(ntlm --version)" || fail "ntlm --version"
printf 'Deb-Pass-1\n' | ntlm accounts add --file /etc/ntlmssp/accounts 'DEB\alice' ||
	fail "ntlm accounts add"
[ "$(stat -c '%U:%G %a' /etc/ntlmssp/accounts)" = "root:ntlmssp 640" ] ||
	fail "accounts add changed the owner or mode"

# The unit's ExecStart, with $NTLM_HTTPD_OPTS from the unit's EnvironmentFile
# plus a free port for this test (a later --listen wins).
unit=/lib/systemd/system/ntlm-httpd.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
user=$(sed -n 's/^User=//p' "$unit")
NTLM_HTTPD_OPTS=
# shellcheck disable=SC1091
. /etc/default/ntlm-httpd
cmd=${exec_start//\$NTLM_HTTPD_OPTS/$NTLM_HTTPD_OPTS --listen 127.0.0.1:0}
echo "deb_install: ExecStart as $user: $cmd"
install -d -o "$user" -g "$user" -m 0700 /var/lib/ntlmssp # StateDirectory=
if [ -d /run/systemd/system ]; then
	how=systemd-run
	# shellcheck disable=SC2086
	systemd-run --unit=ntlm-httpd-deb-test --property=User="$user" \
		--property=NoNewPrivileges=yes --property=ProtectSystem=strict \
		--property=CapabilityBoundingSet= $cmd || fail "systemd-run"
	for _ in $(seq 100); do
		port=$(journalctl -u ntlm-httpd-deb-test -o cat 2>/dev/null |
			sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' | tail -1)
		[ -n "$port" ] && break
		sleep 0.1
	done
	pid=$(systemctl show -p MainPID --value ntlm-httpd-deb-test)
else
	how=setpriv
	# shellcheck disable=SC2086
	setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs \
		--inh-caps=-all --bounding-set=-all -- $cmd >"$tmp/out" 2>"$tmp/err" &
	pid=$!
	for _ in $(seq 100); do
		port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/out")
		[ -n "$port" ] && break
		sleep 0.1
	done
fi
[ -n "${port:-}" ] || { cat "$tmp/err" >&2 2>/dev/null; fail "the service did not start ($how)"; }
[ "$(stat -c %U /proc/"$pid")" = "$user" ] || fail "the service does not run as $user"
echo "deb_install: running as $user on port $port ($how), pid $pid"

base=http://127.0.0.1:$port
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/")
[ "$code" = 401 ] || fail "no credentials: $code, want 401"
body=$(curl -s --fail --ntlm -u 'DEB\alice:Deb-Pass-1' "$base/?format=json") ||
	fail "curl --ntlm with the right password"
grep -q '"user":"alice"' <<<"$body" || fail "page does not say alice: $body"
code=$(curl -s -o /dev/null -w '%{http_code}' --ntlm -u 'DEB\alice:wrong' "$base/")
[ "$code" = 401 ] || fail "wrong password: $code, want 401"
echo "deb_install: curl --ntlm through the service: 200 as alice, 401 with a wrong password"
# /healthz, unauthenticated: one success and one failure so far
health=$(curl -s --fail "$base/healthz") || fail "no /healthz"
grep -q '"handshakes":{"started":2,"succeeded":1,"failed":1}' <<<"$health" ||
	fail "/healthz counters: $health"
echo "deb_install: /healthz: $health"

# SIGHUP (ExecReload): the server must survive it and serve again, once it
# handles the signal; until then it is reported and not asserted.
if grep -q SIGHUP <<<"$(ntlm httpd --help)"; then
	kill -HUP "$pid"
	sleep 0.5
	kill -0 "$pid" 2>/dev/null || fail "the service died on SIGHUP"
	curl -s --fail --ntlm -u 'DEB\alice:Deb-Pass-1' "$base/" >/dev/null ||
		fail "no service after SIGHUP"
	echo "deb_install: SIGHUP reload: still serving"
else
	echo "deb_install: PENDING: SIGHUP reload (ntlm httpd does not handle SIGHUP yet)"
fi
kill -TERM "$pid"
[ "$how" = systemd-run ] && systemctl stop ntlm-httpd-deb-test 2>/dev/null || true
wait "$pid" 2>/dev/null || true
pid=

apt-get purge -y -qq "${pkgs[@]}" >"$tmp/purge.log" 2>&1 ||
	{ cat "$tmp/purge.log" >&2; fail "apt-get purge"; }
left=""
while IFS= read -r f; do
	[ -d "$f" ] && continue # shared directories (/usr, /etc, ...) stay
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done <"$tmp/files"
for f in /etc/ntlmssp /var/lib/ntlmssp /etc/default/ntlm-httpd /lib/systemd/system/ntlm-httpd.service; do
	[ -e "$f" ] && left="$left $f"
done
[ -z "$left" ] || fail "purge left:$left"
echo "deb_install: purge left no file behind (the ntlmssp system user stays, as Debian does)"
echo "deb_install: ok"
