#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Banned functions (curl checksrc / s2n grep_simple_mistakes style).
set -u
cd "$(dirname "$0")/.."
fail=0
hits=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|rand|srand|strtok|alloca)[[:space:]]*\(' \
	src tools 2>/dev/null | grep -vE '^\S+:[0-9]+:\s*(\*|//)')
[ -n "$hits" ] && { echo "check-src: banned function:"; echo "$hits"; fail=1; }
# Secrets are compared in constant time (ntlm_crypto_ct_eq*). Every folder that holds or
# compares secrets (hashes, responses, NTProofStr, MIC, channel-binding hash, signatures,
# keys) is guarded: no memcmp/strcmp/strncmp/bcmp there, except on a line that says why the
# bytes are public with a `/* public: ... */` comment on that line or the one before. The state machines (context/) compare
# the NTProofStr, the MIC and the channel bindings; accounts/ holds the NT hashes; the public
# API glue and the GSSAPI front end handle tokens and keys.
secret_dirs="src/crypto src/auth src/session src/context src/accounts src/api gss"
for d in $secret_dirs; do
	[ -d "$d" ] || continue
	h=$(find "$d" -name '*.[ch]' -print0 | xargs -0 -r awk '
		FNR == 1 { prev = "" }
		/(^|[^A-Za-z0-9_])(memcmp|strcmp|strncmp|strcasecmp|bcmp)[ \t]*\(/ &&
		    $0 !~ /\/\* public: / && prev !~ /\/\* public: / { print FILENAME ":" FNR ": " $0 }
		{ prev = $0 }')
	[ -n "$h" ] && { echo "check-src: non-constant-time compare in $d (use ntlm_crypto_ct_eq*, or mark a public compare /* public: why */):"; echo "$h"; fail=1; }
done
# No machine-specific paths in the repository.
hits=$(git ls-files -z 2>/dev/null | xargs -0 grep -lE '/(home|root|work)/[A-Za-z]' 2>/dev/null |
	grep -vE '^(scripts/check-src\.sh)$')
[ -n "$hits" ] && { echo "check-src: machine-specific path in:"; echo "$hits"; fail=1; }
# The repository points at nothing outside itself: no "../" path out of the tree to a
# design or reference folder its users do not have (what it relies on is said in docs/).
hits=$(git ls-files -z 2>/dev/null | xargs -0 grep -nE '\.\./(\.\./)*s[h]ared(/|\b)' 2>/dev/null)
[ -n "$hits" ] && { echo "check-src: a path outside the repository:"; echo "$hits"; fail=1; }
# Every source file carries the licence (MIT, LICENSE) as an SPDX line near its top.
hits=$(git ls-files -z --cached --others --exclude-standard -- '*.c' '*.h' '*.sh' '*.py' '*.bash' \
	CMakeLists.txt Makefile 2>/dev/null | xargs -0 -r grep -L -m1 'SPDX-License-Identifier: MIT' 2>/dev/null)
[ -n "$hits" ] && { echo "check-src: no SPDX-License-Identifier line in:"; echo "$hits"; fail=1; }
[ $fail -eq 0 ] && echo "check-src: ok"
exit $fail
