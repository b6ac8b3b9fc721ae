#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm decode on SPNEGO tokens (RFC 4178), built here byte by byte (DER)
# around the vector NTLM messages: it says what the token is (NegTokenInit,
# NegTokenResp, its fields) and shows the NTLM message inside exactly as it
# shows the bare message; a SPNEGO token without NTLM inside is named as
# such; broken framing exits 2 with one clear line.
set -u
source "$(dirname "$0")/lib.bash"

neg=$(vec chromium-mic-cbt negotiate_message)
chal=$(vec msnlmp-4.2.4-ntlmv2 challenge_message)
auth=$(vec chromium-mic-cbt authenticate_message)
# spnego KIND HEX...: base64 of a SPNEGO token around NTLM messages (DER by hand)
spnego() {
	python3 - "$@" <<'EOF'
import base64, sys

def der(tag, body):
    n = len(body)
    if n < 128:
        ln = bytes([n])
    elif n < 256:
        ln = bytes([0x81, n])
    else:
        ln = bytes([0x82, n >> 8, n & 255])
    return bytes([tag]) + ln + body

NTLM_OID = der(6, bytes.fromhex("2b06010401823702020a"))
KRB5_OID = der(6, bytes.fromhex("2a864886f712010202"))
SPNEGO_OID = der(6, bytes.fromhex("2b0601050502"))
kind, args = sys.argv[1], sys.argv[2:]
if kind == "init":  # NTLM first, Kerberos second, the NEGOTIATE as mechToken
    body = der(0xa0, der(0x30, NTLM_OID + KRB5_OID)) + der(0xa2, der(4, bytes.fromhex(args[0])))
    tok = der(0x60, SPNEGO_OID + der(0xa0, der(0x30, body)))
elif kind == "init-krb5":  # Kerberos alone, a token that is not NTLM
    body = der(0xa0, der(0x30, KRB5_OID)) + der(0xa2, der(4, b"\x60\x03\x02\x01\x05"))
    tok = der(0x60, SPNEGO_OID + der(0xa0, der(0x30, body)))
elif kind == "resp-challenge":  # the server's: accept-incomplete, NTLMSSP, CHALLENGE
    body = der(0xa0, der(0x0a, b"\x01")) + der(0xa1, NTLM_OID) + der(0xa2, der(4, bytes.fromhex(args[0])))
    tok = der(0xa1, der(0x30, body))
elif kind == "resp-auth":  # the client's: AUTHENTICATE and a mechListMIC
    body = der(0xa2, der(4, bytes.fromhex(args[0]))) + der(0xa3, der(4, bytes(16)))
    tok = der(0xa1, der(0x30, body))
elif kind == "bare-init":  # a NegTokenInit without its InitialContextToken
    tok = der(0xa0, der(0x30, der(0xa0, der(0x30, NTLM_OID))))
elif kind == "krb5":  # a raw Kerberos GSSAPI token: 0x60, but not SPNEGO
    tok = der(0x60, KRB5_OID + b"\x01\x00" + bytes(8))
elif kind == "truncated":
    tok = bytes.fromhex(args[0])
print(base64.b64encode(tok).decode())
EOF
}

# The bare messages, as ntlm decode shows them.
run decode "$(hex2b64 "$neg")"
bare_neg=$OUT
run decode --json "$(hex2b64 "$neg")"
bare_neg_json=$OUT
run decode "$(hex2b64 "$chal")"
bare_chal=$OUT
run decode "$(hex2b64 "$auth")"
bare_auth=$OUT

# NegTokenInit (what a browser or MIT SPNEGO sends first), under Negotiate.
run decode "Authorization: Negotiate $(spnego init "$neg")"
expect_ok "NegTokenInit"
has_line "NegTokenInit: said" "spnego: NegTokenInit"
has_line "NegTokenInit: mechanisms" \
	"spnego_mech_types: NTLMSSP (1.3.6.1.4.1.311.2.2.10), Kerberos 5 (1.2.840.113554.1.2.2)"
has_line "NegTokenInit: the token" \
	"spnego_mech_token: $((${#neg} / 2)) bytes, an NTLM message (below)"
has_line "NegTokenInit: no MIC" "spnego_mech_list_mic: absent"
eq "NegTokenInit: the NEGOTIATE inside, as bare" "$bare_neg" "$(grep -v '^spnego' <<<"$OUT")"

# NegTokenResp, the server's: accept-incomplete, NTLMSSP chosen, the CHALLENGE.
run decode "WWW-Authenticate: Negotiate $(spnego resp-challenge "$chal")"
expect_ok "NegTokenResp (server)"
has_line "NegTokenResp: said" "spnego: NegTokenResp"
has_line "NegTokenResp: state" "spnego_neg_state: accept-incomplete"
has_line "NegTokenResp: mechanism" "spnego_supported_mech: NTLMSSP (1.3.6.1.4.1.311.2.2.10)"
eq "NegTokenResp: the CHALLENGE inside, as bare" "$bare_chal" "$(grep -v '^spnego' <<<"$OUT")"

# NegTokenResp, the client's: the AUTHENTICATE and a mechListMIC.
run decode "$(spnego resp-auth "$auth")"
expect_ok "NegTokenResp (client)"
has_line "client NegTokenResp: no state" "spnego_neg_state: absent"
has_line "client NegTokenResp: MIC" "spnego_mech_list_mic: 16 bytes"
eq "client NegTokenResp: the AUTHENTICATE inside, as bare" "$bare_auth" \
	"$(grep -v '^spnego' <<<"$OUT")"

# JSON: {"spnego": {...}, "ntlm": <the bare message's JSON>}.
run decode --json "$(spnego init "$neg")"
expect_ok "NegTokenInit --json"
CHECKS=$((CHECKS + 1))
python3 - "$OUT" "$bare_neg_json" <<'EOF' || fail "NegTokenInit --json: $OUT"
import json, sys
d, bare = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert d["spnego"]["type"] == "NegTokenInit", d
assert d["spnego"]["mech_types"] == [
    {"oid": "1.3.6.1.4.1.311.2.2.10", "name": "NTLMSSP"},
    {"oid": "1.2.840.113554.1.2.2", "name": "Kerberos 5"}], d
assert d["spnego"]["mech_list_mic_length"] == 0, d
assert d["ntlm"] == bare, d
EOF

# SPNEGO with a Kerberos token: said so, no NTLM message, exit 0.
run decode "$(spnego init-krb5)"
expect_ok "Kerberos inside SPNEGO"
has_line "Kerberos inside: mechanisms" "spnego_mech_types: Kerberos 5 (1.2.840.113554.1.2.2)"
has_line "Kerberos inside: not NTLM" \
	"spnego_mech_token: 5 bytes, not an NTLM message (another mechanism's)"
run decode --json "$(spnego init-krb5)"
CHECKS=$((CHECKS + 1))
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["ntlm"] is None, d' "$OUT" ||
	fail "Kerberos inside --json: $OUT"

# Broken framing: exit 2, one line naming SPNEGO and the reason.
run decode "$(spnego bare-init)"
expect_usage "bare NegTokenInit" \
	'^ntlm decode: NTLM_E_BAD_ENCODING: GSSAPI/SPNEGO framing \(DER tag 0xa0\), but not a SPNEGO token this command reads: .*InitialContextToken'
run decode "$(spnego krb5)"
expect_usage "raw Kerberos token" \
	'^ntlm decode: NTLM_E_BAD_ENCODING: GSSAPI/SPNEGO framing \(DER tag 0x60\)'
full=$(python3 -c 'import base64,sys; print(base64.b64decode(sys.argv[1]).hex())' "$(spnego init "$neg")")
run decode "$(hex2b64 "${full:0:40}")"
expect_usage "truncated NegTokenInit" '^ntlm decode: NTLM_E_[A-Z_]+: GSSAPI/SPNEGO framing'
# an NTLM message inside that is broken: the inner reason, said to be inside
run decode "$(spnego init "${neg:0:24}")"
expect_usage "broken NTLM inside" \
	'^ntlm decode: NTLM_E_[A-Z_]+: the NTLM message inside the SPNEGO token: '
CHECKS=$((CHECKS + 1))
[ "$(wc -l <<<"$ERR")" -eq 1 ] || fail "broken NTLM inside: more than one line: $ERR"
finish
