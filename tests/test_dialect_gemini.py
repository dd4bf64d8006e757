"""Gemini CLI subagents: identity, round trips, exact conversions, the strict loader, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentport
from agentport import Action, Code, McpServer, ModelRef, ParseError, Report, Rule
from agentport.api import read_text

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

ROOT = FIXTURES / "gemini"
FILES = sorted(ROOT.glob(".gemini/agents/*.md"))
AUDITOR = ROOT / ".gemini/agents/security-auditor.md"


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_fixtures_are_there() -> None:
    assert [path.name for path in FILES] == ["billing-expert.md", "security-auditor.md"]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_reads_and_writes_back_byte_identical(path: Path) -> None:
    text = read_text(path)
    validate_identity(text, "gemini", relative(path))
    assert agentport.detect(text) == "gemini"
    assert agentport.detect(path=relative(path)) == "gemini"


def test_fields_read_from_a_local_agent() -> None:
    agent = agentport.loads(read_text(AUDITOR), "gemini")
    assert agent.model == ModelRef(provider="google", id="gemini-2.5-pro")
    assert (agent.temperature, agent.max_turns) == (0.2, 15)
    assert agent.rules == (
        Rule("*", Action.DENY), Rule("read", Action.ALLOW), Rule("grep", Action.ALLOW), Rule("glob", Action.ALLOW),
        Rule("list", Action.ALLOW), Rule("mcp:semgrep/scan", Action.ALLOW),
    )
    assert agent.mcp_servers == (McpServer("semgrep", {"command": "semgrep", "args": ["mcp"], "timeout": 30000}),)
    assert agent.extras == {"gemini": {"kind": "local", "timeout_mins": 5}}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
@pytest.mark.parametrize("other", ["claude", "opencode"])
def test_round_trips_keep_or_report(path: Path, other: str) -> None:
    text = read_text(path)
    assert_round_trip(text, "gemini", other, relative(path))
    assert_losses_reported(text, "gemini", other, relative(path))


CLAUDE_AGENT = """\
---
name: api-reviewer
description: Reviews API changes for breaking changes.
tools: Read, Grep, Glob, Bash
model: sonnet
color: blue
---

Compare the API before and after the change and list every breaking change.
"""

GEMINI_AGENT = """\
---
name: api-reviewer
description: Reviews API changes for breaking changes.
tools:
  - read_file
  - grep_search
  - glob
  - run_shell_command
---

Compare the API before and after the change and list every breaking change.
"""


def test_from_claude_exactly() -> None:
    result = agentport.convert(CLAUDE_AGENT, "claude", "gemini", path=".claude/agents/api-reviewer.md")
    assert result.text == GEMINI_AGENT
    assert [(item.code, item.field, item.line) for item in result.diagnostics] == [
        (Code.FIELD_DROPPED, "model", 5),
        (Code.FIELD_DROPPED, "color", 6),
    ]


def test_to_claude_exactly() -> None:
    text = GEMINI_AGENT.replace("  - run_shell_command\n", "  - run_shell_command\nmodel: gemini-2.5-flash\nmax_turns: 8\n")
    result = agentport.convert(text, "gemini", "claude", path=".gemini/agents/api-reviewer.md")
    assert result.text == CLAUDE_AGENT.replace("model: sonnet\ncolor: blue\n", "maxTurns: 8\n")
    assert [(item.code, item.field, item.line) for item in result.diagnostics] == [(Code.FIELD_DROPPED, "model", 9)]


def test_unknown_keys_are_warned_kept_in_their_file_and_never_written_anew() -> None:
    text = GEMINI_AGENT.replace("tools:\n", "color: blue\nmcpServers: {}\ntools:\n")
    report = Report("agent.md")
    agent = agentport.loads(text, "gemini", report=report)
    assert [(item.code, item.field, item.line) for item in report] == [
        (Code.INVALID_INPUT, "color", 4),
        (Code.INVALID_INPUT, "mcpServers", 5),
    ]
    assert agentport.dumps(agent.replace(description="Reviews API changes."), "gemini") == text.replace(
        "Reviews API changes for breaking changes.", "Reviews API changes."
    )
    report = Report()
    fresh = agentport.dumps(agent.replace(source=None), "gemini", report=report)
    assert fresh == GEMINI_AGENT
    assert [(item.code, item.field) for item in report] == [
        (Code.FIELD_DROPPED, "gemini.color"),
        (Code.FIELD_DROPPED, "gemini.mcpServers"),
    ]


def test_tools_the_loader_rejects_are_not_written_anew() -> None:
    text = GEMINI_AGENT.replace("  - glob\n", "  - glob\n  - Read\n  - enter_plan_mode\n  - mcp_*\n")
    report = Report()
    agent = agentport.loads(text, "gemini", report=report)
    assert [(item.code, item.field, item.line, item.message.split("'")[1]) for item in report] == [
        (Code.UNKNOWN_TOOL, "tools", 4, "Read")
    ]
    assert agent.extras["gemini"]["tools"] == ["Read", "enter_plan_mode", "mcp_*"]
    assert agentport.dumps(agent, "gemini") == text
    report = Report()
    fresh = agentport.dumps(agent.replace(source=None), "gemini", report=report)
    assert "  - run_shell_command\n  - enter_plan_mode\n  - mcp_*\n" in fresh and "Read" not in fresh
    assert [(item.code, item.field) for item in report] == [(Code.FIELD_DROPPED, "gemini.tools")]


def test_a_remote_agent_keeps_its_card_and_loses_it_elsewhere() -> None:
    text = read_text(ROOT / ".gemini/agents/billing-expert.md")
    agent = agentport.loads(text, "gemini")
    assert set(agent.extras["gemini"]) == {"kind", "agent_card_url", "auth"}
    fresh = agentport.dumps(agent.replace(source=None), "gemini")
    assert fresh == text.replace("kind: remote\n", "").replace("agent_card_url", "kind: remote\nagent_card_url")
    result = agentport.convert(text, "gemini", "claude")
    assert {item.field for item in result.diagnostics} == {"gemini.kind", "gemini.agent_card_url", "gemini.auth"}


def test_every_tool_wildcard_and_mcp_names() -> None:
    text = GEMINI_AGENT.replace("  - read_file\n  - grep_search\n  - glob\n  - run_shell_command\n", "  - '*'\n  - mcp_github_*\n")
    agent = agentport.loads(text, "gemini")
    assert agent.rules == (Rule("*", Action.ALLOW), Rule("mcp:github/*", Action.ALLOW))
    assert 'tools:\n  - "*"\n  - mcp_github_*\n' in agentport.dumps(agent.replace(source=None), "gemini")
    claude = agentport.convert(CLAUDE_AGENT.replace("Bash", "mcp__my_server__search"), "claude", "gemini")
    assert "mcp_" not in claude.text
    assert ("permission.mcp:my_server/search", Code.VALUE_APPROXIMATED) in {
        (item.field, item.code) for item in claude.diagnostics
    }


def test_a_denial_becomes_the_list_of_every_other_tool() -> None:
    opencode = "---\ndescription: No shell.\nmode: subagent\npermission:\n  bash: deny\n---\n\nWork without a shell.\n"
    result = agentport.convert(opencode, "opencode", "gemini", path=".opencode/agents/no-shell.md")
    written = agentport.loads(result.text, "gemini").rules
    assert Rule("bash", Action.ALLOW) not in written and Rule("edit", Action.ALLOW) in written
    assert "run_shell_command" not in result.text
    assert any(item.field == "permission" and "any other tool" in item.message for item in result.diagnostics)


def test_invalid_values_are_reported_with_their_lines() -> None:
    text = (
        "---\nname: Api Reviewer\ndescription: Reviews.\nkind: local\ntools: read_file\n"
        "temperature: hot\nmax_turns: 0\nmcp_servers: [github]\n---\n\nReview.\n"
    )
    report = Report("bad.md")
    agent = agentport.loads(text, "gemini", report=report)
    assert [(item.code, item.field, item.line) for item in report] == [
        (Code.INVALID_VALUE, "tools", 5),
        (Code.INVALID_VALUE, "temperature", 6),
        (Code.INVALID_VALUE, "max_turns", 7),
        (Code.INVALID_VALUE, "mcp_servers", 8),
        (Code.INVALID_VALUE, "name", 2),
    ]
    assert agent.rules == () and agent.temperature is None and agent.max_turns is None
    assert agentport.dumps(agent, "gemini") == text
    report = Report()
    fresh = agentport.dumps(agent.replace(source=None), "gemini", report=report)
    assert fresh == "---\nname: api-reviewer\ndescription: Reviews.\nkind: local\n---\n\nReview.\n"
    assert [(item.code, item.field) for item in report] == [
        (Code.VALUE_APPROXIMATED, "name"),
        (Code.FIELD_DROPPED, "gemini.tools"),
        (Code.FIELD_DROPPED, "gemini.temperature"),
        (Code.FIELD_DROPPED, "gemini.max_turns"),
        (Code.FIELD_DROPPED, "gemini.mcp_servers"),
    ]


def test_a_file_without_frontmatter_is_a_parse_error_naming_the_line() -> None:
    with pytest.raises(ParseError) as error:
        agentport.loads("Just a prompt.\n", "gemini", path="x.md")
    assert [(item.code, item.line) for item in error.value.diagnostics] == [(Code.INVALID_INPUT, 1)]
