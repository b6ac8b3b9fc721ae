# SPDX-License-Identifier: MIT
"""A tiny backend for the proxy tests of `ntlm httpd`: echoes each request
(method, target, headers in order, body) as JSON. /status/NNN answers with
that status and an X-Backend header. Listens on a free port and writes it to
the file named by argv[1]; a line per request goes to stdout."""
import http.server
import json
import sys


class Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_one(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        status = 200
        if self.path.startswith("/status/"):
            status = int(self.path.split("/")[2])
        out = json.dumps({
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body.decode("utf-8", "replace"),
        }).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Backend", "echo")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(out)
        print("request", self.command, self.path, flush=True)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_one

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
