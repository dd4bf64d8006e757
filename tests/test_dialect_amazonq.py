"""Amazon Q Developer CLI agents (.amazonq/cli-agents/*.json): identity, in-place edits, tools,
allowedTools and command expressions as rules, exact conversions, errors, round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentport
import agentport.api
from agentport import Action, Code, McpServer, ParseError, Report, Rule
from agentport.dialects.amazonq import _command_regex, _globs_for_command
from agentport.model import ANY_TOOL

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

REVIEWER = FIXTURES / "amazonq" / ".amazonq" / "cli-agents" / "reviewer.json"
WHERE = ".amazonq/cli-agents/reviewer.json"
CLAUDE_AGENTS = sorted((FIXTURES / "claude" / ".claude" / "agents").glob("*.md"))
OPENCODE_AGENTS = sorted((FIXTURES / "opencode" / ".opencode" / "agents").rglob("*.md"))

SMALL_CLAUDE = """\
---
name: fixer
description: Fixes failing tests.
tools: Read, Edit, Write, Bash(npm test:*)
disallowedTools: Bash(git push:*)
model: sonnet
---

Fix the failing test, then run the suite.
"""

SMALL_AMAZONQ = """\
{
  "$schema": "https://raw.githubusercontent.com/aws/amazon-q-developer-cli/refs/heads/main/schemas/agent-v1.json",
  "name": "fixer",
  "description": "Fixes failing tests.",
  "prompt": "Fix the failing test, then run the suite.",
  "tools": [
    "fs_read",
    "fs_write",
    "execute_bash"
  ],
  "allowedTools": [
    "fs_write"
  ],
  "toolsSettings": {
    "execute_bash": {
      "allowedCommands": [
        "npm test.*"
      ],
      "deniedCommands": [
        "git push.*"
      ]
    }
  },
  "model": "claude-sonnet-4.5"
}
"""


def reviewer_text() -> str:
    return agentport.api.read_text(REVIEWER)


def reviewer(report: Report | None = None) -> agentport.Agent:
    return agentport.loads(reviewer_text(), "amazonq", path=WHERE, report=report)


def test_fixture_is_an_identity() -> None:
    report = Report(WHERE)
    validate_identity(reviewer_text(), "amazonq", WHERE)
    reviewer(report)
    assert not report


def test_tools_allowed_tools_and_commands_read_as_rules() -> None:
    agent = reviewer()
    assert agent.rules == (
        Rule(ANY_TOOL, Action.DENY),
        # fs_read is trusted by default; execute_bash and MCP tools ask unless allowed.
        Rule("read", Action.ALLOW), Rule("list", Action.ALLOW), Rule("grep", Action.ALLOW),
        Rule("bash", Action.ASK), Rule("mcp:git/*", Action.ASK), Rule("mcp:git/git_status", Action.ALLOW),
        Rule("bash", Action.ALLOW, "git diff*"), Rule("bash", Action.ALLOW, "git log*"),
        Rule("bash", Action.ALLOW, "npm test"), Rule("bash", Action.ALLOW, "npm run build"),
        Rule("bash", Action.DENY, "git push *"),
    )
    assert agent.mcp_servers == (McpServer("git", {"type": "stdio", "command": "git-mcp", "args": []}),)
    assert agent.model is not None and agent.model.alias == "sonnet"
    # An expression that is no glob, and what the neutral model has no field for, stay as written.
    assert agent.extras["amazonq"]["toolsSettings"] == {
        "execute_bash": {"deniedCommands": ["rm -rf \\S+"], "allowReadOnly": True}, "use_aws": {"allowedServices": ["s3"]}
    }
    assert sorted(agent.extras["amazonq"]) == ["hooks", "resources", "tools", "toolsSettings"]


def test_an_edit_touches_only_the_fields_that_changed() -> None:
    agent = reviewer()
    edited = agent.replace(description="Reviews code", rules=(*agent.rules, Rule("bash", Action.DENY, "sudo *")))
    text = agentport.dumps(edited, "amazonq")
    assert text == reviewer_text().replace('"Read-only code reviewer"', '"Reviews code"').replace(
        '"deniedCommands": ["git push .*", "rm -rf \\\\S+"]', '"deniedCommands": ["git push .*", "sudo .*", "rm -rf \\\\S+"]'
    )


def test_the_model_id_read_is_written_back_while_its_family_stays() -> None:
    agent = reviewer()
    assert agentport.dumps(agent.replace(description="x"), "amazonq").count('"model": "claude-sonnet-4"') == 1
    report = Report()
    text = agentport.dumps(agent.replace(model=agentport.ModelRef(alias="haiku")), "amazonq", report=report)
    assert '"model": "claude-haiku-4.5"' in text
    assert [(item.code, item.field) for item in report] == [(Code.VALUE_APPROXIMATED, "model")]


def test_detected_by_path_and_by_content() -> None:
    assert agentport.detect(path=WHERE) == "amazonq"
    assert agentport.detect(path="/home/me/.aws/amazonq/cli-agents/x.json") == "amazonq"
    assert agentport.detect(reviewer_text()) == "amazonq"


def test_small_claude_agent_converts_exactly() -> None:
    report = Report()
    text = agentport.dumps(agentport.loads(SMALL_CLAUDE, "claude"), "amazonq", report=report)
    assert text == SMALL_AMAZONQ
    assert [(item.code, item.field) for item in report] == [
        (Code.VALUE_APPROXIMATED, "permission"),  # fs_read also lists and searches
        (Code.VALUE_APPROXIMATED, "permission.bash"),  # other commands ask instead of being denied
        (Code.VALUE_APPROXIMATED, "model"),
    ]
    back = agentport.loads(SMALL_AMAZONQ, "amazonq", path=".amazonq/cli-agents/fixer.json")
    assert back.rules[-2:] == (Rule("bash", Action.ALLOW, "npm test*"), Rule("bash", Action.DENY, "git push*"))


def test_what_amazon_q_cannot_say_is_reported() -> None:
    report = Report()
    opencode = "---\ndescription: d\npermission:\n  webfetch: deny\n  bash:\n    \"rm *\": deny\n    \"rm -i *\": allow\n---\n\nP\n"
    agent = agentport.loads(opencode, "opencode", path=".opencode/agents/a.md")
    agent = agent.replace(mcp_servers=(McpServer("remote", {"type": "http", "url": "https://x"}), McpServer("named")))
    text = agentport.dumps(agent, "amazonq", report=report)
    fields = {item.field for item in report}
    assert {"mcp_servers.named", "mcp_servers.remote", "permission.bash(rm -i *)"} <= fields
    # Taking webfetch away means listing every other tool: those are no longer left to defaults.
    assert '"fs_write",' in text and "webfetch" not in text and "permission" in fields
    assert '"deniedCommands": [\n        "rm .*"\n      ]' in text


@pytest.mark.parametrize(
    "expression, globs",
    [
        ("git status", ["git status"]),
        ("git diff.*", ["git diff*"]),
        ("npm (test|run build)", ["npm test", "npm run build"]),
        ("ls|pwd", ["ls", "pwd"]),
        ("git log -n \\d+", None),
        ("(a|b", None),
    ],
)
def test_command_expressions_become_globs_only_when_exact(expression: str, globs: list[str] | None) -> None:
    assert _globs_for_command(expression) == globs
    for glob in globs or ():
        assert _globs_for_command(_command_regex(glob)) == [glob]


@pytest.mark.parametrize(
    "text, message, line, column",
    [
        ('{\n  "name": "x",\n  "tools": ["fs_read",]\n  "model": "m"\n}', "expected ',' or '}' after a member, found '\"'", 4, 3),
        ('{\n  "name": "x"\n', "unexpected end of text, expected '}'", 3, 1),
        ('{\n  "prompt": "a\tb"\n}', "invalid control character", 2, 15),
    ],
)
def test_malformed_json_is_a_parse_error_naming_line_and_column(text: str, message: str, line: int, column: int) -> None:
    with pytest.raises(ParseError) as failure:
        agentport.loads(text, "amazonq", path=WHERE)
    [error] = failure.value.diagnostics
    assert (error.message, error.line, error.column) == (f"invalid JSON: {message}", line, column)


@pytest.mark.parametrize("other", ["claude", "opencode", "kiro"])
def test_round_trips(other: str) -> None:
    assert_round_trip(reviewer_text(), "amazonq", other, WHERE)
    assert_losses_reported(reviewer_text(), "amazonq", other, WHERE)


@pytest.mark.parametrize(
    "path, dialect",
    [(path, "claude") for path in CLAUDE_AGENTS] + [(path, "opencode") for path in OPENCODE_AGENTS],
    ids=[path.name for path in (*CLAUDE_AGENTS, *OPENCODE_AGENTS)],
)
def test_other_dialects_round_trip_through_amazonq(path: Path, dialect: str) -> None:
    where = path.relative_to(FIXTURES / dialect).as_posix()
    text = agentport.api.read_text(path)
    assert_round_trip(text, dialect, "amazonq", where)
    assert_losses_reported(text, dialect, "amazonq", where)
