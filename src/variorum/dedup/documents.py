"""Documents for dedup from input records: each record extracted, those without an article left out.

One function for the local run and for Dask workers, so that both see exactly the same documents::

    for document in documents(read_input("export.jsonl"), left_out=print):
        ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from variorum.dedup.furniture import site_of
from variorum.dedup.pipeline import Document
from variorum.extract.limits import MAX_PAGE_BYTES
from variorum.extract.records import EMPTY, OK, Record, extract_record


def documents(
    records: Iterable[Record], left_out: Callable[[str], None], max_bytes: int = MAX_PAGE_BYTES
) -> Iterator[Document]:
    """The document (id, article body, published date, site) of each record with an article, even an empty one;
    every other record is passed to ``left_out`` as ``"SOURCE: PROBLEM; left out"``."""
    for record in records:
        extraction = extract_record(record, max_bytes=max_bytes)
        if extraction.status not in (OK, EMPTY) or extraction.article is None:
            left_out(f"{record.source}: {extraction.error or 'cannot be read'}; left out")
            continue
        article = extraction.article
        yield Document(extraction.id, article.body, article.published, site_of(extraction.url or article.url))
