"""Golden files: the shared fixture agents rendered by every writer, diagnostics included.

``fixtures/<dialect>/`` holds hand-written agents in their tools' layouts; every one is converted
to every dialect and compared with ``fixtures/expected/<writer>/<reader>/<name>`` (the text) and
``<name>.diagnostics`` (one diagnostic a line). After an intended change, regenerate them with

    pytest tests/test_golden.py --accept

and review the diff like any other change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import agentport
from agentport import Report
from agentport.bulk import discover

from conftest import FIXTURES

GOLDEN_READERS = ("claude", "opencode")
EXPECTED = FIXTURES / "expected"


def inputs() -> list[tuple[str, Path]]:
    return [(reader, path) for reader in GOLDEN_READERS for path in discover([FIXTURES / reader], reader)]


def render(reader: str, path: Path, writer: str) -> tuple[str, str]:
    relative = path.relative_to(FIXTURES / reader).as_posix()
    report = Report(relative)
    agent = agentport.loads(agentport.api.read_text(path), reader, path=relative, report=report)
    text = agentport.dumps(agent, writer, report=report)
    return text, "".join(f"{item}\n" for item in report)


CASES = [(reader, path, writer) for reader, path in inputs() for writer in agentport.dialects()]


@pytest.mark.parametrize(
    "reader, path, writer", CASES, ids=[f"{r}:{p.name}->{w}" for r, p, w in CASES]
)
def test_golden(reader: str, path: Path, writer: str, accept: bool) -> None:
    text, diagnostics = render(reader, path, writer)
    target = EXPECTED / writer / reader / path.name
    expectations = {target: text, target.with_name(target.name + ".diagnostics"): diagnostics}
    if accept:
        for file, content in expectations.items():
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(content.encode("utf-8"))
        return
    for file, content in expectations.items():
        assert file.exists(), f"{file} is missing: run pytest tests/test_golden.py --accept"
        assert content.encode("utf-8") == file.read_bytes(), f"{file} differs from the output"


def test_own_dialect_golden_output_is_the_input() -> None:
    for reader, path in inputs():
        assert render(reader, path, reader)[0].encode("utf-8") == path.read_bytes()
