"""Which two stored versions of an article to compare when a user names none, one or both.

The one rule the web pages, the JSON API and ``variorum show`` share: ``to`` defaults to the latest stored
version, ``from`` to the stored version just before ``to`` (or ``to`` itself when it is the first, a
comparison in which nothing changed); a number that is not stored is refused, naming the stored range.

>>> resolve_versions([1, 2, 3], None, None)
(2, 3)
>>> resolve_versions([1, 2, 3], None, 2)
(1, 2)
>>> resolve_versions([1, 2, 3], 3, 1)
(3, 1)
>>> resolve_versions([1], None, None)
(1, 1)
>>> resolve_versions([1, 2, 3], None, 7)
Traceback (most recent call last):
...
variorum.store.versions.VersionNotFoundError: no version 7 (stored versions: 1–3)
"""

from __future__ import annotations

from collections.abc import Sequence

from variorum.errors import VariorumError


class VersionNotFoundError(VariorumError):
    """A version number that is not stored for the article."""

    def __init__(self, number: int, stored: Sequence[int]) -> None:
        known = f"stored versions: {stored[0]}–{stored[-1]}" if stored else "no stored versions"
        super().__init__(f"no version {number} ({known})")
        self.number = number


def resolve_versions(stored: Sequence[int], from_version: int | None, to_version: int | None) -> tuple[int, int]:
    """``(from, to)``: the versions to compare among ``stored`` (ascending), defaults filled in."""
    if not stored:
        raise VersionNotFoundError(to_version or from_version or 1, stored)
    to_version = stored[-1] if to_version is None else to_version
    if to_version not in stored:
        raise VersionNotFoundError(to_version, stored)
    if from_version is None:
        earlier = [number for number in stored if number < to_version]
        from_version = earlier[-1] if earlier else to_version
    if from_version not in stored:
        raise VersionNotFoundError(from_version, stored)
    return from_version, to_version


__all__ = ["VersionNotFoundError", "resolve_versions"]
