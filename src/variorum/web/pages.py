"""The HTML pages. Each has a JSON twin in :mod:`variorum.web.api` (linked from its footer) built from the
same data (:mod:`variorum.web.data`); templates are autoescaped, so article text always shows as text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from variorum.compare import compare
from variorum.compare.model import KINDS, SIGNIFICANCES
from variorum.errors import InputError
from variorum.render.atom import render_atom
from variorum.store.queries import ArticleFilter, VersionHead, article_counts_by_source, list_articles
from variorum.web.data import (
    ChangesQuery,
    Id,
    app_state,
    article_filter,
    changes,
    changes_wanted,
    cluster_comparison,
    get_store,
    history_or_404,
    source_or_404,
    store_clusters,
    stored_comparison,
    version_or_404,
)
from variorum.web.views import VIEWS, article_from_upload, article_links, comparison_view, timeline_chart

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
CosmeticQuery = Annotated[bool, Query(description="Show cosmetic changes too.")]


def render(request: Request, template: str, nav: str = "", json_url: str | None = None, **context: Any) -> HTMLResponse:
    """``template`` rendered with ``context`` and what every page shows."""
    return app_state(request).templates.TemplateResponse(request, template, {
        "nav": nav, "json_url": json_url, "read_only": not app_state(request).token,
        "app_version": request.app.version, **context,
    })


def _query(**values: Any) -> str:
    return urlencode({
        name: 1 if value is True else value for name, value in values.items() if value not in (None, "", False)
    })


@router.get("/")
def articles_page(request: Request, wanted: Annotated[ArticleFilter, Depends(article_filter)]) -> HTMLResponse:
    store = get_store(request)
    page = list_articles(store, wanted)
    raw = {name: request.query_params.get(name) for name in ("since", "until")}
    base = _query(q=wanted.q, site=wanted.site, since=raw["since"], until=raw["until"], kind=wanted.kind,
                  significance=wanted.significance, source=wanted.source_id)
    source = source_or_404(store, wanted.source_id) if wanted.source_id is not None else None
    json_query = _query(**dict(request.query_params))
    return render(
        request, "articles.html", "articles", "/api/articles" + (f"?{json_query}" if json_query else ""),
        page=page, filters=wanted, raw=raw, kinds=KINDS, significances=SIGNIFICANCES, base_query=base,
        source=source,
    )


@router.get("/sources")
def sources_page(request: Request) -> HTMLResponse:
    store = get_store(request)
    counts = article_counts_by_source(store)
    items = [{"source": source, "articles": counts.get(source.id, 0)} for source in store.sources()]
    return render(request, "sources.html", "sources", "/api/sources", sources=items, base_url=str(request.base_url))


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: Id) -> HTMLResponse:
    store = get_store(request)
    article, points = history_or_404(store, article_id)
    source = source_or_404(store, article.source_id) if article.source_id is not None else None
    return render(
        request, "article.html", "articles", f"/api/articles/{article_id}",
        article=article, points=points, chart=timeline_chart(points, article_id), source=source,
    )


@router.get("/articles/{article_id}/versions/{number}")
def version_page(request: Request, article_id: Id, number: Id) -> HTMLResponse:
    store = get_store(request)
    article, points = history_or_404(store, article_id)
    point = version_or_404(points, number, article_id)
    text = store.version(article.url, number)
    return render(
        request, "version.html", "articles", f"/api/articles/{article_id}/versions/{number}",
        article=article, version=number, point=point, text=text, links=article_links(text),
    )


ViewQuery = Annotated[str | None, Query(description="The view: side (side by side) or inline; default: by screen width.")]


def _view_url(path: str, **kept: Any) -> Callable[[str], str]:
    """The URL of this page in another view, the other parameters kept."""
    return lambda view: f"{path}?{_query(**kept, view=view)}"


def _version_head(head: VersionHead) -> str:
    title = f" — {head.title}" if head.title else ""
    return f"Version {head.version}, fetched {head.fetched_at.strftime('%Y-%m-%d %H:%M UTC')}{title}"


@router.get("/articles/{article_id}/compare")
def comparison_page(
    request: Request, article_id: Id,
    from_version: Annotated[int | None, Query(alias="from")] = None,
    to_version: Annotated[int | None, Query(alias="to")] = None,
    cosmetic: CosmeticQuery = False,
    view: ViewQuery = None,
) -> HTMLResponse:
    shown = stored_comparison(request, article_id, from_version, to_version)
    versions = shown.article.versions
    by_number = {head.version: head for head in versions}
    here = f"/articles/{article_id}/compare"
    kept = {"cosmetic": cosmetic, "view": view if view in VIEWS else None}
    pair = _query(**{"from": shown.from_version, "to": shown.to_version})
    first, last = versions[0].version, versions[-1].version
    around = {
        "previous": {
            "href": f"{here}?{_query(**{'from': shown.from_version - 1, 'to': shown.from_version}, **kept)}",
            "label": f"versions {shown.from_version - 1} → {shown.from_version}",
        } if shown.from_version > first else None,
        "next": {
            "href": f"{here}?{_query(**{'from': shown.to_version, 'to': shown.to_version + 1}, **kept)}",
            "label": f"versions {shown.to_version} → {shown.to_version + 1}",
        } if shown.to_version < last else None,
    }
    return render(
        request, "comparison.html", "articles", f"/api{here}?{pair}",
        article=shown.article, from_version=shown.from_version, to_version=shown.to_version,
        view=comparison_view(shown.comparison, cosmetic, view),
        head_a=_version_head(by_number[shown.from_version]), head_b=_version_head(by_number[shown.to_version]),
        toggle_url=f"{here}?{_query(**{'from': shown.from_version, 'to': shown.to_version}, view=kept['view'], cosmetic=not cosmetic)}",
        view_url=_view_url(here, **{"from": shown.from_version, "to": shown.to_version, "cosmetic": cosmetic}),
        around=around,
    )


@router.get("/changes")
def changes_page(request: Request, wanted: Annotated[ChangesQuery, Depends(changes_wanted)]) -> HTMLResponse:
    found = changes(get_store(request), wanted)
    query = wanted.query()
    feed_query = wanted.query(offset=None)
    return render(
        request, "changes.html", "changes", "/api/changes" + (f"?{query}" if query else ""), found=found,
        wanted=wanted, significances=SIGNIFICANCES, kinds=KINDS,
        atom_url="/changes.atom" + (f"?{feed_query}" if feed_query else ""),
    )


@router.get("/changes.atom")
def changes_feed(request: Request, wanted: Annotated[ChangesQuery, Depends(changes_wanted)]) -> Response:
    items = changes(get_store(request), wanted).items
    base = str(request.base_url).rstrip("/")
    links = {(item.entry.url, item.entry.from_version, item.entry.to_version): base + item.href for item in items}
    feed = render_atom(
        [item.entry for item in items], self_url=str(request.url),
        link_for=lambda entry: links[(entry.url, entry.from_version, entry.to_version)],
    )
    return Response(feed, media_type="application/atom+xml; charset=utf-8")


@router.get("/clusters")
def clusters_page(request: Request) -> HTMLResponse:
    found = store_clusters(request)
    return render(
        request, "clusters.html", "clusters", "/api/clusters", clusters=found, config=app_state(request).dedup,
        scanned=app_state(request).cluster_limit,
    )


@router.get("/clusters/{cluster_id}/compare/{member_id}")
def cluster_comparison_page(
    request: Request, cluster_id: Id, member_id: Id, cosmetic: CosmeticQuery = False, view: ViewQuery = None,
) -> HTMLResponse:
    _cluster, first, second, comparison = cluster_comparison(request, cluster_id, member_id)
    here = f"/clusters/{cluster_id}/compare/{member_id}"
    chosen = view if view in VIEWS else None
    return render(
        request, "cluster_comparison.html", "clusters", f"/api{here}", cluster_id=cluster_id, first=first,
        second=second, view=comparison_view(comparison, cosmetic, view),
        toggle_url=f"{here}?{_query(view=chosen, cosmetic=not cosmetic)}".rstrip("?"),
        view_url=_view_url(here, cosmetic=cosmetic),
    )


@router.get("/compare")
def compare_form(request: Request) -> HTMLResponse:
    return render(
        request, "compare.html", "compare", form={"text_a": "", "text_b": "", "cosmetic": False},
        max_upload_bytes=app_state(request).max_upload_bytes,
    )


async def _side(form: Any, side: str) -> tuple[str, bytes]:
    """The name and bytes of one side of the compare form: the file if one was chosen, else the text."""
    upload = form.get(f"file_{side}")
    if isinstance(upload, UploadFile) and upload.filename:
        return upload.filename, await upload.read()
    text = form.get(f"text_{side}") or ""
    return f"pasted text {side.upper()}", str(text).encode("utf-8")


@router.post("/compare")
async def compare_page(request: Request) -> HTMLResponse:
    limit = app_state(request).max_upload_bytes
    form = await request.form(max_files=2, max_fields=8, max_part_size=limit)
    values = {
        "text_a": str(form.get("text_a") or ""), "text_b": str(form.get("text_b") or ""),
        "cosmetic": form.get("cosmetic") == "1",
    }
    context: dict[str, Any] = {"form": values, "max_upload_bytes": limit}
    try:
        (name_a, data_a), (name_b, data_b) = await _side(form, "a"), await _side(form, "b")
        a = await run_in_threadpool(article_from_upload, name_a, data_a, limit)
        b = await run_in_threadpool(article_from_upload, name_b, data_b, limit)
    except InputError as error:
        response = render(request, "compare.html", "compare", error=str(error), **context)
        response.status_code = 400
        return response
    finally:
        await form.close()
    comparison = await run_in_threadpool(compare, a, b)
    return render(
        request, "compare.html", "compare", view=comparison_view(comparison, values["cosmetic"] is True),
        name_a=name_a, name_b=name_b, **context,
    )


__all__ = ["router"]
