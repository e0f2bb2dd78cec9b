#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# fake_registry.py - a scripted registry on loopback for the registry client's unit tests.
#
# Only for tests/unit/test_reg_*.c: it produces edge cases a real registry will not produce on
# demand (truncated bodies, wrong digests, 500-then-200, redirects to another port).
#
# Usage: fake_registry.py --log FILE [--blob FILE]... [--v2-auth none|basic|bearer]
#                         [--tls CERT KEY]   (the main server speaks HTTPS)
# Binds two servers on 127.0.0.1 (free ports), prints "PORT CDN_PORT" on stdout, and exits
# when stdin reaches EOF (the test died), on SIGTERM, or after --ttl seconds.
# Every request is appended to FILE as one JSON line: srv, method, path, auth, range, accept, ua.
#
# Behaviour by repository name (/v2/<repo>/...):
#   bearer/*       401 Bearer challenge, realm http://127.0.0.1:PORT/token (bearer/at*: /token2,
#                  answering only access_token); bearer/private*: the realm wants Basic creds
#   basic/*        401 Basic realm="fake registry, with comma"; user fixture, password secret
#   multi/*        401 with two challenges in one header (Basic, then Bearer)
#   flaky/*        each path fails once with 500 then works; flaky429/*: 429 then works
#   always500/*    503 forever
#   manifests/missing: 404 MANIFEST_UNKNOWN; repository Bad_Name: plain-text 404
# Blob suffixes (repo ends with): /redirect (307 to the CDN port), /sameredirect (307 to
# /v2/<repo>/data/<hex> on the same server), /trunc (Content-Length full, half sent, close),
# /half (half then close unless a Range is asked), /norange (Range ignored), /wrong (one byte
# flipped), /big (extra bytes), /slow (0.3 s pause before the body).
import argparse
import base64
import hashlib
import json
import os
import re
import signal
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

USER, PASSWORD = "fixture", "secret"
BASIC_OK = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


class State:
    def __init__(self, args):
        self.log = args.log
        self.v2_auth = args.v2_auth
        self.blobs = {}
        for path in args.blob or []:
            with open(path, "rb") as f:
                data = f.read()
            self.blobs[hashlib.sha256(data).hexdigest()] = data
        self.lock = threading.Lock()
        self.seen = {}
        self.active = 0
        self.port = self.cdn_port = 0

    def record(self, entry):
        with self.lock:
            with open(self.log, "a") as f:
                f.write(json.dumps(entry, sort_keys=True) + "\n")

    def first_time(self, key):
        with self.lock:
            n = self.seen.get(key, 0)
            self.seen[key] = n + 1
            return n == 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-registry/1"

    def log_message(self, *args):
        pass

    @property
    def st(self):
        return self.server.state

    # ---- plumbing ----
    def send(self, status, body=b"", ctype="application/json", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, status, code, message, headers=()):
        body = json.dumps({"errors": [{"code": code, "message": message, "detail": None}]})
        self.send(status, body, headers=headers)

    def cut(self):
        self.wfile.flush()
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        h = self.headers
        self.st.record({"srv": self.server.name, "method": self.command, "path": self.path,
                        "auth": h.get("Authorization"), "range": h.get("Range"),
                        "accept": h.get("Accept"), "ua": h.get("User-Agent")})
        if self.server.name == "cdn":
            return self.cdn()
        url = urlparse(self.path)
        if url.path in ("/token", "/token2"):
            return self.token(url)
        if url.path == "/v2/":
            return self.v2()
        m = re.match(r"^/v2/(.+)/(manifests|blobs|data)/([^/]+)$", url.path)
        if not m:
            return self.send(404, "404 page not found\n", "text/plain; charset=utf-8")
        repo, kind, ref = m.groups()
        if not self.authorized(repo):
            return
        if self.fail_first(repo, url.path):
            return
        if kind == "manifests":
            return self.manifest(repo, ref)
        return self.blob(repo, ref, kind == "data")

    # ---- auth ----
    def challenge_bearer(self, repo):
        realm = "/token2" if repo.startswith("bearer/at") else "/token"
        return (f'Bearer realm="http://127.0.0.1:{self.st.port}{realm}",'
                f'service="fake-registry",scope="repository:{repo}:pull"')

    def authorized(self, repo):
        auth = self.headers.get("Authorization") or ""
        if repo.startswith("basic/"):
            if auth == BASIC_OK:
                return True
            self.error(401, "UNAUTHORIZED", "authentication required",
                       [("WWW-Authenticate", 'Basic realm="fake registry, with comma"')])
            return False
        if repo.startswith(("bearer/", "multi/")):
            want = f"Bearer tok.repository:{repo}:pull"
            if auth == want + ".user" or (auth == want and "private" not in repo):
                return True
            chal = self.challenge_bearer(repo)
            if repo.startswith("multi/"):
                chal = 'Basic realm="fake", ' + chal
            self.error(401, "UNAUTHORIZED", "authentication required",
                       [("WWW-Authenticate", chal)])
            return False
        return True

    def token(self, url):
        q = parse_qs(url.query)
        auth = self.headers.get("Authorization")
        scope = q.get("scope", [""])[0]
        if q.get("service") != ["fake-registry"]:
            return self.send(400, '{"details":"bad service"}')
        if auth is not None and auth != BASIC_OK:
            return self.send(401, '{"details":"incorrect username or password"}')
        if "private" in scope and auth is None:
            return self.send(401, '{"details":"credentials required"}')
        tok = "tok." + scope + (".user" if auth else "")
        key = "access_token" if url.path == "/token2" else "token"
        self.send(200, json.dumps({key: tok, "expires_in": 300}))

    def v2(self):
        auth = self.headers.get("Authorization") or ""
        mode = self.st.v2_auth
        if mode == "basic" and auth != BASIC_OK:
            return self.error(401, "UNAUTHORIZED", "authentication required",
                              [("WWW-Authenticate", 'Basic realm="fake"')])
        if mode == "bearer" and not auth.startswith("Bearer tok."):
            chal = f'Bearer realm="http://127.0.0.1:{self.st.port}/token",service="fake-registry"'
            return self.error(401, "UNAUTHORIZED", "authentication required",
                              [("WWW-Authenticate", chal)])
        self.send(200, "{}", headers=[("Docker-Distribution-Api-Version", "registry/2.0")])

    def fail_first(self, repo, path):
        if repo.startswith("always500/"):
            self.error(503, "UNAVAILABLE", "try later")
            return True
        if repo.startswith("flaky/") and self.st.first_time(path):
            self.error(500, "UNKNOWN", "transient")
            return True
        if repo.startswith("flaky429/") and self.st.first_time(path):
            self.error(429, "TOOMANYREQUESTS", "slow down", [("Retry-After", "0")])
            return True
        return False

    # ---- content ----
    def manifest(self, repo, ref):
        if repo == "Bad_Name":
            return self.send(404, "404 page not found\n", "text/plain; charset=utf-8")
        if ref == "missing":
            return self.error(404, "MANIFEST_UNKNOWN", "manifest unknown")
        body = json.dumps({"schemaVersion": 2, "repo": repo, "ref": ref,
                           "accept": self.headers.get("Accept")}).encode()
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        self.send(200, body, "application/vnd.oci.image.manifest.v1+json",
                  [("Docker-Content-Digest", digest)])

    def blob(self, repo, ref, is_data):
        hexd = ref[7:] if ref.startswith("sha256:") else ref
        data = self.st.blobs.get(hexd)
        if data is None:
            return self.error(404, "BLOB_UNKNOWN", "blob unknown to registry")
        if repo.endswith("/redirect"):
            loc = f"http://127.0.0.1:{self.st.cdn_port}/cdn/{hexd}"
            return self.send(307, "", headers=[("Location", loc)])
        if repo.endswith("/sameredirect") and not is_data:
            return self.send(307, "", headers=[("Location", f"/v2/{repo}/data/{hexd}")])
        if repo.endswith("/wrong"):
            data = data[:-1] + bytes([data[-1] ^ 1])
        if repo.endswith("/big"):
            data = data + b"extra" * 100
        ranged = not repo.endswith(("/norange", "/trunc"))
        if repo.endswith("/half") and not self.headers.get("Range"):
            return self.serve(data, False, len(data) // 2)
        if repo.endswith("/trunc"):
            return self.serve(data, False, len(data) // 2)
        self.serve(data, ranged, None, 0.3 if repo.endswith("/slow") else 0)

    def cdn(self):
        m = re.match(r"^/cdn/([0-9a-f]{64})$", self.path)
        data = self.st.blobs.get(m.group(1)) if m else None
        if data is None:
            return self.send(404, "not found\n", "text/plain")
        self.serve(data, True, None)

    def serve(self, data, ranged, cut_at, pause=0):
        start, rng = 0, self.headers.get("Range")
        m = re.match(r"^bytes=(\d+)-$", rng or "")
        if ranged and m:
            start = int(m.group(1))
            if start >= len(data):
                return self.send(416, "", headers=[("Content-Range", f"bytes */{len(data)}")])
        with self.st.lock:
            self.st.active += 1
            active = self.st.active
        self.st.record({"srv": self.server.name, "active": active})
        try:
            part = data[start:]
            self.send_response(206 if start else 200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(part)))
            self.send_header("Accept-Ranges", "bytes")
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.end_headers()
            if self.command == "HEAD":
                return
            if pause:
                time.sleep(pause)
            if cut_at is not None:
                self.wfile.write(part[:cut_at])
                return self.cut()
            self.wfile.write(part)
        finally:
            with self.st.lock:
                self.st.active -= 1


def serve(state, name, tls=None):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls[0], tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    srv.daemon_threads = True
    srv.handle_error = lambda *a: None  # failed TLS handshakes are expected in the tests
    srv.state, srv.name = state, name
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv.server_address[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--blob", action="append")
    ap.add_argument("--v2-auth", default="none", choices=["none", "basic", "bearer"])
    ap.add_argument("--ttl", type=float, default=120)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    args = ap.parse_args()
    state = State(args)
    state.port = serve(state, "main", args.tls)
    state.cdn_port = serve(state, "cdn")
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    threading.Timer(args.ttl, lambda: os._exit(0)).start()
    print(state.port, state.cdn_port, flush=True)
    sys.stdin.read()  # EOF: the test is gone
    os._exit(0)


if __name__ == "__main__":
    main()
