"""Compare two versions of an article: what changed, classified and ranked by significance.

>>> from variorum.compare import compare
>>> result = compare("The cat sat.", "The cat sat down.")
>>> [(c.kind, c.significance, c.new) for c in result.changes]
[('wording', 'minor', 'down')]
"""

from variorum.compare.engine import compare
from variorum.compare.model import KINDS, SIGNIFICANCES, Change, Comparison

__all__ = ["KINDS", "SIGNIFICANCES", "Change", "Comparison", "compare"]
