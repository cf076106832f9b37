"""Variorum collates versions of news articles: what changed, which documents are the same story, and when.

>>> from variorum import compare
>>> compare("Rain on Monday.", "Rain on Tuesday.").changes[0].kind
'date'
"""

from variorum.article import Article, Block, Link
from variorum.compare import Change, Comparison
from variorum.compare import compare as compare  # the function, not the subpackage of the same name

__version__ = "0.1.0"
__all__ = ["Article", "Block", "Link", "Change", "Comparison", "compare"]
