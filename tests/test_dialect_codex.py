"""OpenAI Codex custom agents (TOML): identity, in-place edits, permissions, round trips, CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import agentport
import agentport.api
from agentport import Action, Code, McpServer, ModelRef, ParseError, Report, Rule
from agentport.cli import cli

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

AGENTS = sorted((FIXTURES / "codex" / ".codex" / "agents").glob("*.toml"))
CLAUDE_AGENTS = sorted((FIXTURES / "claude" / ".claude" / "agents").glob("*.md"))
REVIEWER = FIXTURES / "codex" / ".codex" / "agents" / "reviewer.toml"
RESEARCHER = FIXTURES / "codex" / ".codex" / "agents" / "docs_researcher.toml"

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
mode: subagent
model: openai/gpt-5.1-codex
permission:
  edit: deny
  bash: ask
---

Write the plan.
Keep it short.
"""


def text_of(path: Path) -> str:
    return agentport.api.read_text(path)


def relative(path: Path) -> str:
    return path.relative_to(FIXTURES / "codex").as_posix()


def converted(text: str, read: str, write: str = "codex", path: str | None = None) -> tuple[str, list[tuple[str | None, Code]]]:
    result = agentport.convert(text, read=read, write=write, path=path)
    return result.text, [(d.field, d.code) for d in result.diagnostics]


# --- identity and detection ------------------------------------------------------------------


@pytest.mark.parametrize("path", AGENTS, ids=[p.name for p in AGENTS])
def test_fixtures_read_and_write_back_byte_identical(path: Path) -> None:
    validate_identity(text_of(path), "codex", relative(path))
    assert agentport.detect(path=relative(path)) == "codex"
    assert agentport.detect(text_of(path)) == "codex"


def test_crlf_and_byte_order_mark_survive_an_edit() -> None:
    text = "\ufeff" + text_of(REVIEWER).replace("\n", "\r\n")
    agent = validate_identity(text, "codex")
    edited = agentport.dumps(agent.replace(description="Reviews diffs."), "codex")
    assert edited == text.replace("Read-only reviewer for correctness and missing tests. Use after changes.", "Reviews diffs.")


# --- reading ---------------------------------------------------------------------------------


def test_reviewer_reads_into_the_neutral_fields() -> None:
    agent = agentport.loads(text_of(REVIEWER), "codex")
    assert agent.name == "reviewer"
    assert agent.prompt == "Review the diff. Report findings as a table: severity, file:line, problem, fix.\nNever modify files."
    assert agent.model == ModelRef(alias=None, provider="openai", id="gpt-5.3-codex")
    assert agent.rules == (Rule("edit", Action.DENY), Rule("write", Action.DENY))
    assert agent.extras == {"codex": {"nickname_candidates": ["Reviewer", "Critic"], "model_reasoning_effort": "high"}}


def test_untrusted_approval_asks_before_shell_commands_and_mcp_servers_take_the_neutral_shape() -> None:
    agent = agentport.loads(text_of(RESEARCHER), "codex")
    assert agent.rules == (Rule("bash", Action.ASK),)
    assert agent.mcp_servers == (
        McpServer("docs", {"command": "npx", "args": ["-y", "example-docs-mcp"], "enabled_tools": ["search", "fetch"]}),
        McpServer("tracker", {"url": "https://tracker.example.com/mcp", "headers": {"X-Team": "docs"}}),
    )
    assert agent.extras == {"codex": {"web_search": "live"}}


@pytest.mark.parametrize(
    "text, line",
    [
        ('name = "x"\ndescription = \n', 2),
        ('name = "x"\n[mcp_servers.a]\ncommand = "npx"\n[mcp_servers.a]\n', 4),
        ("name = 'x'\ndeveloper_instructions = '''\nnever closed\n", 3),
    ],
    ids=["missing-value", "duplicate-table", "unclosed-string"],
)
def test_malformed_toml_is_a_parse_error_naming_the_line(text: str, line: int) -> None:
    report = Report(".codex/agents/x.toml")
    with pytest.raises(ParseError) as raised:
        agentport.loads(text, "codex", path=".codex/agents/x.toml", report=report)
    (error,) = raised.value.diagnostics
    assert (error.code, error.line) == (Code.INVALID_INPUT, line)
    assert error.path == ".codex/agents/x.toml" and error.message.startswith("invalid TOML: ")


def test_diagnostics_name_the_line_of_the_key() -> None:
    text = 'name = "x"\ndescription = "d"\ndeveloper_instructions = """\nmodel = 3\n"""\nmodel = 3\n'
    report = Report()
    agentport.loads(text, "codex", report=report)
    assert [(d.field, d.line, d.code) for d in report] == [("model", 6, Code.INVALID_VALUE)]


# --- in-place edits ----------------------------------------------------------------------------


def test_edit_keeps_comments_order_and_quoting() -> None:
    agent = agentport.loads(text_of(REVIEWER), "codex")
    edited = agent.replace(description="Reviews diffs.", prompt="Review the diff.\nReport by severity.")
    assert agentport.dumps(edited, "codex") == """\
# Read-only reviewer: it reports findings and never edits.
name = "reviewer"
description = "Reviews diffs."
nickname_candidates = ["Reviewer", "Critic"]
model = "gpt-5.3-codex"
model_reasoning_effort = "high"  # thorough reviews are worth the wait
sandbox_mode = "read-only"
developer_instructions = '''
Review the diff.
Report by severity.
'''
"""


def test_edit_of_permissions_changes_only_their_keys_and_keeps_the_tables() -> None:
    agent = agentport.loads(text_of(RESEARCHER), "codex")
    edited = agent.replace(rules=(Rule("edit", Action.DENY), Rule("write", Action.DENY)))
    expected = text_of(RESEARCHER).replace('approval_policy = "untrusted"\nweb_search = "live"\n', 'web_search = "live"\n')
    expected = expected.replace("server.\"\n", 'server."\nsandbox_mode = "read-only"\n', 1)
    assert agentport.dumps(edited, "codex") == expected


def test_edit_inside_a_table_keeps_its_comment() -> None:
    agent = agentport.loads(text_of(RESEARCHER), "codex")
    servers = agent.mcp_servers
    assert servers is not None
    moved = McpServer("docs", {**servers[0].config, "command": "uvx"})  # type: ignore[dict-item]
    text = agentport.dumps(agent.replace(mcp_servers=(moved, servers[1])), "codex")
    assert text == text_of(RESEARCHER).replace('command = "npx"', 'command = "uvx"')


# --- writing from other dialects -----------------------------------------------------------------


def test_claude_agent_converts_exactly() -> None:
    text, diagnostics = converted(FIXER_CLAUDE, "claude", path=".claude/agents/fixer.md")
    assert text == """\
name = "fixer"
description = "Fixes failing tests."
developer_instructions = "Fix the failing test, then run the suite."
"""
    assert diagnostics == [("model", Code.FIELD_DROPPED), ("permission.*", Code.FIELD_DROPPED)]


def test_opencode_agent_converts_exactly() -> None:
    text, diagnostics = converted(PLANNER_OPENCODE, "opencode", path=".opencode/agents/planner.md")
    assert text == """\
name = "planner"
description = "Plans work without touching files."
model = "gpt-5.1-codex"
sandbox_mode = "read-only"
approval_policy = "untrusted"
developer_instructions = '''
Write the plan.
Keep it short.
'''
"""
    assert diagnostics == [("permission.bash", Code.VALUE_APPROXIMATED)]


def test_codex_agent_converts_exactly_to_opencode() -> None:
    text, diagnostics = converted(text_of(REVIEWER), "codex", "opencode", path=relative(REVIEWER))
    assert text == """\
---
description: Read-only reviewer for correctness and missing tests. Use after changes.
mode: subagent
model: openai/gpt-5.3-codex
permission:
  edit: deny
---

Review the diff. Report findings as a table: severity, file:line, problem, fix.
Never modify files.
"""
    assert diagnostics == [
        ("codex.nickname_candidates", Code.FIELD_DROPPED),
        ("codex.model_reasoning_effort", Code.FIELD_DROPPED),
    ]


def test_mcp_servers_go_to_claude_in_its_shape_and_come_back_as_written() -> None:
    claude = agentport.convert(text_of(RESEARCHER), read="codex", write="claude").text
    assert "      url: https://tracker.example.com/mcp\n      headers:\n        X-Team: docs\n" in claude
    back = agentport.convert(claude, read="claude", write="codex").text
    assert '[mcp_servers.tracker]\nurl = "https://tracker.example.com/mcp"\n\n[mcp_servers.tracker.http_headers]\n' in back


@pytest.mark.parametrize(
    "model, written, dropped",
    [
        (ModelRef(provider="openai", id="gpt-5.4"), 'model = "gpt-5.4"\n', False),
        (ModelRef(provider="ollama", id="qwen3-coder"), 'model = "qwen3-coder"\nmodel_provider = "ollama"\n', False),
        (ModelRef(alias="sonnet", provider="anthropic", id="claude-sonnet-4-5"), "", True),
        (ModelRef(alias="opus"), "", True),
        (ModelRef(alias="inherit"), "", False),
    ],
    ids=["openai", "ollama", "anthropic", "alias", "inherit"],
)
def test_models_are_written_only_where_codex_can_serve_them(model: ModelRef, written: str, dropped: bool) -> None:
    report = Report()
    text = agentport.dumps(agentport.Agent(name="a", description="d", prompt="p", model=model), "codex", report=report)
    assert text == f'name = "a"\ndescription = "d"\n{written}developer_instructions = "p"\n'
    assert [d.field for d in report] == (["model"] if dropped else [])


def test_a_missing_description_is_taken_from_the_prompt() -> None:
    report = Report()
    text = agentport.dumps(agentport.Agent(name="a", prompt="Summarise the change.\nBe brief."), "codex", report=report)
    assert 'description = "Summarise the change."\n' in text
    assert [(d.field, d.code) for d in report] == [("description", Code.VALUE_APPROXIMATED)]


# --- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("other", ["claude", "opencode"])
@pytest.mark.parametrize("path", AGENTS, ids=[p.name for p in AGENTS])
def test_codex_round_trips(path: Path, other: str) -> None:
    assert_round_trip(text_of(path), "codex", other, relative(path))
    assert_losses_reported(text_of(path), "codex", other, relative(path))


@pytest.mark.parametrize("path", CLAUDE_AGENTS, ids=[p.name for p in CLAUDE_AGENTS])
def test_claude_round_trips_through_codex(path: Path) -> None:
    where = path.relative_to(FIXTURES / "claude").as_posix()
    assert_round_trip(text_of(path), "claude", "codex", where)
    assert_losses_reported(text_of(path), "claude", "codex", where)


@pytest.mark.parametrize("text, path", [(PLANNER_OPENCODE, ".opencode/agents/planner.md")])
def test_opencode_round_trips_through_codex(text: str, path: str) -> None:
    assert_round_trip(text, "opencode", "codex", path)
    assert_losses_reported(text, "opencode", "codex", path)


# --- command line ----------------------------------------------------------------------------------


def test_cli_converts_the_claude_fixtures_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    arguments = ["convert", str(FIXTURES / "claude" / ".claude" / "agents"), "--to", "codex", "-o", str(tmp_path)]
    first = CliRunner().invoke(cli, arguments, standalone_mode=False, catch_exceptions=False)
    assert first.return_value == 0 and "3 created" in first.stderr, first.stderr
    written = sorted(p.name for p in (tmp_path / ".codex" / "agents").iterdir())
    assert written == ["code-reviewer.toml", "release-notes.toml", "test-writer.toml"]
    for name in written:
        agentport.load(tmp_path / ".codex" / "agents" / name)  # each reads back as Codex
    second = CliRunner().invoke(cli, arguments, standalone_mode=False, catch_exceptions=False)
    assert second.return_value == 0 and "3 unchanged" in second.stderr, second.stderr
