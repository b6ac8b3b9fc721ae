#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Banned functions (curl checksrc / s2n grep_simple_mistakes style).
set -u
cd "$(dirname "$0")/.."
fail=0
hits=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|rand|srand|strtok|alloca)[[:space:]]*\(' \
	src tools 2>/dev/null | grep -vE '^\S+:[0-9]+:\s*(\*|//)')
[ -n "$hits" ] && { echo "check-src: banned function:"; echo "$hits"; fail=1; }
# Secrets are compared in constant time: no memcmp/strcmp in auth/ or session/.
hits=$(grep -rnE '\b(memcmp|strcmp|strncmp|bcmp)[[:space:]]*\(' src/auth src/session 2>/dev/null)
[ -n "$hits" ] && { echo "check-src: non-constant-time compare in auth/ or session/:"; echo "$hits"; fail=1; }
# No machine-specific paths in the repository.
hits=$(git ls-files -z 2>/dev/null | xargs -0 grep -lE '/(home|root|work)/[A-Za-z]' 2>/dev/null |
	grep -vE '^(scripts/check-src\.sh)$')
[ -n "$hits" ] && { echo "check-src: machine-specific path in:"; echo "$hits"; fail=1; }
# Every source file carries the licence (MIT, LICENSE) as an SPDX line near its top.
hits=$(git ls-files -z --cached --others --exclude-standard -- '*.c' '*.h' '*.sh' '*.py' '*.bash' \
	CMakeLists.txt Makefile 2>/dev/null | xargs -0 -r grep -L -m1 'SPDX-License-Identifier: MIT' 2>/dev/null)
[ -n "$hits" ] && { echo "check-src: no SPDX-License-Identifier line in:"; echo "$hits"; fail=1; }
[ $fail -eq 0 ] && echo "check-src: ok"
exit $fail
