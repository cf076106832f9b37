"""``variorum serve``: the web interface and JSON API over the store, on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

from typing import Annotated

import typer

from variorum.cli.common import DatabaseOption, open_cli_store, warn
from variorum.cli.console import note

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def serve_command(
    db: DatabaseOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 exposes the server to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[str | None, typer.Option(
        envvar="VARIORUM_TOKEN", show_envvar=True,
        help="Allow the write endpoints to requests sending 'Authorization: Bearer TOKEN' (default: read-only).",
    )] = None,
    max_upload_bytes: Annotated[int | None, typer.Option(
        min=1, help="Largest request body accepted, 413 beyond it (default: 5 MiB).",
    )] = None,
) -> None:
    """Serve the web interface and JSON API (reference at /docs) over the store."""
    # imported here, not at the top, so that the other commands do not pay for loading the web stack
    import uvicorn

    from variorum.web import create_app
    from variorum.web.security import DEFAULT_MAX_UPLOAD_BYTES

    store = open_cli_store(db, create=token is not None)  # read-only without a token: never creates a store
    if host not in LOCAL_HOSTS:
        warn(f"listening on {host}: anyone who can reach it can read the store")
    try:
        app = create_app(store, token=token, max_upload_bytes=max_upload_bytes or DEFAULT_MAX_UPLOAD_BYTES)
        mode = "writes need the token" if token else "read-only"
        note(f"serving the {store.dialect} store on http://{host}:{port}/ ({mode}); Ctrl-C stops")
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
    finally:
        store.close()


__all__ = ["serve_command"]
