"""Generators of hostile inputs, one module per attack class.

A case is a function that writes its files into an empty folder and returns what the test
needs to know about them. Bombs are generated, never checked in: ``python -m hostile.generate
OUT`` (from ``tests/``) writes every case into ``OUT/<class>/<case>/`` to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

Case = Callable[[Path], Any]

CASES: dict[str, dict[str, Case]] = {}
"""Attack class -> case name -> the function writing it."""


def case(attack_class: str) -> Callable[[Case], Case]:
    """Register the decorated function as a case of ``attack_class``, named after it."""

    def register(function: Case) -> Case:
        CASES.setdefault(attack_class, {})[function.__name__] = function
        return function

    return register
