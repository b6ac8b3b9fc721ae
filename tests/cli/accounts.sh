#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm accounts: add / list / remove round trips, what the file holds (the
# NT hash `ntlm hash` gives, mode 0600, other lines kept), duplicates and
# absent entries, malformed files and names, the terminal path (prompt twice,
# no echo, mismatch), and 20 concurrent writers that all get in.
set -u
source "$(dirname "$0")/lib.bash"

F=$TMP/accounts
hash_of() { printf '%s' "$1" | "$NTLM" hash; }
md5() { md5sum "$1" | cut -d' ' -f1; }
# add PASSWORD NAME [OPTIONS...]: ntlm accounts add with the password on stdin.
add() {
	local pw=$1 name=$2
	shift 2
	IN="$pw"$'\n' run accounts add --file "$F" "$@" "$name"
}

# ---- help ------------------------------------------------------------------
for args in "accounts --help" "accounts -h" "help accounts" "accounts add --help" \
	"accounts list --help"; do
	IN= run $args
	expect_ok "ntlm $args"
	grep -q '^usage: ntlm accounts add --file FILE' <<<"$OUT" || fail "ntlm $args: $OUT"
done

# expect_outcome NAME STDERR_REGEX: exit 1, an outcome ("already there", "no
# entry"), not a usage error, and one line on stderr matching.
expect_outcome() {
	CHECKS=$((CHECKS + 1))
	[ "$RC" -eq 1 ] || { fail "$1: exit $RC, want 1; stderr: $ERR"; return; }
	grep -Eq -- "$2" <<<"$ERR" || fail "$1: stderr does not match '$2': $ERR"
	[ "$(wc -l <<<"$ERR")" -eq 1 ] || fail "$1: more than one line on stderr: $ERR"
}

# ---- add, list, remove -----------------------------------------------------
add Password 'CORP\alice'
expect_ok "add CORP\\alice"
has_line "add says what it did" 'added CORP\alice'
eq "file mode" 600 "$(stat -c %a "$F")"
eq "the line holds the NT hash of the password" "CORP:alice:$(hash_of Password)" "$(cat "$F")"
eq "a4f49c40... is the NT hash of Password" a4f49c406510bdcab6824ee7c30fd852 "$(hash_of Password)"

add 'Zoë s3cret' bob
expect_ok "add USER alone"
add 'p@ss' '\carol'
expect_ok "add \\USER"
add 'x' 'alice@corp.example'
expect_ok "add a UPN-style name"
grep -Fxq ":bob:$(hash_of 'Zoë s3cret')" "$F" || fail "bob's line: $(cat "$F")"
grep -Fxq ":carol:$(hash_of 'p@ss')" "$F" || fail "carol's line: $(cat "$F")"
grep -Fxq ":alice@corp.example:$(hash_of x)" "$F" || fail "UPN line: $(cat "$F")"

run accounts list --file "$F"
expect_ok "list"
eq "list" $'CORP\\alice\nbob\ncarol\nalice@corp.example' "$OUT"
run accounts list --file "$F" --json
expect_ok "list --json"
eq "list --json" '{"count": 4, "accounts": [{"name": "CORP\\alice", "domain": "CORP", "user": "alice"}, {"name": "bob", "domain": "", "user": "bob"}, {"name": "carol", "domain": "", "user": "carol"}, {"name": "alice@corp.example", "domain": "", "user": "alice@corp.example"}]}' "$OUT"
/usr/bin/python3 -c 'import json, sys; d = json.loads(sys.argv[1]); assert d["count"] == len(d["accounts"]) == 4' "$OUT" ||
	fail "list --json is not the JSON it should be: $OUT"
IN= run accounts add --file "$F" --json dave
expect_usage "--json only with list" "--json goes with list"
for h in $(cut -d: -f3 "$F"); do
	CHECKS=$((CHECKS + 1))
	grep -qi "$h" <<<"$OUT$ERR" && fail "list printed a hash: $OUT"
done

# Duplicates compare as lookups do (case-insensitively); the file is untouched.
sum=$(md5 "$F")
add other 'corp\ALICE'
expect_outcome "duplicate add" "^ntlm accounts: NTLM_E_INVALID_ARGUMENT: .*accounts:1: corp.ALICE is already there"
eq "one line of error" 1 "$(wc -l <<<"$ERR")"
eq "duplicate add leaves the file" "$sum" "$(md5 "$F")"
add other BOB
expect_outcome "duplicate any-domain add" "already there"
# --replace changes the hash in place.
add NewPassword 'CORP\alice' --replace
expect_ok "add --replace"
has_line "replace says so" 'set CORP\alice'
eq "replaced line stays first" "CORP:alice:$(hash_of NewPassword)" "$(head -1 "$F")"
eq "still 4 lines" 4 "$(wc -l <"$F")"

run accounts remove --file "$F" 'corp\Alice'
expect_ok "remove"
has_line "remove says so" 'removed corp\Alice'
grep -qi '^corp:alice:' "$F" && fail "alice still there: $(cat "$F")"
sum=$(md5 "$F")
run accounts remove --file "$F" 'CORP\alice'
expect_outcome "remove of an absent entry" "^ntlm accounts: NTLM_E_NO_SUCH_USER: .*accounts: no entry for CORP.alice$"
run accounts remove --file "$F" 'OTHER\bob'
expect_outcome "remove does not fall back to the any-domain entry" "no entry for OTHER.bob"
eq "failed removes leave the file" "$sum" "$(md5 "$F")"
run accounts remove --file "$F" --  bob
expect_ok "remove after --"
run accounts list --file "$F"
eq "list after removes" $'carol\nalice@corp.example' "$OUT"
eq "mode kept" 600 "$(stat -c %a "$F")"

# An existing file keeps its mode; comments, blank lines and CRLF are kept.
printf '# accounts for WEB01\r\n\r\nCORP:dave:%s\r\n' "$(hash_of d)" >"$F"
chmod 640 "$F"
add Password 'CORP\erin'
expect_ok "add to a CRLF file"
eq "mode 0640 kept" 640 "$(stat -c %a "$F")"
eq "lines kept, CRLF used" \
	"$(printf '# accounts for WEB01\r\n\r\nCORP:dave:%s\r\nCORP:erin:%s\r\n' "$(hash_of d)" "$(hash_of Password)" | od -c)" \
	"$(od -c <"$F")"
ls "$TMP" | grep -q '\.tmp\.' && fail "temporary file left: $(ls "$TMP")"

# ---- passwords ---------------------------------------------------------------
rm -f "$F"
IN= run accounts add --file "$F" 'CORP\x'
expect_usage "no password" "no password on stdin"
IN=$'\n' run accounts add --file "$F" 'CORP\x'
expect_usage "empty password" "password is empty"
printf 'pa\0ss\n' >"$TMP/nul"
run_file "$TMP/nul" accounts add --file "$F" 'CORP\x'
expect_usage "NUL in the password" "NUL"
head -c 2000 /dev/zero | tr '\0' a >"$TMP/long"
run_file "$TMP/long" accounts add --file "$F" 'CORP\x'
expect_usage "password too long" "longer than 1024"
IN=$'\xff\xfe\n' run accounts add --file "$F" 'CORP\x'
expect_usage "password not UTF-8" "NTLM_E_BAD_STRING"
IN=$'Password\r\nignored\n' run accounts add --file "$F" 'CORP\crlf'
expect_ok "CRLF password line"
eq "only the first line, CR dropped" "CORP:crlf:$(hash_of Password)" "$(cat "$F")"
IN=x run accounts add --file "$F" --password x 'CORP\y'
expect_usage "--password refused" "never from the command line"
grep -q 'CORP:y' "$F" && fail "--password added an entry"

# ---- the terminal path (a pty: prompt twice, echo off) -----------------------
cat >"$TMP/drive_pty.py" <<'EOF'
import os, pty, select, sys, time
pw1, pw2, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
out = b''
def wait_for(s):
    global out
    end = time.time() + 20
    while s not in out:
        r, _, _ = select.select([fd], [], [], max(0.0, end - time.time()))
        if not r:
            sys.stderr.write('timeout waiting for %r; got %r\n' % (s, out)); sys.exit(99)
        try:
            d = os.read(fd, 1024)
        except OSError:
            d = b''
        if not d:
            sys.stderr.write('EOF waiting for %r; got %r\n' % (s, out)); sys.exit(98)
        out += d
wait_for(b'Password: ')
os.write(fd, pw1.encode() + b'\n')
wait_for(b'Retype password: ')
os.write(fd, pw2.encode() + b'\n')
while True:
    try:
        d = os.read(fd, 1024)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode('utf-8', 'replace'))
sys.exit(os.WEXITSTATUS(st) if os.WIFEXITED(st) else 97)
EOF
if python3 -c 'import pty' 2>/dev/null; then
	rm -f "$F"
	OUT=$(python3 "$TMP/drive_pty.py" 'tty s3cret' 'tty s3cret' "$NTLM" accounts add --file "$F" 'CORP\tty' 2>&1)
	RC=$?
	ERR=$OUT
	expect_ok "terminal: the same password twice"
	grep -q 'added CORP\\tty' <<<"$OUT" || fail "terminal add: $OUT"
	CHECKS=$((CHECKS + 1))
	grep -q 's3cret' <<<"$OUT" && fail "the password was echoed: $OUT"
	eq "terminal: stored hash" "CORP:tty:$(hash_of 'tty s3cret')" "$(cat "$F")"
	sum=$(md5 "$F")
	OUT=$(python3 "$TMP/drive_pty.py" 'one' 'two' "$NTLM" accounts add --file "$F" 'CORP\mismatch' 2>&1)
	RC=$?
	ERR=$OUT
	expect_usage "terminal: passwords differ" "the passwords do not match"
	eq "mismatch leaves the file" "$sum" "$(md5 "$F")"
else
	echo "SKIP: python3 pty module not available: terminal path not tested" >&2
fi

# ---- names --------------------------------------------------------------------
rm -f "$F"
long=$(head -c 128 /dev/zero | tr '\0' u)
while IFS='|' read -r name want; do
	IN=$'pw\n' run accounts add --file "$F" "$name"
	expect_usage "bad name '$name'" "$want"
	eq "bad name '$name': one line" 1 "$(wc -l <<<"$ERR" | tr -d ' ')"
done <<EOF
A\\B\\C|more than one '\\\\'
CORP\\|has no user name
\\|has no user name
|has no user name
CORP:X\\y|NTLM_E_INVALID_ARGUMENT: domain name contains ':'
CORP\\a:b|user name contains ':'
CORP\\ alice|starts or ends with a space
#CORP\\alice|starts with '#'
CORP\\$long|user name longer than 127 bytes
EOF
IN=$'pw\n' run accounts add --file "$F" $'CORP\\al\x01ice'
expect_usage "control character" "control character in the user name"
IN=$'pw\n' run accounts add --file "$F" $'CORP\\al\xffice'
expect_usage "invalid UTF-8 name" "not valid UTF-8"
[ -e "$F" ] && fail "a refused name created the file"

# ---- malformed files ------------------------------------------------------------
printf 'CORP:alice:%s\n# ok\nCORP:bob:Password1\n' "$(hash_of a)" >"$F"
sum=$(md5 "$F")
for args in "add" "remove" "list"; do
	case $args in
	add) IN=$'pw\n' run accounts add --file "$F" 'CORP\carol' ;;
	remove) run accounts remove --file "$F" 'CORP\alice' ;;
	list) run accounts list --file "$F" ;;
	esac
	expect_usage "$args on a malformed file" "^ntlm accounts: NTLM_E_ACCOUNTS_FILE: .*accounts:3: third field is not an NT hash"
	CHECKS=$((CHECKS + 1))
	grep -q Password1 <<<"$ERR" && fail "$args repeated the bad field: $ERR"
	eq "$args: one line" 1 "$(wc -l <<<"$ERR" | tr -d ' ')"
done
eq "malformed file untouched" "$sum" "$(md5 "$F")"
printf 'CORP:alice:%s\ncorp:ALICE:%s\n' "$(hash_of a)" "$(hash_of b)" >"$F"
run accounts list --file "$F"
expect_usage "duplicate entries" "accounts:2: duplicate entry"
head -c 3000 /dev/urandom >"$F"
IN=$'pw\n' run accounts add --file "$F" 'CORP\x'
expect_usage "binary file"
run accounts list --file "$F"
expect_usage "list of a binary file"
rm -f "$F"
run accounts list --file "$F"
expect_usage "list of a missing file" "accounts: cannot open: No such file"
run accounts remove --file "$F" 'CORP\x'
expect_usage "remove from a missing file" "cannot open"
run accounts list --file "$TMP"
expect_usage "a directory" "not a regular file"
mkfifo "$TMP/fifo"
timeout 20 "$NTLM" accounts list --file "$TMP/fifo" >"$TMP/out" 2>"$TMP/err"
RC=$?
ERR=$(cat "$TMP/err")
expect_usage "a FIFO does not hang list" "not a regular file"
IN=$'pw\n' run accounts add --file "$TMP/fifo" 'CORP\x'
expect_usage "a FIFO does not hang add" "not a regular file"
ln -s /etc/hostname "$TMP/link"
IN=$'pw\n' run accounts add --file "$TMP/link" 'CORP\x'
expect_usage "a symbolic link" "symbolic link"
IN=$'pw\n' run accounts add --file "$TMP/no/such/dir/f" 'CORP\x'
expect_usage "missing directory" "cannot open the lock file"

# ---- usage errors ----------------------------------------------------------------
run accounts
expect_usage "no action" "no action given"
run accounts frob
expect_usage "unknown action" "unknown action 'frob'"
run accounts add 'CORP\x'
expect_usage "add without --file" "needs --file"
run accounts list
expect_usage "list without --file" "needs --file"
run accounts add --file
expect_usage "--file without a value" "needs a value"
run accounts add --file= 'CORP\x'
expect_usage "empty --file" "needs a file name"
run accounts add --file "$F"
expect_usage "add without a name" "needs a name"
run accounts add --file "$F" a b
expect_usage "two names" "more than one name"
run accounts list --file "$F" a
expect_usage "list with a name" "takes no name"
run accounts remove --file "$F" --replace a
expect_usage "--replace with remove" "goes with add"
run accounts add --file "$F" --frob=x a
expect_usage "unknown option" "unknown option '--frob'"
grep -q '^usage: ntlm accounts' <<<"$ERR" || fail "usage not shown on stderr: $ERR"

# ---- 20 concurrent writers, three times: nobody's entry is lost -------------------
for round in 1 2 3; do
	rm -f "$F" "$F.lock"
	pids=()
	for i in $(seq -w 1 20); do
		printf 'pw%s\n' "$i" | "$NTLM" accounts add --file "$F" "CORP\\user$i" \
			>/dev/null 2>"$TMP/err$i" &
		pids+=($!)
	done
	bad=0
	for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
	eq "round $round: every writer succeeded" 0 "$bad"
	run accounts list --file "$F"
	eq "round $round: 20 entries" 20 "$(grep -c . <<<"$OUT")"
	eq "round $round: user07's hash" "CORP:user07:$(hash_of pw07)" "$(grep '^CORP:user07:' "$F")"
	eq "round $round: mode" 600 "$(stat -c %a "$F")"
	ls "$TMP" | grep -q '\.tmp\.' && fail "round $round: temporary file left"
done
# Issue 12 item 5c: the store cannot grow past the file size limit. Before,
# SIGXFSZ killed `accounts add` and left its temporary file; now the write
# fails with EFBIG, the store is unchanged and no temporary file is left.
G=$TMP/big-store
cp "$F" "$G"
for i in 1 2 3; do printf '# %s\n' "$(head -c 600 /dev/zero | tr '\0' x)" >>"$G"; done
before=$(md5 "$G")
(ulimit -f 1 && printf 'pw\n' | "$NTLM" accounts add --file "$G" 'CORP\toolarge') \
	>"$TMP/out" 2>"$TMP/err"
RC=$?
ERR=$(cat "$TMP/err")
expect_usage "add past RLIMIT_FSIZE (not killed by SIGXFSZ)" 'File too large'
eq "add past RLIMIT_FSIZE: store unchanged" "$before" "$(md5 "$G")"
ls "$TMP" | grep -q '\.tmp\.' && fail "add past RLIMIT_FSIZE: temporary file left"

# Concurrent removes and adds mixed.
pids=()
for i in $(seq -w 1 10); do
	"$NTLM" accounts remove --file "$F" "CORP\\user$i" >/dev/null 2>&1 &
	pids+=($!)
	printf 'pw\n' | "$NTLM" accounts add --file "$F" "OTHER\\user$i" >/dev/null 2>&1 &
	pids+=($!)
done
bad=0
for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
eq "mixed: every writer succeeded" 0 "$bad"
run accounts list --file "$F"
eq "mixed: 20 entries" 20 "$(grep -c . <<<"$OUT")"
eq "mixed: 10 OTHER entries" 10 "$(grep -c '^OTHER' <<<"$OUT")"

finish
