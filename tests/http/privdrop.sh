#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm httpd --user: started as root, the server gives root up once it
# listens (uid, gid and groups of the user, all four ids), and still serves
# NTLM with the accounts it read as root; an unknown user, root itself, or
# --user when not root are refused (exit 2). Without root only the refusal
# is checked.
set -u
source "$(dirname "$0")/lib.bash"

if [ "$(id -u)" -eq 0 ]; then
	uid=$(id -u nobody) gid=$(id -g nobody)
	start_server privdrop --user nobody
	eq "Uid: real, effective, saved, fs" "$uid $uid $uid $uid" \
		"$(awk '/^Uid:/ {print $2, $3, $4, $5}' /proc/"$SERVER_PID"/status)"
	eq "Gid: real, effective, saved, fs" "$gid $gid $gid $gid" \
		"$(awk '/^Gid:/ {print $2, $3, $4, $5}' /proc/"$SERVER_PID"/status)"
	CHECKS=$((CHECKS + 1))
	awk '/^Groups:/' /proc/"$SERVER_PID"/status | grep -qw 0 && fail "still in group 0"
	code=$(curl -s -o /dev/null -w '%{http_code}' --ntlm -u "DEMO\\demo:$DEMO_PW" "$BASE/")
	eq "NTLM as nobody, with the accounts read as root" 200 "$code"
	stop_server

	"$NTLM" httpd --listen 127.0.0.1:0 --accounts "$TMP/accounts" --user no-such-user-x \
		>"$TMP/u.out" 2>"$TMP/u.err"
	eq "unknown user: exit" 2 "$?"
	contains "unknown user: message" "--user no-such-user-x: no such user" "$(cat "$TMP/u.err")"
	"$NTLM" httpd --listen 127.0.0.1:0 --accounts "$TMP/accounts" --user root \
		>"$TMP/u.out" 2>"$TMP/u.err"
	eq "--user root: exit" 2 "$?"
	contains "--user root: message" "that is root" "$(cat "$TMP/u.err")"
else
	"$NTLM" httpd --listen 127.0.0.1:0 --accounts "$TMP/accounts" --user root \
		>"$TMP/u.out" 2>"$TMP/u.err"
	eq "--user without root: exit" 2 "$?"
	contains "--user without root: message" "only root can change users" "$(cat "$TMP/u.err")"
fi
finish
