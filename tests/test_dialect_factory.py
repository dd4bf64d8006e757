"""Factory custom droids: identity, round trips, exact conversions, categories, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentport
from agentport import Action, Code, McpServer, ModelRef, Report, Rule
from agentport.api import read_text
from agentport.text import frontmatter, yamlio

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

ROOT = FIXTURES / "factory"
FILES = sorted(ROOT.glob(".factory/droids/*.md"))
REVIEWER = ROOT / ".factory/droids/code-reviewer.md"


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def yaml_tools(text: str) -> object:
    return yamlio.load(frontmatter.split(text).frontmatter or "")["tools"]


def test_the_fixtures_are_there() -> None:
    assert [path.name for path in FILES] == ["code-reviewer.md", "issue-researcher.md"]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_reads_and_writes_back_byte_identical(path: Path) -> None:
    text = read_text(path)
    validate_identity(text, "factory", relative(path))
    assert agentport.detect(text) == "factory"
    assert agentport.detect(path=relative(path)) == "factory"


def test_fields_read_from_the_droids() -> None:
    reviewer = agentport.loads(read_text(REVIEWER), "factory")
    assert reviewer.model == ModelRef(alias="inherit")
    # The read-only category, plus TodoWrite, which every droid has.
    assert reviewer.rules == (
        Rule("*", Action.DENY), Rule("read", Action.ALLOW), Rule("list", Action.ALLOW), Rule("grep", Action.ALLOW),
        Rule("glob", Action.ALLOW), Rule("todo", Action.ALLOW),
    )
    researcher = agentport.loads(read_text(ROOT / ".factory/droids/issue-researcher.md"), "factory")
    assert researcher.model == ModelRef(alias="sonnet", provider="anthropic", id="claude-sonnet-4-5-20250929")
    assert researcher.mcp_servers == (McpServer("linear"), McpServer("github"))
    assert researcher.extras == {"factory": {"reasoningEffort": "high"}}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
@pytest.mark.parametrize("other", ["claude", "opencode"])
def test_round_trips_keep_or_report(path: Path, other: str) -> None:
    text = read_text(path)
    assert_round_trip(text, "factory", other, relative(path))
    assert_losses_reported(text, "factory", other, relative(path))


CLAUDE_AGENT = """\
---
name: api-reviewer
description: Reviews API changes for breaking changes.
tools: Read, Grep, Glob
model: opus
---

Compare the API before and after the change and list every breaking change.
"""

FACTORY_AGENT = """\
---
name: api-reviewer
description: Reviews API changes for breaking changes.
model: claude-opus-4-5-20251101
tools:
  - Read
  - Grep
  - Glob
---

Compare the API before and after the change and list every breaking change.
"""


def test_from_claude_exactly() -> None:
    result = agentport.convert(CLAUDE_AGENT, "claude", "factory", path=".claude/agents/api-reviewer.md")
    assert result.text == FACTORY_AGENT
    assert [(item.code, item.field, item.line) for item in result.diagnostics] == [
        (Code.VALUE_APPROXIMATED, "model", 5),
        (Code.VALUE_APPROXIMATED, "permission.todo", 4),  # Factory adds TodoWrite to every droid
    ]


def test_to_claude_exactly() -> None:
    text = FACTORY_AGENT.replace("claude-opus-4-5-20251101", "custom:claude-opus-4-5\nreasoningEffort: high")
    result = agentport.convert(text, "factory", "claude", path=".factory/droids/api-reviewer.md")
    assert result.text == CLAUDE_AGENT.replace("Glob\n", "Glob, TodoWrite\n")
    assert [(item.code, item.field, item.line) for item in result.diagnostics] == [
        (Code.VALUE_APPROXIMATED, "model", 4),
        (Code.FIELD_DROPPED, "factory.reasoningEffort", 5),
    ]


def test_a_long_description_is_kept() -> None:
    # Factory's docs advise 500 characters at most; its import of Claude Code agents keeps more.
    long = "Reviews API changes. " * 40
    result = agentport.convert(CLAUDE_AGENT.replace("Reviews API changes for breaking changes.", long.strip()), "claude", "factory")
    assert agentport.loads(result.text, "factory").description == long.strip()


def test_a_category_is_written_back_while_the_tools_match_one() -> None:
    agent = agentport.loads(read_text(REVIEWER), "factory")
    execute_too = agent.replace(rules=(*agent.rules, Rule("bash", Action.ALLOW)))
    written = agentport.dumps(execute_too, "factory")
    assert yaml_tools(written) == ["Read", "LS", "Grep", "Glob", "Execute"]
    edited = agent.replace(rules=(Rule("*", Action.DENY), Rule("bash", Action.ALLOW)))
    assert "tools: execute\n" in agentport.dumps(edited, "factory")
    mcp_only = agentport.loads(read_text(REVIEWER).replace("read-only", "mcp"), "factory")
    assert mcp_only.extras == {"factory": {"tools": "mcp"}}
    assert "tools: mcp\n" in agentport.dumps(mcp_only.replace(source=None), "factory")


def test_inline_mcp_servers_are_written_by_name() -> None:
    claude = CLAUDE_AGENT.replace("model: opus\n", "mcpServers:\n  - fs:\n      command: fs-server\n")
    result = agentport.convert(claude, "claude", "factory")
    assert "mcpServers:\n  - fs\n" in result.text
    assert (Code.VALUE_APPROXIMATED, "mcp_servers.fs") in {(item.code, item.field) for item in result.diagnostics}


def test_tool_ids_are_case_sensitive() -> None:
    text = FACTORY_AGENT.replace("  - Glob\n", "  - Glob\n  - read\n  - mcp__github__search\n")
    report = Report()
    agent = agentport.loads(text, "factory", report=report)
    assert [(item.code, item.line, item.message.split("'")[1]) for item in report] == [(Code.UNKNOWN_TOOL, 5, "read")]
    assert Rule("mcp:github/search", Action.ALLOW) in agent.rules
    report = Report()
    fresh = agentport.dumps(agent.replace(source=None), "factory", report=report)
    assert "  - mcp__github__search\n" in fresh and "  - read\n" not in fresh
    assert [(item.code, item.field) for item in report] == [(Code.FIELD_DROPPED, "factory.tools")]


def test_invalid_values_are_reported_with_their_lines() -> None:
    text = "---\nname: Code Reviewer\ndescription: R.\ntools: {Read: true}\nmcpServers: linear\nmodel: [inherit]\n---\n\nR.\n"
    report = Report("bad.md")
    agent = agentport.loads(text, "factory", report=report)
    assert [(item.code, item.field, item.line) for item in report] == [
        (Code.INVALID_VALUE, "model", 6),
        (Code.INVALID_VALUE, "tools", 4),
        (Code.INVALID_VALUE, "mcpServers", 5),
        (Code.INVALID_VALUE, "name", 2),
    ]
    assert agent.rules == () and agent.mcp_servers is None
    assert agentport.dumps(agent, "factory") == text
