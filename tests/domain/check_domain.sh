#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The domain itself, before our code: the member's trust works, and each
# provisioned account gets from the DC the verdict the other checks rely on
# (through the member's winbindd with wbinfo, NTLMv2 challenge/response).
set -u
source "$(dirname "$0")/lib.bash"

out=$(wb_member wbinfo -t 2>&1)
contains "member trust" "succeeded" "$out"
out=$(wb_dc wbinfo -p 2>&1)
contains "DC winbindd" "succeeded" "$out"

# account%password -> wbinfo's verdict for the NTLMv2 challenge/response try
verdict() {
	wb_member wbinfo --ntlmv2 -a "$1" 2>&1 | grep -E '^wbcAuthenticateUserEx|^challenge/response' |
		tr '\n' ' '
}
contains "alice" "authentication succeeded" "$(verdict alice%Passw0rd1)"
contains "bob" "authentication succeeded" "$(verdict bob%Secret-2)"
contains "jürgen" "authentication succeeded" "$(verdict 'jürgen%Grüße-Passw0rd')"
contains "alice wrong password" "0xc000006a" "$(verdict alice%WrongPass9)"
contains "nobody" "0xc0000064" "$(verdict nobody%Any-Passw0rd)"
contains "carol disabled" "0xc0000072" "$(verdict carol%Carol-Passw0rd)"
contains "dave must change" "0xc0000224" "$(verdict dave%Dave-Passw0rd)"
contains "erin expired" "0xc0000193" "$(verdict erin%Erin-Passw0rd)"
contains "frank logon hours" "0xc000006f" "$(verdict frank%Frank-Passw0rd)"
contains "grace workstation" "0xc0000070" "$(verdict grace%Grace-Passw0rd)"
contains "heidi locked out" "0xc0000234" "$(verdict heidi%Heidi-Passw0rd)"
finish
