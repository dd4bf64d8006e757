"""OpenCode's opencode.json agent map: identity, in-place merges that keep every other byte,
{file:} prompts, round trips, exact conversions, malformed files, and the CLI into one file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import agentport
import agentport.api
from agentport import Action, Code, Mode, ParseError, Report, Rule
from agentport.cli import cli

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

CONFIG = FIXTURES / "opencode-json" / "opencode.json"
CLAUDE_AGENTS = sorted((FIXTURES / "claude" / ".claude" / "agents").glob("*.md"))
OPENCODE_AGENTS = sorted((FIXTURES / "opencode" / ".opencode" / "agents").rglob("*.md"))

SMALL_CLAUDE = """\
---
name: fixer
description: Fixes failing tests.
tools: Read, Edit, Bash(npm test:*)
model: sonnet
---

Fix the failing test, then run the suite.
"""

SMALL_OPENCODE_JSON = """\
{
  "$schema": "https://opencode.ai/config.json",
  "agent": {
    "fixer": {
      "description": "Fixes failing tests.",
      "mode": "subagent",
      "model": "anthropic/claude-sonnet-4-5",
      "prompt": "Fix the failing test, then run the suite.",
      "permission": {
        "*": "deny",
        "read": "allow",
        "edit": "allow",
        "bash": {
          "npm test*": "allow"
        }
      }
    }
  }
}
"""


def config_text() -> str:
    return agentport.api.read_text(CONFIG)


def agents() -> list[agentport.Agent]:
    return agentport.loads_all(config_text(), "opencode-json", path="opencode.json")


def one_agent_files() -> list[tuple[str, str]]:
    """Each agent of the fixture as a file of its own: the other settings and comments stay."""
    return [(agent.name, agentport.dumps_all([agent], "opencode-json")) for agent in agents()]


# --- reading and identity ------------------------------------------------------------------


def test_the_fixture_writes_back_byte_identical_whole_and_agent_by_agent() -> None:
    assert agentport.dumps_all(agents(), "opencode-json") == config_text()
    assert agentport.dumps_all(agents(), "opencode-json", existing=config_text()) == config_text()
    for _, text in one_agent_files():
        validate_identity(text, "opencode-json", "opencode.json")


def test_one_agent_alone_keeps_the_settings_and_its_comments() -> None:
    reviewer_only = dict(one_agent_files())["reviewer"]
    assert reviewer_only == config_text().replace(config_text()[config_text().index("    /* The docs") : config_text().index("  },\n  \"instructions\"")], "")
    assert '"instructions": ["CONTRIBUTING.md"]' in reviewer_only and "// Read-only reviewer" in reviewer_only


def test_an_agent_reads_into_the_neutral_fields() -> None:
    reviewer, docs = agents()
    assert (reviewer.name, reviewer.mode, reviewer.temperature, str(reviewer.model)) == (
        "reviewer", Mode.SUBAGENT, 0.1, "anthropic/claude-opus-4-5"
    )
    assert reviewer.prompt == "You review code. Report findings by severity; never edit files."
    assert reviewer.rules == (
        Rule("edit", Action.DENY), Rule("write", Action.DENY), Rule("bash", Action.ASK),
        Rule("bash", Action.ALLOW, "git diff*"), Rule("bash", Action.ALLOW, "git log*"), Rule("webfetch", Action.DENY),
    )
    assert (docs.mode, docs.max_turns, docs.color, docs.hidden) == (Mode.PRIMARY, 25, "blue", False)


def test_a_file_prompt_is_kept_as_written_and_reported_unresolved() -> None:
    report = Report("opencode.json")
    docs = agentport.loads_all(config_text(), "opencode-json", path="opencode.json", report=report)[1]
    assert docs.prompt == "{file:./prompts/docs-writer.md}"
    [unresolved] = [item for item in report if item.code is Code.UNRESOLVED_REFERENCE]
    assert (unresolved.field, unresolved.line) == ("prompt", 24)


def test_detected_by_path_and_by_content() -> None:
    text = config_text()
    assert agentport.detect(path="project/opencode.json") == "opencode-json"
    assert agentport.detect(path="opencode.jsonc") == "opencode-json"
    assert agentport.detect(text) == "opencode-json"
    assert agentport.detect(text.replace('  "$schema": "https://opencode.ai/config.json",\n', "")) == "opencode-json"


def test_a_file_of_several_agents_is_not_one_agent() -> None:
    with pytest.raises(ParseError) as failure:
        agentport.loads(config_text(), "opencode-json")
    assert "holds 2 agents (reviewer, docs-writer)" in failure.value.diagnostics[-1].message


@pytest.mark.parametrize(
    "text, message, line",
    [
        ('{\n  "agent": {\n    "a": { "mode": "all" }\n    "b": {}\n  }\n}\n', "expected ',' or '}' after a member, found '\"'", 4),
        ('{\n  "agent": {\n    "a": { "mode": "all", }\n  }\n', "unexpected end of text, expected '}'", 5),
        ('{\n  "agent": [\n  ]\n}\n', "'agent' holds agents by name: an object, not a list", 2),
        ('{\n  "agent": {\n    "a": "primary"\n  }\n}\n', "agent 'a' is an object of fields, not a string", 3),
        ('[1, 2]\n', "a opencode.json file holds a JSON object", 1),
    ],
)
def test_malformed_file_is_a_parse_error_naming_the_line(text: str, message: str, line: int) -> None:
    with pytest.raises(ParseError) as failure:
        agentport.loads_all(text, "opencode-json", path="opencode.json")
    [error] = failure.value.diagnostics
    assert (error.message.removeprefix("invalid JSON: "), error.line, error.path) == (message, line, "opencode.json")


# --- editing in place ----------------------------------------------------------------------


def test_editing_one_agent_keeps_comments_order_and_every_other_byte() -> None:
    reviewer, docs = agents()
    edited = reviewer.replace(description="Reviews every change", temperature=None, top_p=0.5)
    text = agentport.dumps_all([edited, docs], "opencode-json")
    assert text == config_text().replace(
        '"description": "Reviews changes for bugs and risky patterns"', '"description": "Reviews every change"'
    ).replace('      "temperature": 0.1,\n', "").replace(
        '        "webfetch": "deny"\n      }\n', '        "webfetch": "deny"\n      },\n      "top_p": 0.5\n'
    )


def test_a_changed_prompt_reference_and_a_changed_permission_move_only_themselves() -> None:
    reviewer, docs = agents()
    rules = tuple(rule for rule in reviewer.rules if rule.tool != "webfetch")
    text = agentport.dumps_all(
        [reviewer.replace(rules=rules), docs.replace(prompt="{file:./prompts/docs.md}")], "opencode-json"
    )
    assert text == config_text().replace("./prompts/docs-writer.md", "./prompts/docs.md").replace(
        '{ "*": "ask", "git diff*": "allow", "git log*": "allow" },\n        "webfetch": "deny"\n',
        '{ "*": "ask", "git diff*": "allow", "git log*": "allow" }\n',
    )


def test_merging_adds_new_agents_after_the_last_and_keeps_the_rest() -> None:
    fixer = agentport.loads(SMALL_CLAUDE, "claude")
    text = agentport.dumps_all([fixer], "opencode-json", existing=config_text())
    head, _, added = text.partition('      "hidden": false, // shown in the @ menu\n    },\n')
    assert config_text().startswith(head)
    assert added.startswith('    "fixer": {\n      "description": "Fixes failing tests.",\n')
    assert added.endswith('    },\n  },\n  "instructions": ["CONTRIBUTING.md"]\n}\n')
    assert [agent.name for agent in agentport.loads_all(text, "opencode-json")] == ["reviewer", "docs-writer", "fixer"]
    assert agentport.dumps_all([fixer], "opencode-json", existing=text) == text


def test_an_agent_converted_again_rewrites_only_the_fields_that_differ() -> None:
    text = config_text().replace('"temperature": 0.1', '"temperature": 0.7')
    reviewer = agents()[0].replace(source=None)
    assert agentport.dumps_all([reviewer], "opencode-json", existing=text) == config_text()


def test_two_agents_of_one_name_are_reported_and_the_last_one_kept() -> None:
    first = agentport.loads(SMALL_CLAUDE, "claude", path="a/.claude/agents/fixer.md")
    second = agentport.loads(SMALL_CLAUDE.replace("Fixes failing", "Repairs failing"), "claude", path="b/.claude/agents/fixer.md")
    report = Report()
    text = agentport.dumps_all([first, second], "opencode-json", report=report)
    assert [agent.description for agent in agentport.loads_all(text, "opencode-json")] == ["Repairs failing tests."]
    assert "two agents are named 'fixer': the one from b/.claude/agents/fixer.md replaces the other" in [
        item.message for item in report
    ]


def test_a_file_without_an_agent_map_gets_one() -> None:
    fixer = agentport.loads(SMALL_CLAUDE, "claude")
    text = agentport.dumps_all([fixer], "opencode-json", existing='{\n  "model": "x/y" // default\n}\n')
    assert text.startswith('{\n  "model": "x/y", // default\n  "agent": {\n    "fixer": {\n')
    assert agentport.loads(text, "opencode-json").name == "fixer"


# --- conversions -----------------------------------------------------------------------------


def test_small_claude_agent_converts_exactly_and_back() -> None:
    report = Report()
    fixer = agentport.loads(SMALL_CLAUDE, "claude", report=report)
    assert agentport.dumps(fixer, "opencode-json", report=report) == SMALL_OPENCODE_JSON
    assert [(item.code, item.field) for item in report] == [
        (Code.VALUE_APPROXIMATED, "model"),
        (Code.VALUE_APPROXIMATED, "permission.write"),  # OpenCode's edit covers write too
    ]
    back = agentport.loads(SMALL_OPENCODE_JSON, "opencode-json")
    assert agentport.dumps(back, "claude") == SMALL_CLAUDE.replace("Read, Edit,", "Read, Edit, Write,")


def test_markdown_agent_extras_travel_without_loss() -> None:
    path = FIXTURES / "opencode" / ".opencode" / "agents" / "docs-writer.md"
    report = Report()
    agent = agentport.loads(agentport.api.read_text(path), "opencode", path=".opencode/agents/docs-writer.md", report=report)
    text = agentport.dumps(agent, "opencode-json", report=report)
    assert '"reasoningEffort": "high"' in text and not report.has_losses
    back = agentport.loads(text, "opencode-json")
    assert agentport.dumps(back, "opencode") == agentport.dumps(agent.replace(source=None), "opencode")


@pytest.mark.parametrize("other", ["claude", "opencode"])
@pytest.mark.parametrize("name, text", one_agent_files(), ids=[name for name, _ in one_agent_files()])
def test_round_trips(name: str, text: str, other: str) -> None:
    assert_round_trip(text, "opencode-json", other, "opencode.json")
    assert_losses_reported(text, "opencode-json", other, "opencode.json")


@pytest.mark.parametrize(
    "path, dialect",
    [(path, "claude") for path in CLAUDE_AGENTS] + [(path, "opencode") for path in OPENCODE_AGENTS],
    ids=[path.name for path in (*CLAUDE_AGENTS, *OPENCODE_AGENTS)],
)
def test_other_dialects_round_trip_through_opencode_json(path: Path, dialect: str) -> None:
    where = path.relative_to(FIXTURES / dialect).as_posix()
    text = agentport.api.read_text(path)
    assert_round_trip(text, dialect, "opencode-json", where)
    assert_losses_reported(text, dialect, "opencode-json", where)


# --- command line --------------------------------------------------------------------------


def test_cli_converts_a_tree_into_one_file_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    arguments = ["convert", str(FIXTURES / "claude" / ".claude" / "agents"), "--to", "opencode-json", "-o", str(tmp_path)]
    first = CliRunner().invoke(cli, arguments, standalone_mode=False, catch_exceptions=False)
    assert first.return_value == 0 and "3 created" in first.stderr, first.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["opencode.json"]
    written = agentport.loads_all(agentport.api.read_text(tmp_path / "opencode.json"), "opencode-json")
    assert [agent.name for agent in written] == ["code-reviewer", "release-notes", "test-writer"]
    before = (tmp_path / "opencode.json").stat().st_mtime_ns
    second = CliRunner().invoke(cli, arguments, standalone_mode=False, catch_exceptions=False)
    assert second.return_value == 0 and "3 unchanged" in second.stderr, second.stderr
    assert (tmp_path / "opencode.json").stat().st_mtime_ns == before
