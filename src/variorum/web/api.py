"""The JSON API: the twin of every page under ``/api/…``, the ad-hoc comparison of two texts, and the two
write endpoints (add a source, schedule a check now), which need the server's bearer token."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from variorum.compare import compare
from variorum.compare.model import SIGNIFICANCES
from variorum.errors import InputError
from variorum.store.models import Source
from variorum.store.queries import ArticleFilter, article_counts_by_source, list_articles
from variorum.text.urls import canonical_url
from variorum.web.data import (
    ChangesQuery,
    Id,
    app_state,
    article_filter,
    article_or_404,
    changes,
    changes_wanted,
    cluster_comparison,
    comparison_json,
    get_store,
    history_or_404,
    store_clusters,
    stored_comparison,
    version_or_404,
)
from variorum.web.security import require_token
from variorum.web.views import article_from_upload, safe_href

router = APIRouter(prefix="/api")
JSON = dict[str, Any]


def _source_json(source: Source, articles: int | None = None) -> JSON:
    return {
        "id": source.id, "url": source.url, "kind": source.kind, "min_significance": source.min_significance,
        "headline_only": source.headline_only, "added_at": source.added_at.isoformat(),
        "last_polled_at": source.last_polled_at.isoformat() if source.last_polled_at else None,
        **({"articles": articles} if articles is not None else {}),
    }


@router.get("/articles", summary="Tracked articles, filtered and searched")
def articles(request: Request, wanted: Annotated[ArticleFilter, Depends(article_filter)]) -> JSON:
    """The articles matching the filters, most recently changed first, one page at a time."""
    page = list_articles(get_store(request), wanted)
    return {"total": page.total, "more": page.more, "limit": page.limit, "offset": page.offset,
            "articles": [r.to_dict() for r in page.rows]}


@router.get("/sources", summary="Watched feeds and pages")
def sources(request: Request) -> JSON:
    """Every source, oldest first, with how many articles it led to."""
    store = get_store(request)
    counts = article_counts_by_source(store)
    return {"sources": [_source_json(source, counts.get(source.id, 0)) for source in store.sources()]}


@router.get("/articles/{article_id}", summary="An article and its versions")
def article(request: Request, article_id: Id) -> JSON:
    """The article and every stored version, with the size (characters changed) and significance of
    each version's change from the one before."""
    row, points = history_or_404(get_store(request), article_id)
    return {**row.to_dict(), "timeline": [point.to_dict() for point in points]}


@router.get("/articles/{article_id}/versions/{number}", summary="One stored version of an article")
def version(request: Request, article_id: Id, number: Id) -> JSON:
    """The extracted article of one version (``Article.to_dict()``: text, blocks, title, links, …)."""
    store = get_store(request)
    row, points = history_or_404(store, article_id)
    point = version_or_404(points, number, article_id)
    return {"article_id": article_id, **point.to_dict(), "article": store.version(row.url, number).to_dict()}


@router.get("/articles/{article_id}/compare", summary="Compare two versions of an article")
def compare_versions(
    request: Request, article_id: Id,
    from_version: Annotated[int | None, Query(alias="from", description="Version A (default: the one before `to`).")] = None,
    to_version: Annotated[int | None, Query(alias="to", description="Version B (default: the latest).")] = None,
) -> JSON:
    """The comparison of version ``from`` with version ``to`` in the documented JSON form (docs/json.md),
    every change included (cosmetic ones too)."""
    shown = stored_comparison(request, article_id, from_version, to_version)
    return comparison_json(shown.comparison, article_id=article_id, **{"from": shown.from_version, "to": shown.to_version})


@router.get("/changes", summary="Recent changes, newest first")
def recent(request: Request, wanted: Annotated[ChangesQuery, Depends(changes_wanted)]) -> JSON:
    """Every stored change from one version of an article to the next, newest first (also as Atom at
    ``/changes.atom``)."""
    found = changes(get_store(request), wanted)
    following = found.next_offset
    return {
        "total": found.total, "limit": wanted.limit, "offset": wanted.offset,
        "next": f"/api/changes?{wanted.query(offset=following)}" if following is not None else None,
        "changes": [item.to_dict() for item in found.items],
    }


@router.get("/clusters", summary="Articles that are the same story")
def clusters(request: Request) -> JSON:
    """Clusters of articles whose latest versions are near-duplicates, with the similarities that joined them."""
    config = app_state(request).dedup
    return {
        "measure": config.measure, "threshold": config.threshold,
        "clusters": [
            {
                "id": cluster.id,
                "members": [
                    {**member.article.to_dict(), "similarity": member.similarity, "representative": member.representative}
                    for member in cluster.members
                ],
                "similarities": [{"a": a, "b": b, "similarity": s} for a, b, s in cluster.similarities],
            }
            for cluster in store_clusters(request)
        ],
    }


@router.get("/clusters/{cluster_id}/compare/{member_id}", summary="A cluster member compared with its representative")
def cluster_compare(request: Request, cluster_id: Id, member_id: Id) -> JSON:
    """The latest version of the cluster's representative compared with the latest version of a member."""
    _cluster, first, second, comparison = cluster_comparison(request, cluster_id, member_id)
    return comparison_json(comparison, cluster_id=cluster_id, a_article_id=first.id, b_article_id=second.id)


class TextPair(BaseModel):
    """Two versions to compare: plain text or HTML pages (recognised by their first bytes)."""

    a: str = Field(description="Version A.")
    b: str = Field(description="Version B.")
    a_name: str = Field("A", description="A name for version A (used in the result's `a.id`).")
    b_name: str = Field("B", description="A name for version B.")


async def _compared(request: Request, sides: list[tuple[str, bytes]]) -> JSON:
    limit = app_state(request).max_upload_bytes
    try:
        a, b = [await run_in_threadpool(article_from_upload, name, data, limit) for name, data in sides]
    except InputError as error:
        raise HTTPException(400, str(error)) from None
    return (await run_in_threadpool(compare, a, b)).to_dict()


@router.post("/compare", summary="Compare two texts (nothing is stored)")
async def compare_texts(request: Request, pair: TextPair) -> JSON:
    """The comparison of two texts sent as JSON, in the documented form (docs/json.md)."""
    sides = []
    for name, text in ((pair.a_name, pair.a), (pair.b_name, pair.b)):
        try:
            sides.append((name, text.encode("utf-8")))
        except UnicodeEncodeError:
            raise HTTPException(400, f"{name}: not valid Unicode (a lone surrogate \\u escape)") from None
    return await _compared(request, sides)


@router.post("/compare/files", summary="Compare two uploaded files (nothing is stored)")
async def compare_files(
    request: Request,
    a: Annotated[UploadFile, File(description="Version A: a text file or a saved HTML page.")],
    b: Annotated[UploadFile, File(description="Version B.")],
) -> JSON:
    """The comparison of two uploaded files (``multipart/form-data`` fields ``a`` and ``b``)."""
    return await _compared(request, [(a.filename or "A", await a.read()), (b.filename or "B", await b.read())])


class NewSource(BaseModel):
    """A feed or page to watch."""

    url: str = Field(description="An http(s) URL.")
    kind: Literal["feed", "page"] = "page"
    min_significance: Literal[SIGNIFICANCES] = Field("minor", description="The least significant change worth a notification.")  # type: ignore[valid-type]
    headline_only: bool = False


@router.post("/sources", status_code=201, dependencies=[Depends(require_token)], summary="Add a source (token)")
def add_source(request: Request, new: NewSource) -> JSON:
    """Add a feed or page to watch; adding one that exists returns it unchanged."""
    try:
        usable = safe_href(new.url) is not None and bool(canonical_url(new.url))
    except ValueError:  # e.g. a port out of range
        usable = False
    if not usable:
        raise HTTPException(422, f"url must be an absolute http or https URL, not {new.url!r}")
    source = get_store(request).add_source(
        new.url, new.kind, min_significance=new.min_significance, headline_only=new.headline_only,
    )
    return _source_json(source)


@router.post("/articles/{article_id}/check", status_code=202, dependencies=[Depends(require_token)],
             summary="Schedule a check of an article now (token)")
def check_now(request: Request, article_id: Id) -> JSON:
    """Make the article due for the tracker's next round (its next check time becomes now)."""
    store = get_store(request)
    row = article_or_404(store, article_id)
    now = datetime.now(UTC)
    store.schedule_check(row.url, now)
    return {"article_id": article_id, "url": row.url, "next_check_at": now.isoformat()}


__all__ = ["router"]
