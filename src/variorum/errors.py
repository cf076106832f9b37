"""Errors Variorum reports to users: one clear line naming the input and the problem."""

from __future__ import annotations


class VariorumError(Exception):
    """Base class for every error Variorum raises on purpose."""


class InputError(VariorumError):
    """An input (file, URL, record) that cannot be used, with the name of the input it concerns."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem
