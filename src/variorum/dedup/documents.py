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
from variorum.extract.plaintext import body_from_text
from variorum.extract.records import EMPTY, EXTRACTION_ERRORS, OK, TEXT, Record, extract_record, extraction_error


def documents(
    records: Iterable[Record], left_out: Callable[[str], None], max_bytes: int = MAX_PAGE_BYTES
) -> Iterator[Document]:
    """The document (id, article body, published date, site) of each record with an article, even an empty one;
    every other record is passed to ``left_out`` as ``"SOURCE: PROBLEM; left out"``.

    A plain-text record gives its body alone (:func:`~variorum.extract.plaintext.body_from_text`: the body,
    id, site and errors that :func:`~variorum.extract.records.extract_record` would give; plain text has no
    date), without building its Article and Extraction.
    """
    for record in records:
        if record.kind == TEXT and record.payload is not None:
            try:
                body = body_from_text(record.payload, source=record.source, max_bytes=max_bytes)
            except EXTRACTION_ERRORS as error:
                left_out(f"{record.source}: {extraction_error(error)}; left out")
                continue
            yield Document(record.id, body, None, site_of(record.url))
            continue
        extraction = extract_record(record, max_bytes=max_bytes)
        if extraction.status not in (OK, EMPTY) or extraction.article is None:
            left_out(f"{record.source}: {extraction.error or 'cannot be read'}; left out")
            continue
        article = extraction.article
        yield Document(extraction.id, article.body, article.published, site_of(extraction.url or article.url))
