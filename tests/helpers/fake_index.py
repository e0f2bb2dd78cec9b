#!/usr/bin/env python3
# fake_index.py - a Docker index's search API (/v1/search) on 127.0.0.1 for search.bats:
# answers from a fixed catalogue, prints its port on stdout, logs each query to LOG, and
# exits when its stdin closes or it is killed.
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

CATALOGUE = [
    {"name": "busybox", "description": "Busybox base image.", "star_count": 3300,
     "is_official": True, "is_automated": False},
    {"name": "someone/busybox-tools", "description": "A busybox with extra tools " * 4,
     "star_count": 7, "is_official": False, "is_automated": False},
    {"name": "debian", "description": "Debian is a Linux distribution.", "star_count": 5000,
     "is_official": True, "is_automated": False},
]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        with open(sys.argv[1], "a") as log:
            log.write(self.path + "\n")
        if url.path != "/v1/search":
            self.send_error(404)
            return
        q = parse_qs(url.query).get("q", [""])[0]
        body = json.dumps({"query": q, "num_results": 0,
                           "results": [r for r in CATALOGUE if q in r["name"]]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
