#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The winbind verifier (src/accounts/winbind.c) against the real domain:
# through the member's winbindd and through the DC's own, every account's
# verdict, the session key, canonical names and SIDs (tests/domain/
# test_winbind.c); and with no winbindd reachable, a clear failure.
set -u
source "$(dirname "$0")/lib.bash"

bin=$BUILD/test_winbind
[ -x "$bin" ] || { fail "$bin not built (libwbclient-dev missing?)"; finish; exit; }

out=$(wb_member "$bin" member 2>&1)
rc=$?
eq "test_winbind member exit" 0 "$rc"
[ $rc -eq 0 ] || echo "$out" >&2
out=$(wb_dc "$bin" dc 2>&1)
rc=$?
eq "test_winbind dc exit" 0 "$rc"
[ $rc -eq 0 ] || echo "$out" >&2
# No winbindd behind the compiled-in socket path: an empty directory there.
mkdir -p "$TMP/nowb"
out=$(unshare --mount sh -c 'mount --bind "$0" /run/samba/winbindd && exec "$@"' \
	"$TMP/nowb" "$bin" down 2>&1)
rc=$?
eq "test_winbind down exit" 0 "$rc"
[ $rc -eq 0 ] || echo "$out" >&2
finish
