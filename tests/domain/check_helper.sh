#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ntlm helper --protocol squid-2.5-ntlmssp with domain accounts (winbind),
# driven as Squid drives it: AF with the canonical names, NA naming the
# domain's verdict, and the audit of each.
set -u
source "$(dirname "$0")/lib.bash"

out=$($PY "$DHERE/../cli/helper_driver.py" 'TESTDOM\ALICE%Passw0rd1' 'TESTDOM\alice%WrongPass9' \
	'TESTDOM\carol%Carol-Passw0rd' 'TESTDOM\dave%Dave-Passw0rd' -- \
	bash "$DHERE/domain.sh" wb "$D" member "$NTLM" helper --protocol squid-2.5-ntlmssp \
	--accounts winbind --audit "$TMP/audit" 2>&1)
contains "AF canonical" 'TESTDOM\ALICE: AF TESTDOM\alice' "$out"
contains "GK after AF" 'TESTDOM\ALICE GK: GK' "$out"
contains "NA wrong password" 'TESTDOM\alice: NA NTLM_E_LOGON_FAILURE' "$out"
contains "NA disabled" 'TESTDOM\carol: NA NTLM_E_ACCOUNT_DISABLED' "$out"
contains "NA must change" 'TESTDOM\dave: NA NTLM_E_PASSWORD_MUST_CHANGE' "$out"
contains "exit 0" 'exit: 0' "$out"
ev=$(events "$TMP/audit")
contains "audit success" '9005 success TESTDOM\alice' "$ev"
contains "audit wrong password" 'NT_STATUS_WRONG_PASSWORD' "$ev"
contains "audit disabled" 'NT_STATUS_ACCOUNT_DISABLED' "$ev"
finish
