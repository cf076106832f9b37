"""A real HTTP server on 127.0.0.1 for the tracker's tests: pages and feeds that change between polls,
conditional GET, errors, slow and huge answers, redirects, and a webhook receiver (every POST is kept).
Routes are set (and changed) by the test.

For the private-address checks, a fake DNS and a fake internet in front of it: names answer what the test
says (and may change their answer from one lookup to the next), and a public address leads to the server."""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterable, Iterator
from xml.sax.saxutils import escape

import httpcore

from variorum.track.addresses import IPAddress, ip_literal


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


PUBLIC = "93.184.215.14"  # a public address; on the FakeInternet it leads to the local server


class FakeDns:
    """A resolver (``Fetcher(resolve=...)``) whose answers the test sets: ``dns.answers[name]`` is a list of
    answers given one per lookup, the last one again and again (``[[PUBLIC], ["127.0.0.1"]]``: public once,
    then loopback). IP literals stand for themselves; other names do not resolve. Names looked up are kept in order."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int | None = None) -> list[IPAddress]:
        literal = ip_literal(host)
        if literal is not None:
            return [literal]
        self.lookups.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        turn = min(self.lookups.count(host), len(self.answers[host])) - 1
        return [ip_literal(address) for address in self.answers[host][turn]]


class FakeInternet(httpcore.AsyncNetworkBackend):
    """Sockets (``Fetcher(network=...)``) on which :data:`PUBLIC` port N is 127.0.0.1 port N and nothing else
    answers. Every address connected to is kept in ``connected``, every TLS server name in ``tls_names``
    (the test server speaks no TLS, so the handshake then fails)."""

    def __init__(self) -> None:
        self.connected: list[str] = []
        self.tls_names: list[str | None] = []

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        self.connected.append(host)
        if host != PUBLIC:
            raise httpcore.ConnectError(f"no route to {host}")
        return _PlainStream(await httpcore.AnyIOBackend().connect_tcp("127.0.0.1", port, timeout=timeout), self)


class _PlainStream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream, internet: FakeInternet) -> None:
        self._stream = stream
        self._internet = internet

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(self, ssl_context: object, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        self._internet.tls_names.append(server_hostname)
        raise httpcore.ConnectError("the test server speaks no TLS")

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)
