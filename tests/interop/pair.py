#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Pair two ntlm-lines/1 processes (docs/cli.md, "--stdio").

Relays the client's lines to the server and each answer back, one line at a
time, and records what went by: the three handshake messages, the result line,
the data-phase requests and any ERR answer.

As a module: pair(server_argv, client_argv, ...) -> dict. As a program:

  pair.py [--timeout S] -- SERVER ARGV... -- CLIENT ARGV...

prints the dict as JSON and exits 0 when both sides exited 0.
"""
import base64
import json
import struct
import subprocess
import sys
import threading

TIMEOUT = 60


class Side:
    def __init__(self, argv, env, stderr_path):
        self.err = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL
        try:
            self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=self.err, env=env)
        except OSError as e:             # a peer that is not there: exit 127, no lines
            self.p = None
            if self.err is not subprocess.DEVNULL:
                self.err.write(f"cannot run {argv[0]}: {e}\n".encode())

    def send(self, line):
        if self.p is None:
            return False
        try:
            self.p.stdin.write(line.encode() + b"\n")
            self.p.stdin.flush()
            return True
        except (BrokenPipeError, ValueError):
            return False

    def recv(self):
        if self.p is None:
            return None
        line = self.p.stdout.readline()
        if not line:
            return None
        return line.rstrip(b"\r\n").decode("utf-8", "replace")

    def close(self):
        if self.p is None:
            return
        try:
            self.p.stdin.close()
        except (BrokenPipeError, ValueError):
            pass

    def wait(self):
        if self.p is None:
            if self.err is not subprocess.DEVNULL:
                self.err.close()
            return 127
        try:
            rc = self.p.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        if self.err is not subprocess.DEVNULL:
            self.err.close()
        return rc


def token(line):
    """The NTLM message in a handshake line, or None."""
    try:
        b = base64.b64decode(line, validate=True)
    except Exception:
        return None
    return b if b[:8] == b"NTLMSSP\0" else None


def msg_flags(b):
    if b is None or len(b) < 16:
        return None
    off = {1: 12, 2: 20, 3: 60}.get(struct.unpack_from("<I", b, 8)[0])
    if off is None or len(b) < off + 4:
        return None
    return struct.unpack_from("<I", b, off)[0]


def pair(server_argv, client_argv, server_env=None, client_env=None,
         server_err=None, client_err=None, timeout=TIMEOUT, edit=None):
    """Runs both sides to the end. edit(kind, line) -> line may alter a line in flight."""
    srv = Side(server_argv, server_env, server_err)
    cli = Side(client_argv, client_env, client_err)
    timed_out = []

    def kill():
        timed_out.append(True)
        for s in (srv, cli):
            try:
                if s.p is not None:
                    s.p.kill()
            except OSError:
                pass

    watchdog = threading.Timer(timeout, kill)
    watchdog.start()
    r = {"negotiate": None, "challenge": None, "authenticate": None, "result": None,
         "requests": 0, "errs": [], "bye": False}
    kinds = ["negotiate", "authenticate"]
    try:
        step = 0
        while True:
            line = cli.recv()
            if line is None:
                break
            if edit:
                line = edit("request", line)
            if step < 2:
                r[kinds[step]] = line
            elif line == "BYE":
                r["bye"] = True
            else:
                r["requests"] += 1
            if not srv.send(line):
                break
            answer = srv.recv()
            if answer is None:
                break
            if edit:
                answer = edit("answer", answer)
            if step == 0:
                r["challenge"] = answer
            elif step == 1:
                r["result"] = answer
            elif answer.startswith("ERR"):
                r["errs"].append(answer)
            step += 1
            if not cli.send(answer):
                break
    finally:
        srv.close()
        cli.close()
        r["server_rc"] = srv.wait()
        r["client_rc"] = cli.wait()
        watchdog.cancel()
    r["timed_out"] = bool(timed_out)
    for k in ("negotiate", "challenge", "authenticate"):
        r[k + "_flags"] = msg_flags(token(r[k])) if r[k] else None
    return r


def main():
    args = sys.argv[1:]
    timeout = TIMEOUT
    if args[:1] == ["--timeout"]:
        timeout = float(args[1])
        args = args[2:]
    if not args or args[0] != "--" or args.count("--") != 2:
        sys.exit(__doc__)
    i = args.index("--", 1)
    r = pair(args[1:i], args[i + 1:], timeout=timeout)
    print(json.dumps(r, indent=1))
    sys.exit(0 if r["server_rc"] == 0 and r["client_rc"] == 0 else 1)


if __name__ == "__main__":
    main()
