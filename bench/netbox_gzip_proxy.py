#!/usr/bin/python3
"""A pass-through HTTP proxy in front of nbsync-lab's NetBox API that offers only gzip.

usage: /usr/bin/python3 bench/netbox_gzip_proxy.py UPSTREAM_URL
Prints "ready url=http://127.0.0.1:PORT" and forwards every request to UPSTREAM_URL with
`Accept-Encoding: gzip` instead of what the client sent, streaming the answer back as is.

Why: nbsync's libcurl client accepts every encoding it can decode, brotli included, and
nbsync-lab's cpp-httplib then compresses each 1,000-device page with brotli at quality 11
(~3.8 s of lab CPU per page on this machine). Real NetBox deployments answer with gzip or
nothing. bench/run --netbox-gzip runs one more nbsync cycle through this proxy to show the
cycle without that lab artefact; the main figures never go through it.
"""
import http.client
import http.server
import socketserver
import sys
import threading
import urllib.parse

UPSTREAM = urllib.parse.urlsplit(sys.argv[1])
_local = threading.local()


def upstream():
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=120)
        _local.connection = connection
    return connection


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("accept-encoding", "host", "connection")}
        headers["Accept-Encoding"] = "gzip"
        for attempt in range(2):
            try:
                connection = upstream()
                connection.request(self.command, self.path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                _local.connection = None
                if attempt == 1:
                    self.send_error(502)
                    return
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in ("connection", "transfer-encoding", "content-length", "keep-alive"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = forward


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(f"ready url=http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
