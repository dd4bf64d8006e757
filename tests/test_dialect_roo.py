"""Roo Code custom modes (.roomodes, YAML or JSON): identity, merges, fileRegex, round trips, CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import agentport
import agentport.api
from agentport import Action, Code, ParseError, Report, Rule
from agentport.cli import cli
from agentport.globs import globs_for_regex, regex_for_globs
from agentport.model import ANY_TOOL

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

ROOMODES = FIXTURES / "roo" / ".roomodes"
CLAUDE_AGENTS = sorted((FIXTURES / "claude" / ".claude" / "agents").glob("*.md"))
OPENCODE_AGENTS = sorted((FIXTURES / "opencode" / ".opencode" / "agents").rglob("*.md"))
ALWAYS = [Rule(ANY_TOOL, Action.DENY), Rule("question", Action.ALLOW), Rule("todo", Action.ALLOW), Rule("task", Action.ALLOW)]
READ = [Rule(capability, Action.ALLOW) for capability in ("read", "grep", "glob", "list")]

JSON_MODES = """\
{
  "customModes": [
    {
      "slug": "reviewer",
      "name": "Reviewer",
      "roleDefinition": "You review code changes and never edit files.",
      "groups": ["read", "command", "mcp"]
    },
    {
      "slug": "docs",
      "name": "Docs",
      "roleDefinition": "You write docs.",
      "groups": ["read", ["edit", {"fileRegex": "\\\\.md$", "description": "Markdown only"}]]
    }
  ]
}
"""

JSON_ONE = """\
{
  "customModes": [
    {"slug": "planner", "name": "Planner", "roleDefinition": "You plan.", "groups": ["read"]}
  ]
}
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

FIXER_ROO = """\
  - slug: fixer
    name: Fixer
    roleDefinition: Fix the failing test, then run the suite.
    whenToUse: Fixes failing tests.
    groups:
      - read
      - edit
      - command
"""


def fixture_text() -> str:
    return agentport.api.read_text(ROOMODES)


def modes() -> list[agentport.Agent]:
    return agentport.loads_all(fixture_text(), "roo", path=".roomodes")


def one_mode_files() -> list[tuple[str, str]]:
    """Each mode of the fixture as a .roomodes of its own (the round-trip helpers read one)."""
    return [(agent.name, agentport.dumps_all([agent], "roo")) for agent in modes()]


def fixer() -> agentport.Agent:
    return agentport.loads(FIXER_CLAUDE, "claude", path=".claude/agents/fixer.md")


# --- identity and detection ------------------------------------------------------------------


def test_fixture_modes_write_back_byte_identical_together_and_one_by_one() -> None:
    text = fixture_text()
    agents = modes()
    assert [agent.name for agent in agents] == ["docs-writer", "reviewer", "test-fixer"]
    assert agentport.dumps_all(agents, "roo", existing=text) == text
    assert all(agentport.dumps(agent, "roo") == text for agent in agents)
    edited = [agents[0], agents[1].replace(description="Use after every change."), agents[2]]
    assert agentport.dumps_all(edited, "roo") == text.replace("Use after a change, before merging.", "Use after every change.")


@pytest.mark.parametrize(
    "text", [JSON_ONE, *(text for _, text in one_mode_files())], ids=["json", *(name for name, _ in one_mode_files())]
)
def test_one_mode_files_are_identities(text: str) -> None:
    validate_identity(text, "roo")


def test_json_modes_write_back_byte_identical() -> None:
    agents = agentport.loads_all(JSON_MODES, "roo")
    assert agentport.dumps_all(agents, "roo", existing=JSON_MODES) == JSON_MODES
    assert agentport.dumps_all(agents, "roo") == JSON_MODES


def test_crlf_and_byte_order_mark_survive_edits_and_additions() -> None:
    text = "\ufeff" + fixture_text().replace("\n", "\r\n")
    agents = agentport.loads_all(text, "roo")
    assert agentport.dumps_all(agents, "roo", existing=text) == text
    edited = agentport.dumps(agents[1].replace(description="Use after every change."), "roo")
    assert edited == text.replace("Use after a change, before merging.", "Use after every change.")
    merged = agentport.dumps_all([fixer()], "roo", existing=text)
    assert merged == text + "\r\n" + FIXER_ROO.replace("\n", "\r\n")


def test_detected_by_path_and_by_content() -> None:
    assert agentport.detect(path="some/project/.roomodes") == "roo"
    assert agentport.detect(fixture_text()) == "roo"
    assert agentport.detect(JSON_MODES) == "roo"


def test_a_file_of_several_modes_is_not_one_agent() -> None:
    report = Report(".roomodes")
    with pytest.raises(ParseError, match="3 modes"):
        agentport.loads(fixture_text(), "roo", path=".roomodes", report=report)
    assert [d.code for d in report] == [Code.INVALID_INPUT]


# --- reading ---------------------------------------------------------------------------------


def test_a_mode_reads_into_the_neutral_fields() -> None:
    docs = modes()[0]
    assert docs.description == "Use for writing or updating Markdown documentation."
    assert docs.prompt == "You are a technical writer who maintains project documentation.\n\nKeep sentences short; update the changelog."
    assert docs.mode is None  # a mode is both picked and delegated to: what no mode means
    globbed = [Rule(capability, Action.ALLOW, glob) for capability in ("edit", "write") for glob in ("*.md", "*.mdx")]
    assert docs.rules == (*ALWAYS, *READ, *globbed)
    assert docs.extras == {
        "roo": {
            "name": "📝 Docs Writer",
            "description": "Write and edit docs",
            "groups": [["edit", {"fileRegex": "\\.(md|mdx)$", "description": "Markdown files only"}]],
        }
    }


def test_native_groups_stay_for_roo_and_a_regex_without_a_glob_is_not_granted() -> None:
    text = "customModes:\n  - slug: ui\n    name: UI\n    roleDefinition: You style pages.\n    whenToUse: For CSS.\n    groups:\n      - browser\n      - - edit\n        - fileRegex: ^src/[a-z]+\\.css$\n"
    agent = validate_identity(text, "roo")
    assert agent.rules == tuple(ALWAYS)
    assert agent.extras["roo"]["groups"] == ["browser", ["edit", {"fileRegex": "^src/[a-z]+\\.css$"}]]
    result = agentport.convert(text, read="roo", write="claude")
    assert "tools: AskUserQuestion, TodoWrite, Agent\n" in result.text
    assert ("roo.groups", Code.FIELD_DROPPED) in [(d.field, d.code) for d in result.diagnostics]


def test_only_a_prompt_part_that_changed_moves() -> None:
    docs = modes()[0]
    edited = docs.replace(prompt=docs.prompt.replace("short", "very short"))
    assert "    customInstructions: Keep sentences very short; update the changelog.\n" in agentport.dumps(edited, "roo")


@pytest.mark.parametrize(
    "text, line",
    [
        ("customModes:\n  - slug: a\n   name: [\n", 3),
        ('{\n  "customModes": [\n    {"slug": "a",, "name": "A"}\n  ]\n}\n', 3),
        ("customModes: 3\n", 1),
        ("# modes\ncustomModes:\n  - just a string\n", 3),
    ],
    ids=["yaml", "json", "not-a-list", "not-a-mapping"],
)
def test_malformed_file_is_a_parse_error_naming_the_line(text: str, line: int) -> None:
    report = Report(".roomodes")
    with pytest.raises(ParseError):
        agentport.loads_all(text, "roo", path=".roomodes", report=report)
    assert [(d.code, d.line, d.path) for d in report] == [(Code.INVALID_INPUT, line, ".roomodes")]


# --- editing and adding modes in place -----------------------------------------------------------


def test_editing_one_mode_keeps_its_comments_and_order_and_every_other_byte() -> None:
    text = fixture_text()
    docs, reviewer, tester = modes()
    edited = reviewer.replace(description="Use after every change.", rules=(*ALWAYS, *READ))
    expected = text.replace("Use after a change, before merging.", "Use after every change.").replace(
        "      - command\n      - mcp\n", "      - mcp\n"
    )
    assert agentport.dumps_all([docs, edited, tester], "roo", existing=text) == expected


def test_a_mode_with_only_a_description_keeps_it_there_and_its_flow_style_groups() -> None:
    text = fixture_text()
    tester = modes()[2]
    assert tester.description == "Fix failing tests"
    edited = tester.replace(description="Fix tests that fail", rules=(*tester.rules, Rule("mcp:github/*", Action.ALLOW)))
    expected = text.replace("description: Fix failing tests\n", "description: Fix tests that fail\n").replace(
        "[read, edit, command, browser]  # every group but mcp", "[read, edit, browser, command, mcp] # every group but mcp"
    )
    assert agentport.dumps(edited, "roo") == expected


def test_adding_a_mode_keeps_the_others_byte_identical() -> None:
    text = fixture_text()
    report = Report()
    merged = agentport.dumps_all([fixer()], "roo", existing=text, report=report)
    assert merged == text + "\n" + FIXER_ROO
    assert agentport.dumps_all([fixer()], "roo", existing=merged) == merged  # converting again changes nothing


def test_json_modes_are_edited_and_added_in_json() -> None:
    docs = agentport.loads_all(JSON_MODES, "roo")[1]
    edited = agentport.dumps(docs.replace(prompt="You write great docs."), "roo")
    assert edited == JSON_MODES.replace("You write docs.", "You write great docs.")
    merged = agentport.dumps_all([fixer()], "roo", existing=JSON_MODES)
    assert merged == JSON_MODES.replace(
        "    }\n  ]\n}\n",
        """\
    },
    {
      "slug": "fixer",
      "name": "Fixer",
      "roleDefinition": "Fix the failing test, then run the suite.",
      "whenToUse": "Fixes failing tests.",
      "groups": [
        "read",
        "edit",
        "command"
      ]
    }
  ]
}
""",
    )


def test_a_mode_converted_again_replaces_its_earlier_conversion() -> None:
    first = agentport.dumps_all([fixer()], "roo", existing=fixture_text())
    renamed = fixer().replace(description="Fixes tests that fail.")
    again = agentport.dumps_all([renamed], "roo", existing=first)
    assert again == first.replace("whenToUse: Fixes failing tests.", "whenToUse: Fixes tests that fail.")


# --- writing from other dialects -----------------------------------------------------------------


def test_claude_agent_converts_exactly() -> None:
    result = agentport.convert(FIXER_CLAUDE, read="claude", write="roo", path=".claude/agents/fixer.md")
    assert result.text == "customModes:\n" + FIXER_ROO
    assert [(d.field, d.code) for d in result.diagnostics] == [
        ("permission.list", Code.VALUE_APPROXIMATED),
        ("permission", Code.VALUE_APPROXIMATED),
        ("mode", Code.VALUE_APPROXIMATED),
        ("model", Code.FIELD_DROPPED),
    ]


def test_path_patterns_become_a_file_regex_and_back() -> None:
    rules = (*ALWAYS, *READ, Rule("edit", Action.ALLOW, "docs/*"), Rule("write", Action.ALLOW, "docs/*"))
    text = agentport.dumps(agentport.Agent(name="docs", description="d", prompt="p", rules=rules), "roo")
    assert "      - - edit\n" not in text and "        - fileRegex: ^docs/\n" in text
    assert agentport.loads(text, "roo").rules == rules


@pytest.mark.parametrize(
    "regex, globs",
    [
        (r"\.md$", ["*.md"]),
        (r"\.(md|mdx)$", ["*.md", "*.mdx"]),
        (r"^docs/.*\.md$", ["docs/*.md"]),
        (r"^src/", ["src/*"]),
        (r"\.md$|\.txt$", ["*.md", "*.txt"]),
        (r"README", ["*README*"]),
        (r"\.(tsx?|css)$", None),
        (r"^[a-z]+\.md$", None),
        (r"\d+\.md$", None),
    ],
)
def test_file_regexes_become_globs_only_when_exact(regex: str, globs: list[str] | None) -> None:
    assert globs_for_regex(regex) == globs
    if globs is not None:
        assert globs_for_regex(regex_for_globs(globs)) == globs


# --- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("other", ["claude", "opencode"])
@pytest.mark.parametrize("name, text", one_mode_files(), ids=[name for name, _ in one_mode_files()])
def test_roo_round_trips(name: str, text: str, other: str) -> None:
    assert_round_trip(text, "roo", other, ".roomodes")
    assert_losses_reported(text, "roo", other, ".roomodes")


@pytest.mark.parametrize(
    "path, dialect",
    [(path, "claude") for path in CLAUDE_AGENTS] + [(path, "opencode") for path in OPENCODE_AGENTS],
    ids=[path.name for path in (*CLAUDE_AGENTS, *OPENCODE_AGENTS)],
)
def test_other_dialects_round_trip_through_roo(path: Path, dialect: str) -> None:
    where = path.relative_to(FIXTURES / dialect).as_posix()
    text = agentport.api.read_text(path)
    assert_round_trip(text, dialect, "roo", where)
    assert_losses_reported(text, dialect, "roo", where)


# --- command line ----------------------------------------------------------------------------------


def test_cli_merges_the_claude_fixtures_into_one_file_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    arguments = ["convert", str(FIXTURES / "claude" / ".claude" / "agents"), "--to", "roo", "-o", str(tmp_path)]
    first = CliRunner().invoke(cli, arguments, standalone_mode=False, catch_exceptions=False)
    assert first.return_value == 0 and "3 created" in first.stderr, first.stderr
    assert [path.name for path in tmp_path.iterdir()] == [".roomodes"]
    written = agentport.loads_all(agentport.api.read_text(tmp_path / ".roomodes"), "roo")
    assert sorted(agent.name for agent in written) == ["code-reviewer", "release-notes", "test-writer"]
    before = (tmp_path / ".roomodes").stat().st_mtime_ns
    second = CliRunner().invoke(cli, arguments, standalone_mode=False, catch_exceptions=False)
    assert second.return_value == 0 and "3 unchanged" in second.stderr, second.stderr
    assert (tmp_path / ".roomodes").stat().st_mtime_ns == before
