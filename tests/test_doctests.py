"""The examples in the core modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

MODULES = [
    "variorum",
    "variorum.article",
    "variorum.text.tokens",
    "variorum.text.segment",
    "variorum.compare",
    "variorum.compare.engine",
    "variorum.compare.sequence",
    "variorum.compare.classify",
    "variorum.compare.patch",
    "variorum.compare.collate",
    "variorum.track.addresses",
    "variorum.track.feeds",
    "variorum.track.notify",
    "variorum.track.quality",
    "variorum.track.schedule",
]


ROOT = Path(__file__).resolve().parent.parent


def test_readme_library_example():
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 3
    assert result.failed == 0


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
