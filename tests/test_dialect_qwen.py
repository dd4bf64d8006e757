"""Qwen Code subagents: identity, round trips, exact conversions, what differs from Claude Code."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentport
from agentport import Action, Code, McpServer, ModelRef, Report, Rule
from agentport.api import read_text

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

ROOT = FIXTURES / "qwen"
FILES = sorted(ROOT.glob(".qwen/agents/*.md"))
REVIEWER = ROOT / ".qwen/agents/rigorous-reviewer.md"


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_fixtures_are_there() -> None:
    assert [path.name for path in FILES] == ["reader.md", "rigorous-reviewer.md"]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_reads_and_writes_back_byte_identical(path: Path) -> None:
    text = read_text(path)
    validate_identity(text, "qwen", relative(path))
    assert agentport.detect(text) == "qwen"
    assert agentport.detect(path=relative(path)) == "qwen"


def test_fields_read_from_claude_compatible_keys() -> None:
    agent = agentport.loads(read_text(REVIEWER), "qwen")
    assert agent.model == ModelRef(provider="openai", id="gpt-4o")
    assert (agent.max_turns, agent.color) == (40, "cyan")
    assert agent.rules == (Rule("write", Action.DENY), Rule("edit", Action.DENY), Rule("mcp:slack/*", Action.DENY))
    assert agent.mcp_servers == (
        McpServer("filesystem", {"type": "stdio", "command": "node", "args": ["/usr/local/lib/mcp-fs/server.js"]}),
    )
    # Claude Code's own fields stay Claude's, so that a conversion to Claude Code keeps them.
    assert set(agent.extras) == {"claude"} and set(agent.extras["claude"]) == {"permissionMode", "hooks"}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
@pytest.mark.parametrize("other", ["claude", "opencode"])
def test_round_trips_keep_or_report(path: Path, other: str) -> None:
    text = read_text(path)
    assert_round_trip(text, "qwen", other, relative(path))
    assert_losses_reported(text, "qwen", other, relative(path))


CLAUDE_AGENT = """\
---
name: api-reviewer
description: Reviews API changes for breaking changes.
tools: Read, Grep, Glob, Bash(git diff:*)
disallowedTools: WebFetch
model: sonnet
permissionMode: plan
color: blue
---

Compare the API before and after the change and list every breaking change.
"""

QWEN_AGENT = """\
---
name: api-reviewer
description: Reviews API changes for breaking changes.
tools:
  - read_file
  - grep_search
  - glob
disallowedTools:
  - web_fetch
model: claude-sonnet-4-5
permissionMode: plan
color: blue
---

Compare the API before and after the change and list every breaking change.
"""


def test_from_claude_exactly() -> None:
    result = agentport.convert(CLAUDE_AGENT, "claude", "qwen", path=".claude/agents/api-reviewer.md")
    assert result.text == QWEN_AGENT
    assert [(item.code, item.field, item.line) for item in result.diagnostics] == [
        (Code.FIELD_DROPPED, "permission.bash(git diff*)", 4),
        (Code.VALUE_APPROXIMATED, "model", 6),
    ]


def test_to_claude_exactly() -> None:
    result = agentport.convert(QWEN_AGENT.replace("color: blue\n", "approvalMode: plan\n"), "qwen", "claude")
    assert result.text == CLAUDE_AGENT.replace(", Bash(git diff:*)", "").replace("color: blue\n", "")
    assert [(item.code, item.field, item.line) for item in result.diagnostics] == [
        (Code.FIELD_DROPPED, "qwen.approvalMode", 12),
    ]


def test_qwen_names_display_names_and_task_tools() -> None:
    text = QWEN_AGENT.replace("  - glob\n", "  - Shell\n  - task_list\n  - save_memory\n  - Bash\n")
    report = Report()
    agent = agentport.loads(text, "qwen", report=report)
    assert Rule("bash", Action.ALLOW) in agent.rules and Rule("todo", Action.ALLOW) in agent.rules
    assert agent.extras["qwen"]["tools"] == ["save_memory", "Bash"]
    assert [(item.code, item.line, item.message.split("'")[1]) for item in report] == [(Code.UNKNOWN_TOOL, 4, "Bash")]
    fresh = agentport.dumps(agent.replace(source=None), "qwen")
    assert "  - run_shell_command\n  - task_create\n  - task_get\n  - task_list\n  - task_update\n" in fresh


def test_tool_specifiers_are_not_qwen_syntax() -> None:
    report = Report()
    agent = agentport.loads(QWEN_AGENT.replace("  - glob\n", "  - run_shell_command(git *)\n"), "qwen", report=report)
    assert Rule("bash", Action.ALLOW) not in agent.rules
    assert [(item.code, item.field) for item in report] == [(Code.UNKNOWN_TOOL, "tools")]


def test_legacy_run_config_gives_the_turn_limit() -> None:
    text = QWEN_AGENT.replace("color: blue\n", "runConfig:\n  max_turns: 12\n  max_time_minutes: 5\n")
    agent = agentport.loads(text, "qwen")
    assert agent.max_turns == 12 and agent.extras["qwen"] == {"runConfig": {"max_time_minutes": 5}}
    assert agentport.dumps(agent.replace(max_turns=20), "qwen") == text.replace("---\n\n", "maxTurns: 20\n---\n\n")
    assert "maxTurns: 12\n" in agentport.dumps(agent, "claude")


def test_models_with_auth_types_and_selectors() -> None:
    def model(value: str) -> ModelRef | None:
        return agentport.loads(QWEN_AGENT.replace("claude-sonnet-4-5", value), "qwen").model

    assert model("fast") == ModelRef(alias="fast")
    assert model("openai:gpt-4o") == ModelRef(provider="openai", id="gpt-4o")
    assert model("qwen3-coder-plus") == ModelRef(provider="qwen", id="qwen3-coder-plus")
    assert model("qwen3:8b") == ModelRef(provider="qwen", id="qwen3:8b")

    def written(opencode_model: str) -> str:
        opencode = f"---\ndescription: R.\nmode: subagent\nmodel: {opencode_model}\n---\n\nR.\n"
        text = agentport.convert(opencode, "opencode", "qwen", path=".opencode/agents/r.md").text
        return text.split("model: ")[1].split("\n")[0]

    assert written("openai/gpt-5") == "gpt-5"  # a bare id names the provider Qwen Code would infer
    assert written("anthropic/tuned-reviewer") == "anthropic:tuned-reviewer"


def test_mcp_servers_are_definitions() -> None:
    claude = CLAUDE_AGENT.replace("color: blue\n", "mcpServers:\n  - github\n  - fs:\n      command: fs-server\n")
    result = agentport.convert(claude, "claude", "qwen")
    assert "mcpServers:\n  fs:\n    command: fs-server\n" in result.text and "github" not in result.text
    assert (Code.FIELD_DROPPED, "mcp_servers.github") in {(item.code, item.field) for item in result.diagnostics}


def test_invalid_values_are_reported_with_their_lines() -> None:
    text = "---\nname: r\ndescription: R.\ntools: 42\nmaxTurns: many\ncolor: [red]\nmcpServers: fs\n---\n\nR.\n"
    report = Report("bad.md")
    agent = agentport.loads(text, "qwen", report=report)
    assert [(item.code, item.field, item.line) for item in report] == [
        (Code.INVALID_VALUE, "tools", 4),
        (Code.INVALID_VALUE, "maxTurns", 5),
        (Code.INVALID_VALUE, "color", 6),
        (Code.INVALID_VALUE, "mcpServers", 7),
    ]
    assert agentport.dumps(agent, "qwen") == text
