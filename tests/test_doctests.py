"""The examples in the docstrings run and give what they show: every module of the package that has
examples is found here (and only here, so each example runs once), plus the README's library examples."""

from __future__ import annotations

import doctest
import importlib
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import variorum
from helpers import ROOT

SOURCE = Path(variorum.__file__).resolve().parent


def _modules_with_examples() -> list[str]:
    found = ["variorum"] if ">>> " in (SOURCE / "__init__.py").read_text(encoding="utf-8") else []
    for module in pkgutil.walk_packages([str(SOURCE)], prefix="variorum."):
        relative = module.name.split(".")[1:]
        path = SOURCE.joinpath(*relative)
        path = path / "__init__.py" if module.ispkg else path.with_suffix(".py")
        if "migrations" not in relative and ">>> " in path.read_text(encoding="utf-8"):
            found.append(module.name)
    return found


MODULES = _modules_with_examples()


def test_the_examples_are_found() -> None:
    assert {"variorum", "variorum.compare.patch", "variorum.store.versions", "variorum.cli.console"} <= set(MODULES)


def test_readme_library_example() -> None:
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 3
    assert result.failed == 0


def test_readme_store_example_prints_what_it_shows(tmp_path: Path) -> None:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Storing versions", 1)[1]
    code, shown = re.findall(r"```(?:python)?\n(.*?)```", section, flags=re.DOTALL)[:2]
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, "PYTHONPATH": str(SOURCE.parent)})
    assert (done.stderr, done.stdout) == ("", shown)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0
