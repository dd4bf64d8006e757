"""The real Copilot agents in tests/corpus/copilot: read, identity, round trips through
Claude Code and OpenCode; and the Claude Code and OpenCode corpora through Copilot and back."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentport
import agentport.api
from agentport import Code, Report
from agentport.schemas import SchemaError

from agents import assert_losses_reported, assert_round_trip
from conftest import corpus_path

COPILOT = sorted(corpus_path("corpus", "copilot").rglob("*.md"))
CLAUDE = sorted(corpus_path("corpus", "claude").rglob("*.md"))
OPENCODE = sorted(corpus_path("corpus", "opencode").rglob("*.md"))

REFUSED = {
    # (other dialect, file): conversions a schema refuses on the way; nothing is written.
    # No description: Claude Code requires one, and so does GitHub.com on the way back.
    ("claude", "declarative-agents-architect.agent.md"),
    ("opencode", "declarative-agents-architect.agent.md"),
    # An MCP server of type 'remote', which Claude Code does not know.
    ("claude", "elasticsearch-observability.agent.md"),
}


def ids(files: list[Path]) -> list[str]:
    return [path.name for path in files]


def test_corpus_is_complete() -> None:
    assert (len(COPILOT), len(CLAUDE), len(OPENCODE)) == (224, 158, 15)


@pytest.mark.parametrize("path", COPILOT, ids=ids(COPILOT))
def test_reads_and_writes_back_byte_identical(path: Path) -> None:
    text = agentport.api.read_text(path)
    report = Report(str(path))
    agent = agentport.loads(text, "copilot", path=str(path), report=report)
    assert not report.has_errors, list(report)
    assert agentport.detect(text, path=str(path)) == "copilot"
    assert agentport.dumps(agent, "copilot").encode("utf-8") == path.read_bytes()


@pytest.mark.parametrize("path", COPILOT, ids=ids(COPILOT))
@pytest.mark.parametrize("other", ["claude", "opencode"])
def test_round_trip_through_claude_and_opencode(path: Path, other: str) -> None:
    text = agentport.api.read_text(path)
    if (other, path.name) in REFUSED:
        with pytest.raises(SchemaError):
            assert_round_trip(text, "copilot", other, str(path))
        return
    assert_round_trip(text, "copilot", other, str(path))
    assert_losses_reported(text, "copilot", other, str(path))


@pytest.mark.parametrize("path", CLAUDE, ids=ids(CLAUDE))
def test_claude_round_trip_through_copilot(path: Path) -> None:
    text = agentport.api.read_text(path)
    assert_round_trip(text, "claude", "copilot", str(path))
    assert_losses_reported(text, "claude", "copilot", str(path))


@pytest.mark.parametrize("path", OPENCODE, ids=ids(OPENCODE))
def test_opencode_round_trip_through_copilot(path: Path) -> None:
    text = agentport.api.read_text(path)
    where = f".opencode/agents/{path.name}"
    assert_round_trip(text, "opencode", "copilot", where)
    assert_losses_reported(text, "opencode", "copilot", where)


def test_detected_by_content_alone_where_the_content_tells() -> None:
    """27 files hold only a name and a description, which say nothing of their dialect."""
    detected = [agentport.detect(agentport.api.read_text(path)) for path in COPILOT]
    assert (detected.count("copilot"), detected.count("claude")) == (197, 27)
    assert {agentport.detect(agentport.api.read_text(path)) for path in CLAUDE} == {"claude"}
    assert {agentport.detect(agentport.api.read_text(path)) for path in OPENCODE} == {"opencode"}


def test_what_the_corpus_says_that_copilot_tools_cannot_convert() -> None:
    """Tools kept for Copilot only: VS Code tools silently, other unknown names reported."""
    unknown: set[str] = set()
    for path in COPILOT:
        report = Report(str(path))
        agentport.loads(agentport.api.read_text(path), "copilot", path=str(path), report=report)
        unknown |= {d.message.split("'")[1] for d in report if d.code is Code.UNKNOWN_TOOL}
    assert {"microsoft_docs_search", "ms-python.python/getPythonEnvironmentInfo"} <= unknown
    assert not unknown & {"githubRepo", "codebase", "vscode/extensions", "read/problems", "github/*"}
