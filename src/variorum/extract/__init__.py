"""Articles from what users have: HTML pages, plain text, directories, JSONL, WARC and Parquet.

``read_input`` streams :class:`Record` values out of an input; ``extract_record`` turns each into an
:class:`Extraction` (status ok, empty or failed); ``contract`` gives its documented JSON form::

    for record in read_input("crawl.warc.gz"):
        extraction = extract_record(record)
        print(contract(extraction)["title"])

``article_from_html`` and ``article_from_text`` build an :class:`~variorum.article.Article` directly.
"""

from variorum.extract.formats import Fields, detect_format, read_input
from variorum.extract.html import article_from_html
from variorum.extract.plaintext import article_from_text
from variorum.extract.records import Extraction, Record, contract, extract_record

__all__ = [
    "Extraction", "Fields", "Record", "article_from_html", "article_from_text", "contract", "detect_format",
    "extract_record", "read_input",
]
