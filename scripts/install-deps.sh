#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what one make target needs on Debian 12, by package name; only
# missing packages are installed (nothing happens when all are present).
# usage: install-deps.sh [PROFILE...]   (default: test)
#   build  the library and the programs: `make`, `make build`, `make run`
#   run    build, plus curl to try the demo (`make run`)
#   check  build, plus clang-format (`make check`)
#   deb    build, plus the Debian packaging tools (`make deb`)
#   test   everything `make test` runs: the above, cmocka, valgrind, clang
#          (fuzzing), the man page tools, and the independent NTLM peers of
#          the interop and HTTP tests, evtxexport (ntlm audit reads .evtx
#          through it: tests/audit/windows.sh)
set -euo pipefail

build=(build-essential cmake pkg-config nettle-dev libunistring-dev libwbclient-dev libkrb5-dev
       libmicrohttpd-dev libcurl4-openssl-dev zlib1g-dev libexpat1-dev)
declare -A profile=(
	[build]="${build[*]}"
	[run]="${build[*]} curl"
	[check]="${build[*]} clang-format"
	[deb]="${build[*]} dpkg-dev debhelper lintian libcmocka-dev"
	[test]="${build[*]} clang-format libcmocka-dev valgrind python3 curl
	        gss-ntlmssp gss-ntlmssp-dev libkrb5-dev python3-gssapi python3-requests python3-requests-ntlm
	        winbind python3-ntlm-auth python3-impacket tshark clang libclang-rt-14-dev
	        samba-ad-dc samba-ad-provision squid apache2 libapache2-mod-auth-gssapi
	        sasl2-bin libsasl2-modules-gssapi-mit chromium libevtx-utils
	        groff-base man-db dpkg-dev debhelper lintian"
)

PKGS=()
for p in "${@:-test}"; do
	[ -n "${profile[$p]+x}" ] || { echo "install-deps: no profile '$p' (${!profile[*]})" >&2; exit 2; }
	# shellcheck disable=SC2206
	PKGS+=(${profile[$p]})
done

missing=()
for p in $(printf '%s\n' "${PKGS[@]}" | sort -u); do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# tshark's wireshark-common asks whether non-root users may capture: no.
echo 'wireshark-common wireshark-common/install-setuid boolean false' |
	$SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
