#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make deb` builds the packages (scripts/deb.sh, lintian included) into
# OUT; then each package lists the files it must ship (dpkg-deb -c), the
# policy file is a conffile, and nothing from the test suite is packaged.
# usage: packages.sh SOURCE_DIR OUT
set -euo pipefail
src=$1 out=$2
fail() {
	echo "FAIL deb_packages: $*" >&2
	exit 1
}
bash "$src/scripts/deb.sh" "$out" || fail "scripts/deb.sh"
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

# package -> files it must contain (paths as dpkg-deb -c prints them)
declare -A want=(
	[libntlmssp0]="./usr/lib/$triplet/libntlmssp.so.$version ./usr/lib/$triplet/libntlmssp.so.0"
	[libntlmssp-dev]="./usr/include/ntlmssp.h ./usr/include/ntlmssp/unstable.h
		./usr/lib/$triplet/libntlmssp.so ./usr/lib/$triplet/libntlmssp.a
		./usr/lib/$triplet/pkgconfig/ntlmssp.pc ./usr/lib/$triplet/cmake/ntlmssp/ntlmsspConfig.cmake
		./usr/lib/$triplet/cmake/ntlmssp/ntlmsspTargets.cmake ./usr/share/man/man3/ntlmssp.3.gz"
	[ntlmssp-tools]="./usr/bin/ntlm ./etc/ntlmssp/ntlmssp.conf ./usr/share/man/man1/ntlm.1.gz
		./usr/share/man/man5/ntlmssp.conf.5.gz ./usr/share/doc/ntlmssp-tools/copyright
		./usr/share/doc/ntlmssp-tools/licenses.md.gz"
	[ntlmssp-httpd]="./usr/sbin/ntlm-httpd ./lib/systemd/system/ntlm-httpd.service ./etc/default/ntlm-httpd
		./usr/share/man/man8/ntlm-httpd.8.gz"
	[ntlmssp-gss]="./usr/lib/$triplet/ntlmssp/ntlmssp_gss.so ./usr/share/ntlmssp-gss/ntlmssp-gss.conf
		./etc/gss/mech.d/ntlmssp-gss.conf"
)
for pkg in "${!want[@]}"; do
	deb=$out/${pkg}_${version}_$arch.deb
	[ -f "$deb" ] || fail "no $deb"
	list=$(dpkg-deb -c "$deb" | awk '{print $6}')
	for f in ${want[$pkg]}; do
		grep -qxF "$f" <<<"$list" || fail "$pkg does not ship $f"
	done
	# nothing of the test suite, the fuzzers or the benches
	bad=$(grep -E '/(test_|fuzz_|bench_|gss_driver)' <<<"$list" || true)
	[ -z "$bad" ] || fail "$pkg ships test files: $bad"
	echo "deb_packages: $pkg: $(wc -l <<<"$list") entries, the expected ones there"
done
grep -qx libntlmssp0 <<<"$(dpkg-deb -f "$out/libntlmssp0_${version}_$arch.deb" Package)" || fail "control"
grep -qx /etc/ntlmssp/ntlmssp.conf <<<"$(dpkg-deb -I "$out/ntlmssp-tools_${version}_$arch.deb" conffiles)" ||
	fail "/etc/ntlmssp/ntlmssp.conf is not a conffile"
grep -qx /etc/default/ntlm-httpd <<<"$(dpkg-deb -I "$out/ntlmssp-httpd_${version}_$arch.deb" conffiles)" ||
	fail "/etc/default/ntlm-httpd is not a conffile"
# the unit's hardening is there
unit=$(dpkg-deb --fsys-tarfile "$out/ntlmssp-httpd_${version}_$arch.deb" |
	tar -xOf - ./lib/systemd/system/ntlm-httpd.service)
for k in 'User=ntlmssp' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'CapabilityBoundingSet=$' \
	'ExecReload=/bin/kill -HUP \$MAINPID' 'PrivateTmp=yes' 'ProtectHome=yes'; do
	grep -qE "^$k" <<<"$unit" || fail "ntlm-httpd.service lacks $k"
done
# the library's shlibs/symbols: dependants get a versioned dependency
grep -q "libntlmssp0 (>= " <<<"$(dpkg-deb -I "$out/ntlmssp-tools_${version}_$arch.deb" control)" ||
	fail "ntlmssp-tools does not depend on a libntlmssp0 version"
# only the HTTP server depends on libmicrohttpd and libcurl
deps=$(dpkg-deb -f "$out/ntlmssp-tools_${version}_$arch.deb" Depends)
if grep -qE 'libcurl|libmicrohttpd' <<<"$deps"; then fail "ntlmssp-tools depends on $deps"; fi
grep -q libmicrohttpd <<<"$(dpkg-deb -f "$out/ntlmssp-httpd_${version}_$arch.deb" Depends)" ||
	fail "ntlmssp-httpd does not depend on libmicrohttpd"
# the GSSAPI mechanism: its mech.d entry is a symlink (not a conffile, so
# removing the package removes it) to the line naming the packaged module;
# it conflicts with gss-ntlmssp (the same OID); it needs no libntlmssp0
gdeb=$out/ntlmssp-gss_${version}_$arch.deb
link=$(dpkg-deb -c "$gdeb" | awk '$6 == "./etc/gss/mech.d/ntlmssp-gss.conf" {print $1, $8}')
[ "$link" = "lrwxrwxrwx ../../../usr/share/ntlmssp-gss/ntlmssp-gss.conf" ] ||
	[ "$link" = "lrwxrwxrwx /usr/share/ntlmssp-gss/ntlmssp-gss.conf" ] ||
	fail "/etc/gss/mech.d/ntlmssp-gss.conf is not the symlink to the shipped line: $link"
if dpkg-deb -I "$gdeb" conffiles >/dev/null 2>&1; then fail "ntlmssp-gss has conffiles"; fi
line=$(dpkg-deb --fsys-tarfile "$gdeb" | tar -xOf - ./usr/share/ntlmssp-gss/ntlmssp-gss.conf |
	grep -v '^#' | awk 'NF {print $1, $2, $3}')
[ "$line" = "ntlmssp_v1 1.3.6.1.4.1.311.2.2.10 /usr/lib/$triplet/ntlmssp/ntlmssp_gss.so" ] ||
	fail "ntlmssp-gss's mech.d line: $line"
[ "$(dpkg-deb -f "$gdeb" Conflicts)" = gss-ntlmssp ] || fail "ntlmssp-gss does not conflict with gss-ntlmssp"
if grep -q libntlmssp0 <<<"$(dpkg-deb -f "$gdeb" Depends)"; then fail "ntlmssp-gss depends on libntlmssp0"; fi
grep -q libgssapi-krb5-2 <<<"$(dpkg-deb -f "$gdeb" Depends)" || fail "ntlmssp-gss does not depend on libgssapi-krb5-2"
echo "deb_packages: ok"
