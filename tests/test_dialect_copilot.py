"""GitHub Copilot custom agents and legacy chat modes: identity, exact conversions, round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentport
import agentport.api
from agentport import Action, Code, Mode, ModelRef, Report, Rule, Severity

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

AGENTS = sorted((FIXTURES / "copilot" / ".github" / "agents").glob("*.agent.md"))
CHAT_MODES = sorted((FIXTURES / "copilot" / ".github" / "chatmodes").glob("*.chatmode.md"))
FILES = [(path, "copilot") for path in AGENTS] + [(path, "copilot-chatmode") for path in CHAT_MODES]

REVIEWER = """\
---
name: reviewer
description: Reviews pull requests.
tools: ['read', 'search', 'github/*', 'githubRepo']
model: Claude Sonnet 4.5
argument-hint: A pull request number
---

Review the pull request and report problems by severity.
"""

FIXER_CLAUDE = """\
---
name: fixer
description: Fixes failing tests.
tools: Read, Edit, Write, Bash, Grep, Glob
model: sonnet
---

Fix the failing test, then run the suite.
"""

PLANNER_OPENCODE = """\
---
description: Plans work without touching files.
mode: primary
model: github-copilot/gpt-5
permission:
  edit: deny
  bash: deny
---

Write the plan.
"""


def relative(path: Path) -> str:
    return path.relative_to(FIXTURES / "copilot").as_posix()


def convert(text: str, read: str, write: str, path: str | None = None) -> tuple[str, list[tuple[str | None, Code]]]:
    result = agentport.convert(text, read=read, write=write, path=path)
    return result.text, [(d.field, d.code) for d in result.diagnostics]


def read(text: str, dialect: str = "copilot", path: str | None = None) -> tuple[agentport.Agent, Report]:
    report = Report()
    return agentport.loads(text, dialect, path=path, report=report), report


# --- identity --------------------------------------------------------------------------------


@pytest.mark.parametrize("path, dialect", FILES, ids=[p.name for p, _ in FILES])
def test_fixtures_read_and_write_back_byte_identical(path: Path, dialect: str) -> None:
    validate_identity(agentport.api.read_text(path), dialect, relative(path))


@pytest.mark.parametrize(
    "text",
    [
        REVIEWER,
        "---\ndescription: d\ntools: read, edit\n---\nx\n",
        "---\r\ndescription: d\r\nuser-invokable: false\r\ninfer: false\r\n---\r\n\r\nx\r\n",
        "---\ndescription: d\ntools: 42\nmodel: GPT-4.1 | 'gpt-5'\n---\n",
    ],
)
def test_identity(text: str) -> None:
    validate_identity(text, "copilot", ".github/agents/a.agent.md")


def test_an_edit_changes_only_its_key() -> None:
    path = FIXTURES / "copilot/.github/agents/planner.agent.md"
    text = agentport.api.read_text(path)
    agent = agentport.loads(text, "copilot", path=relative(path))
    edited = agentport.dumps(agent.replace(description="Plan, do not edit."), "copilot")
    assert edited == text.replace("Produce an implementation plan without editing code.", "Plan, do not edit.")


def test_an_edited_retired_key_is_written_as_it_was_spelled() -> None:
    agent, _ = read("---\ndescription: d\ninfer: true\nuser-invokable: true\n---\nx\n", path="a.agent.md")
    assert (agent.mode, agent.hidden) == (None, False)
    edited = agentport.dumps(agent.replace(mode=Mode.PRIMARY, hidden=True), "copilot")
    assert edited == "---\ndescription: d\ninfer: false\nuser-invokable: false\n---\nx\n"


# --- exact conversions -----------------------------------------------------------------------


def test_copilot_to_claude() -> None:
    text, diagnostics = convert(REVIEWER, "copilot", "claude", ".github/agents/reviewer.agent.md")
    assert text == (
        "---\nname: reviewer\ndescription: Reviews pull requests.\ntools: Read, Glob, Grep, mcp__github\n"
        "model: sonnet\n---\n\nReview the pull request and report problems by severity.\n"
    )
    assert diagnostics == [
        ("model", Code.VALUE_APPROXIMATED),
        ("copilot.tools", Code.FIELD_DROPPED),
        ("copilot.argument-hint", Code.FIELD_DROPPED),
    ]


def test_copilot_to_opencode() -> None:
    text, diagnostics = convert(REVIEWER, "copilot", "opencode", ".github/agents/reviewer.agent.md")
    assert text == (
        "---\ndescription: Reviews pull requests.\nmodel: github-copilot/claude-sonnet-4.5\npermission:\n"
        '  "*": deny\n  read: allow\n  glob: allow\n  grep: allow\n  github_*: allow\n---\n\n'
        "Review the pull request and report problems by severity.\n"
    )
    assert diagnostics == [("copilot.tools", Code.FIELD_DROPPED), ("copilot.argument-hint", Code.FIELD_DROPPED)]


def test_claude_to_copilot() -> None:
    text, diagnostics = convert(FIXER_CLAUDE, "claude", "copilot")
    assert text == (
        "---\nname: fixer\ndescription: Fixes failing tests.\ntools:\n  - read\n  - edit\n  - execute\n"
        "  - search\nmodel: Claude Sonnet 4.5\n---\n\nFix the failing test, then run the suite.\n"
    )
    assert diagnostics == [("model", Code.VALUE_APPROXIMATED), ("mode", Code.VALUE_APPROXIMATED)]


def test_opencode_to_copilot_lists_every_tool_the_rules_do_not_deny() -> None:
    text, diagnostics = convert(PLANNER_OPENCODE, "opencode", "copilot", ".opencode/agents/planner.md")
    assert text == (
        "---\nname: planner\ndescription: Plans work without touching files.\ntools:\n  - read\n  - search\n"
        "  - web\n  - agent\n  - todo\nmodel: GPT-5\ndisable-model-invocation: true\n---\n\nWrite the plan.\n"
    )
    assert diagnostics == [("permission.*", Code.VALUE_APPROXIMATED)]


def test_copilot_to_chat_mode_reports_what_chat_modes_cannot_hold() -> None:
    path = FIXTURES / "copilot/.github/agents/planner.agent.md"
    text, diagnostics = convert(agentport.api.read_text(path), "copilot", "copilot-chatmode", relative(path))
    assert text.startswith(
        "---\ndescription: Produce an implementation plan without editing code.\ntools:\n  - read\n  - search\n"
        "  - web\n  - github/*\n  - githubRepo\nmodel: Claude Sonnet 4.5\n---\n"
    )
    assert diagnostics == [
        ("permission.websearch", Code.VALUE_APPROXIMATED),
        ("copilot.model", Code.FIELD_DROPPED),
        ("copilot.argument-hint", Code.FIELD_DROPPED),
        ("copilot.handoffs", Code.FIELD_DROPPED),
    ]


def test_chat_mode_to_copilot_keeps_its_extras() -> None:
    path = CHAT_MODES[0]
    agent = agentport.loads(agentport.api.read_text(path), path=relative(path))
    assert agent.source is not None and agent.source.dialect == "copilot-chatmode"
    assert agent.name == "plan"
    text = agentport.dumps(agent, "copilot")
    assert "tools:\n  - web\n  - search\n  - githubRepo\n  - usages\nmodel: Claude Sonnet 4\n" in text


# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("other", ["claude", "opencode", "copilot-chatmode"])
@pytest.mark.parametrize("path, dialect", FILES, ids=[p.name for p, _ in FILES])
def test_round_trips(path: Path, dialect: str, other: str) -> None:
    other = "copilot" if other == dialect else other
    text = agentport.api.read_text(path)
    assert_round_trip(text, dialect, other, relative(path))
    if other in ("claude", "opencode"):  # agents and chat modes keep each other's extras
        assert_losses_reported(text, dialect, other, relative(path))


@pytest.mark.parametrize("text, dialect", [(FIXER_CLAUDE, "claude"), (PLANNER_OPENCODE, "opencode")])
def test_round_trips_through_copilot(text: str, dialect: str) -> None:
    assert_round_trip(text, dialect, "copilot", f".{dialect}/agents/a.md")
    assert_losses_reported(text, dialect, "copilot", f".{dialect}/agents/a.md")


# --- fields ----------------------------------------------------------------------------------


def test_names_come_from_the_name_key_else_the_file() -> None:
    assert read("---\nname: Planner\n---\n", path=".github/agents/plan.agent.md")[0].name == "Planner"
    assert read("---\ndescription: d\n---\n", path=".github/agents/plan.agent.md")[0].name == "plan"
    assert read("---\ndescription: d\n---\n", path=".github/agents/notes.md")[0].name == "notes"
    agent, report = read("---\ndescription: d\n---\n")
    assert agent.name == "agent" and [d.code for d in report] == [Code.INVALID_INPUT]


@pytest.mark.parametrize(
    "model, expected, known",
    [
        ("Claude Sonnet 4.5", ModelRef("sonnet", "github-copilot", "claude-sonnet-4.5"), True),
        ("Claude Sonnet 4.5 (copilot)", ModelRef("sonnet", "github-copilot", "claude-sonnet-4.5"), True),
        ("claude-sonnet-4.5", ModelRef("sonnet", "github-copilot", "claude-sonnet-4.5"), True),
        ("GPT-5 mini", ModelRef(None, "github-copilot", "gpt-5-mini"), True),
        ("gpt-4.1", ModelRef(None, "github-copilot", "gpt-4.1"), True),
        ("Claude Opus 9", ModelRef("opus", "github-copilot", "claude-opus-9"), False),
        ("Llama 3 (ollama)", ModelRef(None, "ollama", "llama-3"), False),
    ],
)
def test_model_names(model: str, expected: ModelRef, known: bool) -> None:
    agent, report = read(f"---\nmodel: {model}\n---\n", path="a.agent.md")
    assert agent.model == expected
    assert [(d.code, d.severity) for d in report] == ([] if known else [(Code.UNKNOWN_MODEL, Severity.INFO)])
    assert agentport.dumps(agent.replace(description="d"), "copilot").endswith(f"model: {model}\ndescription: d\n---\n")


def test_a_model_list_keeps_its_fallbacks_for_copilot() -> None:
    agent, _ = read("---\ndescription: d\nmodel: ['GPT-5 (copilot)', 'Claude Opus 4.5']\n---\n", path="a.agent.md")
    assert agent.model == ModelRef(None, "github-copilot", "gpt-5")
    assert agent.extras["copilot"]["model"] == ["Claude Opus 4.5"]
    fresh = agentport.dumps(agent.replace(source=None), "copilot")
    assert "model:\n  - GPT-5 (copilot)\n  - Claude Opus 4.5\n" not in fresh  # spelling comes from the file only
    assert "model:\n  - GPT-5\n  - Claude Opus 4.5\n" in fresh


def test_an_unreadable_model_is_kept_as_written() -> None:
    agent, report = read("---\nmodel: GPT-4.1 | 'gpt-5'\n---\n", path="a.agent.md")
    assert agent.model is None and agent.extras["copilot"]["model"] == "GPT-4.1 | 'gpt-5'"
    assert [d.code for d in report] == [Code.INVALID_VALUE]


@pytest.mark.parametrize(
    "model, written, code",
    [
        ("sonnet", "Claude Sonnet 4.5", Code.VALUE_APPROXIMATED),
        ("claude-sonnet-4-5", "Claude Sonnet 4.5", None),  # the sonnet family's default: the same model
        ("claude-opus-4-1", "Claude Opus 4.5", Code.VALUE_APPROXIMATED),
        ("inherit", None, None),
    ],
)
def test_claude_models_in_copilot(model: str, written: str | None, code: Code | None) -> None:
    text, diagnostics = convert(f"---\nname: a\ndescription: d\nmodel: {model}\n---\n", "claude", "copilot")
    assert (f"model: {written}\n" in text) if written else ("model:" not in text)
    assert [c for field, c in diagnostics if field == "model"] == ([code] if code else [])


def test_tools_aliases_claude_names_vscode_tools_and_mcp() -> None:
    agent, report = read(
        "---\ntools: [Bash, edit/editFiles, codebase, read/problems, github/*, pg/query,"
        " ms-python.python/installPythonPackage, list_issues]\n---\n",
        path="a.agent.md",
    )
    assert agent.rules == (
        Rule("*", Action.DENY),
        Rule("bash", Action.ALLOW),
        Rule("edit", Action.ALLOW),
        Rule("mcp:github/*", Action.ALLOW),
        Rule("mcp:pg/query", Action.ALLOW),
    )
    assert agent.extras["copilot"]["tools"] == [
        "codebase", "read/problems", "ms-python.python/installPythonPackage", "list_issues",
    ]
    assert [(d.code, d.message.split("'")[1]) for d in report] == [
        (Code.UNKNOWN_TOOL, "ms-python.python/installPythonPackage"),
        (Code.UNKNOWN_TOOL, "list_issues"),
    ]


def test_every_tool_and_no_tool() -> None:
    assert read("---\ntools: ['*']\n---\n")[0].rules == ()
    assert read("---\ntools: []\n---\n")[0].rules == (Rule("*", Action.DENY),)


def test_agents_narrow_the_agent_tool() -> None:
    agent, _ = read("---\ntools: [agent]\nagents: [a, b]\n---\n")
    assert agent.rules[1:] == (Rule("task", Action.ALLOW, "a"), Rule("task", Action.ALLOW, "b"))
    claude, _ = convert("---\nname: x\ndescription: d\ntools: [agent]\nagents: [a, b]\n---\n", "copilot", "claude")
    assert "tools: Agent(a, b)\n" in claude
    assert read("---\nagents: [a]\n---\n")[0].extras["copilot"]["agents"] == ["a"]  # no agent tool: kept


def test_a_denied_capability_is_never_granted_through_a_shared_alias() -> None:
    claude = "---\nname: x\ndescription: d\ntools: Read, Edit\ndisallowedTools: Write\n---\n"
    text, diagnostics = convert(claude, "claude", "copilot")
    assert "tools:\n  - read\n---" in text
    assert ("permission.edit", Code.VALUE_APPROXIMATED) in diagnostics


def test_invocation_flags_are_mode_and_hidden() -> None:
    subagent, _ = read("---\nuser-invocable: false\ndisable-model-invocation: false\n---\n")
    assert (subagent.mode, subagent.hidden) == (Mode.SUBAGENT, True)
    primary, _ = read("---\ndisable-model-invocation: true\n---\n")
    assert (primary.mode, primary.hidden) == (Mode.PRIMARY, None)
    opencode, _ = convert("---\ndescription: d\nuser-invocable: false\n---\n", "copilot", "opencode", "a.agent.md")
    assert "mode: subagent\nhidden: true\n" in opencode


def test_mcp_servers_are_neutral_servers() -> None:
    path = FIXTURES / "copilot/.github/agents/db-helper.agent.md"
    agent = agentport.loads(agentport.api.read_text(path), "copilot", path=relative(path))
    (server,) = agent.mcp_servers or ()
    assert server.name == "dbtools" and server.config is not None and server.config["type"] == "stdio"
    claude, _ = convert(agentport.api.read_text(path), "copilot", "claude", relative(path))
    assert "mcpServers:\n  - dbtools:\n      type: stdio\n      command: npx\n" in claude


# --- detection -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, dialect",
    [
        (".github/agents/plan.agent.md", "copilot"),
        ("repo/.github/agents/nested/plan.md", "copilot"),
        ("agents/plan.agent.md", "copilot"),
        (".github/chatmodes/plan.chatmode.md", "copilot-chatmode"),
        ("modes/plan.chatmode.md", "copilot-chatmode"),
    ],
)
def test_detected_by_path(path: str, dialect: str) -> None:
    assert agentport.detect(path=path) == dialect


@pytest.mark.parametrize(
    "frontmatter, dialect",
    [
        ("name: a\ndescription: d\ntools: ['read', 'search']", "copilot"),
        ("name: a\ndescription: d\ntools:\n  - codebase", "copilot"),
        ("name: a\ndescription: d\nmodel: GPT-4.1", "copilot"),
        ("name: a\ndescription: d\nargument-hint: a file", "copilot"),
        ("name: a\ndescription: d\ntools: Read, Grep", "claude"),
        ("name: a\ndescription: d\ntools: [Read, Grep]\nmodel: sonnet", "claude"),
        ("name: a\ndescription: d", "claude"),
    ],
)
def test_detected_by_content(frontmatter: str, dialect: str) -> None:
    assert agentport.detect(f"---\n{frontmatter}\n---\nx\n") == dialect
