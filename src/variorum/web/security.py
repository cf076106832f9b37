"""What keeps the web interface safe to run: security headers on every response (a strict Content
Security Policy among them), a cap on request bodies, and the bearer token the write endpoints require.

The policy allows scripts, styles and images from the server itself only: no inline script, no inline
style, no other origin. Article text is never trusted as markup; templates escape it (see ``app.py``).
"""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from variorum.web.data import app_state

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}
DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_log = logging.getLogger("variorum.web")


def too_large(limit: int, size: int | None = None) -> HTTPException:
    """The 413 error for a request body over ``limit`` bytes."""
    said = f"the upload is {size:,} bytes, " if size is not None else "the upload is "
    return HTTPException(413, f"{said}over the limit of {limit:,} bytes (see --max-upload-bytes)")


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP response, the 500 of an unexpected
    error included: that one is answered here (logged, with no detail for the client), as the server's own
    error page would otherwise be written outside this middleware, without the headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()
                    if name.encode() not in present
                ]
            await send(message)

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            _log.exception("unexpected error answering %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            body = b"500 Internal Server Error: the server could not answer this request.\n"
            await send_with_headers({"type": "http.response.start", "status": 500, "headers": [
                (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            ]})
            await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` with 413: at the first read of a body
    whose Content-Length is over the limit (before any byte of it is received), otherwise as soon as the
    streamed body passes the limit. The 413 is an ``HTTPException``, rendered like any other error."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        size = int(declared) if declared is not None and declared.isdigit() else None
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            if size is not None and size > self.max_bytes:
                raise too_large(self.max_bytes, size)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise too_large(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)


_bearer = HTTPBearer(auto_error=False, description="The token given to `variorum serve --token`.")


def require_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Dependency of the write endpoints: 403 when the server has no token (read-only), 401 unless the
    request carries ``Authorization: Bearer <token>``."""
    token: str | None = app_state(request).token
    if not token:
        raise HTTPException(403, "this server is read-only: start it with --token (or VARIORUM_TOKEN) to allow writes")
    if credentials is None or not secrets.compare_digest(credentials.credentials.encode(), token.encode()):
        raise HTTPException(401, "a valid 'Authorization: Bearer <token>' header is required",
                            headers={"WWW-Authenticate": "Bearer"})


__all__ = [
    "CONTENT_SECURITY_POLICY",
    "DEFAULT_MAX_UPLOAD_BYTES",
    "SECURITY_HEADERS",
    "BodyLimit",
    "SecurityHeaders",
    "require_token",
    "too_large",
]
