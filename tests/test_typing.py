"""The library is typed (py.typed ships with it): mypy must accept the whole package."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO


def test_mypy_accepts_the_package() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", str(REPO / "src" / "agentport"), "--ignore-missing-imports",
         "--warn-unused-ignores", "--cache-dir", "/dev/null"],
        capture_output=True, text=True, cwd=REPO, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
