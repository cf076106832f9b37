"""Articles from what users have: HTML pages, plain text, directories, JSONL, WARC and Parquet.

``read_input`` streams :class:`Record` values out of an input; ``extract_record`` turns each into an
:class:`Extraction` (status ok, empty or failed); ``contract`` gives its documented JSON form::

    for record in read_input("crawl.warc.gz"):
        extraction = extract_record(record)
        print(contract(extraction)["title"])

``article_from_html`` and ``article_from_text`` build an :class:`~variorum.article.Article` directly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from variorum.extract.formats import Fields, detect_format, read_input
    from variorum.extract.html import article_from_html
    from variorum.extract.plaintext import article_from_text
    from variorum.extract.records import Extraction, Record, contract, extract_record

# loaded when first used, so that importing one reader (``variorum.extract.formats``) does not load them all
_EXPORTS = {
    "Fields": "formats", "detect_format": "formats", "read_input": "formats",
    "article_from_html": "html", "article_from_text": "plaintext",
    "Extraction": "records", "Record": "records", "contract": "records", "extract_record": "records",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'variorum.extract' has no attribute {name!r}")
    return getattr(importlib.import_module(f"variorum.extract.{module}"), name)


__all__ = [
    "Extraction", "Fields", "Record", "article_from_html", "article_from_text", "contract", "detect_format",
    "extract_record", "read_input",
]
