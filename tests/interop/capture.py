# SPDX-License-Identifier: MIT
"""The fixture and loopback capture shared by the tshark checks
(tshark_check.py, tshark_dcerpc.py)."""
import os
import subprocess
import time


def make_fixture(ntlm, work, domain, user, password):
    """accounts (DOMAIN:USER:NTHASH), pw (0600) and cis.conf in work."""
    os.makedirs(work, exist_ok=True)
    nt = subprocess.run([ntlm, "hash"], input=password, capture_output=True, text=True,
                        check=True).stdout.strip()
    with open(os.path.join(work, "accounts"), "w") as f:
        f.write(f"{domain}:{user}:{nt}\n")
    pw = os.path.join(work, "pw")
    if os.path.exists(pw):
        os.unlink(pw)
    fd = os.open(pw, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, (password + "\n").encode())
    os.close(fd)
    with open(os.path.join(work, "cis.conf"), "w") as f:
        f.write("Profile = cis\n")


class Capture:
    """tshark on lo for one TCP port, into work/capture.pcapng. Capturing
    needs root (or CAP_NET_RAW); install-deps makes the same assumption:
    root, or sudo without a password."""

    def __init__(self, work):
        self.pcap = os.path.join(work, "capture.pcapng")
        if os.path.exists(self.pcap):
            os.unlink(self.pcap)
        self.errpath = os.path.join(work, "tshark.err")
        self.proc = None

    def start(self, port):
        self.err = open(self.errpath, "w+")
        sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
        self.proc = subprocess.Popen(sudo + ["tshark", "-q", "-i", "lo", "-f",
                                             f"tcp port {port}", "-w", self.pcap],
                                     stdout=subprocess.DEVNULL, stderr=self.err)
        for _ in range(200):              # until it says it captures
            self.err.seek(0)
            if "Capturing on" in self.err.read() or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        time.sleep(0.3)

    def stop(self):
        """Stops tshark; None when the capture is there, else why not."""
        if self.proc is None:
            return "tshark was never started"
        time.sleep(0.5)
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.err.seek(0)
        why = self.err.read().strip()[-200:]
        self.err.close()
        if not os.path.exists(self.pcap) or self.proc.returncode not in (0, -15):
            return f"capture failed (tshark exit {self.proc.returncode}): {why}"
        return None
