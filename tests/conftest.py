"""Shared test set-up: where the read-only corpus lives, and the golden-file switch."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["support.fixtures"]

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
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


def shared_path(*parts: str) -> Path:
    """A path under ../shared; a missing corpus is an error, never a skip."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: the tests read the shared corpus from ../shared")
    return path
