#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks each layer's #include lines against the layer table of
# docs/architecture.md: a layer may include only the layers listed for it, and
# every folder of src/ has a row.
set -u
cd "$(dirname "$0")/.."

# layer -> allowed project includes (besides its own folder, internal.h and ntlmssp.h),
# read from the layer table of docs/architecture.md (the one place it is written):
# | layer | `src/layer/` | a, b (a note), c | what it owns |
declare -A allow=()
while IFS='|' read -r _ layer folder may _; do
	layer=$(tr -d ' ' <<<"$layer")
	[[ $folder =~ \`src/([a-z]+)/\` ]] || continue
	[ "${BASH_REMATCH[1]}" = "$layer" ] || { echo "check-layers: docs/architecture.md: row $layer names $folder"; exit 1; }
	may=$(sed -E 's/\([^)]*\)//g; s/—//g; s/,/ /g' <<<"$may")
	allow[$layer]=$(echo $may)
done < <(grep -E '^\| [a-z]+ \| `src/' docs/architecture.md)
[ ${#allow[@]} -gt 0 ] || { echo "check-layers: no layer table in docs/architecture.md"; exit 1; }
for layer in "${!allow[@]}"; do
	[ -d "src/$layer" ] || { echo "check-layers: docs/architecture.md lists src/$layer, which does not exist"; exit 1; }
done
fail=0
for dir in src/*/; do
	layer=$(basename "$dir")
	if [ -z "${allow[$layer]+x}" ]; then
		echo "check-layers: src/$layer is not in the layer table of docs/architecture.md"; fail=1; continue
	fi
	while IFS= read -r line; do
		file=${line%%:*}
		inc=$(sed -E 's/.*#include[[:space:]]*"([^"]+)".*/\1/' <<<"$line")
		case "$inc" in
		internal.h | ntlmssp.h | ntlmssp/*) continue ;;
		esac
		target=${inc%%/*}
		[ "$target" = "$layer" ] && continue
		ok=0
		for a in ${allow[$layer]}; do [ "$a" = "$target" ] && ok=1; done
		if [ $ok -eq 0 ]; then
			echo "check-layers: $file includes \"$inc\": $layer may not use $target"
			fail=1
		fi
	done < <(grep -Hn '#include[[:space:]]*"' "$dir"*.c "$dir"*.h 2>/dev/null)
done

# Third-party libraries stay in their one layer.
bad=$(grep -ln '#include[[:space:]]*<nettle/' src tools tests -r 2>/dev/null | grep -v '^src/crypto/')
[ -n "$bad" ] && { echo "check-layers: nettle included outside src/crypto: $bad"; fail=1; }
bad=$(grep -lEn '#include[[:space:]]*<(unistr|unicase|uniconv|iconv)\.h>' src tools -r 2>/dev/null | grep -v '^src/text/')
[ -n "$bad" ] && { echo "check-layers: libunistring/iconv included outside src/text: $bad"; fail=1; }

bad=$(grep -ln '#include[[:space:]]*<wbclient\.h>' src tools http -r 2>/dev/null | grep -v '^src/accounts/')
[ -n "$bad" ] && { echo "check-layers: libwbclient included outside src/accounts: $bad"; fail=1; }

# Front ends see only the public headers.
for fe in tools gss gssapi http; do
	[ -d "$fe" ] || continue
	bad=$(grep -rHn '#include[[:space:]]*"' "$fe" | grep -vE '"(ntlmssp\.h|ntlmssp/unstable\.h|[a-z_]+\.h)"')
	bad2=$(grep -rHnE '#include[[:space:]]*[<"](bytes|crypto|text|wire|auth|session|policy|audit|accounts|context|api)/' "$fe")
	[ -n "$bad$bad2" ] && { echo "check-layers: $fe reaches into src/: $bad$bad2"; fail=1; }
done

[ $fail -eq 0 ] && echo "check-layers: ok"
exit $fail
