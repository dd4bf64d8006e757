"""Cursor subagents: identity, round trips, exact conversions, readonly as neutral rules."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentport
from agentport import Action, Code, ModelRef, Report, Rule
from agentport.api import read_text

from agents import assert_losses_reported, assert_round_trip, validate_identity
from conftest import FIXTURES

ROOT = FIXTURES / "cursor"
FILES = sorted(ROOT.glob(".cursor/agents/*.md"))
READONLY = (Rule("write", Action.DENY), Rule("edit", Action.DENY), Rule("notebook", Action.DENY), Rule("bash", Action.DENY))


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_fixtures_are_there() -> None:
    assert [path.name for path in FILES] == ["test-runner.md", "verifier.md"]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_reads_and_writes_back_byte_identical(path: Path) -> None:
    text = read_text(path)
    validate_identity(text, "cursor", relative(path))
    assert agentport.detect(text) == "cursor"
    assert agentport.detect(path=relative(path)) == "cursor"


def test_readonly_denies_file_changes_and_the_shell() -> None:
    verifier = agentport.loads(read_text(ROOT / ".cursor/agents/verifier.md"), "cursor")
    assert verifier.rules == READONLY and verifier.model == ModelRef(alias="fast")
    runner = agentport.loads(read_text(ROOT / ".cursor/agents/test-runner.md"), "cursor")
    assert runner.rules == () and runner.extras == {"cursor": {"is_background": True}}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
@pytest.mark.parametrize("other", ["claude", "opencode"])
def test_round_trips_keep_or_report(path: Path, other: str) -> None:
    text = read_text(path)
    assert_round_trip(text, "cursor", other, relative(path))
    assert_losses_reported(text, "cursor", other, relative(path))


CLAUDE_AGENT = """\
---
name: api-reviewer
description: Reviews API changes for breaking changes.
tools: Read, Grep, Glob
model: opus
---

Compare the API before and after the change and list every breaking change.
"""

CURSOR_AGENT = """\
---
name: api-reviewer
description: Reviews API changes for breaking changes.
model: claude-4.5-opus
readonly: true
---

Compare the API before and after the change and list every breaking change.
"""


def test_from_claude_exactly() -> None:
    result = agentport.convert(CLAUDE_AGENT, "claude", "cursor", path=".claude/agents/api-reviewer.md")
    assert result.text == CURSOR_AGENT
    assert [(item.code, item.field, item.line, item.message.split(":")[0]) for item in result.diagnostics] == [
        (Code.VALUE_APPROXIMATED, "model", 5, "'opus' written as Cursor's opus model, 'claude-4.5-opus'"),
        (Code.FIELD_DROPPED, "permission", 4, "read, glob, grep"),
        (Code.FIELD_DROPPED, "permission", 4, "list, webfetch, websearch, codesearch, task, todo, skill, question, lsp, "
         "external_directory, doom_loop, any other tool"),
    ]


def test_to_claude_exactly() -> None:
    result = agentport.convert(CURSOR_AGENT.replace("model: claude-4.5-opus\n", "is_background: true\n"), "cursor", "claude")
    assert result.text == CLAUDE_AGENT.replace("tools: Read, Grep, Glob\nmodel: opus\n", "disallowedTools: Write, Edit, NotebookEdit, Bash\n")
    assert [(item.code, item.field, item.line) for item in result.diagnostics] == [(Code.FIELD_DROPPED, "cursor.is_background", 4)]


def test_read_only_needs_file_changes_denied_and_narrows_the_rest() -> None:
    def readonly(opencode_permission: str) -> tuple[bool, list[tuple[str | None, str]]]:
        text = f"---\ndescription: R.\nmode: subagent\npermission:\n{opencode_permission}---\n\nR.\n"
        result = agentport.convert(text, "opencode", "cursor", path=".opencode/agents/r.md")
        return "readonly: true" in result.text, [(item.field, item.message.split(": ")[0]) for item in result.diagnostics]

    assert readonly("  edit: deny\n") == (True, [("permission", "notebook, bash")])
    assert readonly("  edit: deny\n  bash: deny\n") == (True, [("permission.notebook", "no rule written as 'deny'")])
    assert readonly("  bash: deny\n") == (False, [("permission.bash", "'deny' cannot be stated, the session's setting applies")])


def test_an_explicit_readonly_false_stays() -> None:
    text = CURSOR_AGENT.replace("readonly: true", "readonly: false")
    agent = agentport.loads(text, "cursor")
    assert agent.rules == ()
    assert agentport.dumps(agent.replace(description="Reviews APIs."), "cursor") == text.replace(
        "Reviews API changes for breaking changes.", "Reviews APIs."
    )
    assert agentport.dumps(agent.replace(rules=READONLY), "cursor") == CURSOR_AGENT


def test_invalid_values_are_reported_with_their_lines() -> None:
    text = "---\ndescription: R.\nmodel: 5\nreadonly: yes\n---\n\nR.\n"
    report = Report("bad.md")
    agent = agentport.loads(text, "cursor", path=".cursor/agents/checker.md", report=report)
    assert agent.name == "checker" and agent.rules == ()
    assert [(item.code, item.field, item.line) for item in report] == [
        (Code.INVALID_INPUT, "name", None),
        (Code.INVALID_VALUE, "readonly", 4),
        (Code.INVALID_VALUE, "model", 3),
    ]
    assert agentport.dumps(agent, "cursor") == text
