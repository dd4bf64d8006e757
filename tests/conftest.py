"""Shared test set-up: where the read-only corpus lives, and the golden-file switch."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["support.fixtures"]

REPO = Path(__file__).resolve().parents[1]
CORPUS_ROOT = REPO / "tests"
"""The repository's own copy of the real agent corpus (``tests/corpus``, with SOURCES.md and each
folder's LICENSE) and of the seeds (``tests/seeds``), so that a fresh clone tests itself."""
FIXTURES = REPO / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--accept",
        action="store_true",
        help="Rewrite the golden files in fixtures/expected/ from the current output.",
    )


@pytest.fixture(scope="session")
def accept(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--accept"))


def corpus_path(*parts: str) -> Path:
    """A path under ``tests/`` in the corpus or seeds copy; a missing file is an error, never a skip."""
    path = CORPUS_ROOT.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: the corpus copy in tests/corpus and tests/seeds is incomplete")
    return path
