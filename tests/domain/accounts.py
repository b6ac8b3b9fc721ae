#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Creates the test accounts of tests/domain in a freshly provisioned DC's
database (one python process: samba-tool per account would start python ten
times). Argument: the DC's smb.conf. The accounts and what the DC answers for
each are listed in docs/domain.md."""
import sys
import time

import ldb
from samba.auth import system_session
from samba.param import LoadParm
from samba.samdb import SamDB

NT_EPOCH_OFFSET = 11644473600  # seconds from 1601-01-01 to 1970-01-01


def nttime(unix_seconds):
    return int((unix_seconds + NT_EPOCH_OFFSET) * 10_000_000)


def main():
    lp = LoadParm()
    lp.load(sys.argv[1])
    db = SamDB(url=lp.samdb_url(), session_info=system_session(), lp=lp)
    base = db.domain_dn()

    def user_dn(name):
        res = db.search(base, scope=ldb.SCOPE_SUBTREE,
                        expression="(sAMAccountName=%s)" % ldb.binary_encode(name),
                        attrs=["dn"])
        return res[0].dn

    def modify(name, attr, value, controls=None):
        m = ldb.Message()
        m.dn = user_dn(name)
        m[attr] = ldb.MessageElement(value, ldb.FLAG_MOD_REPLACE, attr)
        db.modify(m, controls=controls or [])

    # A lockout policy, so that a locked-out account can exist.
    m = ldb.Message()
    m.dn = ldb.Dn(db, base)
    m["lockoutThreshold"] = ldb.MessageElement("50", ldb.FLAG_MOD_REPLACE, "lockoutThreshold")
    db.modify(m)

    db.newuser("alice", "Passw0rd1", givenname="Alice", surname="Tester")
    db.newuser("bob", "Secret-2")
    db.newuser("jürgen", "Grüße-Passw0rd")
    db.newuser("carol", "Carol-Passw0rd")
    db.disable_account("(sAMAccountName=carol)")
    db.newuser("dave", "Dave-Passw0rd", force_password_change_at_next_login_req=True)
    db.newuser("erin", "Erin-Passw0rd")
    modify("erin", "accountExpires", str(nttime(time.time() - 86400)))
    db.newuser("frank", "Frank-Passw0rd")
    modify("frank", "logonHours", bytes(21))  # no hour of the week allowed
    db.newuser("grace", "Grace-Passw0rd")
    modify("grace", "userWorkstations", "ELSEWHERE")
    db.newuser("heidi", "Heidi-Passw0rd")
    modify("heidi", "lockoutTime", str(nttime(time.time())), ["relax:0"])
    print("accounts created")


if __name__ == "__main__":
    main()
