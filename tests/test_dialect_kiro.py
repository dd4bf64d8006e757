"""Kiro CLI agents (.kiro/agents/*.json): Amazon Q's format with Kiro's tool names and keys;
identity, what is shared with Amazon Q, file:// prompts, conversions, errors, round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentport
import agentport.api
from agentport import Action, Code, ParseError, Report, Rule
from agentport.model import ANY_TOOL

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

BACKEND = FIXTURES / "kiro" / ".kiro" / "agents" / "backend.json"
WHERE = ".kiro/agents/backend.json"
AMAZONQ = FIXTURES / "amazonq" / ".amazonq" / "cli-agents" / "reviewer.json"
CLAUDE_AGENTS = sorted((FIXTURES / "claude" / ".claude" / "agents").glob("*.md"))

SMALL_CLAUDE = """\
---
name: fixer
description: Fixes failing tests.
tools: Read, Grep, Edit, Write, Bash(npm test:*)
---

Fix the failing test, then run the suite.
"""

SMALL_KIRO = """\
{
  "name": "fixer",
  "description": "Fixes failing tests.",
  "prompt": "Fix the failing test, then run the suite.",
  "tools": [
    "read",
    "grep",
    "write",
    "shell"
  ],
  "allowedTools": [
    "grep",
    "write"
  ],
  "toolsSettings": {
    "shell": {
      "allowedCommands": [
        "npm test.*"
      ]
    }
  }
}
"""


def backend_text() -> str:
    return agentport.api.read_text(BACKEND)


def backend(report: Report | None = None) -> agentport.Agent:
    return agentport.loads(backend_text(), "kiro", path=WHERE, report=report)


def test_fixture_is_an_identity_and_its_file_prompt_is_reported() -> None:
    report = Report(WHERE)
    validate_identity(backend_text(), "kiro", WHERE)
    agent = backend(report)
    assert agent.prompt == "file://./prompts/backend.md"
    assert [(item.code, item.field, item.line) for item in report] == [(Code.UNRESOLVED_REFERENCE, "prompt", 4)]


def test_kiro_tool_names_read_as_rules() -> None:
    assert backend().rules == (
        Rule(ANY_TOOL, Action.DENY), Rule("read", Action.ALLOW), Rule("list", Action.ALLOW),
        Rule("write", Action.ASK), Rule("edit", Action.ASK), Rule("bash", Action.ASK),
        Rule("mcp:postgres/*", Action.ASK), Rule("mcp:postgres/query", Action.ALLOW),
        Rule("bash", Action.ALLOW, "npm test*"),
    )


def test_what_amazon_q_shares_is_amazon_qs_and_the_rest_kiros() -> None:
    extras = backend().extras
    assert extras["amazonq"] == {"hooks": {"preToolUse": [{"matcher": "shell", "command": "./scripts/check-command.sh"}]}}
    assert extras["kiro"] == {
        "toolsSettings": {"shell": {"autoAllowReadonly": True}},
        "resources": ["file://README.md", "skill://.kiro/skills/**/SKILL.md"],  # skill:// is Kiro's
        "includeMcpJson": False,
        "keyboardShortcut": "ctrl+shift+b",
        "welcomeMessage": "Backend agent ready.",
    }
    report = Report()
    agentport.dumps(backend(), "amazonq", report=report)
    dropped = sorted(item.field or "" for item in report if item.code is Code.FIELD_DROPPED)
    assert dropped == ["kiro.includeMcpJson", "kiro.keyboardShortcut", "kiro.resources", "kiro.toolsSettings", "kiro.welcomeMessage"]


def test_an_amazon_q_agent_becomes_a_kiro_agent_without_loss_but_the_model_version() -> None:
    report = Report()
    agent = agentport.loads(agentport.api.read_text(AMAZONQ), "amazonq", path=".amazonq/cli-agents/reviewer.json")
    text = agentport.dumps(agent, "kiro", report=report)
    assert [(item.code, item.field) for item in report if item.is_loss] == [(Code.VALUE_APPROXIMATED, "model")]
    # Amazon Q's fs_read also searches: Kiro has a grep tool for that, allowed like fs_read was.
    assert '"allowedTools": [\n    "grep",' in text
    assert '"use_aws"' in text and '"agentSpawn"' in text and '"execute_bash": {' in text


def test_an_edit_keeps_the_rest_as_written() -> None:
    text = agentport.dumps(backend().replace(description="Backend and database specialist"), "kiro")
    assert text == backend_text().replace('"Backend specialist"', '"Backend and database specialist"')


def test_detected_by_path_and_by_keys_only_kiro_writes() -> None:
    assert agentport.detect(path=WHERE) == "kiro"
    assert agentport.detect(backend_text()) == "kiro"
    shared_only = agentport.dumps(backend().replace(extras={"amazonq": backend().extras["amazonq"]}), "amazonq")
    assert agentport.detect(shared_only) == "amazonq"


def test_small_claude_agent_converts_exactly() -> None:
    report = Report()
    text = agentport.dumps(agentport.loads(SMALL_CLAUDE, "claude"), "kiro", report=report)
    assert text == SMALL_KIRO
    assert [(item.code, item.field) for item in report] == [
        (Code.VALUE_APPROXIMATED, "permission.list"),  # Kiro's read also lists folders
        (Code.VALUE_APPROXIMATED, "permission.bash"),  # other commands ask instead of being denied
    ]


def test_malformed_json_names_the_line() -> None:
    with pytest.raises(ParseError) as failure:
        agentport.loads('{\n  "name": "x",\n  // a comment\n  "tools": ["read"\n}\n', "kiro", path=WHERE)
    [error] = failure.value.diagnostics
    assert (error.message, error.line, error.column) == ("invalid JSON: expected ',' or ']' after an item, found '}'", 5, 1)


@pytest.mark.parametrize("other", ["claude", "opencode", "amazonq"])
def test_round_trips(other: str) -> None:
    assert_round_trip(backend_text(), "kiro", other, WHERE)
    assert_losses_reported(backend_text(), "kiro", other, WHERE)


@pytest.mark.parametrize("path", CLAUDE_AGENTS, ids=[path.name for path in CLAUDE_AGENTS])
def test_claude_agents_round_trip_through_kiro(path: Path) -> None:
    where = path.relative_to(FIXTURES / "claude").as_posix()
    text = agentport.api.read_text(path)
    assert_round_trip(text, "claude", "kiro", where)
    assert_losses_reported(text, "claude", "kiro", where)
