"""``create_app``: the FastAPI application over a :class:`~variorum.store.Store`.

Pages are rendered on the server from autoescaped templates; every page has a JSON twin under ``/api``;
the API reference is at ``/docs`` (drawn by the server, no CDN) and ``/openapi.json``. Every response
carries a strict Content Security Policy; request bodies are capped; the app only reads unless it was
given a token, and then the write endpoints require it as ``Authorization: Bearer``.
"""

from __future__ import annotations

from http import HTTPStatus
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from variorum.dedup import DedupConfig
from variorum.dedup.report import ClusterCache
from variorum.store import Store
from variorum.web import api, apidocs, pages
from variorum.web.data import AppState, ComparisonCache, app_state
from variorum.web.security import DEFAULT_MAX_UPLOAD_BYTES, BodyLimit, SecurityHeaders
from variorum.web.views import rows_html, safe_href

HERE = Path(__file__).resolve().parent
DEFAULT_CLUSTER_LIMIT = 5000


def _version() -> str:
    try:
        return package_version("variorum")
    except PackageNotFoundError:
        return "dev"


def _templates() -> Jinja2Templates:
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True,
        auto_reload=False,  # the templates ship with the package: compiled once, never checked again on disk
    )
    environment.filters["safe_href"] = safe_href
    environment.filters["rows_html"] = rows_html  # a comparison's rows: drawn in Python, as macros they were slow
    return Jinja2Templates(env=environment)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/openapi"))


def _error(request: Request, status: int, detail: object, headers: dict[str, str] | None = None) -> Response:
    """An error as JSON (``{"detail": …}``) for the API, as a page for everything else."""
    if _wants_json(request):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    state = app_state(request)
    return state.templates.TemplateResponse(request, "error.html", {
        "status": status, "reason": HTTPStatus(status).phrase, "detail": detail, "nav": "",
        "json_url": None, "read_only": not state.token, "app_version": request.app.version,
    }, status_code=status, headers=headers)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return _error(request, error.status_code, error.detail, getattr(error, "headers", None))


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    wrong_path = [e for e in error.errors() if e["loc"] and e["loc"][0] == "path"]
    if wrong_path:  # /articles/abc names no article: not found, whatever the validator thinks of "abc"
        return _error(request, 404, f"no such page: {request.url.path}")
    if _wants_json(request):
        return JSONResponse({"detail": error.errors()}, status_code=422)
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in error.errors())
    return _error(request, 422, problems)


class HeadAsGet:
    """ASGI middleware answering ``HEAD`` like ``GET`` without the body (RFC 9110), for every page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


def create_app(
    store: Store, *, token: str | None = None, max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    dedup: DedupConfig | None = None, cluster_limit: int = DEFAULT_CLUSTER_LIMIT,
) -> FastAPI:
    """The web application over ``store``.

    ``token`` enables the write endpoints (without it the app is read-only); ``max_upload_bytes`` caps
    every request body (413 beyond it); ``dedup`` and ``cluster_limit`` say how the clusters page finds
    the same story (over the latest versions of the ``cluster_limit`` most recently seen articles).
    """
    app = FastAPI(
        title="Variorum", version=_version(), docs_url=None, redoc_url=None, openapi_url="/openapi.json",
        description="Versions of news articles: what changed, and does it matter. Every page has a JSON twin here.",
        exception_handlers={HTTPException: _http_error, RequestValidationError: _validation_error},
    )
    app.state.variorum = AppState(
        store=store, token=token or None, max_upload_bytes=max_upload_bytes, dedup=dedup or DedupConfig(),
        cluster_limit=cluster_limit, templates=_templates(), comparisons=ComparisonCache(),
        clusters_cache=ClusterCache(),
    )
    app.add_middleware(BodyLimit, max_bytes=max_upload_bytes)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(apidocs.router)
    return app


__all__ = ["DEFAULT_CLUSTER_LIMIT", "create_app"]
