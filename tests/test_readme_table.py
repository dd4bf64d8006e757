"""The README's dialect table is the one ``agentport dialects --format markdown`` prints.

After adding or changing a dialect, refresh it with ``python -m agentport.support --write-readme``.
"""

from __future__ import annotations

import pytest

from agentport.cli import main
from agentport.support import README_END, README_START, with_table

from conftest import REPO


def test_readme_carries_the_dialects_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dialects", "--format", "markdown"]) == 0
    table = capsys.readouterr().out.rstrip("\n")
    readme = (REPO / "README.md").read_text("utf-8")
    assert README_START in readme and README_END in readme, "README.md has no dialects markers"
    block = readme[readme.index(README_START) + len(README_START) : readme.index(README_END)]
    assert block.strip("\n") == table, "README table is stale: run python -m agentport.support --write-readme"


def test_write_readme_replaces_only_the_block() -> None:
    readme = f"# Title\n\nBefore.\n\n{README_START}\nold\n{README_END}\n\nAfter.\n"
    assert with_table(readme, "| new |") == f"# Title\n\nBefore.\n\n{README_START}\n| new |\n{README_END}\n\nAfter.\n"
    assert with_table("# Title\n", "| t |") == f"# Title\n\n{README_START}\n| t |\n{README_END}\n"
