"""``/docs``: the API reference drawn by the server from the app's OpenAPI description, with no script
and no asset from elsewhere (FastAPI's own Swagger UI page loads its code from a CDN, so it is off)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from variorum.web.data import app_state

router = APIRouter(include_in_schema=False)
METHODS = ("get", "post", "put", "patch", "delete")


def _type(schema: dict[str, Any]) -> str:
    """A short name for a JSON schema: ``integer``, ``string``, ``integer or null``, ``feed | page``."""
    if "enum" in schema:
        return " | ".join(str(value) for value in schema["enum"])
    if "anyOf" in schema:
        return " or ".join(_type(option) for option in schema["anyOf"])
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    return str(schema.get("type", "any"))


def _body(operation: dict[str, Any], spec: dict[str, Any]) -> str:
    """What the request body holds, e.g. ``application/json: a (string), b (string)``."""
    content = operation.get("requestBody", {}).get("content", {})
    parts = []
    for media, item in content.items():
        schema = item.get("schema", {})
        if "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        fields = ", ".join(
            f"{name} ({_type(value)}{', required' if name in schema.get('required', []) else ''})"
            for name, value in schema.get("properties", {}).items()
        )
        parts.append(f"{media}: {fields}" if fields else media)
    return "; ".join(parts)


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of an OpenAPI description, in path order, flattened for the template."""
    found = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            found.append({
                "anchor": operation.get("operationId", f"{method}-{path}"),
                "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "secured": bool(operation.get("security")),
                "parameters": [
                    {"name": p["name"], "in": p["in"], "required": p.get("required", False),
                     "type": _type(p.get("schema", {})),
                     "description": p.get("description") or p.get("schema", {}).get("description", "")}
                    for p in operation.get("parameters", [])
                ],
                "body": _body(operation, spec),
                "responses": [(code, response.get("description", "")) for code, response in operation.get("responses", {}).items()],
            })
    return found


@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    return app_state(request).templates.TemplateResponse(request, "docs.html", {
        "nav": "docs", "json_url": "/openapi.json", "read_only": not app_state(request).token,
        "app_version": request.app.version, "spec": spec, "operations": operations(spec),
    })


__all__ = ["operations", "router"]
