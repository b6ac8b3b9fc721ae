#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The source checks themselves can fail: each is run on a small copy of the tree
# holding one planted fault, and must reject it (and accept the clean copy).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

mk() { # a throwaway repository with the scripts, the format file and one C file per folder
	rm -rf "$tmp/r" && mkdir -p "$tmp/r/scripts" "$tmp/r/src/context" "$tmp/r/src/auth" "$tmp/r/src/policy"
	cp "$top"/scripts/check-src.sh "$top"/scripts/check-format.sh "$tmp/r/scripts/"
	cp "$top/.clang-format" "$tmp/r/"
	printf '/* SPDX-License-Identifier: MIT */\nint f(void)\n{\n\treturn 0;\n}\n' >"$tmp/r/src/context/a.c"
	git -C "$tmp/r" init -q && git -C "$tmp/r" add -A
}
run() { (cd "$tmp/r" && git add -A && bash "scripts/$1" >"$tmp/out" 2>&1); }

mk
run check-src.sh && ok "check-src accepts a clean tree" || { bad "check-src rejects a clean tree"; cat "$tmp/out"; }
run check-format.sh && ok "check-format accepts a formatted file" || { bad "check-format rejects a formatted file"; cat "$tmp/out"; }

# A secret compared with memcmp in the state machines' folder.
mk
printf '/* SPDX-License-Identifier: MIT */\n#include <string.h>\nint g(const char *a, const char *b)\n{\n\treturn memcmp(a, b, 16);\n}\n' >"$tmp/r/src/context/b.c"
if run check-src.sh; then bad "check-src accepts memcmp in src/context"; else
	grep -q 'non-constant-time compare in src/context' "$tmp/out" && grep -q 'b.c:5' "$tmp/out" &&
		ok "check-src rejects memcmp in src/context, naming file:line" || { bad "wrong message"; cat "$tmp/out"; }
fi
# The same compare, declared public on the line before, passes.
sed -i 's|\treturn memcmp|\t/* public: test */\n\treturn memcmp|' "$tmp/r/src/context/b.c"
run check-src.sh && ok "a compare marked public passes" || { bad "a marked compare is rejected"; cat "$tmp/out"; }
# strcmp in auth/ is caught too; policy/ (names only) is not guarded.
mk
printf '/* SPDX-License-Identifier: MIT */\n#include <string.h>\nint h(const char *a, const char *b)\n{\n\treturn strcmp(a, b);\n}\n' >"$tmp/r/src/auth/c.c"
run check-src.sh && bad "check-src accepts strcmp in src/auth" || ok "check-src rejects strcmp in src/auth"
mk
printf '/* SPDX-License-Identifier: MIT */\n#include <string.h>\nint h(const char *a, const char *b)\n{\n\treturn strcmp(a, b);\n}\n' >"$tmp/r/src/policy/d.c"
run check-src.sh && ok "policy/ compares names freely" || { bad "policy/ is guarded"; cat "$tmp/out"; }

# A banned function, a missing licence line, a badly formatted file.
mk
printf '/* SPDX-License-Identifier: MIT */\n#include <stdlib.h>\nint k(const char *s)\n{\n\treturn atoi(s);\n}\n' >"$tmp/r/src/policy/e.c"
run check-src.sh && bad "check-src accepts atoi" || ok "check-src rejects atoi"
mk
printf 'int m(void)\n{\n\treturn 1;\n}\n' >"$tmp/r/src/policy/f.c"
if run check-src.sh; then bad "check-src accepts a file without SPDX"; else
	grep -q 'src/policy/f.c' "$tmp/out" && ok "check-src names the file without an SPDX line" || { bad "wrong message"; cat "$tmp/out"; }
fi
mk
printf '/* SPDX-License-Identifier: MIT */\nint n(void) { return 1; }\n' >"$tmp/r/src/policy/g.c"
if run check-format.sh; then bad "check-format accepts a one-line function"; else
	grep -q 'src/policy/g.c' "$tmp/out" && ok "check-format names the unformatted file" || { bad "wrong message"; cat "$tmp/out"; }
fi
# A document pointing outside the repository.
mk
mkdir -p "$tmp/r/docs" && printf 'See ../%s/reference/x.md for the facts.\n' shared >"$tmp/r/docs/p.md"
if run check-src.sh; then bad "check-src accepts a pointer outside the repository"; else
	grep -q 'docs/p.md:1' "$tmp/out" && ok "check-src rejects a pointer outside the repository, naming file:line" || { bad "wrong message"; cat "$tmp/out"; }
fi
exit $fail
