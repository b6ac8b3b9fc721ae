#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the policy loader fixtures in this directory.

    python3 tests/policy/make-fixtures.py

The outputs are committed; rerun this only to change them (and update
tests/unit/test_policy_load.c, which checks what each one sets).

  gpttmpl-cis.inf       security template as secedit writes it: UTF-16LE with BOM,
                        CRLF, a CIS-like member-server baseline with dozens of
                        registry values that are not ours
  template-utf8.inf     a hand-written template in UTF-8 (no BOM), LF, quoted
                        names, 0x values, a ControlSet001 path
  export-regedit4.reg   REGEDIT4 (8-bit text): hex(7) strings are single bytes
  export-v5.reg         "Windows Registry Editor Version 5.00", UTF-16LE with BOM:
                        hex(7) strings are UTF-16LE, wrapped over lines with '\\'

It also writes the seed corpus of the policy fuzz target, small files of each
format (the replay driver runs every prefix and many mutations of each seed, so
they are kept short): tests/fuzz/corpus/fuzz_policy_conf/.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

LSA = r"MACHINE\System\CurrentControlSet\Control\Lsa"
MSV = LSA + r"\MSV1_0"
NETLOGON = r"MACHINE\System\CurrentControlSet\Services\Netlogon\Parameters"

GPTTMPL_CIS = "\r\n".join([
    "[Unicode]",
    "Unicode=yes",
    "[System Access]",
    "MinimumPasswordAge = 1",
    "MaximumPasswordAge = 365",
    "MinimumPasswordLength = 14",
    "PasswordComplexity = 1",
    "PasswordHistorySize = 24",
    "LockoutBadCount = 5",
    "ResetLockoutCount = 15",
    "LockoutDuration = 15",
    "LSAAnonymousNameLookup = 0",
    "EnableGuestAccount = 0",
    "ClearTextPassword = 0",
    "[Event Audit]",
    "AuditSystemEvents = 3",
    "AuditLogonEvents = 3",
    "AuditObjectAccess = 0",
    "AuditPrivilegeUse = 2",
    "AuditPolicyChange = 1",
    "AuditAccountManage = 3",
    "AuditProcessTracking = 0",
    "AuditDSAccess = 0",
    "AuditAccountLogon = 3",
    "[Registry Values]",
    r"MACHINE\Software\Microsoft\Windows NT\CurrentVersion\Winlogon\AllocateDASD=1," + '"0"',
    r"MACHINE\Software\Microsoft\Windows NT\CurrentVersion\Winlogon\CachedLogonsCount=1," + '"4"',
    r"MACHINE\Software\Microsoft\Windows NT\CurrentVersion\Winlogon\ScRemoveOption=1," + '"1"',
    r"MACHINE\Software\Microsoft\Windows\CurrentVersion\Policies\System\ConsentPromptBehaviorAdmin=4,2",
    r"MACHINE\Software\Microsoft\Windows\CurrentVersion\Policies\System\ConsentPromptBehaviorUser=4,0",
    r"MACHINE\Software\Microsoft\Windows\CurrentVersion\Policies\System\EnableLUA=4,1",
    r"MACHINE\Software\Microsoft\Windows\CurrentVersion\Policies\System\InactivityTimeoutSecs=4,900",
    r"MACHINE\Software\Microsoft\Windows\CurrentVersion\Policies\System\LegalNoticeCaption=1," + '"Notice"',
    r"MACHINE\Software\Microsoft\Windows\CurrentVersion\Policies\System\LegalNoticeText=7,Authorized use only.,Activity is logged.",
    r"MACHINE\Software\Microsoft\Windows\CurrentVersion\Policies\System\Kerberos\Parameters\SupportedEncryptionTypes=4,2147483640",
    LSA + r"\AuditBaseObjects=4,0",
    LSA + r"\CrashOnAuditFail=4,0",
    LSA + r"\DisableDomainCreds=4,1",
    LSA + r"\EveryoneIncludesAnonymous=4,0",
    LSA + r"\ForceGuest=4,0",
    LSA + r"\FullPrivilegeAuditing=3,0",
    LSA + r"\LimitBlankPasswordUse=4,1",
    LSA + r"\LmCompatibilityLevel=4,5",
    LSA + r"\NoLMHash=4,1",
    LSA + r"\RestrictAnonymous=4,1",
    LSA + r"\RestrictAnonymousSAM=4,1",
    LSA + r"\RestrictRemoteSAM=1," + '"O:BAG:BAD:(A;;RC;;;BA)"',
    LSA + r"\SCENoApplyLegacyAuditPolicy=4,1",
    LSA + r"\UseMachineId=4,1",
    LSA + r"\MSV1_0\allownullsessionfallback=4,0",
    MSV + r"\AuditReceivingNTLMTraffic=4,2",
    MSV + r"\ClientAllowedNTLMServers=7,server1,*.example.com",
    MSV + r"\NTLMMinClientSec=4,537395200",
    MSV + r"\NTLMMinServerSec=4,537395200",
    MSV + r"\RestrictReceivingNTLMTraffic=4,0",
    MSV + r"\RestrictSendingNTLMTraffic=4,1",
    LSA + r"\pku2u\AllowOnlineID=4,0",
    r"MACHINE\System\CurrentControlSet\Control\Print\Providers\LanMan Print Services\Servers\AddPrinterDrivers=4,1",
    r"MACHINE\System\CurrentControlSet\Control\SecurePipeServers\Winreg\AllowedExactPaths\Machine=7,System\CurrentControlSet\Control\ProductOptions,System\CurrentControlSet\Control\Server Applications,Software\Microsoft\Windows NT\CurrentVersion",
    r"MACHINE\System\CurrentControlSet\Control\SecurePipeServers\Winreg\AllowedPaths\Machine=7,System\CurrentControlSet\Control\Print\Printers,System\CurrentControlSet\Services\Eventlog",
    r"MACHINE\System\CurrentControlSet\Control\Session Manager\Kernel\ObCaseInsensitive=4,1",
    r"MACHINE\System\CurrentControlSet\Control\Session Manager\ProtectionMode=4,1",
    r"MACHINE\System\CurrentControlSet\Services\LanManServer\Parameters\AutoDisconnect=4,15",
    r"MACHINE\System\CurrentControlSet\Services\LanManServer\Parameters\EnableForcedLogOff=4,1",
    r"MACHINE\System\CurrentControlSet\Services\LanManServer\Parameters\EnableSecuritySignature=4,1",
    r"MACHINE\System\CurrentControlSet\Services\LanManServer\Parameters\NullSessionPipes=7,",
    r"MACHINE\System\CurrentControlSet\Services\LanManServer\Parameters\NullSessionShares=7,",
    r"MACHINE\System\CurrentControlSet\Services\LanManServer\Parameters\RequireSecuritySignature=4,1",
    r"MACHINE\System\CurrentControlSet\Services\LanManServer\Parameters\RestrictNullSessAccess=4,1",
    r"MACHINE\System\CurrentControlSet\Services\LanManServer\Parameters\SmbServerNameHardeningLevel=4,1",
    r"MACHINE\System\CurrentControlSet\Services\LanmanWorkstation\Parameters\EnablePlainTextPassword=4,0",
    r"MACHINE\System\CurrentControlSet\Services\LanmanWorkstation\Parameters\RequireSecuritySignature=4,1",
    r"MACHINE\System\CurrentControlSet\Services\LDAP\LDAPClientIntegrity=4,1",
    NETLOGON + r"\AuditNTLMInDomain=4,7",
    NETLOGON + r"\DCAllowedNTLMServers=7,",
    NETLOGON + r"\DisablePasswordChange=4,0",
    NETLOGON + r"\MaximumPasswordAge=4,30",
    NETLOGON + r"\RequireSignOrSeal=4,1",
    NETLOGON + r"\RequireStrongKey=4,1",
    NETLOGON + r"\RestrictNTLMInDomain=4,0",
    NETLOGON + r"\SealSecureChannel=4,1",
    NETLOGON + r"\SignSecureChannel=4,1",
    "[Privilege Rights]",
    "SeNetworkLogonRight = *S-1-5-32-544,*S-1-5-11",
    "SeDenyNetworkLogonRight = *S-1-5-32-546",
    "SeInteractiveLogonRight = *S-1-5-32-544",
    "SeDebugPrivilege = *S-1-5-32-544",
    "[Version]",
    'signature="$CHICAGO$"',
    "Revision=1",
    "",
])

TEMPLATE_UTF8 = "\n".join([
    "; A hand-written security template: windows-default-like, deny outgoing",
    "; NTLM except to the listed servers.",
    "[Unicode]",
    "Unicode=yes",
    "[Version]",
    'signature="$CHICAGO$"',
    "Revision=1",
    "[Registry Values]",
    LSA + r"\LmCompatibilityLevel=4,3",
    LSA + r"\NoLMHash=4,1",
    '"' + MSV + r'\NTLMMinClientSec"=4,0x20000000',
    '"' + MSV + r'\NTLMMinServerSec" = 4, 536870912',
    MSV + r"\RestrictSendingNTLMTraffic=4,2",
    MSV + r'\ClientAllowedNTLMServers=7,web*,"HTTP/intranet.example.com", fileserver',
    r"MACHINE\System\ControlSet001\Control\Lsa\MSV1_0\RestrictReceivingNTLMTraffic=4,1",
    MSV + r"\AuditReceivingNTLMTraffic=4,1",
    r"MACHINE\Software\Policies\Microsoft\Windows NT\DNSClient\EnableMulticast=4,0",
    r"MACHINE\Software\Policies\Microsoft\Windows\LanmanWorkstation\BlockNTLMServerExceptionList=7,files.example.com",
    r"MACHINE\System\CurrentControlSet\Control\Session Manager\SafeDllSearchMode=4,1",
    NETLOGON + r"\DCAllowedNTLMServers=7,app*,legacy01",
    "[Privilege Rights]",
    "SeBackupPrivilege = *S-1-5-32-544",
    "",
])


def hex_bytes(data):
    return ",".join("%02x" % b for b in data)


def reg_value_hex(name, kind, data):
    """A regedit-style hex value: wrapped before column 80 with ',\\' and
    continued on lines indented by two spaces."""
    head = '"%s"=hex(%x):' % (name, kind)
    parts = ["%02x" % b for b in data]
    lines, cur = [], head
    for i, p in enumerate(parts):
        piece = p + ("," if i + 1 < len(parts) else "")
        if len(cur) + len(piece) > 77:
            lines.append(cur + "\\")
            cur = "  "
        cur += piece
    lines.append(cur)
    return lines


def multi_sz(strings, utf16):
    enc = "utf-16-le" if utf16 else "ascii"
    nul = b"\0\0" if utf16 else b"\0"
    return b"".join(s.encode(enc) + nul for s in strings) + nul


HKLM_LSA = r"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Lsa]"
HKLM_MSV = r"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Lsa\MSV1_0]"
HKLM_NETLOGON = r"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\Netlogon\Parameters]"


def reg_file(utf16):
    if utf16:
        lines = ["Windows Registry Editor Version 5.00", ""]
    else:
        lines = ["REGEDIT4", ""]
    lines += [HKLM_LSA,
              '"auditbasedirectories"=dword:00000000',
              '"auditbaseobjects"=dword:00000000']
    lines += reg_value_hex("Authentication Packages", 7, multi_sz(["msv1_0"], utf16))
    lines += ['"crashonauditfail"=dword:00000000',
              '"LimitBlankPasswordUse"=dword:00000001']
    if utf16:
        lines += ['"LmCompatibilityLevel"=dword:00000005']
    else:
        lines += ['"lmcompatibilitylevel"=dword:00000004']
    lines += ['"NoLmHash"=dword:00000001']
    lines += reg_value_hex("Notification Packages", 7, multi_sz(["scecli"], utf16))
    lines += reg_value_hex("Security Packages", 7,
                           multi_sz(["kerberos", "msv1_0", "schannel", "wdigest", "tspkg",
                                     "pku2u", "cloudap"], utf16))
    lines += ['"RestrictRemoteSAM"="O:BAG:BAD:(A;;RC;;;BA)"',
              '"SecureBoot"=dword:00000001',
              "",
              HKLM_MSV,
              '"auditbasedirectories"=dword:00000000',
              '"NTLMMinClientSec"=dword:20080000']
    if utf16:
        lines += ['"NTLMMinServerSec"=hex(4):00,00,08,20',
                  '"RestrictSendingNTLMTraffic"=dword:00000002']
        lines += reg_value_hex("ClientAllowedNTLMServers", 7,
                               multi_sz(["*.corp.example.com", "web*", "HTTP/intranet.example.com",
                                         "fileserver01", "fileserver02", "legacy-app-01:8080"],
                                        True))
        lines += ['"RestrictReceivingNTLMTraffic"=dword:00000001',
                  '"AuditReceivingNTLMTraffic"=dword:00000002']
    else:
        lines += ['"NTLMMinServerSec"=dword:00080000',
                  '"RestrictSendingNTLMTraffic"=dword:00000002']
        lines += reg_value_hex("ClientAllowedNTLMServers", 7,
                               multi_sz(["*.example.com", "web*"], False))
        lines += ['"RestrictReceivingNTLMTraffic"=dword:00000000',
                  '"AuditReceivingNTLMTraffic"=dword:00000001']
    lines += ['"ProductType"=dword:00000006',
              "",
              r"[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Lsa\Kerberos\Parameters]",
              '"MaxTokenSize"=dword:0000ffff',
              "",
              HKLM_NETLOGON,
              '"DisablePasswordChange"=dword:00000000',
              '"MaximumPasswordAge"=dword:0000001e',
              '"RequireSignOrSeal"=dword:00000001',
              '"RestrictNTLMInDomain"=dword:00000003',
              '"AuditNTLMInDomain"=dword:00000007']
    lines += reg_value_hex("DCAllowedNTLMServers", 7,
                           multi_sz(["app*", "legacy01"] if utf16 else ["legacy01"], utf16))
    lines += ['"SysVol"="C:\\\\Windows\\\\SYSVOL\\\\sysvol"',
              "",
              r"[HKEY_CURRENT_USER\Software\Example]",
              '"LmCompatibilityLevel"="not a machine setting: ignored"',
              "",
              r"[HKEY_LOCAL_MACHINE\SOFTWARE\Example\Lsa]",
              '"RestrictSendingNTLMTraffic"=dword:00000009',
              "", ""]
    text = "\r\n".join(lines)
    if utf16:
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode("ascii")


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


CORPUS = os.path.join(HERE, "..", "fuzz", "corpus", "fuzz_policy_conf")

SEEDS = {
    "conf-all.conf": "\n".join([
        "Profile = windows-default  # start",
        "[Lsa]",
        "LmCompatibilityLevel = SendNTLMv2OnlyRefuseLM",
        "[MSV1_0]",
        "NtlmMinClientSec = RequireNTLMv2SessionSecurity|Require128",
        "NTLMMinServerSec = 0x20080030",
        "RestrictSendingNTLMTraffic = Deny",
        "ClientAllowedNTLMServers = *.example.com, web*, HTTP/a.b:80",
        "RestrictReceivingNTLMTraffic = 1",
        "AuditReceivingNTLMTraffic = AllAccounts",
        "[Netlogon]",
        "RestrictNTLMInDomain = 7",
        "AuditNTLMInDomain = DomainServers",
        "DCAllowedNTLMServers = app*",
        "[ntlmssp]",
        "StrictMinSec = yes",
        "RequireMIC = on",
        "ChannelBindings = Require",
        "MaxClockSkew = 0x12c",
        "AllowAnonymous = false",
        ""]).encode(),
    "conf-errors.conf": "\r\n".join([
        "Profile = nonesuch",
        "[MSV1_0]",
        "NtlmMinClientSec = 0x1 | Require129",
        "Bogus = 1",
        "[Nope]",
        "x = 1",
        "[Lsa",
        "[Lsa]",
        "LmCompatibilityLevel = 99999999999",
        "no equals",
        "= 5",
        "[ntlmssp]",
        "MaxClockSkew = 0",
        "Profile = cis",
        ""]).encode(),
    "conf-profile-last.conf": b"[Lsa]\nLmCompatibilityLevel=2\n[ntlmssp]\nProfile=legacy-insecure\n",
    "conf-utf16.conf": b"\xff\xfe" + "[Lsa]\r\nLmCompatibilityLevel = 4\r\n".encode("utf-16-le"),
    "inf-utf16.inf": b"\xff\xfe" + "\r\n".join([
        "[Unicode]", "Unicode=yes", "[Registry Values]",
        LSA + r"\LmCompatibilityLevel=4,5",
        '"' + MSV + r'\NTLMMinClientSec"=4,537395200',
        MSV + r"\ClientAllowedNTLMServers=7,server1,*.example.com",
        LSA + r"\RestrictSendingNTLMTraffic=4,1",
        NETLOGON + r"\AuditNTLMInDomain=4,7",
        LSA + r"\RestrictRemoteSAM=1," + '"O:BAG:BAD:(A;;RC;;;BA)"',
        "[Version]", 'signature="$CHICAGO$"', ""]).encode("utf-16-le"),
    "inf-utf8.inf": "\n".join([
        "\ufeff[Version]", "[Registry Values]",
        MSV + r"\NTLMMinServerSec=4,0x20000000",
        MSV + r"\NTLMMinServerSec=1,x",
        r"MACHINE\System\ControlSet001\Control\Lsa\MSV1_0\RestrictReceivingNTLMTraffic=4,2",
        NETLOGON + r"\DCAllowedNTLMServers=7,",
        ""]).encode("utf-8"),
}


def reg_seed(utf16):
    lines = ["Windows Registry Editor Version 5.00" if utf16 else "REGEDIT4", "",
             HKLM_LSA, '"LmCompatibilityLevel"=dword:00000005',
             '"RestrictSendingNTLMTraffic"=dword:00000002', "", HKLM_MSV,
             '"NTLMMinServerSec"=hex(4):00,00,08,20']
    lines += reg_value_hex("ClientAllowedNTLMServers", 7,
                           multi_sz(["*.example.com", "web*"], utf16))
    lines += ['"AuditReceivingNTLMTraffic"=dword:2', '"x"=-', "[-HKEY_LOCAL_MACHINE\\SOFTWARE\\X]",
              HKLM_NETLOGON, '"DCAllowedNTLMServers"=hex(7):00,00', ""]
    text = "\r\n".join(lines)
    return b"\xff\xfe" + text.encode("utf-16-le") if utf16 else text.encode("ascii")


def write_corpus():
    os.makedirs(CORPUS, exist_ok=True)
    seeds = dict(SEEDS)
    seeds["reg-v5.reg"] = reg_seed(True)
    seeds["reg-4.reg"] = reg_seed(False)
    for name, data in seeds.items():
        with open(os.path.join(CORPUS, name), "wb") as f:
            f.write(data)


def main():
    write("gpttmpl-cis.inf", b"\xff\xfe" + GPTTMPL_CIS.encode("utf-16-le"))
    write("template-utf8.inf", TEMPLATE_UTF8.encode("utf-8"))
    write("export-regedit4.reg", reg_file(False))
    write("export-v5.reg", reg_file(True))
    write_corpus()


if __name__ == "__main__":
    main()
