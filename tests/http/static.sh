#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm httpd --root: files with their Content-Type, index.html for a
# directory, and nothing outside the root: "..", encoded dots and slashes,
# dot files and symbolic links are refused; unauthenticated requests get 401.
set -u
source "$(dirname "$0")/lib.bash"

R=$TMP/www
mkdir -p "$R/sub" "$R/.git" "$TMP/outside"
echo '<h1>home</h1>' >"$R/index.html"
echo 'plain text' >"$R/a.txt"
echo 'body{}' >"$R/sub/style.css"
echo '{"k":1}' >"$R/sub/data.json"
printf '\x89PNG' >"$R/sub/pic.png"
echo 'no extension' >"$R/sub/README"
echo 'secret' >"$R/.htpasswd"
echo 'git' >"$R/.git/config"
echo 'TOP-SECRET-OUTSIDE' >"$TMP/outside/secret.txt"
ln -s "$TMP/outside/secret.txt" "$R/link.txt"
ln -s "$TMP/outside" "$R/linkdir"
mkdir "$R/empty"

start_server static --profile cis --root "$R"

get() { # get PATH [curl args]: "CODE CONTENT-TYPE" then the body
	local p=$1
	shift
	curl_ntlm 'DEMO\demo:'"$DEMO_PW" --path-as-is -w '\n%{http_code} %{content_type}' "$@" \
		"$BASE$p"
}
last() { tail -n1 <<<"$1"; }

out=$(get /a.txt)
eq "a.txt" "200 text/plain; charset=utf-8" "$(last "$out")"
contains "a.txt body" "plain text" "$out"
out=$(get /)
eq "index.html for /" "200 text/html; charset=utf-8" "$(last "$out")"
contains "index body" "<h1>home</h1>" "$out"
eq "sub/style.css" "200 text/css; charset=utf-8" "$(last "$(get /sub/style.css)")"
eq "sub/data.json" "200 application/json" "$(last "$(get /sub/data.json)")"
eq "sub/pic.png" "200 image/png" "$(last "$(get /sub/pic.png)")"
eq "no extension" "200 application/octet-stream" "$(last "$(get /sub/README)")"
eq "percent-encoded name" "200 text/plain; charset=utf-8" "$(last "$(get /%61.txt)")"
eq "query ignored" "200 text/plain; charset=utf-8" "$(last "$(get '/a.txt?x=../../etc')")"
eq "missing file" 404 "$(last "$(get /nope.txt)" | cut -d' ' -f1)"
eq "directory without index" 403 "$(last "$(get /empty/)" | cut -d' ' -f1)"

# Traversal, every way round: never the file outside, never 200.
for p in /../outside/secret.txt /sub/../../outside/secret.txt /%2e%2e/outside/secret.txt \
	/%2E%2E/outside/secret.txt /sub/..%2f..%2foutside%2fsecret.txt /..%5coutside/secret.txt \
	/./a.txt /.htpasswd /.git/config /sub/%2e/data.json /a.txt%00.html /%00 \
	/link.txt /linkdir/secret.txt '/sub//..//../outside/secret.txt'; do
	out=$(get "$p")
	code=$(last "$out" | cut -d' ' -f1)
	CHECKS=$((CHECKS + 1))
	case "$code" in
	400 | 403 | 404) ;;
	*) fail "traversal $p: status $code" ;;
	esac
	lacks "traversal $p: no secret" TOP-SECRET-OUTSIDE "$out"
	lacks "traversal $p: no dot file" secret "$(head -n -1 <<<"$out" | grep -v forbidden)"
done

# Unauthenticated: 401, no file.
out=$(curl -sS --max-time 60 -w '\n%{http_code}' "$BASE/a.txt")
eq "unauthenticated" 401 "$(last "$out")"
lacks "unauthenticated: no file" "plain text" "$out"

# Methods other than GET and HEAD: 405.
eq "POST to a file" 405 "$(last "$(get /a.txt -d x)" | cut -d' ' -f1)"
server_alive "after the traversal attempts"

# Small files are served from memory, the path walked again at most once a
# second: a change is served once that second is over, and what was
# renamed away or replaced by a link is no longer served then.
ms() { echo $(($(date +%s%N) / 1000000)); }
echo 'version one' >"$R/c.txt"
contains "cached file" "version one" "$(get /c.txt)"
echo 'version two, longer' >"$R/c.txt"
sleep 1.2
contains "changed file served changed after the re-check" "version two, longer" "$(get /c.txt)"
echo 'version 3, longer!!' >"$R/c.txt" # the same size: the times tell
sleep 1.2
t0=$(ms)
contains "same-size change served after the re-check" "version 3, longer!!" "$(get /c.txt)"
mv "$R/c.txt" "$TMP/c.moved"
out=$(get /c.txt)
if [ $(($(ms) - t0)) -lt 800 ]; then
	# within the second: from memory, without a system call (no walk)
	eq "renamed away within the second: kept content" "200 text/plain; charset=utf-8" \
		"$(last "$out")"
	contains "kept content" "version 3, longer!!" "$out"
else
	echo "note: the machine is too slow to check the kept content within a second"
fi
sleep 1.2
eq "renamed away: 404 after the re-check" 404 "$(last "$(get /c.txt)" | cut -d' ' -f1)"
ln -s "$TMP/outside/secret.txt" "$R/c.txt"
out=$(get /c.txt)
eq "replaced by a link: 403" 403 "$(last "$out" | cut -d' ' -f1)"
lacks "replaced by a link: no secret" TOP-SECRET-OUTSIDE "$out"
rm "$R/c.txt"
echo 'small' >"$R/d.txt"
contains "kept file" "small" "$(get /d.txt)"
rm "$R/d.txt"
ln -s "$TMP/outside/secret.txt" "$R/d.txt"
sleep 1.2
out=$(get /d.txt)
eq "kept file replaced by a link: 403 after the re-check" 403 "$(last "$out" | cut -d' ' -f1)"
lacks "kept file replaced by a link: no secret" TOP-SECRET-OUTSIDE "$out"
head -c 70000 /dev/zero | tr '\0' x >"$R/big.txt"
eq "a file over the kept size: sent whole" 70000 "$(get /big.txt | head -n 1 | tr -d '\n' | wc -c)"
eq "HEAD of a kept file" "200 text/plain; charset=utf-8" "$(last "$(get /a.txt -I -o /dev/null)")"
server_alive "after the kept files"

finish
