"""A real HTTP server on 127.0.0.1 for the tracker's tests: pages and feeds that change between polls,
conditional GET, errors, slow and huge answers, redirects, and a webhook receiver (every POST is kept).
Routes are set (and changed) by the test."""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterable, Iterator
from xml.sax.saxutils import escape


@dataclass
class Reply:
    """What a route answers. ``body`` may be bytes or an iterable of chunks (sent chunked, for huge or
    dripping answers); ``etag`` turns on conditional GET; ``delay`` is waited before answering."""

    body: bytes | Iterable[bytes] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    etag: str | None = None
    delay: float = 0.0


Route = Reply | Callable[[], Reply]


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up (a killed tracker, a timed-out fetch) are expected here, not errors."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class LocalSite:
    """The server: ``site.routes[path] = Reply(...)``; ``site.url(path)``; ``site.hits[path]``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[float, str, dict[str, str]]] = []
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stalls

            def log_message(self, *_args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                site.posts.append((self.path, dict(self.headers.items()), body))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                site.hits[self.path] += 1
                site.requests.append((time.monotonic(), self.path, dict(self.headers.items())))
                route = site.routes.get(self.path)
                reply = Reply(b"not found", 404) if route is None else route() if callable(route) else route
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.etag is not None and self.headers.get("If-None-Match") == reply.etag:
                    self.send_response(304)
                    self.send_header("ETag", reply.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.etag is not None:
                    self.send_header("ETag", reply.etag)
                try:
                    if isinstance(reply.body, bytes):
                        self.send_header("Content-Length", str(len(reply.body)))
                        self.end_headers()
                        self.wfile.write(reply.body)
                        return
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for chunk in reply.body:
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LocalSite:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.origin + path


def drip(chunks: int, size: int, pause: float = 0.0) -> Iterator[bytes]:
    """``chunks`` pieces of ``size`` bytes, ``pause`` seconds apart."""
    for _ in range(chunks):
        if pause:
            time.sleep(pause)
        yield b"x" * size


def article_page(headline: str, paragraphs: list[str], *, ad: str = "", stamp: str = "") -> Reply:
    """A news page: navigation, an ad slot and a clock outside the article, the article itself."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>" + escape(headline) + "</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <span class='clock'>" + escape(stamp) + "</span></nav>"
        "<aside class='ad'><a href='/ads/1'>" + escape(ad) + "</a></aside>"
        "<main><article><h1>" + escape(headline) + "</h1>" + body + "</article></main>"
        "<footer>© The Daily Example. All rights reserved.</footer></body></html>"
    )
    return Reply(html.encode("utf-8"))


def rss(site: LocalSite, paths: list[str], title: str = "Example news") -> Reply:
    """An RSS 2.0 feed linking to ``paths`` on ``site``."""
    items = "".join(f"<item><title>{escape(p)}</title><link>{escape(site.url(p))}</link></item>" for p in paths)
    xml = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
           f"<link>{site.origin}/</link>{items}</channel></rss>")
    return Reply(xml.encode("utf-8"), headers={"Content-Type": "application/rss+xml"})
