#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm decode: every input form on the vector messages, text and JSON
# output, and malformed input (exit exactly 2, one status line, no crash).
set -u
source "$(dirname "$0")/lib.bash"

# name:vector-file:value:type
MSGS="
v1-challenge:msnlmp-4.2.2-ntlmv1:challenge_message:CHALLENGE
v1-authenticate:msnlmp-4.2.2-ntlmv1:authenticate_message:AUTHENTICATE
ess-challenge:msnlmp-4.2.3-ntlmv1-ess:challenge_message:CHALLENGE
ess-authenticate:msnlmp-4.2.3-ntlmv1-ess:authenticate_message:AUTHENTICATE
v2-challenge:msnlmp-4.2.4-ntlmv2:challenge_message:CHALLENGE
v2-authenticate:msnlmp-4.2.4-ntlmv2:authenticate_message:AUTHENTICATE
chromium-negotiate:chromium-mic-cbt:negotiate_message:NEGOTIATE
chromium-authenticate:chromium-mic-cbt:authenticate_message:AUTHENTICATE
win7-challenge:windows7-capture:challenge_message:CHALLENGE
win7-authenticate:windows7-capture:authenticate_message:AUTHENTICATE
"

# ---- every input form gives the same output ------------------------------
check_same() { # label; compares the last run with $want for message $name
	CHECKS=$((CHECKS + 1))
	[ "$RC" -eq 0 ] || { fail "$name: $1: exit $RC: $ERR"; return; }
	[ "$OUT" == "$want" ] || fail "$name: $1: output differs from bare base64"
}
for m in $MSGS; do
	IFS=: read -r name file key type <<<"$m"
	hex=$(vec "$file" "$key")
	b64=$(hex2b64 "$hex")
	[ -n "$hex" ] && [ -n "$b64" ] || { fail "$name: cannot load the vector"; continue; }

	run decode "$b64"
	expect_ok "$name: bare base64"
	has_line "$name: bare base64" "type: $type"
	want=$OUT

	run decode "NTLM $b64";                          check_same "NTLM prefix"
	run decode "Negotiate $b64";                     check_same "Negotiate prefix"
	run decode "Authorization: NTLM $b64";           check_same "Authorization: line"
	run decode "WWW-Authenticate: Negotiate $b64";   check_same "WWW-Authenticate: line"
	run decode "proxy-authorization: ntlm $b64";     check_same "proxy-authorization: line"
	run decode Authorization: NTLM "$b64";           check_same "unquoted header line"
	run decode "$hex";                               check_same "hex"
	run decode "${hex^^}";                           check_same "upper-case hex"
	run decode -- "$b64";                            check_same "after --"
	IN=$b64 run decode;                              check_same "stdin"
	IN=$b64 run decode -;                            check_same "stdin as -"
	IN=$'Authorization: NTLM '"$b64"$'\r\n' run decode; check_same "stdin header line with CRLF"
	IN=$(fold -w 64 <<<"$hex") run decode;           check_same "stdin hex over lines"
	IN="  $b64  "$'\n\n' run decode -;               check_same "stdin with whitespace"

	run decode --json "$b64"
	expect_ok "$name: --json"
	json=$OUT
	run decode "$b64" --json
	CHECKS=$((CHECKS + 1))
	[ "$OUT" == "$json" ] || fail "$name: --json after the token differs"
	IN=$hex run decode --json -
	CHECKS=$((CHECKS + 1))
	[ "$OUT" == "$json" ] || fail "$name: --json from stdin hex differs"
	printf '%s\n' "$json" >"$TMP/$name.json"
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["type"] == sys.argv[2], d["type"]
assert d["length"] * 2 == int(sys.argv[3]), d["length"]
assert d["flags"]["value"].startswith("0x") and len(d["flags"]["value"]) == 10
' "$TMP/$name.json" "$type" "${#hex}" || fail "$name: JSON shape"
	CHECKS=$((CHECKS + 1))
done

# ---- specific values, text ----------------------------------------------------
decode_vec() { # file key [--json]
	local hex
	hex=$(vec "$1" "$2")
	run decode ${3:+"$3"} "$hex"
}

decode_vec msnlmp-4.2.2-ntlmv1 authenticate_message
has_line "v1" "flags: 0xe2808235"
has_line "v1" "  NTLMSSP_NEGOTIATE_UNICODE: 0x00000001"
has_line "v1" "  NTLMSSP_NEGOTIATE_KEY_EXCH: 0x40000000"
has_line "v1" "version: 5.1.2600 (revision 15)"
has_line "v1" "user: User"
has_line "v1" "domain: Domain"
has_line "v1" "workstation: COMPUTER"
has_line "v1" "lm_response_len: 24"
has_line "v1" "nt_response: 67c43011f30298a2ad35ece64f16331c44bdbed927841f94"
has_line "v1" "response_type: NTLMv1"
has_line "v1" "encrypted_session_key: 518822b1b3f350c8958682ecbb3e3cb7"
has_line "v1" "mic: absent"

decode_vec msnlmp-4.2.3-ntlmv1-ess authenticate_message
has_line "ess" "response_type: NTLMv1-ESS"
has_line "ess" "mic: absent"

decode_vec msnlmp-4.2.4-ntlmv2 authenticate_message
has_line "v2" "response_type: NTLMv2"
has_line "v2" "  ntproofstr: 68cd0ab851e51c96aabc927bebef6a1c"
has_line "v2" "    MsvAvNbDomainName: Domain"
has_line "v2" "    MsvAvNbComputerName: Server"
has_line "v2" "mic: absent"

decode_vec msnlmp-4.2.4-ntlmv2 challenge_message
has_line "v2 challenge" "server_challenge: 0123456789abcdef"
has_line "v2 challenge" "target_name: Server"
has_line "v2 challenge" "  MsvAvNbDomainName: Domain"

decode_vec chromium-mic-cbt authenticate_message
has_line "chromium" "mic: present"
has_line "chromium" "mic_value: f7361633f0ad9bdf4a7c421bc6b824a3"
has_line "chromium" "    MsvAvFlags: 0x00000002 (MIC_PRESENT)"
has_line "chromium" "    MsvAvChannelBindings: 6586e99d81c2fc984e47172fd4dd0310"
has_line "chromium" "    MsvAvTargetName: HTTP/Server"
has_line "chromium" "  timestamp: 131400439870000000 (2017-05-23T20:13:07.0000000Z)"

decode_vec windows7-capture authenticate_message
has_line "win7" "user: Administrator"
has_line "win7" "domain: WS2008R2"
has_line "win7" "workstation: WIN7-2-PC"
has_line "win7" "mic: present"
has_line "win7" "mic_value: f054a542b090b66c1fea1a2cc82e930b"
has_line "win7" "      size: 48"

decode_vec windows7-capture challenge_message
has_line "win7 challenge" "  MsvAvTimestamp: 130004106365364091 (2012-12-19T17:10:36.5364091Z)"

# ---- specific values, JSON ------------------------------------------------
json_check() { # label python-assertions (d is the object)
	CHECKS=$((CHECKS + 1))
	printf '%s\n' "$OUT" >"$TMP/check.json"
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[2])
' "$TMP/check.json" "$2" || fail "$1: JSON assertions failed"
}

decode_vec msnlmp-4.2.2-ntlmv1 authenticate_message --json
json_check "v1 json" '
assert d["type"] == "AUTHENTICATE" and d["message_type"] == 3
assert d["flags"]["value"] == "0xe2808235"
assert "NTLMSSP_NEGOTIATE_UNICODE" in d["flags"]["names"]
assert d["flags"]["reserved"] == "0x00000000"
assert d["version"] == {"major": 5, "minor": 1, "build": 2600, "revision": 15, "reserved": "000000"}
assert (d["user"], d["domain"], d["workstation"]) == ("User", "Domain", "COMPUTER")
assert d["lm_response_len"] == 24 and d["nt_response_len"] == 24
assert d["response_type"] == "NTLMv1"
assert d["ntlmv2"] is None
assert d["encrypted_session_key"] == "518822b1b3f350c8958682ecbb3e3cb7"
assert d["mic_present"] is False and d["mic_value"] is None
'
decode_vec msnlmp-4.2.3-ntlmv1-ess authenticate_message --json
json_check "ess json" '
assert d["response_type"] == "NTLMv1-ESS"
assert d["lm_response"] == "aa" * 8 + "00" * 16
assert d["encrypted_session_key"] == "" and d["encrypted_session_key_len"] == 0
'
decode_vec msnlmp-4.2.4-ntlmv2 authenticate_message --json
json_check "v2 json" '
assert d["response_type"] == "NTLMv2"
v = d["ntlmv2"]
assert v["ntproofstr"] == "68cd0ab851e51c96aabc927bebef6a1c"
assert v["resp_type"] == 1 and v["hi_resp_type"] == 1
assert v["timestamp"] == {"filetime": 0, "utc": "1601-01-01T00:00:00.0000000Z"}
assert v["client_challenge"] == "aa" * 8
assert [(p["id"], p["name"], p["value"]) for p in v["av_pairs"]] == [
    (2, "MsvAvNbDomainName", "Domain"), (1, "MsvAvNbComputerName", "Server")]
assert v["trailing"] == "00000000"
assert d["mic_present"] is False
'
decode_vec msnlmp-4.2.4-ntlmv2 challenge_message --json
json_check "v2 challenge json" '
assert d["type"] == "CHALLENGE" and d["target_name"] == "Server"
assert d["server_challenge"] == "0123456789abcdef" and d["reserved"] == "00" * 8
assert d["target_info_len"] == 36
assert [p["name"] for p in d["target_info"]] == ["MsvAvNbDomainName", "MsvAvNbComputerName"]
assert d["version"]["build"] == 6000
'
decode_vec chromium-mic-cbt negotiate_message --json
json_check "chromium negotiate json" '
assert d["type"] == "NEGOTIATE" and d["version"] is None
assert d["flags"]["value"] == "0x00088207"
assert d["domain"] == "" and d["workstation"] == ""
'
decode_vec chromium-mic-cbt authenticate_message --json
json_check "chromium json" '
assert d["mic_present"] is True
assert d["mic_value"] == "f7361633f0ad9bdf4a7c421bc6b824a3"
av = {p["name"]: p for p in d["ntlmv2"]["av_pairs"]}
assert av["MsvAvFlags"]["value"] == "0x00000002" and av["MsvAvFlags"]["names"] == ["MIC_PRESENT"]
assert av["MsvAvChannelBindings"]["value"] == "6586e99d81c2fc984e47172fd4dd0310"
assert av["MsvAvTargetName"]["value"] == "HTTP/Server"
assert d["ntlmv2"]["timestamp"]["filetime"] == 131400439870000000
'
decode_vec windows7-capture authenticate_message --json
json_check "win7 json" '
assert (d["user"], d["domain"], d["workstation"]) == ("Administrator", "WS2008R2", "WIN7-2-PC")
assert d["mic_present"] is True and d["mic_value"] == "f054a542b090b66c1fea1a2cc82e930b"
av = {p["name"]: p for p in d["ntlmv2"]["av_pairs"]}
sh = av["MsvAvSingleHost"]
assert sh["size"] == 48 and sh["z4"] == 0 and sh["custom_data"] == "0100000000200000"
assert av["MsvAvTimestamp"]["value"] == "2012-12-19T17:10:36.5364091Z"
assert av["MsvAvTimestamp"]["filetime"] == 130004106365364091
assert av["MsvAvTargetName"]["value"] == "HTTP/dc-ws2008r2.ws2008r2.local"
assert d["ntlmv2"]["trailing"] == "00" * 8
'

# Hostile strings: control characters, quotes, backslash, NUL, C1 controls,
# in a crafted NTLMv1 AUTHENTICATE (user name, UTF-16LE).
craft() { # python expression for the user name -> hex of the message
	python3 - "$1" <<'PY'
import struct, sys
user = eval(sys.argv[1]).encode("utf-16-le")
dom = "D".encode("utf-16-le")
resp = bytes(range(24))
flags = 0x00000201  # UNICODE | NTLM
bufs = [resp, resp, dom, user, b"", b""]
off = 64
hdr = b"NTLMSSP\0" + struct.pack("<I", 3)
payload = b""
for b in bufs:
    hdr += struct.pack("<HHI", len(b), len(b), off + len(payload))
    payload += b
hdr += struct.pack("<I", flags)
print((hdr + payload).hex())
PY
}
evil='"a\"b\\c\nd\x1b[2Je\x00f\x85g\u00e9\u202eh"'
hex=$(craft "$evil")
run decode --json "$hex"
expect_ok "hostile user name, json"
json_check "hostile user name survives JSON" "assert d['user'] == $evil, repr(d['user'])"
grep -q $'\x1b' <<<"$OUT" && fail "JSON output contains a raw ESC"
run decode "$hex"
expect_ok "hostile user name, text"
has_line "hostile user name, text" 'user: a"b\\c\x0ad\x1b[2Je\x00f\u0085gé\u202eh'
grep -q $'\x1b' <<<"$OUT" && fail "text output contains a raw ESC"

# ---- malformed input: exit exactly 2, one line "ntlm decode: NAME: detail" ----
bad() { # label status-name [args...]; stdin from $IN
	local label=$1 st=$2
	shift 2
	run decode "$@"
	expect_usage "$label" "^ntlm decode: $st: .+"
	CHECKS=$((CHECKS + 1))
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "$label: stderr is not one line: $ERR"
	[ -z "$OUT" ] || fail "$label: printed to stdout: $OUT"
}
bad_file() { # label status-name file [args...]
	local label=$1 st=$2 f=$3
	shift 3
	run_file "$f" decode "$@"
	expect_usage "$label" "^ntlm decode: $st: .+"
	CHECKS=$((CHECKS + 1))
	[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "$label: stderr is not one line: $ERR"
}

v2=$(vec msnlmp-4.2.4-ntlmv2 authenticate_message)
v2b64=$(hex2b64 "$v2")
IN= bad "garbage" NTLM_E_BAD_ENCODING 'this is not a token!'
IN= bad "garbage base64 alphabet" NTLM_E_BAD_ENCODING 'TlRMTVNTUAAB*'
IN= bad "truncated base64" NTLM_E_BAD_ENCODING "${v2b64:0:${#v2b64}-1}"
IN= bad "base64 cut mid-quantum" NTLM_E_BAD_ENCODING "${v2b64:0:101}"
IN= bad "base64 with inner space" NTLM_E_BAD_ENCODING "${v2b64:0:40} ${v2b64:40}"
IN= bad "stray padding bits" NTLM_E_BAD_ENCODING "Zh=="
IN= bad "scheme only" NTLM_E_BAD_ENCODING "NTLM"
IN= bad "Basic scheme" NTLM_E_BAD_ENCODING "Authorization: Basic dXNlcjpwYXNz"
IN= bad "other header" NTLM_E_BAD_ENCODING "Cookie: NTLM $v2b64"
IN= bad "odd hex" NTLM_E_BAD_ENCODING "${v2:0:${#v2}-1}"
IN= bad "empty argument" NTLM_E_BAD_ENCODING ""
IN= bad "empty stdin" NTLM_E_BAD_ENCODING
IN=$' \r\n\t\n' bad "whitespace stdin" NTLM_E_BAD_ENCODING -
IN= bad "a token cut short (base64)" 'NTLM_E_[A-Z0-9_]+' "$(hex2b64 "${v2:0:200}")"
IN= bad "a token cut short (hex)" 'NTLM_E_[A-Z0-9_]+' "${v2:0:200}"
IN= bad "only the signature" NTLM_E_TRUNCATED "4e544c4d53535000"
IN= bad "flipped signature" NTLM_E_BAD_SIGNATURE "$(hex2b64 "5e${v2:2}")"
IN= bad "message type 4" NTLM_E_BAD_MESSAGE_TYPE "${v2:0:16}04${v2:18}"
hello=$(printf 'hello world, not ntlm' | od -An -tx1 | tr -d ' \n')
IN= bad "not an NTLM token" NTLM_E_BAD_SIGNATURE "$(hex2b64 "$hello")"

# Security buffer pointing past the end: NtChallengeResponse length 0xffff.
IN= bad "buffer out of bounds" NTLM_E_BUFFER_OUT_OF_BOUNDS "${v2:0:40}ffffffff${v2:48}"

# Larger than 2888 bytes, in base64 and in hex, and a huge stdin.
python3 -c 'print("4e544c4d53535000" + "01000000" + "00" * 2877, end="")' >"$TMP/big.hex"
IN= bad "2889-byte token (hex)" NTLM_E_TOKEN_TOO_LARGE "$(cat "$TMP/big.hex")"
IN= bad "2889-byte token (base64)" NTLM_E_TOKEN_TOO_LARGE "$(hex2b64 "$(cat "$TMP/big.hex")")"
bad_file "2889-byte token on stdin" NTLM_E_TOKEN_TOO_LARGE "$TMP/big.hex"
head -c 200000 /dev/zero | tr '\0' A >"$TMP/huge"
bad_file "200 kB of text on stdin" NTLM_E_TOKEN_TOO_LARGE "$TMP/huge"

# Binary junk on stdin (deterministic), with and without NUL bytes.
junk() { # seed lowest-byte: 3000 random bytes in [lowest, 255]
	python3 -c '
import random, sys
r = random.Random(int(sys.argv[1]))
sys.stdout.buffer.write(bytes(r.randrange(int(sys.argv[2]), 256) for _ in range(3000)))
' "$1" "$2"
}
junk 7 0 >"$TMP/junk"
bad_file "binary junk on stdin" NTLM_E_BAD_ENCODING "$TMP/junk"
junk 8 1 >"$TMP/junk2"
bad_file "binary junk without NUL" NTLM_E_BAD_ENCODING "$TMP/junk2"
v2bin=$(vec windows7-capture authenticate_message)
python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.argv[1]))' "$v2bin" \
	>"$TMP/raw.bin"
bad_file "a raw binary token on stdin" NTLM_E_BAD_ENCODING "$TMP/raw.bin"

# ---- never crash: every one-byte change of two messages -------------------
# Each run must exit 0 or 2; the JSON of every accepted variant must parse.
mkdir -p "$TMP/mut"
for which in chromium-mic-cbt:authenticate_message windows7-capture:challenge_message; do
	hex=$(vec "${which%%:*}" "${which#*:}")
	n=$((${#hex} / 2))
	for ((i = 0; i < n; i++)); do
		b=$(( (0x${hex:2*i:2} ^ 0x80) ))
		mut=${hex:0:2*i}$(printf '%02x' $b)${hex:2*i+2}
		"$NTLM" decode --json "$mut" >"$TMP/mut/$i.${which%%:*}.json" 2>"$TMP/err"
		rc=$?
		CHECKS=$((CHECKS + 1))
		case $rc in
		0) ;;
		2) rm -f "$TMP/mut/$i.${which%%:*}.json"
		   grep -Eq '^ntlm decode: NTLM_E_[A-Z0-9_]+: ' "$TMP/err" ||
			fail "mutation $which@$i: bad error line: $(cat "$TMP/err")" ;;
		*) fail "mutation $which@$i: exit $rc (crash?)" ;;
		esac
	done
done
CHECKS=$((CHECKS + 1))
python3 -c '
import glob, json, sys
files = glob.glob(sys.argv[1] + "/*.json")
for f in files:
    json.load(open(f))
print("mutations: %d decoded variants parse as JSON" % len(files))
' "$TMP/mut" || fail "a mutated message produced invalid JSON"

finish
