#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs the build tree into a DESTDIR staging tree, then checks one thing:
#   files       every file a package needs is there (soname, version node, ...)
#   pkgconfig   consumer.c built with `pkg-config --cflags --libs ntlmssp` runs
#   static      the same against libntlmssp.a (pkg-config --static)
#   cmake       the same with find_package(ntlmssp) and ntlmssp::ntlmssp
#   tool_links  the installed `ntlm` links neither libcurl nor libmicrohttpd
#               (the installed ntlm-httpd does, and `ntlm httpd` runs it)
#   gss         the GSSAPI mechanism: LIBDIR/ntlmssp/ntlmssp_gss.so (self-
#               contained, gss_* exports only) and its mech.d file naming it;
#               python-gssapi loads the staged module through that file
#               (GSS_MECH_CONFIG; its path moved into the staging tree) and
#               runs a handshake, wrap/unwrap and MICs
#               (tests/gss/python_gssapi.py)
# usage: staged.sh STEP BUILD_DIR CMAKE CC EXPECT_SPLIT
# Exit 0 pass, 1 fail, 77 skip (tool_links while the HTTP server is still
# built into `ntlm`, EXPECT_SPLIT=0).
set -euo pipefail
step=$1 build=$2 cmake=$3 cc=$4 expect_split=${5:-0}
here=$(cd "$(dirname "$0")" && pwd)

fail() {
	echo "FAIL install_$step: $*" >&2
	exit 1
}

# A sanitized build (NTLM_SANITIZE, `make test`'s second pass) makes a library
# that only a sanitized program can load or link: the steps that build or run
# a program of their own against it belong to the plain build's pass.
if grep -q '^NTLM_SANITIZE:BOOL=ON$' "$build/CMakeCache.txt" 2>/dev/null; then
	case $step in pkgconfig | static | cmake | gss)
		echo "SKIP install_$step: a sanitized build (the plain build runs this step)"
		exit 77
		;;
	esac
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/stage
DESTDIR=$stage "$cmake" --install "$build" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log" >&2; fail "cmake --install"; }

cache() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
prefix=$(cache CMAKE_INSTALL_PREFIX)
libdir=$(cache CMAKE_INSTALL_LIBDIR)
[ -n "$libdir" ] || libdir=lib
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
version=$(sed -n 's/^#define NTLMSSP_VERSION "\(.*\)"$/\1/p' "$here/../../include/ntlmssp.h")
[ -n "$version" ] || fail "no NTLMSSP_VERSION in include/ntlmssp.h"
L=$stage$libdir

# consumer BINARY: runs it against the staged library and checks its line.
run_consumer() {
	local out
	out=$(LD_LIBRARY_PATH=$L "$1") || fail "$1 failed: $out"
	[ "$out" = "ntlmssp $version: INSTALL\\alice NTLMv2 128-bit sealed" ] ||
		fail "unexpected output: $out"
	echo "install_$step: $out"
}

case $step in
files)
	for f in "$libdir/libntlmssp.so.$version" "$libdir/libntlmssp.so.0" \
		"$libdir/libntlmssp.so" "$libdir/libntlmssp.a" \
		"$prefix/include/ntlmssp.h" "$prefix/include/ntlmssp/unstable.h" \
		"$libdir/pkgconfig/ntlmssp.pc" "$libdir/cmake/ntlmssp/ntlmsspConfig.cmake" \
		"$libdir/cmake/ntlmssp/ntlmsspConfigVersion.cmake" \
		"$libdir/cmake/ntlmssp/ntlmsspTargets.cmake" "$prefix/bin/ntlm" \
		"$prefix/share/doc/ntlmssp/README.md" "$prefix/share/doc/ntlmssp/licenses.md" \
		"$prefix/share/man/man1/ntlm.1" "$prefix/share/man/man3/ntlmssp.3" \
		"$prefix/share/man/man5/ntlmssp.conf.5" "$prefix/share/man/man8/ntlm-httpd.8"; do
		[ -e "$stage$f" ] || fail "missing $f"
	done
	conf=$(find "$stage" -path '*/ntlmssp/ntlmssp.conf' | head -1)
	[ -n "$conf" ] || fail "no ntlmssp/ntlmssp.conf installed"
	[ "$(readlink "$stage$libdir/libntlmssp.so.0")" = "libntlmssp.so.$version" ] ||
		fail "libntlmssp.so.0 does not point at libntlmssp.so.$version"
	soname=$(readelf -d "$stage$libdir/libntlmssp.so.$version" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
	[ "$soname" = "libntlmssp.so.0" ] || fail "soname is '$soname'"
	# every exported symbol is an ntlm_* one in the NTLMSSP_0 version node
	bad=$(nm -D --defined-only "$stage$libdir/libntlmssp.so.$version" |
		awk '$2 ~ /[TDBR]/ {print $3}' | grep -vE '^(ntlm_[a-z0-9_]+@@NTLMSSP_0|NTLMSSP_0@@NTLMSSP_0)$' || true)
	[ -z "$bad" ] || fail "exported outside ntlm_*@@NTLMSSP_0: $bad"
	# the installed tool runs from the staged tree and finds its library
	out=$(LD_LIBRARY_PATH=$L "$stage$prefix/bin/ntlm" --version) || fail "ntlm --version"
	[ "$out" = "ntlm (ntlmssp) $version" ] || fail "ntlm --version says '$out'"
	if [ "$expect_split" = 1 ]; then
		out=$(LD_LIBRARY_PATH=$L "$stage$prefix/sbin/ntlm-httpd" --version) ||
			fail "ntlm-httpd --version"
		[ "$out" = "ntlm-httpd (ntlmssp) $version" ] || fail "ntlm-httpd --version says '$out'"
	fi
	# nothing points back into the build tree: no text file names it, no
	# binary has an RPATH/RUNPATH (debug info may name it: not a path used)
	if grep -rlIF "$build" "$stage" >/dev/null 2>&1; then
		fail "installed files mention the build tree: $(grep -rlIF "$build" "$stage" | head -3)"
	fi
	for b in "$stage$libdir/libntlmssp.so.$version" "$stage$prefix/"{bin,sbin}/*; do
		[ -e "$b" ] || continue
		if grep -qE 'R(UN)?PATH' <<<"$(readelf -d "$b")"; then fail "$b has an RPATH"; fi
	done
	# an edited configuration file is never overwritten
	echo "# edited" >>"$conf"
	DESTDIR=$stage "$cmake" --install "$build" >"$tmp/install2.log" 2>&1 || fail "reinstall"
	grep -qx '# edited' <<<"$(tail -1 "$conf")" || fail "reinstall overwrote the edited $conf"
	[ -f "$conf.dist" ] || fail "reinstall did not put the shipped file at $conf.dist"
	echo "install_files: $(find "$stage" -type f | wc -l) files, soname $soname"
	;;
pkgconfig)
	export PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_LIBDIR=$L/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/lib/pkgconfig:/usr/share/pkgconfig
	[ "$(pkg-config --modversion ntlmssp)" = "$version" ] || fail "pkg-config --modversion"
	flags=$(pkg-config --cflags --libs ntlmssp) || fail "pkg-config --cflags --libs"
	echo "install_pkgconfig: cc consumer.c $flags"
	# shellcheck disable=SC2086
	"$cc" -std=c11 -Wall -Wextra -Werror -o "$tmp/consumer" "$here/consumer.c" $flags ||
		fail "compile with pkg-config flags"
	deps=$(LD_LIBRARY_PATH=$L ldd "$tmp/consumer")
	grep -q "libntlmssp.so.0 => $L/" <<<"$deps" ||
		fail "consumer does not load the staged libntlmssp.so.0: $deps"
	run_consumer "$tmp/consumer"
	;;
static)
	export PKG_CONFIG_SYSROOT_DIR=$stage PKG_CONFIG_LIBDIR=$L/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/lib/pkgconfig:/usr/share/pkgconfig
	cflags=$(pkg-config --cflags ntlmssp)
	libs=$(pkg-config --static --libs ntlmssp | sed 's/-lntlmssp\b//')
	# shellcheck disable=SC2086
	"$cc" -std=c11 -Wall -Wextra -Werror -o "$tmp/consumer" "$here/consumer.c" $cflags \
		"$L/libntlmssp.a" $libs || fail "compile against libntlmssp.a"
	if grep -q libntlmssp <<<"$(ldd "$tmp/consumer")"; then fail "static consumer loads libntlmssp"; fi
	run_consumer "$tmp/consumer"
	;;
cmake)
	"$cmake" -S "$here/cmake_consumer" -B "$tmp/b" -DCMAKE_C_COMPILER="$cc" \
		-DCMAKE_PREFIX_PATH="$stage$prefix" >"$tmp/cfg.log" 2>&1 ||
		{ cat "$tmp/cfg.log" >&2; fail "find_package(ntlmssp) project does not configure"; }
	grep -q "$stage" "$tmp/b/CMakeCache.txt" || fail "ntlmssp_DIR is not in the staging tree"
	"$cmake" --build "$tmp/b" >"$tmp/build.log" 2>&1 ||
		{ cat "$tmp/build.log" >&2; fail "find_package(ntlmssp) project does not build"; }
	run_consumer "$tmp/b/consumer"
	;;
tool_links)
	libs=$(LD_LIBRARY_PATH=$L ldd "$stage$prefix/bin/ntlm") || fail "ldd ntlm"
	heavy=$(grep -oE 'lib(curl|microhttpd)[^ ]*' <<<"$libs" | sort -u | tr '\n' ' ' || true)
	echo "install_tool_links: ntlm loads $(wc -l <<<"$libs") libraries${heavy:+ (incl. $heavy)}"
	if [ -n "$heavy" ]; then
		if [ "$expect_split" = 0 ]; then
			echo "SKIP: the HTTP server is still built into ntlm (no ntlm-httpd target yet)"
			exit 77
		fi
		fail "ntlm links $heavy"
	fi
	if [ "$expect_split" = 1 ]; then
		grep -q libmicrohttpd <<<"$(LD_LIBRARY_PATH=$L ldd "$stage$prefix/sbin/ntlm-httpd")" ||
			fail "the installed ntlm-httpd does not link libmicrohttpd"
	fi
	;;
gss)
	mechdir=$(cache NTLM_GSS_MECHDIR)
	mod=$libdir/ntlmssp/ntlmssp_gss.so
	mech=$stage$mechdir/ntlmssp-gss.conf
	[ -f "$stage$mod" ] || fail "missing $mod"
	[ -f "$mech" ] || fail "missing $mechdir/ntlmssp-gss.conf"
	line=$(grep -v '^#' "$mech" | awk 'NF {print $1, $2, $3}')
	[ "$line" = "ntlmssp_v1 1.3.6.1.4.1.311.2.2.10 $mod" ] ||
		fail "$mechdir/ntlmssp-gss.conf says '$line'"
	if grep -q libntlmssp <<<"$(ldd "$stage$mod")"; then fail "the module loads libntlmssp.so"; fi
	bad=$(nm -D --defined-only "$stage$mod" | awk '$2 ~ /[TDBR]/ {print $3}' |
		grep -vE '^(gss_|gssspi_)' || true)
	[ -z "$bad" ] || fail "the module exports more than gss_*/gssspi_*: $bad"
	echo "install_gss: $mod, $mechdir/ntlmssp-gss.conf: $line"
	[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import gssapi' 2>/dev/null ||
		{ echo "SKIP: python3-gssapi is not installed"; exit 77; }
	sed -i "s|$mod|$stage$mod|" "$mech"
	NTLM_GSS_MECH_CONFIG=$mech PYTHONDONTWRITEBYTECODE=1 \
		/usr/bin/python3 "$here/../gss/python_gssapi.py" "$build" || fail "python_gssapi.py"
	;;
*) fail "unknown step '$step'" ;;
esac
