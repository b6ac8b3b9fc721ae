#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what `make test` and `make run` need on Debian 12, by package name.
# Only missing packages are installed; nothing happens when all are present.
set -euo pipefail

PKGS=(build-essential cmake pkg-config clang-format nettle-dev libunistring-dev libcmocka-dev valgrind
      python3 gss-ntlmssp gss-ntlmssp-dev libkrb5-dev python3-gssapi
      apache2 libapache2-mod-auth-gssapi
      libmicrohttpd-dev libcurl4-openssl-dev curl python3-requests python3-requests-ntlm
      winbind python3-ntlm-auth python3-impacket tshark
      clang libclang-rt-14-dev
      samba-ad-dc samba-ad-provision libwbclient-dev squid)

missing=()
for p in "${PKGS[@]}"; do
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
